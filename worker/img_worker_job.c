/*
 * One message's state machine (img_wjob_t): poison -> dead letter; else
 * authenticate -> claim -> run (img_worker_run.c) -> finish -> publish ->
 * done (offset). Each step makes its store calls synchronously; a step whose
 * store call finds the database unreachable is retried from its start after
 * a backoff (steps are idempotent: the store's writes are), and the worker
 * pauses its partitions meanwhile. Nothing is ever dead-lettered for an
 * infrastructure fault.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "img_worker_int.h"
#include "pipeline/img_result.h"

typedef enum step_rc { STEP_NEXT = 0, STEP_WAIT, STEP_RETRY } step_rc_t;

/* A store call failed: retry the step later. */
static step_rc_t store_failed(img_wjob_t *job, img_err_t err)
{
    job->last_err = err;
    return STEP_RETRY;
}

const img_log_ctx_t *img_wjob_ctx(img_wjob_t *job, const char *stage)
{
    job->ctx.stage = stage;
    return &job->ctx;
}

static void wipe_key(img_wjob_t *job)
{
    volatile char *p = job->api_key;
    for (size_t i = 0; i < sizeof(job->api_key); i++)
        p[i] = 0;
}

/* The key of the last `authorization` header (name case-insensitive). */
static void read_key(img_wjob_t *job, const rd_kafka_message_t *rkm)
{
    rd_kafka_headers_t *hdrs = NULL;
    if (rd_kafka_message_headers(rkm, &hdrs) != RD_KAFKA_RESP_ERR_NO_ERROR || !hdrs)
        return;
    const char *name;
    const void *val;
    size_t size;
    for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &size); i++)
        if (!strcasecmp(name, "authorization"))
            job->has_key = img_request_bearer(val, size, job->api_key, sizeof(job->api_key));
}

static void *memdup(const void *p, size_t n)
{
    char *q = malloc(n + 1);
    if (!q)
        abort();
    if (n)
        memcpy(q, p, n);
    q[n] = '\0';
    return q;
}

img_wjob_t *img_wjob_new(img_worker_t *w, const rd_kafka_message_t *rkm, uint64_t gen)
{
    img_wjob_t *job = calloc(1, sizeof(*job));
    if (!job)
        abort();
    job->w = w;
    job->topic = memdup(rd_kafka_topic_name(rkm->rkt), strlen(rd_kafka_topic_name(rkm->rkt)));
    job->partition = rkm->partition;
    job->offset = rkm->offset;
    job->gen = gen;
    job->value_len = rkm->payload ? rkm->len : 0;
    if (rkm->key) {
        job->msg_key = memdup(rkm->key, rkm->key_len);
        job->msg_key_len = rkm->key_len;
    }
    read_key(job, rkm);
    job->reason = img_request_parse(&job->req, rkm->payload ? rkm->payload : "", job->value_len,
                                    &w->limits, job->why, sizeof(job->why));
    /* The original bytes are kept only for a dead letter. */
    if (job->reason != IMG_REQ_OK)
        job->value = memdup(rkm->payload, job->value_len);
    job->ctx.request_id = job->req.has_request_id ? job->req.request_id : NULL;
    job->step = job->reason != IMG_REQ_OK ? JOB_POISON : JOB_AUTH;
    job->next = w->jobs;
    if (w->jobs)
        w->jobs->prev = job;
    w->jobs = job;
    w->n_jobs++;
    job->queued = true;
    if (w->queue_tail)
        w->queue_tail->qnext = job;
    else
        w->queue_head = job;
    w->queue_tail = job;
    img_log_info(img_wjob_ctx(job, NULL), "received", "topic=%s partition=%d offset=%lld bytes=%zu",
                 job->topic, (int)job->partition, (long long)job->offset, job->value_len);
    return job;
}

static void unqueue(img_wjob_t *job)
{
    img_worker_t *w = job->w;
    img_wjob_t **pp = &w->queue_head, *prev = NULL;
    while (*pp && *pp != job) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (*pp) {
        *pp = job->qnext;
        if (w->queue_tail == job)
            w->queue_tail = prev;
    }
    job->qnext = NULL;
    job->queued = false;
}

static void out_free(img_out_t *o)
{
    free(o->key);
    free(o->value);
    if (o->hdrs)
        rd_kafka_headers_destroy(o->hdrs);
    memset(o, 0, sizeof(*o));
}

void img_wjob_free(img_wjob_t *job)
{
    img_worker_t *w = job->w;
    if (job->queued)
        unqueue(job);
    if (job->prev)
        job->prev->next = job->next;
    else
        w->jobs = job->next;
    if (job->next)
        job->next->prev = job->prev;
    w->n_jobs--;
    if (job->dispatched)
        w->n_dispatched--;
    img_run_release(job);
    for (int st = 0; st < IMG_STAGE__COUNT; st++)
        json_object_put(job->pending_ckpt[st]);
    json_object_put(job->pending_usage);
    json_object_put(job->checkpoints);
    json_object_put(job->result);
    for (size_t i = 0; i < job->n_out; i++)
        out_free(&job->out[i]);
    img_request_clear(&job->req);
    wipe_key(job);
    free(job->tenant);
    free(job->topic);
    free(job->value);
    free(job->msg_key);
    free(job);
}

void img_wjob_drop(img_wjob_t *job)
{
    img_wo_forget(&job->w->wo, job->topic, job->partition, job->gen, job->offset);
    job->w->flow_dirty = true;
    img_log_debug(img_wjob_ctx(job, NULL), "dropped",
                  "partition=%d offset=%lld not started; it will be delivered again",
                  (int)job->partition, (long long)job->offset);
    img_wjob_free(job);
}

void img_wjob_abandon(img_wjob_t *job)
{
    job->stop = true;
    job->orphan = true;
    if (job->pipe && !job->w->db_down) {
        /* Keep what was paid for: checkpoints finished so far, best effort. */
        char why[256];
        if (img_run_flush(job, why, sizeof(why)) != IMG_OK)
            img_log_warn(img_wjob_ctx(job, NULL), "checkpoint_lost", "%s", why);
    }
    img_run_release(job);
    img_log_info(img_wjob_ctx(job, NULL), "abandoned",
                 "step=%d; the request resumes from its checkpoints on redelivery", (int)job->step);
    if (!job->producing)
        img_wjob_free(job);
    /* else freed when the delivery report comes (or at exit) */
}

void img_wjob_dispatch(img_worker_t *w)
{
    while (w->queue_head && !w->draining && !w->db_down &&
           w->n_dispatched < (size_t)w->cfg->worker_max_inflight) {
        img_wjob_t *job = w->queue_head;
        unqueue(job);
        job->dispatched = true;
        w->n_dispatched++;
        img_wjob_step(job);
    }
}

/* ---- steps ---- */

static void add_result_out(img_wjob_t *job, json_object *doc)
{
    if (job->req.has_request_id)
        img_kafka_result_msg(job, doc);
}

static step_rc_t step_poison(img_wjob_t *job, char *why, size_t n)
{
    img_worker_t *w = job->w;
    const char *code = img_request_reason_code(job->reason);
    img_err_t err = img_store_dead_letter(w->store, job->topic, job->partition, job->offset, code,
                                          job->why, job->value, job->value_len, why, n);
    if (err != IMG_OK)
        return store_failed(job, err);
    json_object *doc = NULL;
    if (job->req.has_request_id) {
        doc = img_result_error(job->req.request_id, "rejected", code, job->why);
        err = img_store_reject(w->store, job->req.request_id, NULL, doc, code, job->why, job->topic,
                               job->partition, job->offset, why, n);
        if (err != IMG_OK) {
            json_object_put(doc);
            return store_failed(job, err);
        }
    }
    img_log_warn(img_wjob_ctx(job, NULL), "dead_letter",
                 "reason=%s partition=%d offset=%lld error=\"%s\"", code, (int)job->partition,
                 (long long)job->offset, job->why);
    img_kafka_dead_letter_msg(job);
    if (doc)
        add_result_out(job, doc);
    json_object_put(doc);
    job->step = JOB_PUBLISH;
    return STEP_NEXT;
}

static void reject(img_wjob_t *job, const char *code, const char *fmt, ...) IMG_PRINTF(3, 4);
static void reject(img_wjob_t *job, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(job->reject_msg, sizeof(job->reject_msg), fmt, ap);
    va_end(ap);
    job->reject_code = code;
    job->step = JOB_REJECT;
}

static step_rc_t step_auth(img_wjob_t *job, char *why, size_t n)
{
    if (!job->has_key) {
        reject(job, "unauthorized",
               "missing or malformed authorization header (expected \"Bearer <key>\")");
        return STEP_NEXT;
    }
    img_auth_t auth = IMG_AUTH_UNKNOWN;
    char *tenant = NULL;
    img_err_t err = img_store_authenticate(job->w->store, job->api_key, &auth, &tenant, why, n);
    if (err != IMG_OK)
        return store_failed(job, err);
    wipe_key(job); /* not needed any more */
    job->has_key = false;
    free(job->tenant);
    job->tenant = tenant;
    switch (auth) {
    case IMG_AUTH_OK:
        job->step = JOB_CLAIM;
        break;
    case IMG_AUTH_OVER_BUDGET:
        reject(job, "budget_exceeded", "tenant %s has spent its monthly budget", tenant);
        break;
    case IMG_AUTH_REVOKED:
        reject(job, "unauthorized", "the API key is revoked");
        break;
    default:
        reject(job, "unauthorized", "unknown API key");
        break;
    }
    return STEP_NEXT;
}

static step_rc_t step_reject(img_wjob_t *job, char *why, size_t n)
{
    json_object *doc =
        img_result_error(job->req.request_id, "rejected", job->reject_code, job->reject_msg);
    img_err_t err =
        img_store_reject(job->w->store, job->req.request_id, job->tenant, doc, job->reject_code,
                         job->reject_msg, job->topic, job->partition, job->offset, why, n);
    if (err != IMG_OK) {
        json_object_put(doc);
        return store_failed(job, err);
    }
    img_log_warn(img_wjob_ctx(job, NULL), "rejected", "code=%s tenant=%s msg=\"%s\"",
                 job->reject_code, job->tenant ? job->tenant : "-", job->reject_msg);
    add_result_out(job, doc);
    json_object_put(doc);
    job->step = JOB_PUBLISH;
    return STEP_NEXT;
}

/* Another job of this worker holds the same request_id: claiming now would
 * fence it (same owner), so wait for it to finish. */
static bool sibling_holds(const img_wjob_t *job)
{
    for (const img_wjob_t *j = job->w->jobs; j; j = j->next)
        if (j != job && j->holds_claim && !strcmp(j->req.request_id, job->req.request_id))
            return true;
    return false;
}

static step_rc_t step_claim(img_wjob_t *job, char *why, size_t n)
{
    img_worker_t *w = job->w;
    if (sibling_holds(job)) {
        job->retry_at = img_worker_now() + 200;
        return STEP_WAIT;
    }
    img_claim_in_t in = {job->req.request_id, job->tenant, job->req.payload_sha256,
                         job->req.stored,     job->topic,  job->partition,
                         job->offset,         w->owner,    w->cfg->worker_lease_ms};
    img_claim_out_t out;
    img_err_t err = img_store_claim(w->store, &in, &out, why, n);
    if (err != IMG_OK)
        return store_failed(job, err);
    job->ctx.attempt = out.attempts;
    switch (out.claim) {
    case IMG_CLAIM_NEW:
    case IMG_CLAIM_RESUME:
        job->epoch = out.epoch;
        json_object_put(job->checkpoints);
        job->checkpoints = out.checkpoints;
        out.checkpoints = NULL;
        job->holds_claim = true;
        job->renew_at = img_worker_now() + w->cfg->worker_lease_ms / 3;
        img_log_info(img_wjob_ctx(job, NULL), "claimed", "claim=%s epoch=%lld tenant=%s",
                     out.claim == IMG_CLAIM_NEW ? "new" : "resume", (long long)out.epoch,
                     job->tenant ? job->tenant : "-");
        job->step = JOB_RUN;
        break;
    case IMG_CLAIM_FINISHED:
        img_log_info(img_wjob_ctx(job, NULL), "republish",
                     "already final; publishing the stored result again");
        if (out.result)
            add_result_out(job, out.result);
        job->step = JOB_PUBLISH;
        break;
    case IMG_CLAIM_CONFLICT:
        reject(job, "conflict",
               "request_id was already used with a different payload; the first one stands");
        break;
    case IMG_CLAIM_BUSY:
    default:
        img_claim_out_clear(&out);
        img_log_debug(img_wjob_ctx(job, NULL), "busy", "another worker holds the lease");
        job->retries++;
        job->retry_at = img_worker_now() + img_worker_backoff_ms(w, job->retries + 3);
        return STEP_WAIT;
    }
    img_claim_out_clear(&out);
    return STEP_NEXT;
}

static step_rc_t step_run(img_wjob_t *job, char *why, size_t n)
{
    img_err_t err = img_run_start(job, why, n);
    if (err == IMG_ERR_RETRIABLE)
        return store_failed(job, err);
    if (err != IMG_OK) {
        /* The engine refused the documents (whitespace only...): a final failure. */
        const char *code = err == IMG_ERR_PERMANENT ? "invalid_input" : "internal_error";
        img_log_warn(img_wjob_ctx(job, NULL), "failed", "code=%s error=\"%s\"", code, why);
        json_object_put(job->result);
        job->result = img_result_error(job->req.request_id, "failed", code, why);
        job->status = "failed";
        job->err_code = code;
        job->step = JOB_FINISH;
        return STEP_NEXT;
    }
    return job->step == JOB_RUNNING ? STEP_WAIT : STEP_NEXT;
}

/* The result's error message, for the row. */
static const char *result_message(json_object *doc)
{
    json_object *e = NULL, *m = NULL;
    if (json_object_object_get_ex(doc, "error", &e) && json_object_object_get_ex(e, "message", &m))
        return json_object_get_string(m);
    return NULL;
}

static step_rc_t step_finish(img_wjob_t *job, char *why, size_t n)
{
    img_worker_t *w = job->w;
    img_err_t err = img_run_flush(job, why, n);
    if (err != IMG_OK)
        return store_failed(job, err);
    bool fenced = job->fenced;
    if (!fenced && job->result) {
        err = img_store_finish(w->store, job->req.request_id, job->epoch, job->status, job->result,
                               job->err_code, result_message(job->result), &fenced, why, n);
        if (err != IMG_OK)
            return store_failed(job, err);
    }
    img_run_release(job);
    job->holds_claim = false;
    if (fenced || !job->result) {
        /* Another worker owns the request now and will publish it. */
        job->fenced = true;
        img_log_warn(img_wjob_ctx(job, NULL), "fenced", "epoch=%lld; result left to the new owner",
                     (long long)job->epoch);
        job->step = JOB_DONE;
        return STEP_NEXT;
    }
    img_log_info(img_wjob_ctx(job, NULL), "finished", "status=%s", job->status);
    add_result_out(job, job->result);
    job->step = JOB_PUBLISH;
    return STEP_NEXT;
}

static step_rc_t step_publish(img_wjob_t *job, char *why, size_t n)
{
    if (job->producing)
        return STEP_WAIT;
    if (job->next_out >= job->n_out) {
        job->step = JOB_DONE;
        return STEP_NEXT;
    }
    if (img_kafka_produce(job, why, n) != IMG_OK) {
        img_log_warn(img_wjob_ctx(job, NULL), "produce_retry", "%s", why);
        job->retries++;
        job->retry_at = img_worker_now() + img_worker_backoff_ms(job->w, job->retries);
        return STEP_WAIT;
    }
    job->producing = true;
    return STEP_WAIT;
}

static void step_done(img_wjob_t *job)
{
    img_worker_t *w = job->w;
    if (!job->orphan && !w->consumer_closed &&
        img_wo_done(&w->wo, job->topic, job->partition, job->gen, job->offset)) {
        img_kafka_store_offsets(w, img_wo_find(&w->wo, job->topic, job->partition));
        w->flow_dirty = true;
    }
    img_log_debug(img_wjob_ctx(job, NULL), "done", "partition=%d offset=%lld", (int)job->partition,
                  (long long)job->offset);
}

void img_wjob_step(img_wjob_t *job)
{
    if (job->in_step || job->retry_at)
        return;
    job->in_step = true;
    char why[512];
    for (;;) {
        step_rc_t rc = STEP_WAIT;
        why[0] = '\0';
        switch (job->step) {
        case JOB_POISON:
            rc = step_poison(job, why, sizeof(why));
            break;
        case JOB_AUTH:
            rc = step_auth(job, why, sizeof(why));
            break;
        case JOB_REJECT:
            rc = step_reject(job, why, sizeof(why));
            break;
        case JOB_CLAIM:
            rc = step_claim(job, why, sizeof(why));
            break;
        case JOB_RUN:
            rc = step_run(job, why, sizeof(why));
            break;
        case JOB_RUNNING:
            rc = STEP_WAIT;
            break;
        case JOB_FINISH:
            rc = step_finish(job, why, sizeof(why));
            break;
        case JOB_PUBLISH:
            rc = step_publish(job, why, sizeof(why));
            break;
        case JOB_DONE:
            step_done(job);
            job->in_step = false;
            img_wjob_free(job);
            return;
        }
        if (rc == STEP_RETRY) {
            /* A store call failed: the database is down (or refused it). */
            job->retries++;
            job->retry_at = img_worker_now() + img_worker_backoff_ms(job->w, job->retries);
            img_worker_db_state(job->w, job->last_err, "store", why);
            break;
        }
        if (rc == STEP_WAIT)
            break;
        job->retries = 0;
        img_worker_db_state(job->w, IMG_OK, NULL, NULL);
    }
    job->in_step = false;
}

void img_wjob_delivered(img_wjob_t *job, rd_kafka_resp_err_t err)
{
    job->producing = false;
    if (job->stop && job->orphan) { /* abandoned at shutdown while producing */
        img_wjob_free(job);
        return;
    }
    if (err) {
        img_log_warn(img_wjob_ctx(job, NULL), "produce_failed", "%s; retrying",
                     rd_kafka_err2str(err));
        job->retries++;
        job->retry_at = img_worker_now() + img_worker_backoff_ms(job->w, job->retries);
        return;
    }
    img_out_t *o = &job->out[job->next_out];
    img_log_info(img_wjob_ctx(job, NULL), "published", "topic=%s", o->topic);
    out_free(o);
    job->next_out++;
    job->retries = 0;
    img_wjob_step(job);
}

void img_wjob_tick(img_worker_t *w, int64_t now)
{
    img_wjob_t *next;
    for (img_wjob_t *job = w->jobs; job; job = next) {
        next = job->next;
        if (job->queued)
            continue;
        if (job->holds_claim && job->step == JOB_RUNNING && !job->fenced && now >= job->renew_at) {
            char why[256];
            img_err_t err = img_store_renew(w->store, job->req.request_id, job->epoch,
                                            w->cfg->worker_lease_ms, why, sizeof(why));
            if (err == IMG_OK) {
                job->renew_at = now + w->cfg->worker_lease_ms / 3;
                img_worker_db_state(w, IMG_OK, NULL, NULL);
            } else if (err == IMG_ERR_RETRIABLE) {
                job->renew_at = now + 1000;
                img_worker_db_state(w, err, "renew", why);
            } else {
                job->fenced = true;
                img_log_warn(img_wjob_ctx(job, NULL), "fenced", "%s; winding down", why);
                img_run_offline_rest(job);
            }
        }
        if (job->retry_at && now >= job->retry_at) {
            job->retry_at = 0;
            img_wjob_step(job); /* may free job; next was saved */
        }
    }
}
