/*
 * img_worker_int.h - the worker's internals, shared by img_worker*.c.
 *
 *   img_worker.c         the loop: epoll, signals, timers, LLM glue, start-up,
 *                        shutdown
 *   img_worker_kafka.c   consumer and producer, rebalances, back-pressure,
 *                        offsets, producing results and dead letters
 *   img_worker_job.c     one message's state machine (img_wjob_t)
 *   img_worker_run.c     the pipeline of one request: engine, checkpoints,
 *                        usage events
 *   img_worker_offsets.c the pure offset bookkeeping
 *
 * Everything runs on the loop's thread; nothing here is thread-safe.
 */
#ifndef IMG_WORKER_INT_H
#define IMG_WORKER_INT_H

#include <json-c/json.h>
#include <librdkafka/rdkafka.h>
#include <stdbool.h>
#include <stdint.h>

#include "engine/img_engine.h"
#include "img_request.h"
#include "img_store.h"
#include "img_worker.h"
#include "img_worker_offsets.h"
#include "llm/img_llm.h"
#include "pipeline/img_pipeline.h"
#include "util/img_arena.h"
#include "util/img_log.h"

typedef struct img_worker img_worker_t;
typedef struct img_wjob img_wjob_t;

/* Where a job is in its life; each step is retried from the start when a
 * store call fails with IMG_ERR_RETRIABLE. */
typedef enum img_wjob_step {
    JOB_POISON = 0, /* store the dead letter (and rejection), then publish */
    JOB_AUTH,       /* authenticate the key */
    JOB_REJECT,     /* store the rejection, then publish it */
    JOB_CLAIM,      /* claim the request_id */
    JOB_RUN,        /* start the pipeline (from checkpoints) */
    JOB_RUNNING,    /* the pipeline works; its callbacks move on */
    JOB_FINISH,     /* store pending checkpoints and usage, then the result */
    JOB_PUBLISH,    /* produce the outgoing messages one after the other */
    JOB_DONE
} img_wjob_step_t;

/* A message to produce: results or dead letters. */
typedef struct img_out {
    const char *topic; /* borrowed from the config */
    char *key, *value;
    size_t key_len, value_len;
    rd_kafka_headers_t *hdrs; /* owned until produced */
} img_out_t;

struct img_wjob {
    img_worker_t *w;
    img_wjob_t *prev, *next; /* w->jobs */
    img_wjob_t *qnext;       /* w->queue_head: received, not dispatched */
    bool queued, dispatched;
    /* where the message came from */
    char *topic;
    int32_t partition;
    int64_t offset;
    uint64_t gen;          /* partition generation (img_wo) */
    char *value, *msg_key; /* value: the original bytes, kept for poison only */
    size_t value_len, msg_key_len;
    /* the key of the authorization header: wiped when the job ends */
    char api_key[260];
    bool has_key;
    img_request_t req;
    img_request_reason_t reason;
    char why[384];
    img_log_ctx_t ctx; /* request_id (or NULL), stage, attempt */
    char *tenant;
    img_wjob_step_t step;
    const char *reject_code;
    char reject_msg[256];
    int64_t retry_at; /* > 0: waiting until then */
    int retries;
    bool waiting_sibling; /* another job of this worker holds the same request_id */
    bool orphan;          /* its partition is gone: never marks an offset */
    bool fenced;          /* another worker took the request over */
    bool producing;       /* a message is in the producer */
    bool stop;            /* shutdown or fence: stop providers, wind down */
    bool in_step;         /* img_wjob_step() is on the stack */
    img_err_t last_err;   /* of the store call that made the step retry */
    /* claim and pipeline */
    bool holds_claim; /* claimed NEW/RESUME and not finished yet */
    int64_t epoch;
    int64_t renew_at;
    json_object *checkpoints;
    char as_of[8];
    img_arena_t *arena;
    img_analysis_t *analysis;
    img_pipeline_t *pipe;
    bool pipe_busy; /* the pipeline has not called on_done yet */
    const char *chain[IMG_STAGE__COUNT][IMG_CONFIG_MAX_CHAIN + 2];
    json_object *pending_ckpt[IMG_STAGE__COUNT]; /* stage outputs not stored yet */
    json_object *pending_usage;                  /* usage events not stored yet */
    json_object *result;                         /* the final document */
    const char *status;                          /* its status: succeeded, failed */
    const char *err_code;
    img_out_t out[2];
    size_t n_out, next_out;
};

struct img_worker {
    const img_config_t *cfg;
    char owner[160];
    img_request_limits_t limits;
    int ep, sig_fd, tick_fd;
    int cq_pipe[2], pq_pipe[2];
    rd_kafka_t *consumer, *producer;
    rd_kafka_queue_t *cq, *pq;
    img_store_t *store;
    img_tax_t *tax;
    img_llm_prices_t *prices;
    img_llm_plan_t plan;
    img_llm_t *llm[3];
    int llm_timer[3];
    img_wo_t wo;
    img_wjob_t *jobs; /* every live job */
    img_wjob_t *queue_head, *queue_tail;
    size_t n_jobs, n_dispatched;
    /* states */
    bool ready, draining, closing, consumer_closed, in_rebalance;
    int64_t drain_deadline;
    int signals;
    bool exit_now;
    int exit_code;
    bool db_down;
    int db_failures;
    bool more_consume;
    bool flow_dirty;
    bool fatal;      /* a fatal Kafka error: exit without committing */
    bool destroying; /* delivery reports are ignored */
};

/* ---- img_worker.c ---- */
int64_t img_worker_now(void);
/* Backoff for the n-th retry (1-based): 100 ms doubling to worker.retry_max, jittered. */
int img_worker_backoff_ms(const img_worker_t *w, int n);
/* Runs one iteration of the loop, waiting up to timeout_ms; consumer
 * events are only served when allow_consume (not inside a rebalance). */
void img_worker_loop_once(img_worker_t *w, int timeout_ms, bool allow_consume);
/* Marks the database as unreachable (pauses everything) or reachable again. */
void img_worker_db_state(img_worker_t *w, img_err_t err, const char *what, const char *why);

/* ---- img_worker_kafka.c ---- */
int img_kafka_setup(img_worker_t *w, char *errstr, size_t errstr_size);
/* Checks that librdkafka accepts the settings (kafka.* pass-through keys
 * included) without connecting; 0, or -1 with "kafka.<key>: reason". */
int img_kafka_check_config(const img_config_t *cfg, char *errstr, size_t errstr_size);
/* Checks the brokers answer and the requests topic exists (blocking, bounded). */
img_err_t img_kafka_probe(img_worker_t *w, int timeout_ms, char *errstr, size_t errstr_size);
/* Serves the consumer queue: messages become jobs, rebalances run. */
void img_kafka_consume(img_worker_t *w);
/* Serves the producer's delivery reports. */
void img_kafka_serve_producer(img_worker_t *w);
/* Produces job->out[job->next_out]; IMG_ERR_RETRIABLE when the queue is full. */
img_err_t img_kafka_produce(img_wjob_t *job, char *errstr, size_t errstr_size);
/* Stores the finished prefix of every partition (or one) as its offset. */
void img_kafka_store_offsets(img_worker_t *w, img_wo_part_t *only);
/* Applies img_wo_flow()'s decisions with pause/resume. */
void img_kafka_flow(img_worker_t *w);
/* Commits synchronously, closes the consumer, flushes the producer (bounded). */
void img_kafka_close(img_worker_t *w, int flush_ms);
void img_kafka_destroy(img_worker_t *w);
/* Builds a DLQ message for a poison job into job->out. */
void img_kafka_dead_letter_msg(img_wjob_t *job);
/* Builds a result message (key = request_id) for doc into job->out. */
void img_kafka_result_msg(img_wjob_t *job, json_object *doc);

/* ---- img_worker_job.c ---- */
/* A consumed message becomes a job (value copied); queued for dispatch. */
img_wjob_t *img_wjob_new(img_worker_t *w, const rd_kafka_message_t *rkm, uint64_t gen);
/* Starts queued jobs while capacity allows. */
void img_wjob_dispatch(img_worker_t *w);
/* Runs the job's steps until it waits on something. */
void img_wjob_step(img_wjob_t *job);
/* A produced message of the job was delivered (err 0) or failed. */
void img_wjob_delivered(img_wjob_t *job, rd_kafka_resp_err_t err);
/* Periodic work: retries that are due, lease renewals. */
void img_wjob_tick(img_worker_t *w, int64_t now);
/* Drops a queued job (its partition was revoked or the worker stops). */
void img_wjob_drop(img_wjob_t *job);
/* Stops a running job for shutdown: providers abandoned, freed when safe. */
void img_wjob_abandon(img_wjob_t *job);
/* Frees a job that has nothing in flight. */
void img_wjob_free(img_wjob_t *job);
/* Log context of a job. */
const img_log_ctx_t *img_wjob_ctx(img_wjob_t *job, const char *stage);

/* ---- img_worker_run.c ---- */
/* JOB_RUN: analysis, restore checkpoints, start the pipeline. */
img_err_t img_run_start(img_wjob_t *job, char *errstr, size_t errstr_size);
/* Stores pending checkpoints and usage; IMG_ERR_RETRIABLE keeps them. */
img_err_t img_run_flush(img_wjob_t *job, char *errstr, size_t errstr_size);
/* Releases the pipeline and analysis (abandoning a call in flight). */
void img_run_release(img_wjob_t *job);
/* Switches the rest of the pipeline to the offline analyst (no provider is
 * called any more): after a fence, at shutdown, over max_cost_usd. */
void img_run_offline_rest(img_wjob_t *job);

#endif
