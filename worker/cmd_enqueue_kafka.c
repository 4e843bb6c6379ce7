/*
 * The producer side of `imaginator enqueue` (cmd_enqueue_int.h): an idempotent librdkafka
 * producer and the table of messages, printed in input order as their delivery reports
 * arrive.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "cmd_enqueue_int.h"
#include "img_cli.h"

/* ---- the message table ---------------------------------------------------- */

size_t img_enq_add(img_enq_t *q, char *id)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        char **ids = realloc(q->ids, cap * sizeof(*ids));
        unsigned char *state = realloc(q->state, cap);
        int32_t *part = realloc(q->partition, cap * sizeof(*part));
        int64_t *off = realloc(q->offset, cap * sizeof(*off));
        if (ids)
            q->ids = ids;
        if (state)
            q->state = state;
        if (part)
            q->partition = part;
        if (off)
            q->offset = off;
        if (!ids || !state || !part || !off) {
            fputs("imaginator enqueue: out of memory\n", stderr);
            exit(EX_OSERR);
        }
        q->cap = cap;
    }
    q->ids[q->n] = id;
    q->state[q->n] = IMG_ENQ_PENDING;
    q->partition[q->n] = -1;
    q->offset[q->n] = -1;
    return q->n++;
}

void img_enq_free(img_enq_t *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->ids[i]);
    free(q->ids);
    free(q->state);
    free(q->partition);
    free(q->offset);
}

/* Prints the delivered prefix in input order (failed ones are skipped: the
 * final error line counts them). */
static void enq_print(img_enq_t *q)
{
    int printed = 0;
    while (q->next_print < q->n && q->state[q->next_print] != IMG_ENQ_PENDING) {
        size_t i = q->next_print++;
        if (q->state[i] != IMG_ENQ_DELIVERED)
            continue;
        if (q->raw)
            printf("%s %" PRId32 " %" PRId64 "\n", q->topic, q->partition[i], q->offset[i]);
        else
            printf("%s\n", q->ids[i]);
        printed = 1;
    }
    if (printed)
        fflush(stdout);
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    img_enq_t *q = opaque;
    size_t i = (size_t)(uintptr_t)msg->_private;
    if (i >= q->n)
        return;
    if (msg->err) {
        q->state[i] = IMG_ENQ_FAILED;
        q->failed++;
        if (!q->first_error[0])
            snprintf(q->first_error, sizeof(q->first_error), "%s", rd_kafka_err2str(msg->err));
    } else {
        q->state[i] = IMG_ENQ_DELIVERED;
        q->partition[i] = msg->partition;
        q->offset[i] = msg->offset;
        q->delivered++;
    }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    img_enq_t *q = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[200];
        rd_kafka_fatal_error(rk, buf, sizeof(buf));
        snprintf(q->last_error, sizeof(q->last_error), "fatal producer error: %s", buf);
        q->fatal = 1;
        return;
    }
    snprintf(q->last_error, sizeof(q->last_error), "%s", reason);
}

/* librdkafka's own log lines would interleave with ours; the final error line
 * carries the last client error instead. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {}

/* Sets one librdkafka property; prints the one error line. */
static int set_prop(rd_kafka_conf_t *conf, const char *label, const char *key, const char *val)
{
    char err[512];
    if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) == RD_KAFKA_CONF_OK)
        return EX_OK;
    img_cli_error("enqueue", "%s%s: %s", label, key, err);
    return EX_CONFIG;
}

int img_enq_producer_new(img_enq_t *q, const img_config_t *cfg, const img_enq_opts_t *o,
                         size_t largest)
{
    char err[512], val[32];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    size_t max_bytes = cfg->worker_max_message_bytes + 65536;
    if (largest + 65536 > max_bytes)
        max_bytes = largest + 65536;
    if (max_bytes < 1000000)
        max_bytes = 1000000;
    if (max_bytes > 1000000000)
        max_bytes = 1000000000;
    const char *set[][2] = {{"bootstrap.servers", o->brokers ? o->brokers : cfg->kafka_brokers},
                            {"enable.idempotence", "true"},
                            {"acks", "all"},
                            {"linger.ms", "5"},
                            {"client.id", "imaginator-enqueue"},
                            {"message.max.bytes", NULL},
                            {"message.timeout.ms", NULL}};
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
        const char *v = set[i][1];
        if (!strcmp(set[i][0], "message.max.bytes")) {
            snprintf(val, sizeof(val), "%zu", max_bytes);
            v = val;
        } else if (!strcmp(set[i][0], "message.timeout.ms")) {
            snprintf(val, sizeof(val), "%ld", o->timeout_s * 1000);
            v = val;
        }
        if (set_prop(conf, "", set[i][0], v) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    /* kafka.* keys of the config file (security settings...), then -X, win
     * over ours; consumer.* ones are the worker's consumer's only. */
    for (size_t i = 0; i < cfg->n_kafka_props; i++) {
        const char *k = cfg->kafka_props[2 * i], *v = cfg->kafka_props[2 * i + 1];
        if (!strncmp(k, "consumer.", 9))
            continue;
        if (!strncmp(k, "producer.", 9))
            k += 9;
        if (set_prop(conf, "kafka.", k, v) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    for (size_t i = 0; i < o->n_props; i++) {
        char key[256];
        const char *eq = strchr(o->props[i], '=');
        snprintf(key, sizeof(key), "%.*s", (int)(eq - o->props[i]), o->props[i]);
        if (set_prop(conf, "-X ", key, eq + 1) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    rd_kafka_conf_set_opaque(conf, q);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    q->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!q->rk) {
        img_cli_error("enqueue", "Kafka producer: %s", err);
        return EX_CONFIG; /* conf is destroyed by rd_kafka_new on failure */
    }
    return EX_OK;
}

/* Produces one message; waits while the local queue is full. Returns EX_OK
 * or EX_UNAVAILABLE (the one error line is printed by the caller). */
int img_enq_produce(img_enq_t *q, size_t index, const char *key, const void *value, size_t len,
                    const char *authorization)
{
    for (;;) {
        if (q->fatal)
            return EX_UNAVAILABLE;
        rd_kafka_resp_err_t err;
        if (authorization)
            err = rd_kafka_producev(
                q->rk, RD_KAFKA_V_TOPIC(q->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, len),
                RD_KAFKA_V_HEADER("authorization", authorization, -1),
                RD_KAFKA_V_OPAQUE((void *)(uintptr_t)index), RD_KAFKA_V_END);
        else
            err = rd_kafka_producev(
                q->rk, RD_KAFKA_V_TOPIC(q->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, len),
                RD_KAFKA_V_OPAQUE((void *)(uintptr_t)index), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            break;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            q->state[index] = IMG_ENQ_FAILED;
            q->failed++;
            if (!q->first_error[0])
                snprintf(q->first_error, sizeof(q->first_error), "%s", rd_kafka_err2str(err));
            return EX_OK; /* counted; the final line reports it */
        }
        rd_kafka_poll(q->rk, 100);
        enq_print(q);
    }
    rd_kafka_poll(q->rk, 0);
    enq_print(q);
    if ((index + 1) % 1000 == 0)
        fprintf(stderr, "imaginator enqueue: %zu sent, %zu delivered\n", index + 1, q->delivered);
    return EX_OK;
}

/* Waits for every delivery report (librdkafka gives up on a message after
 * message.timeout.ms, so this ends), prints the rest and the verdict. */
int img_enq_finish(img_enq_t *q, long timeout_s)
{
    time_t deadline = time(NULL) + timeout_s + 30;
    while (rd_kafka_outq_len(q->rk) > 0 && !q->fatal && time(NULL) < deadline) {
        rd_kafka_poll(q->rk, 100);
        enq_print(q);
    }
    rd_kafka_flush(q->rk, 0);
    enq_print(q);
    size_t missing = q->n - q->delivered;
    if (missing == 0)
        return EX_OK;
    const char *why = q->first_error[0] ? q->first_error : "no delivery report";
    if (q->fatal)
        why = q->last_error;
    if (q->last_error[0] && !q->fatal)
        img_cli_error("enqueue", "%zu of %zu messages not delivered: %s (last error: %s)", missing,
                      q->n, why, q->last_error);
    else
        img_cli_error("enqueue", "%zu of %zu messages not delivered: %s", missing, q->n, why);
    return EX_UNAVAILABLE;
}
