/*
 * The worker's Kafka side: a consumer (cooperative-sticky group member,
 * offsets stored by hand, auto-commit of what was stored) and an idempotent
 * producer, both served from the loop through their queues' io events.
 *
 * Rebalances run in the consumer's rebalance callback, from the loop: an
 * assignment starts tracking its partitions; a revocation stops dispatching
 * them (queued messages are dropped, they are delivered again to the new
 * owner), drains their requests in flight for up to worker.drain_timeout by
 * running the loop without consuming, stores and commits their finished
 * prefix, and only then gives them up. A lost assignment (session timeout)
 * is given up at once: the new owner has it already.
 */
#define _GNU_SOURCE /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "img_worker_int.h"
#include "pipeline/img_result.h"

#define CONSUME_BATCH 256

static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    img_log_level_t l = level <= 3   ? IMG_LOG_ERROR
                        : level == 4 ? IMG_LOG_WARN
                        : level <= 6 ? IMG_LOG_INFO
                                     : IMG_LOG_DEBUG;
    img_log_write(l, NULL, "kafka_log", "client=%s fac=%s %s", rd_kafka_name(rk), fac, buf);
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    img_worker_t *w = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[512];
        rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, buf, sizeof(buf));
        img_log_error(NULL, "kafka_fatal", "client=%s %s: %s", rd_kafka_name(rk),
                      rd_kafka_err2name(orig), buf);
        w->fatal = true;
        return;
    }
    img_log_warn(NULL,
                 err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN || err == RD_KAFKA_RESP_ERR__TRANSPORT
                     ? "kafka_unavailable"
                     : "kafka_error",
                 "client=%s %s: %s", rd_kafka_name(rk), rd_kafka_err2name(err), reason);
}

static void dr_msg_cb(rd_kafka_t *rk, const rd_kafka_message_t *rkm, void *opaque)
{
    img_worker_t *w = opaque;
    img_wjob_t *job = rkm->_private;
    if (w->destroying || !job)
        return;
    img_wjob_delivered(job, rkm->err);
}

/* Drops queued jobs of a revoked partition; running ones are drained. */
static void drop_queued(img_worker_t *w, const char *topic, int32_t partition)
{
    img_wjob_t *next;
    for (img_wjob_t *j = w->jobs; j; j = next) {
        next = j->next;
        if (j->queued && j->partition == partition && !strcmp(j->topic, topic))
            img_wjob_drop(j);
    }
}

static void orphan_running(img_worker_t *w, const char *topic, int32_t partition)
{
    for (img_wjob_t *j = w->jobs; j; j = j->next)
        if (j->partition == partition && !strcmp(j->topic, topic))
            j->orphan = true;
}

static bool all_drained(img_worker_t *w, rd_kafka_topic_partition_list_t *parts, int64_t now)
{
    for (int i = 0; i < parts->cnt; i++) {
        img_wo_part_t *p = img_wo_find(&w->wo, parts->elems[i].topic, parts->elems[i].partition);
        if (p && !img_wo_drained(p, now))
            return false;
    }
    return true;
}

static void revoke_parts(img_worker_t *w, rd_kafka_t *rk, rd_kafka_topic_partition_list_t *parts,
                         bool lost)
{
    int64_t now = img_worker_now();
    int64_t deadline = now + (lost || w->closing ? 0 : w->cfg->worker_drain_timeout_ms);
    for (int i = 0; i < parts->cnt; i++) {
        drop_queued(w, parts->elems[i].topic, parts->elems[i].partition);
        img_wo_revoke(&w->wo, parts->elems[i].topic, parts->elems[i].partition, deadline);
    }
    /* Drain: the loop runs, but does not consume (we are inside its poll). */
    w->in_rebalance = true;
    while (!lost && !all_drained(w, parts, img_worker_now()))
        img_worker_loop_once(w, 50, false);
    w->in_rebalance = false;
    size_t left = 0;
    rd_kafka_topic_partition_list_t *commit = rd_kafka_topic_partition_list_new(parts->cnt);
    for (int i = 0; i < parts->cnt; i++) {
        img_wo_part_t *p = img_wo_find(&w->wo, parts->elems[i].topic, parts->elems[i].partition);
        if (!p)
            continue;
        int64_t off;
        if (!lost && (img_wo_take_store(p, &off) || (off = p->stored) >= 0))
            rd_kafka_topic_partition_list_add(commit, p->topic, p->partition)->offset = off;
        left += p->pending;
        orphan_running(w, p->topic, p->partition);
        img_wo_remove(&w->wo, p);
    }
    if (commit->cnt) {
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(rk, commit);
        if (!err)
            err = rd_kafka_commit(rk, commit, 0);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
            img_log_warn(NULL, "commit_failed", "%s (the new owner resumes from checkpoints)",
                         rd_kafka_err2str(err));
    }
    rd_kafka_topic_partition_list_destroy(commit);
    for (int i = 0; i < parts->cnt; i++)
        img_log_info(NULL, "revoked", "topic=%s partition=%d lost=%s", parts->elems[i].topic,
                     (int)parts->elems[i].partition, lost ? "true" : "false");
    if (left && lost)
        img_log_warn(NULL, "partitions_lost",
                     "%zu requests in flight on partitions this worker no longer owns; their "
                     "results are left to the new owner if it fences them",
                     left);
    else if (left)
        img_log_warn(NULL, "drain_timeout",
                     "%zu requests still in flight on revoked partitions; they finish or resume "
                     "elsewhere from their checkpoints",
                     left);
    w->flow_dirty = true;
}

static void rebalance_cb(rd_kafka_t *rk, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t *parts, void *opaque)
{
    img_worker_t *w = opaque;
    bool coop = !strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE");
    rd_kafka_error_t *error = NULL;
    rd_kafka_resp_err_t rerr = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        for (int i = 0; i < parts->cnt; i++) {
            img_wo_part_t *p =
                img_wo_assign(&w->wo, parts->elems[i].topic, parts->elems[i].partition);
            p->paused = false;
            img_log_info(NULL, "assigned", "topic=%s partition=%d", p->topic, (int)p->partition);
        }
        if (coop)
            error = rd_kafka_incremental_assign(rk, parts);
        else
            rerr = rd_kafka_assign(rk, parts);
        w->flow_dirty = true;
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        revoke_parts(w, rk, parts, rd_kafka_assignment_lost(rk));
        if (coop)
            error = rd_kafka_incremental_unassign(rk, parts);
        else
            rerr = rd_kafka_assign(rk, NULL);
    } else {
        img_log_error(NULL, "rebalance_error", "%s", rd_kafka_err2str(err));
        rerr = rd_kafka_assign(rk, NULL);
    }
    if (error) {
        img_log_error(NULL, "rebalance_error", "%s", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    } else if (rerr) {
        img_log_error(NULL, "rebalance_error", "%s", rd_kafka_err2str(rerr));
    }
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS)
        img_kafka_flow(w);
}

static int set(rd_kafka_conf_t *conf, const char *k, const char *v, char *errstr, size_t n)
{
    char why[256];
    if (rd_kafka_conf_set(conf, k, v, why, sizeof(why)) != RD_KAFKA_CONF_OK) {
        snprintf(errstr, n, "kafka.%s: %s", k, why);
        return -1;
    }
    return 0;
}

/* kafka.* pass-through keys; "consumer." / "producer." prefixed ones only go
 * to that client. */
static int passthrough(const img_config_t *cfg, rd_kafka_conf_t *conf, const char *role,
                       char *errstr, size_t n)
{
    for (size_t i = 0; i < cfg->n_kafka_props; i++) {
        const char *k = cfg->kafka_props[2 * i], *v = cfg->kafka_props[2 * i + 1];
        if (!strncmp(k, "consumer.", 9) || !strncmp(k, "producer.", 9)) {
            if (strncmp(k, role, 9) != 0)
                continue;
            k += 9;
        }
        if (set(conf, k, v, errstr, n))
            return -1;
    }
    return 0;
}

static int make_pipe(int p[2])
{
    return pipe2(p, O_NONBLOCK | O_CLOEXEC);
}

int img_kafka_check_config(const img_config_t *cfg, char *errstr, size_t n)
{
    rd_kafka_conf_t *cc = rd_kafka_conf_new(), *pc = rd_kafka_conf_new();
    int bad = set(cc, "bootstrap.servers", cfg->kafka_brokers, errstr, n) ||
              set(cc, "group.id", cfg->kafka_group, errstr, n) ||
              (cfg->worker_instance_id && *cfg->worker_instance_id &&
               set(cc, "group.instance.id", cfg->worker_instance_id, errstr, n)) ||
              passthrough(cfg, cc, "consumer.", errstr, n) ||
              passthrough(cfg, pc, "producer.", errstr, n);
    rd_kafka_conf_destroy(cc);
    rd_kafka_conf_destroy(pc);
    return bad ? -1 : 0;
}

int img_kafka_setup(img_worker_t *w, char *errstr, size_t n)
{
    const img_config_t *cfg = w->cfg;
    char why[256];
    rd_kafka_conf_t *cc = rd_kafka_conf_new(), *pc = rd_kafka_conf_new();
    int bad = set(cc, "bootstrap.servers", cfg->kafka_brokers, errstr, n) ||
              set(cc, "group.id", cfg->kafka_group, errstr, n) ||
              set(cc, "client.id", w->owner, errstr, n) ||
              set(cc, "enable.auto.offset.store", "false", errstr, n) ||
              set(cc, "enable.auto.commit", "true", errstr, n) ||
              set(cc, "auto.offset.reset", "earliest", errstr, n) ||
              set(cc, "partition.assignment.strategy", "cooperative-sticky", errstr, n) ||
              set(cc, "queued.min.messages", "1000", errstr, n) ||
              set(cc, "log.queue", "true", errstr, n) ||
              (cfg->worker_instance_id && *cfg->worker_instance_id &&
               set(cc, "group.instance.id", cfg->worker_instance_id, errstr, n)) ||
              passthrough(cfg, cc, "consumer.", errstr, n) ||
              set(pc, "bootstrap.servers", cfg->kafka_brokers, errstr, n) ||
              set(pc, "client.id", w->owner, errstr, n) ||
              set(pc, "log.queue", "true", errstr, n) ||
              passthrough(cfg, pc, "producer.", errstr, n) ||
              /* after the pass-through: these two are not negotiable */
              set(pc, "enable.idempotence", "true", errstr, n) || set(pc, "acks", "all", errstr, n);
    if (bad) {
        rd_kafka_conf_destroy(cc);
        rd_kafka_conf_destroy(pc);
        return -1;
    }
    rd_kafka_conf_set_opaque(cc, w);
    rd_kafka_conf_set_opaque(pc, w);
    rd_kafka_conf_set_log_cb(cc, log_cb);
    rd_kafka_conf_set_log_cb(pc, log_cb);
    rd_kafka_conf_set_error_cb(cc, error_cb);
    rd_kafka_conf_set_error_cb(pc, error_cb);
    rd_kafka_conf_set_rebalance_cb(cc, rebalance_cb);
    rd_kafka_conf_set_dr_msg_cb(pc, dr_msg_cb);
    w->consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cc, why, sizeof(why));
    if (!w->consumer) {
        rd_kafka_conf_destroy(cc);
        rd_kafka_conf_destroy(pc);
        snprintf(errstr, n, "kafka consumer: %s", why);
        return -1;
    }
    w->producer = rd_kafka_new(RD_KAFKA_PRODUCER, pc, why, sizeof(why));
    if (!w->producer) {
        rd_kafka_conf_destroy(pc);
        snprintf(errstr, n, "kafka producer: %s", why);
        return -1;
    }
    rd_kafka_poll_set_consumer(w->consumer);
    rd_kafka_set_log_queue(w->consumer, NULL);
    rd_kafka_set_log_queue(w->producer, NULL);
    if (make_pipe(w->cq_pipe) || make_pipe(w->pq_pipe)) {
        snprintf(errstr, n, "pipe: %s", strerror(errno));
        return -1;
    }
    w->cq = rd_kafka_queue_get_consumer(w->consumer);
    w->pq = rd_kafka_queue_get_main(w->producer);
    rd_kafka_queue_io_event_enable(w->cq, w->cq_pipe[1], "c", 1);
    rd_kafka_queue_io_event_enable(w->pq, w->pq_pipe[1], "p", 1);
    return 0;
}

img_err_t img_kafka_probe(img_worker_t *w, int timeout_ms, char *errstr, size_t n)
{
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(w->consumer, w->cfg->kafka_requests_topic, NULL);
    rd_kafka_resp_err_t err = rd_kafka_metadata(w->consumer, 0, rkt, &md, timeout_ms);
    rd_kafka_topic_destroy(rkt);
    if (err)
        return img_err_set(IMG_ERR_RETRIABLE, errstr, n, "brokers %s: %s", w->cfg->kafka_brokers,
                           rd_kafka_err2str(err));
    img_err_t rc = IMG_OK;
    if (md->topic_cnt < 1 || md->topics[0].err)
        rc = img_err_set(IMG_ERR_PERMANENT, errstr, n,
                         "topic %s: %s (create it with `imaginator topics ensure`)",
                         w->cfg->kafka_requests_topic,
                         rd_kafka_err2str(md->topic_cnt ? md->topics[0].err
                                                        : RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART));
    rd_kafka_metadata_destroy(md);
    return rc;
}

void img_kafka_consume(img_worker_t *w)
{
    w->more_consume = false;
    for (int i = 0; i < CONSUME_BATCH; i++) {
        rd_kafka_message_t *rkm = rd_kafka_consumer_poll(w->consumer, 0);
        if (!rkm)
            return;
        if (rkm->err == RD_KAFKA_RESP_ERR__FATAL) { /* e.g. fenced static member */
            error_cb(w->consumer, rkm->err, rd_kafka_message_errstr(rkm), w);
            rd_kafka_message_destroy(rkm);
            return;
        }
        if (rkm->err) {
            if (rkm->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
                img_log_warn(NULL, "kafka_error", "%s", rd_kafka_message_errstr(rkm));
            rd_kafka_message_destroy(rkm);
            continue;
        }
        const char *topic = rd_kafka_topic_name(rkm->rkt);
        img_wo_part_t *p = img_wo_find(&w->wo, topic, rkm->partition);
        /* Not tracked (or stopping): not taken; it will be delivered again. */
        if (p && !p->revoking && !w->draining && img_wo_add(&w->wo, p, rkm->offset)) {
            img_wjob_new(w, rkm, p->gen);
            w->flow_dirty = true;
        }
        rd_kafka_message_destroy(rkm);
        if (w->fatal || w->exit_now)
            return;
    }
    w->more_consume = true;
}

void img_kafka_serve_producer(img_worker_t *w)
{
    rd_kafka_poll(w->producer, 0);
}

img_err_t img_kafka_produce(img_wjob_t *job, char *errstr, size_t n)
{
    img_out_t *o = &job->out[job->next_out];
    rd_kafka_headers_t *h = o->hdrs ? rd_kafka_headers_copy(o->hdrs) : NULL;
    rd_kafka_resp_err_t err = rd_kafka_producev(
        job->w->producer, RD_KAFKA_V_TOPIC(o->topic), RD_KAFKA_V_KEY(o->key, o->key_len),
        RD_KAFKA_V_VALUE(o->value, o->value_len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
        RD_KAFKA_V_HEADERS(h), RD_KAFKA_V_OPAQUE(job), RD_KAFKA_V_END);
    if (err) {
        if (h)
            rd_kafka_headers_destroy(h);
        return img_err_set(IMG_ERR_RETRIABLE, errstr, n, "produce to %s: %s", o->topic,
                           rd_kafka_err2str(err));
    }
    return IMG_OK;
}

void img_kafka_store_offsets(img_worker_t *w, img_wo_part_t *only)
{
    if (!w->consumer || w->consumer_closed)
        return;
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(only ? 1 : 8);
    for (size_t i = 0; i < w->wo.n; i++) {
        img_wo_part_t *p = w->wo.parts[i];
        int64_t off;
        if ((!only || p == only) && img_wo_take_store(p, &off))
            rd_kafka_topic_partition_list_add(l, p->topic, p->partition)->offset = off;
    }
    if (l->cnt) {
        rd_kafka_resp_err_t err = rd_kafka_offsets_store(w->consumer, l);
        if (err)
            img_log_debug(NULL, "offset_store", "%s", rd_kafka_err2str(err));
    }
    rd_kafka_topic_partition_list_destroy(l);
}

void img_kafka_flow(img_worker_t *w)
{
    if (!w->consumer || w->consumer_closed)
        return;
    size_t changes =
        img_wo_flow(&w->wo, (size_t)w->cfg->worker_max_inflight,
                    (size_t)w->cfg->worker_max_inflight_per_partition, w->draining || w->db_down);
    if (!changes)
        return;
    rd_kafka_topic_partition_list_t *pause = rd_kafka_topic_partition_list_new(4),
                                    *resume = rd_kafka_topic_partition_list_new(4);
    for (size_t i = 0; i < w->wo.n; i++) {
        img_wo_part_t *p = w->wo.parts[i];
        if (p->want_paused == p->paused)
            continue;
        rd_kafka_topic_partition_list_add(p->want_paused ? pause : resume, p->topic, p->partition);
        p->paused = p->want_paused;
    }
    if (pause->cnt)
        rd_kafka_pause_partitions(w->consumer, pause);
    if (resume->cnt) {
        rd_kafka_resume_partitions(w->consumer, resume);
        w->more_consume = true; /* messages may wait in the queue already */
    }
    img_log_debug(NULL, "flow", "paused=%d resumed=%d pending=%zu", pause->cnt, resume->cnt,
                  w->wo.pending);
    rd_kafka_topic_partition_list_destroy(pause);
    rd_kafka_topic_partition_list_destroy(resume);
}

void img_kafka_close(img_worker_t *w, int flush_ms)
{
    if (w->consumer && !w->consumer_closed) {
        img_kafka_store_offsets(w, NULL);
        w->closing = true;
        rd_kafka_resp_err_t err = rd_kafka_commit(w->consumer, NULL, 0);
        if (err && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
            img_log_warn(NULL, "commit_failed", "%s", rd_kafka_err2str(err));
        err = rd_kafka_consumer_close(w->consumer);
        if (err)
            img_log_warn(NULL, "consumer_close", "%s", rd_kafka_err2str(err));
        w->consumer_closed = true;
    }
    if (w->producer && flush_ms > 0 && rd_kafka_flush(w->producer, flush_ms))
        img_log_warn(NULL, "flush_timeout",
                     "%d messages not acknowledged; their requests are delivered again",
                     rd_kafka_outq_len(w->producer));
}

void img_kafka_destroy(img_worker_t *w)
{
    w->destroying = true;
    if (w->cq)
        rd_kafka_queue_destroy(w->cq);
    if (w->pq)
        rd_kafka_queue_destroy(w->pq);
    w->cq = w->pq = NULL;
    if (w->consumer)
        rd_kafka_destroy(w->consumer);
    if (w->producer) {
        rd_kafka_purge(w->producer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_destroy(w->producer);
    }
    w->consumer = w->producer = NULL;
    for (int i = 0; i < 2; i++) {
        if (w->cq_pipe[i] > 0)
            close(w->cq_pipe[i]);
        if (w->pq_pipe[i] > 0)
            close(w->pq_pipe[i]);
    }
}

/* ---- outgoing messages ---- */

static void header(rd_kafka_headers_t *h, const char *name, const char *value)
{
    rd_kafka_header_add(h, name, -1, value, -1);
}

void img_kafka_dead_letter_msg(img_wjob_t *job)
{
    img_worker_t *w = job->w;
    img_out_t *o = &job->out[job->n_out++];
    char num[32];
    o->topic = w->cfg->kafka_dlq_topic;
    if (job->msg_key) {
        o->key = malloc(job->msg_key_len + 1);
        memcpy(o->key, job->msg_key, job->msg_key_len);
        o->key_len = job->msg_key_len;
    }
    o->value = malloc(job->value_len + 1);
    memcpy(o->value, job->value, job->value_len);
    o->value_len = job->value_len;
    /* The original headers are not copied: they may carry credentials. */
    o->hdrs = rd_kafka_headers_new(8);
    header(o->hdrs, "x-imaginator-schema", "imaginator.dlq.v1");
    header(o->hdrs, "x-imaginator-reason", img_request_reason_code(job->reason));
    header(o->hdrs, "x-imaginator-error", job->why);
    header(o->hdrs, "x-imaginator-source-topic", job->topic);
    snprintf(num, sizeof(num), "%d", (int)job->partition);
    header(o->hdrs, "x-imaginator-source-partition", num);
    snprintf(num, sizeof(num), "%" PRId64, job->offset);
    header(o->hdrs, "x-imaginator-source-offset", num);
    if (job->req.has_request_id)
        header(o->hdrs, "x-imaginator-request-id", job->req.request_id);
    header(o->hdrs, "x-imaginator-worker", w->owner);
}

void img_kafka_result_msg(img_wjob_t *job, json_object *doc)
{
    img_out_t *o = &job->out[job->n_out++];
    o->topic = job->w->cfg->kafka_results_topic;
    o->key = strdup(job->req.request_id);
    o->key_len = strlen(o->key);
    o->value = img_result_to_string(doc, 0);
    o->value_len = strlen(o->value);
    json_object *st = NULL;
    json_object_object_get_ex(doc, "status", &st);
    o->hdrs = rd_kafka_headers_new(2);
    header(o->hdrs, "content-type", "application/json");
    header(o->hdrs, "x-imaginator-status", st ? json_object_get_string(st) : "unknown");
}
