/*
 * img_pipeline.c - the three-stage runner on top of img_llm: a small state
 * machine per request (next stage, call in flight) driven by the client's
 * completions. See img_pipeline.h for the contract.
 *
 * Metering: a stage's usage entry names who wrote it (a provider, or
 * "offline"), and its tokens and cost are every token the providers billed
 * for that stage: the writer's attempts (repairs included) plus billed
 * failed attempts on providers that did not write it (a truncated reply
 * before a fallback), so usage.total_* accounts for every cent. Each failed
 * attempt is also listed in usage.failures.
 */
#include "img_pipeline.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/img_log.h"

struct img_pipeline {
    img_pipeline_conf_t conf;
    img_pipeline_cbs_t cbs;
    img_analysis_t *a;
    img_usage_t usage;
    int next; /* the stage to run (or restore) next */
    bool started;
    bool in_flight; /* a provider call is out */
    bool abandoned; /* destroyed while in flight: free on completion */
    char *user;     /* the in-flight call's user content */
    img_llm_call_t call;
    double t0; /* monotonic ms when the in-flight stage started */
};

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

static bool uses_llm(const img_pipeline_t *p, int stage)
{
    const char *const *chain = p->conf.chain[stage];
    if (stage == IMG_STAGE_CRITICISM && p->a->suggestions.n == 0)
        return false; /* nothing to review: no call to pay for */
    return p->conf.llm[stage] && chain && chain[0] && strcmp(chain[0], "offline") != 0;
}

img_err_t img_pipeline_new(img_pipeline_t **out, const img_pipeline_conf_t *conf,
                           img_analysis_t *analysis, const img_pipeline_cbs_t *cbs, char *errstr,
                           size_t errstr_size)
{
    *out = NULL;
    for (int st = 0; st < IMG_STAGE__COUNT; st++) {
        const char *const *chain = conf->chain[st];
        if (chain && chain[0] && strcmp(chain[0], "offline") != 0 && !conf->llm[st])
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "the %s stage names %s but has no LLM client",
                               img_stage_name((img_stage_t)st), chain[0]);
    }
    img_pipeline_t *p = calloc(1, sizeof(*p));
    if (!p)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
    p->conf = *conf;
    if (cbs)
        p->cbs = *cbs;
    p->a = analysis;
    *out = p;
    return IMG_OK;
}

int img_pipeline_stages_done(const img_pipeline_t *p)
{
    return p->next;
}

const img_usage_t *img_pipeline_usage(const img_pipeline_t *p)
{
    return &p->usage;
}

img_err_t img_pipeline_restore(img_pipeline_t *p, json_object *stage_output, char *errstr,
                               size_t errstr_size)
{
    if (p->started || p->next >= IMG_STAGE__COUNT)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "cannot restore: the pipeline %s",
                           p->started ? "has started" : "is complete");
    img_err_t err =
        img_stage_restore((img_stage_t)p->next, p->a, &p->usage, stage_output, errstr, errstr_size);
    if (err == IMG_OK)
        p->next++;
    return err;
}

/* Hands the finished stage's output to the caller and moves on. */
static void finish_stage(img_pipeline_t *p, size_t first_failure)
{
    img_stage_t st = (img_stage_t)p->next;
    const img_stage_usage_t *su = &p->usage.stages.v[p->usage.stages.n - 1];
    img_log_ctx_t ctx = {p->conf.request_id, img_stage_name(st), su->attempts};
    img_log_info(&ctx, "stage_done",
                 "provider=%s model=%s prompt=%s input_tokens=%ld output_tokens=%ld "
                 "cached_tokens=%ld failures=%zu",
                 su->provider, su->model, img_stage_prompt_version(st), su->input_tokens,
                 su->output_tokens, su->cached_tokens, p->usage.failures.n - first_failure);
    if (p->cbs.on_stage_done) {
        json_object *doc = img_stage_output(st, p->a, su, p->usage.failures.v + first_failure,
                                            p->usage.failures.n - first_failure);
        p->cbs.on_stage_done(p->cbs.opaque, st, doc);
        json_object_put(doc);
    }
    p->next++;
}

static img_stage_usage_t *offline_usage(img_pipeline_t *p, double latency_ms)
{
    img_usage_offline(&p->usage, p->a->arena, img_stage_name((img_stage_t)p->next), latency_ms);
    return &p->usage.stages.v[p->usage.stages.n - 1];
}

static void launch(img_pipeline_t *p);

/* Runs stages until one needs a provider or all are done. */
static void advance(img_pipeline_t *p)
{
    while (p->next < IMG_STAGE__COUNT) {
        if (uses_llm(p, p->next)) {
            launch(p);
            return;
        }
        double t0 = now_ms();
        img_stage_offline((img_stage_t)p->next, p->a);
        offline_usage(p, p->conf.timed ? now_ms() - t0 : -1);
        finish_stage(p, p->usage.failures.n);
    }
    if (p->cbs.on_done)
        p->cbs.on_done(p->cbs.opaque); /* last: the callee may destroy p */
}

static img_err_t validate_cb(void *opaque, json_object *output, char *errstr, size_t errstr_size)
{
    img_pipeline_t *p = opaque;
    if (p->abandoned) /* nobody wants it: accept, so the client stops at once */
        return IMG_OK;
    return img_stage_validate((img_stage_t)p->next, p->a, output, errstr, errstr_size);
}

static void done_cb(void *opaque, img_llm_outcome_t *o)
{
    img_pipeline_t *p = opaque;
    p->in_flight = false;
    free(p->user);
    p->user = NULL;
    if (p->abandoned) {
        free(p);
        return;
    }
    img_analysis_t *a = p->a;
    img_arena_t *ar = a->arena;
    const char *stage = img_stage_name((img_stage_t)p->next);
    size_t first_failure = p->usage.failures.n;
    bool wrote = o->output != NULL;
    img_llm_tokens_t extra = {0, 0, 0, 0};
    double extra_cost = 0;
    for (size_t i = 0; i < o->n_failures; i++) {
        const img_llm_failure_t *f = &o->failures[i];
        img_usage_failure_t *uf = IMG_VEC_PUSH(ar, &p->usage.failures);
        uf->stage = stage;
        uf->provider = img_arena_strdup(ar, f->provider ? f->provider : "?");
        /* -1 (invalid, truncated or refused output) came with an HTTP 200 */
        uf->status = f->status < 0 ? 200 : f->status;
        uf->error = img_arena_strdup(ar, f->error);
        /* The writer's own billed failures are in its outcome already. */
        bool billed = f->tokens.input || f->tokens.output;
        if (billed && !(wrote && o->provider && f->provider && !strcmp(f->provider, o->provider))) {
            extra.input += f->tokens.input;
            extra.cached += f->tokens.cached;
            extra.cache_write += f->tokens.cache_write;
            extra.output += f->tokens.output;
            extra_cost += f->cost_usd; /* NAN stays NAN: unknown */
        }
    }
    img_stage_usage_t *su;
    if (wrote) {
        img_stage_apply((img_stage_t)p->next, a, o->output);
        su = IMG_VEC_PUSH(ar, &p->usage.stages);
        su->stage = stage;
        su->provider = img_arena_strdup(ar, o->provider ? o->provider : "?");
        su->model = img_arena_strdup(ar, o->model ? o->model : "");
        su->attempts = o->attempts > 0 ? o->attempts : 1;
        su->input_tokens = o->tokens.input;
        su->output_tokens = o->tokens.output;
        su->cached_tokens = o->tokens.cached;
        su->cost_usd = o->cost_usd;
        su->latency_ms = o->latency_ms >= 0 ? o->latency_ms : now_ms() - p->t0;
        su->request_id = o->request_id[0] ? img_arena_strdup(ar, o->request_id) : NULL;
    } else {
        /* The chain reached "offline" or every provider failed: the engine writes it. */
        img_stage_offline((img_stage_t)p->next, a);
        bool tried = o->n_failures > 0;
        su = offline_usage(p, p->conf.timed || tried ? now_ms() - p->t0 : -1);
    }
    su->input_tokens += extra.input;
    su->output_tokens += extra.output;
    su->cached_tokens += extra.cached;
    su->cost_usd += extra_cost;
    finish_stage(p, first_failure);
    advance(p);
}

static void launch(img_pipeline_t *p)
{
    img_stage_t st = (img_stage_t)p->next;
    p->user = img_stage_user(st, p->a);
    p->call = (img_llm_call_t){
        .stage = img_stage_name(st),
        .system = img_stage_system(st),
        .user = p->user,
        .schema_name = img_stage_schema_name(st),
        .schema = img_stage_schema(st),
        .max_tokens = p->conf.max_tokens[st],
        .chain = p->conf.chain[st],
        .log_request_id = p->conf.request_id,
    };
    p->in_flight = true;
    p->t0 = now_ms();
    img_llm_run(p->conf.llm[st], &p->call, validate_cb, done_cb, p);
}

void img_pipeline_start(img_pipeline_t *p)
{
    if (p->started)
        return;
    p->started = true;
    advance(p);
}

void img_pipeline_destroy(img_pipeline_t *p)
{
    if (!p)
        return;
    if (p->in_flight) {
        p->abandoned = true;
        return;
    }
    free(p->user);
    free(p);
}
