/*
 * img_worker.h - the worker daemon (`imaginator worker`).
 *
 * One thread, one epoll loop that owns every file descriptor: the signalfd
 * (SIGTERM, SIGINT), the Kafka consumer's queue and the producer's delivery
 * reports (rd_kafka_queue_io_event_enable), the LLM clients' sockets and
 * timers (img_llm_loop_attach) and a periodic timerfd (retries, lease
 * renewal, drain deadlines, back-pressure). PostgreSQL calls are synchronous
 * short round trips (img_store) made from the loop.
 *
 * Per message: parse and validate (img_request) -> poison: dead letter
 * (store row, DLQ message, a rejected row and result when the id is valid)
 * -> authenticate the key of the `authorization` header -> claim the
 * request_id -> run the pipeline from its checkpoints, checkpointing each
 * stage under the lease epoch -> finish -> publish the result (key =
 * request_id) -> on delivery the message is done and the partition's
 * contiguous finished prefix is stored as its offset.
 *
 * Lifecycle lines for supervisors and tests: `event=ready` once PostgreSQL
 * and Kafka answered and the subscription is made; `event=drained` when a
 * shutdown finished. A first SIGTERM/SIGINT drains up to
 * worker.shutdown_timeout and returns 0; a second exits at once (128 +
 * signal) without committing anything unfinished.
 */
#ifndef IMG_WORKER_H
#define IMG_WORKER_H

#include "pipeline/img_config.h"

/* Runs the worker with cfg (borrowed for the call) until it is told to stop.
 * Returns a sysexits.h code: EX_OK after a drained shutdown, EX_CONFIG for
 * a configuration librdkafka or the store refuses (one line on stderr),
 * EX_TEMPFAIL when a fatal Kafka error (an instance id fenced by another
 * worker, a fatal idempotent-producer error) stopped it, EX_SOFTWARE on an
 * internal failure. Blocks; installs a signal mask for SIGTERM and SIGINT. */
int img_worker_run(const img_config_t *cfg);

#endif
