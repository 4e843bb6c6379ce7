/*
 * cmd_enqueue_int.h - the internals of `imaginator enqueue` (cmd_enqueue.c: options and
 * the three input modes; cmd_enqueue_kafka.c: the idempotent producer and the table of
 * messages whose delivery reports it waits for).
 *
 * Ownership: an img_enq_t is zeroed by the caller, filled by img_enq_add() and
 * img_enq_producer_new(), and released with img_enq_free() after rd_kafka_destroy(q->rk).
 * Single-threaded: delivery reports run inside img_enq_produce()/img_enq_finish().
 */
#ifndef CMD_ENQUEUE_INT_H
#define CMD_ENQUEUE_INT_H

#include <librdkafka/rdkafka.h>
#include <stddef.h>
#include <stdint.h>

#include "pipeline/img_config.h"

/* The parsed command line; strings borrowed from argv. */
typedef struct img_enq_opts {
    const char *resume, *job, *jsonl, *raw, *key, *request_id, *providers, *as_of, *topic;
    const char *config, *brokers;
    const char *props[64];
    size_t n_props;
    long count;
    long timeout_s;
} img_enq_opts_t;

enum { IMG_ENQ_PENDING = 0, IMG_ENQ_DELIVERED, IMG_ENQ_FAILED };

/* The messages of one run, by input index: ids for printing in input order. */
typedef struct img_enq {
    rd_kafka_t *rk;
    int raw;
    const char *topic;
    char **ids; /* request id per message (raw: NULL) */
    unsigned char *state;
    int32_t *partition;
    int64_t *offset;
    size_t n, cap;
    size_t next_print, delivered, failed;
    char first_error[256]; /* first failed delivery's reason */
    char last_error[256];  /* last client error (connection refused...) */
    int fatal;
} img_enq_t;

/* Appends a message slot (pending); takes ownership of id (may be NULL: --raw without
 * --request-id). Returns its index, the message's opaque for img_enq_produce(). */
size_t img_enq_add(img_enq_t *q, char *id);
/* Frees the table (not q->rk). */
void img_enq_free(img_enq_t *q);
/* Creates q->rk: an idempotent producer (acks=all) for cfg's brokers (or o->brokers), the
 * config file's kafka.* and o's -X properties, message.timeout.ms = o->timeout_s, and a
 * message.max.bytes that fits `largest`. EX_OK, or EX_CONFIG after one error line. */
int img_enq_producer_new(img_enq_t *q, const img_config_t *cfg, const img_enq_opts_t *o,
                         size_t largest);
/* Produces message `index` (key and header value may be NULL; the value is copied),
 * waiting while the local queue is full, and prints the ids delivered so far (input
 * order). A message librdkafka refuses at once is counted as failed. EX_OK, or
 * EX_UNAVAILABLE after a fatal producer error. */
int img_enq_produce(img_enq_t *q, size_t index, const char *key, const void *value, size_t len,
                    const char *authorization);
/* Waits for every delivery report (bounded by the message timeout), prints the remaining
 * ids, and returns EX_OK when all were delivered, else EX_UNAVAILABLE after one line
 * "N of M messages not delivered: reason". */
int img_enq_finish(img_enq_t *q, long timeout_s);

#endif
