/*
 * img_llm.c - the per-call state machine: walk the chain, retry by the
 * providers' rules on timers, one repair for bad output, the breaker, the
 * stage deadline and the metering.
 *
 * Per provider in the chain (until "offline" or the end):
 *   - refused by its breaker -> failure "circuit open" (status 0), next provider;
 *   - up to 1 + max_retries HTTP attempts; a retriable failure waits
 *     retry-after-ms / retry-after, else exponential backoff, on a timer;
 *     a permanent one, or a wait that would pass the stage deadline, moves to
 *     the next provider at once;
 *   - a 2xx whose output is truncated, refused, not a JSON object, or rejected
 *     by the caller's validator gets ONE repair attempt on the same provider
 *     (the bad output and the reason are appended to the conversation), then
 *     the next provider.
 * No attempt starts after start + stage_deadline_ms; an attempt in flight gets
 * a transfer timeout of min(timeout_ms, time left).
 *
 * Breaker accounting: the breaker tracks whether a provider answers. Every
 * failed HTTP attempt counts as a failure (transport errors, timeouts, every
 * non-2xx status including 4xx: a revoked key or exhausted credit should take
 * the provider out of rotation too) and so does a 2xx body that is not the
 * provider's reply shape. Any well-formed 2xx reply counts as a success, even
 * when its output then fails validation: the provider is up, the output is
 * the model's problem, and the repair/fallback logic deals with it.
 *
 * Metering: every attempt's reported usage is billed, failed ones included
 * (truncated and refused replies carry usage). Each failures[] entry carries
 * its own attempt's tokens and cost; the outcome carries the sum over every
 * attempt on the provider that succeeded, its billed failed attempts and its
 * repair included (those attempts also appear in failures[]; to total a call,
 * add the outcome to the failures of the providers tried before it).
 */
#include "llm/img_llm_int.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "llm/img_llm_retry.h"
#include "util/img_log.h"

enum { ATT_STARTED, ATT_SKIP, ATT_FINISHED };

static int attempt(img_llm_job_t *job);
static void enter_provider(img_llm_job_t *job);

/* ------------------------------------------------------------------- helpers */

json_object *img_llm_json_parse(const char *data, size_t len, char *err, size_t err_size)
{
    while (len && (*data == ' ' || *data == '\t' || *data == '\r' || *data == '\n')) {
        data++;
        len--;
    }
    if (!len || len > INT32_MAX) {
        snprintf(err, err_size, "empty");
        return NULL;
    }
    json_tokener *tok = json_tokener_new_ex(64);
    if (!tok)
        abort();
    json_object *obj = json_tokener_parse_ex(tok, data, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj || jerr != json_tokener_success) {
        json_object_put(obj);
        snprintf(err, err_size, "%s",
                 jerr == json_tokener_continue ? "unexpected end of JSON"
                                               : json_tokener_error_desc(jerr));
        return NULL;
    }
    for (; used < len; used++)
        if (data[used] != ' ' && data[used] != '\t' && data[used] != '\r' && data[used] != '\n') {
            json_object_put(obj);
            snprintf(err, err_size, "trailing data after JSON");
            return NULL;
        }
    return obj;
}

int img_llm_max_tokens(const img_llm_job_t *job)
{
    return job->call.max_tokens > 0 ? job->call.max_tokens : job->llm->conf.max_tokens;
}

void img_llm_repair_prompt(const img_llm_job_t *job, img_buf_t *out)
{
    img_buf_printf(out,
                   "Your previous reply was not a valid %s object: %s. Reply again with one "
                   "complete JSON object that matches the schema exactly, shorter if it was "
                   "cut off, and nothing else.",
                   job->call.schema_name, job->repair_reason);
}

static img_llm_prov_t *find_prov(img_llm_t *llm, const char *name)
{
    for (size_t i = 0; i < llm->n_provs; i++)
        if (!strcmp(llm->provs[i].conf.name, name))
            return &llm->provs[i];
    return NULL;
}

static img_log_ctx_t log_ctx(const img_llm_job_t *job)
{
    img_log_ctx_t ctx = {job->call.log_request_id, job->call.stage, job->prov_attempts};
    return ctx;
}

/* Cost of one attempt's tokens on the current provider; NAN (warned once per
 * provider) when its model has no price. Nothing billed costs nothing. */
static double attempt_cost(img_llm_job_t *job, const img_llm_tokens_t *t)
{
    if (!t->input && !t->output && !t->cached && !t->cache_write)
        return 0.0;
    img_llm_prov_t *prov = job->prov;
    double c = img_llm_cost(job->llm->conf.prices, prov->conf.name, prov->conf.model, t);
    if (isnan(c) && !prov->price_warned) {
        prov->price_warned = true;
        img_log_ctx_t ctx = log_ctx(job);
        img_log_warn(&ctx, "llm_price_unknown",
                     "provider %s model %s has no price: cost reported as null", prov->conf.name,
                     prov->conf.model);
    }
    return c;
}

static void add_failure(img_llm_job_t *job, const char *provider, int status,
                        const img_llm_tokens_t *tokens, double cost, const char *fmt, ...)
    IMG_PRINTF(6, 7);

static void add_failure(img_llm_job_t *job, const char *provider, int status,
                        const img_llm_tokens_t *tokens, double cost, const char *fmt, ...)
{
    if (job->n_failures == job->cap_failures) {
        size_t cap = job->cap_failures ? job->cap_failures * 2 : 4;
        img_llm_failure_t *f = realloc(job->failures, cap * sizeof(*f));
        if (!f)
            abort();
        job->failures = f;
        job->cap_failures = cap;
    }
    img_llm_failure_t *f = &job->failures[job->n_failures++];
    memset(f, 0, sizeof(*f));
    f->provider = provider;
    f->status = status;
    if (tokens)
        f->tokens = *tokens;
    f->cost_usd = cost;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->error, sizeof(f->error), fmt, ap);
    va_end(ap);
    /* One line, whatever the provider wrote. */
    for (char *p = f->error; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';
}

static void free_job(img_llm_job_t *job)
{
    img_buf_free(&job->req);
    img_buf_free(&job->resp);
    free(job->repair_text);
    free(job->failures);
    free(job);
}

static void unlink_job(img_llm_job_t *job)
{
    img_llm_t *llm = job->llm;
    if (job->prev)
        job->prev->next = job->next;
    else
        llm->jobs = job->next;
    if (job->next)
        job->next->prev = job->prev;
    llm->n_jobs--;
}

/* Delivers the outcome and frees the job. output: owned, NULL when the chain
 * ended without one. */
static void finish(img_llm_job_t *job, json_object *output)
{
    img_llm_timer_clear(job);
    img_llm_http_release(job);
    unlink_job(job);

    int64_t now = img_llm_now_ms();
    img_llm_outcome_t oc;
    memset(&oc, 0, sizeof(oc));
    oc.output = output;
    oc.failures = job->failures;
    oc.n_failures = job->n_failures;
    oc.latency_ms = (double)(now - (job->first_send_ms ? job->first_send_ms : job->start_ms));
    if (output) {
        oc.provider = job->prov->conf.name;
        oc.model = job->prov->conf.model;
        oc.attempts = job->prov_attempts;
        oc.tokens = job->prov_tokens;
        oc.cost_usd = job->prov_cost;
        snprintf(oc.request_id, sizeof(oc.request_id), "%s", job->h_request_id);
    } else {
        oc.provider = "offline";
        oc.model = "offline";
        oc.cost_usd = 0.0;
    }
    img_log_ctx_t ctx = log_ctx(job);
    img_log_info(&ctx, "llm_outcome", "provider %s attempts %d failures %zu latency_ms %.0f",
                 oc.provider, oc.attempts, oc.n_failures, oc.latency_ms);
    job->done(job->opaque, &oc);
    json_object_put(oc.output); /* NULL when the callback took it */
    free_job(job);
}

/* ------------------------------------------------------------- state machine */

static void next_provider(img_llm_job_t *job)
{
    job->chain_pos++;
    enter_provider(job);
}

static void enter_provider(img_llm_job_t *job)
{
    if (!job->call.schema || !job->call.schema_name || !*job->call.schema_name) {
        add_failure(job, "offline", 0, NULL, 0.0, "call without a schema");
        finish(job, NULL);
        return;
    }
    for (;;) {
        const char *name = job->call.chain ? job->call.chain[job->chain_pos] : NULL;
        if (!name || !strcmp(name, "offline")) {
            finish(job, NULL);
            return;
        }
        img_llm_prov_t *prov = find_prov(job->llm, name);
        if (!prov) {
            add_failure(job, name, 0, NULL, 0.0, "provider not configured");
            job->chain_pos++;
            continue;
        }
        job->prov = prov;
        job->prov_attempts = job->prov_retries = 0;
        job->repair = false;
        free(job->repair_text);
        job->repair_text = NULL;
        job->repair_reason[0] = '\0';
        memset(&job->prov_tokens, 0, sizeof(job->prov_tokens));
        job->prov_cost = 0.0;
        job->h_request_id[0] = '\0';
        if (attempt(job) != ATT_SKIP)
            return;
        job->chain_pos++;
    }
}

/* Starts one HTTP attempt on the current provider. */
static int attempt(img_llm_job_t *job)
{
    img_llm_t *llm = job->llm;
    img_llm_prov_t *prov = job->prov;
    int64_t now = img_llm_now_ms();
    if (now >= job->deadline_ms) {
        add_failure(job, prov->conf.name, 0, NULL, 0.0, "stage deadline exceeded");
        finish(job, NULL);
        return ATT_FINISHED;
    }
    if (!prov->compatible && (!prov->conf.api_key || !*prov->conf.api_key)) {
        add_failure(job, prov->conf.name, 0, NULL, 0.0, "no API key");
        return ATT_SKIP;
    }
    if (!img_llm_breaker_allow(&prov->breaker, now)) {
        add_failure(job, prov->conf.name, 0, NULL, 0.0, "circuit open");
        return ATT_SKIP;
    }
    img_buf_clear(&job->req);
    prov->api->build(job, prov, &job->req);

    long timeout = llm->conf.timeout_ms;
    if (job->deadline_ms != INT64_MAX && job->deadline_ms - now < timeout)
        timeout = (long)(job->deadline_ms - now);
    char err[160];
    if (img_llm_http_send(job, timeout, err, sizeof(err)) != IMG_OK) {
        /* Out of resources in libcurl. Counted so a half-open probe slot is
         * not left taken forever. */
        img_llm_breaker_failure(&prov->breaker, now);
        add_failure(job, prov->conf.name, 0, NULL, 0.0, "%s", err);
        return ATT_SKIP;
    }
    job->prov_attempts++;
    if (!job->first_send_ms)
        job->first_send_ms = now;
    img_log_ctx_t ctx = log_ctx(job);
    img_log_debug(&ctx, "llm_attempt", "provider %s model %s bytes %zu timeout_ms %ld%s",
                  prov->conf.name, prov->conf.model, job->req.len, timeout,
                  job->repair ? " repair" : "");
    return ATT_STARTED;
}

/* After a retriable failure: wait on a timer, or give up on this provider. */
static void retry_or_next(img_llm_job_t *job)
{
    img_llm_t *llm = job->llm;
    if (job->prov_retries >= llm->conf.max_retries) {
        next_provider(job);
        return;
    }
    long wait =
        img_llm_retry_after_ms(job->h_retry_after_ms[0] ? job->h_retry_after_ms : NULL,
                               job->h_retry_after[0] ? job->h_retry_after : NULL, time(NULL));
    job->prov_retries++;
    if (wait < 0)
        wait = img_llm_backoff_ms(job->prov_retries, &llm->rng);
    int64_t due = img_llm_now_ms() + wait;
    img_log_ctx_t ctx = log_ctx(job);
    if (due >= job->deadline_ms) {
        /* Waiting would pass the deadline; the next provider may still make it. */
        img_log_info(&ctx, "llm_retry", "provider %s asked for %ld ms: past the stage deadline",
                     job->prov->conf.name, wait);
        next_provider(job);
        return;
    }
    img_log_debug(&ctx, "llm_retry", "provider %s retry %d in %ld ms", job->prov->conf.name,
                  job->prov_retries, wait);
    img_llm_timer_set(job, due, IMG_LLM_ACT_ATTEMPT);
}

/* Bad output: one repair on this provider, then the next one. */
static void repair_or_next(img_llm_job_t *job, char *text, const char *reason)
{
    if (job->repair) {
        free(text);
        next_provider(job);
        return;
    }
    job->repair = true;
    free(job->repair_text);
    if (text && strlen(text) > IMG_LLM_MAX_REPAIR_TEXT)
        text[IMG_LLM_MAX_REPAIR_TEXT] = '\0';
    job->repair_text = text;
    snprintf(job->repair_reason, sizeof(job->repair_reason), "%s", reason);
    if (attempt(job) == ATT_SKIP)
        next_provider(job);
}

static const char *transport_error(CURLcode rc, bool too_big)
{
    if (too_big || rc == CURLE_FILESIZE_EXCEEDED)
        return "response over 8 MiB";
    switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
        return "timeout";
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
        return "connection cut";
    case CURLE_SEND_ERROR:
        return "send failed";
    case CURLE_COULDNT_CONNECT:
        return "connection refused";
    case CURLE_COULDNT_RESOLVE_HOST:
        return "host not resolved";
    default:
        return curl_easy_strerror(rc);
    }
}

/* Reads a non-2xx body: the provider's error type (for classification) and
 * a one-line description. */
static void read_error(img_llm_job_t *job, long status, char *type, size_t type_size, char *line,
                       size_t line_size)
{
    char perr[64];
    type[0] = '\0';
    json_object *root = img_llm_json_parse(job->resp.data, job->resp.len, perr, sizeof(perr));
    json_object *e = NULL;
    if (!root || !json_object_object_get_ex(root, "error", &e)) {
        snprintf(line, line_size, "%ld %s", status, root ? "error" : "non-JSON body");
        json_object_put(root);
        return;
    }
    const char *message = NULL;
    if (json_object_is_type(e, json_type_object)) {
        json_object *v;
        /* OpenAI: code is the precise reason (insufficient_quota), type the family. */
        if (json_object_object_get_ex(e, "code", &v) && json_object_is_type(v, json_type_string))
            snprintf(type, type_size, "%s", json_object_get_string(v));
        if (!type[0] && json_object_object_get_ex(e, "type", &v) &&
            json_object_is_type(v, json_type_string))
            snprintf(type, type_size, "%s", json_object_get_string(v));
        if (json_object_object_get_ex(e, "message", &v) && json_object_is_type(v, json_type_string))
            message = json_object_get_string(v);
    } else if (json_object_is_type(e, json_type_string)) {
        message = json_object_get_string(e); /* some compatible servers */
    }
    /* Authentication messages may echo part of the key: keep them out. */
    if (status == 401 || status == 403)
        message = NULL;
    snprintf(line, line_size, "%ld %s%s%s", status, type[0] ? type : "error", message ? ": " : "",
             message ? message : "");
    json_object_put(root);
}

/* Adds an attempt's billed tokens and cost to the provider's meter. */
static double meter(img_llm_job_t *job, const img_llm_tokens_t *t)
{
    double cost = attempt_cost(job, t);
    job->prov_tokens.input += t->input;
    job->prov_tokens.cached += t->cached;
    job->prov_tokens.cache_write += t->cache_write;
    job->prov_tokens.output += t->output;
    job->prov_cost += cost;
    return cost;
}

/* Usage reported in an error reply the provider bills (img_llm_failure_billed). */
static void bill_error(img_llm_job_t *job, img_llm_tokens_t *t, double *cost)
{
    char perr[64];
    json_object *root = img_llm_json_parse(job->resp.data, job->resp.len, perr, sizeof(perr));
    if (!root)
        return;
    img_llm_reply_t r;
    memset(&r, 0, sizeof(r));
    job->prov->api->parse(root, job, &r);
    json_object_put(root);
    json_object_put(r.output);
    free(r.text);
    *t = r.tokens;
    *cost = meter(job, t);
}

void img_llm_job_on_done(img_llm_job_t *job, CURLcode rc)
{
    img_llm_prov_t *prov = job->prov;
    long status = 0;
    curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &status);
    img_llm_http_release(job);
    int64_t now = img_llm_now_ms();
    img_log_ctx_t ctx = log_ctx(job);

    if (rc != CURLE_OK) {
        bool too_big = job->too_big || rc == CURLE_FILESIZE_EXCEEDED;
        const char *why = transport_error(rc, job->too_big);
        img_llm_breaker_failure(&prov->breaker, now);
        add_failure(job, prov->conf.name, 0, NULL, 0.0, "%s", why);
        img_log_warn(&ctx, "llm_failure", "provider %s status 0 error \"%s\"", prov->conf.name,
                     why);
        img_llm_failure_info_t fi = {0, NULL, NULL};
        if (!too_big && img_llm_classify(&fi) == IMG_ERR_RETRIABLE)
            retry_or_next(job);
        else
            next_provider(job);
        return;
    }

    if (status < 200 || status > 299) {
        char type[64], line[160];
        read_error(job, status, type, sizeof(type), line, sizeof(line));
        img_llm_breaker_failure(&prov->breaker, now);
        img_llm_tokens_t billed = {0, 0, 0, 0};
        double bcost = 0.0;
        if (img_llm_failure_billed((int)status)) /* none today: the one place to change */
            bill_error(job, &billed, &bcost);
        add_failure(job, prov->conf.name, (int)status, &billed, bcost, "%s", line);
        img_log_warn(&ctx, "llm_failure", "provider %s status %ld error \"%s\" request_id %s",
                     prov->conf.name, status, line, job->h_request_id);
        img_llm_failure_info_t fi = {(int)status,
                                     job->h_should_retry[0] ? job->h_should_retry : NULL,
                                     type[0] ? type : NULL};
        if (img_llm_classify(&fi) == IMG_ERR_RETRIABLE)
            retry_or_next(job);
        else
            next_provider(job);
        return;
    }

    char perr[64];
    json_object *root = img_llm_json_parse(job->resp.data, job->resp.len, perr, sizeof(perr));
    img_llm_reply_t r;
    memset(&r, 0, sizeof(r));
    if (!root) {
        r.kind = IMG_LLM_REPLY_MALFORMED;
        snprintf(r.reason, sizeof(r.reason), "%ld non-JSON body", status);
    } else {
        prov->api->parse(root, job, &r);
        json_object_put(root);
    }
    if (r.kind == IMG_LLM_REPLY_MALFORMED) {
        img_llm_breaker_failure(&prov->breaker, now);
        add_failure(job, prov->conf.name, (int)status, NULL, 0.0, "%s", r.reason);
        img_log_warn(&ctx, "llm_failure", "provider %s status %ld error \"%s\"", prov->conf.name,
                     status, r.reason);
        free(r.text);
        next_provider(job);
        return;
    }
    img_llm_breaker_success(&prov->breaker);

    double cost = meter(job, &r.tokens); /* billed, whatever the output is worth */

    if (r.kind == IMG_LLM_REPLY_OK && !json_object_is_type(r.output, json_type_object)) {
        r.kind = IMG_LLM_REPLY_INVALID;
        snprintf(r.reason, sizeof(r.reason), "output is not a JSON object");
    }
    bool by_validator = false;
    if (r.kind == IMG_LLM_REPLY_OK && job->validate) {
        char verr[160] = "";
        if (job->validate(job->opaque, r.output, verr, sizeof(verr)) != IMG_OK) {
            r.kind = IMG_LLM_REPLY_INVALID;
            by_validator = true;
            snprintf(r.reason, sizeof(r.reason), "%s", verr[0] ? verr : "rejected by validator");
        }
    }
    if (r.kind == IMG_LLM_REPLY_OK) {
        finish(job, r.output);
        free(r.text);
        return;
    }
    if (r.output && !r.text) {
        const char *s = json_object_to_json_string_ext(
            r.output, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        r.text = strdup(s);
    }
    json_object_put(r.output);
    add_failure(job, prov->conf.name, -1, &r.tokens, cost, "%s", r.reason);
    /* A validator's reason may quote the document: it stays out of the logs. */
    img_log_warn(&ctx, "llm_failure", "provider %s status 200 error \"%s\" request_id %s",
                 prov->conf.name, by_validator ? "output rejected by validator" : r.reason,
                 job->h_request_id);
    repair_or_next(job, r.text, r.reason);
}

void img_llm_job_on_timer(img_llm_job_t *job)
{
    if (job->action == IMG_LLM_ACT_PROVIDER) {
        enter_provider(job);
        return;
    }
    if (attempt(job) == ATT_SKIP)
        next_provider(job);
}

/* ---------------------------------------------------------------- public API */

static img_err_t add_provider(img_llm_t *llm, const img_llm_provider_conf_t *pc, char *errstr,
                              size_t errstr_size)
{
    if (!pc->name)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "llm: provider without a name");
    if (!strcmp(pc->name, "offline"))
        return IMG_OK; /* the engine, never called here */
    img_llm_prov_t *prov = &llm->provs[llm->n_provs];
    const char *base = pc->base_url && *pc->base_url ? pc->base_url : NULL;
    const char *path;
    if (!strcmp(pc->name, "openai")) {
        prov->api = &img_llm_api_openai;
        base = base ? base : getenv("OPENAI_BASE_URL");
        base = base && *base ? base : "https://api.openai.com/v1";
        path = "/chat/completions";
    } else if (!strcmp(pc->name, "openai-compatible")) {
        prov->api = &img_llm_api_openai;
        prov->compatible = true;
        path = "/chat/completions";
        if (!base)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "llm: openai-compatible needs a base URL");
    } else if (!strcmp(pc->name, "anthropic")) {
        prov->api = &img_llm_api_anthropic;
        base = base ? base : getenv("ANTHROPIC_BASE_URL");
        base = base && *base ? base : "https://api.anthropic.com";
        path = "/v1/messages";
    } else {
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                           "llm: unknown provider \"%s\" (openai, anthropic, "
                           "openai-compatible, offline)",
                           pc->name);
    }
    if (!pc->model || !*pc->model)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "llm: provider %s has no model",
                           pc->name);
    for (size_t i = 0; i < llm->n_provs; i++)
        if (!strcmp(llm->provs[i].conf.name, pc->name))
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "llm: provider %s configured twice", pc->name);
    prov->conf = *pc;
    size_t bl = strlen(base);
    while (bl && base[bl - 1] == '/')
        bl--;
    img_buf_t url = IMG_BUF_INIT;
    img_buf_append(&url, base, bl);
    img_buf_puts(&url, path);
    prov->url = img_buf_detach(&url);

    /* Built once; shared read-only by every transfer of this provider. "Expect:"
     * keeps libcurl from waiting for 100 Continue on large bodies. */
    struct curl_slist *h = NULL;
    img_buf_t line = IMG_BUF_INIT;
    const char *key = pc->api_key && *pc->api_key ? pc->api_key : NULL;
    if (prov->api == &img_llm_api_openai) {
        if (key)
            img_buf_printf(&line, "Authorization: Bearer %s", key);
        h = curl_slist_append(h, "Content-Type: application/json");
    } else {
        if (key)
            img_buf_printf(&line, "x-api-key: %s", key);
        h = curl_slist_append(h, "anthropic-version: 2023-06-01");
        h = curl_slist_append(h, "content-type: application/json");
    }
    if (line.len)
        h = curl_slist_append(h, line.data);
    h = curl_slist_append(h, "Accept: application/json");
    h = curl_slist_append(h, "Expect:");
    if (line.len)
        memset(line.data, 0, line.len); /* no key copies left in our heap */
    img_buf_free(&line);
    if (!h)
        abort();
    prov->headers = h;
    img_llm_breaker_init(&prov->breaker, llm->conf.breaker_threshold,
                         llm->conf.breaker_cooldown_ms);
    llm->n_provs++;
    return IMG_OK;
}

img_err_t img_llm_new(img_llm_t **out, const img_llm_conf_t *conf, char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (conf->n_providers > 4)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "llm: at most 4 providers");
    img_llm_t *llm = calloc(1, sizeof(*llm));
    if (!llm)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
    llm->conf = *conf;
    /* Defaults for unset fields; max_retries 0 means none, negative the SDKs' 2. */
    if (llm->conf.timeout_ms <= 0)
        llm->conf.timeout_ms = 60000;
    if (llm->conf.max_retries < 0)
        llm->conf.max_retries = 2;
    if (llm->conf.breaker_threshold <= 0)
        llm->conf.breaker_threshold = 5;
    if (llm->conf.breaker_cooldown_ms <= 0)
        llm->conf.breaker_cooldown_ms = 30000;
    if (llm->conf.max_tokens <= 0)
        llm->conf.max_tokens = 4096;
    llm->rng = (uint32_t)time(NULL) ^ (uint32_t)(uintptr_t)llm;
    img_err_t err = img_llm_http_init(llm, errstr, errstr_size);
    for (size_t i = 0; err == IMG_OK && i < conf->n_providers; i++)
        err = add_provider(llm, &conf->providers[i], errstr, errstr_size);
    if (err != IMG_OK) {
        img_llm_destroy(llm);
        return err;
    }
    *out = llm;
    return IMG_OK;
}

void img_llm_destroy(img_llm_t *llm)
{
    if (!llm)
        return;
    llm->destroying = true; /* no loop callbacks from here on */
    while (llm->jobs) {
        img_llm_job_t *job = llm->jobs;
        img_llm_timer_clear(job);
        img_llm_http_release(job);
        unlink_job(job);
        free_job(job);
    }
    img_llm_http_fini(llm);
    for (size_t i = 0; i < llm->n_provs; i++) {
        free(llm->provs[i].url);
        curl_slist_free_all(llm->provs[i].headers);
    }
    free(llm);
}

void img_llm_run(img_llm_t *llm, const img_llm_call_t *call, img_llm_validate_cb validate,
                 img_llm_done_cb done, void *opaque)
{
    img_llm_job_t *job = calloc(1, sizeof(*job));
    if (!job)
        abort();
    job->llm = llm;
    job->call = *call;
    job->validate = validate;
    job->done = done;
    job->opaque = opaque;
    job->heap_idx = SIZE_MAX;
    job->start_ms = img_llm_now_ms();
    job->deadline_ms =
        llm->conf.stage_deadline_ms > 0 ? job->start_ms + llm->conf.stage_deadline_ms : INT64_MAX;
    job->next = llm->jobs;
    if (llm->jobs)
        llm->jobs->prev = job;
    llm->jobs = job;
    llm->n_jobs++;
    /* Even a chain that is "offline" at once answers from the loop, never from here. */
    img_llm_timer_set(job, job->start_ms, IMG_LLM_ACT_PROVIDER);
    img_llm_rearm(llm);
}

json_object *img_llm_outcome_take_output(img_llm_outcome_t *outcome)
{
    json_object *o = outcome->output;
    outcome->output = NULL;
    return o;
}

size_t img_llm_pending(const img_llm_t *llm)
{
    return llm->n_jobs;
}

const char *img_llm_breaker_of(const img_llm_t *llm, const char *provider)
{
    for (size_t i = 0; i < llm->n_provs; i++)
        if (!strcmp(llm->provs[i].conf.name, provider))
            return img_llm_breaker_state_name(llm->provs[i].breaker.state);
    return NULL;
}
