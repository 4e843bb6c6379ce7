/*
 * The pipeline of one request inside the worker: the engine's analysis, the
 * stages restored from checkpoints, the rest run through img_pipeline, each
 * finished stage checkpointed under the lease epoch with its usage events.
 *
 * A checkpoint or usage write that finds the database unreachable is kept
 * on the job and written before the result (JOB_FINISH): the pipeline never
 * waits on the database. A fenced write (another worker took the request
 * over) switches the rest of the pipeline to the offline analyst so no
 * provider is paid for work nobody will keep, and the job winds down.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "img_worker_int.h"
#include "pipeline/img_inputs.h"

static const char *jstr(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static double jnum(json_object *o, const char *key, double dflt)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) || !v)
        return dflt;
    return json_object_get_double(v);
}

/* The provider chain of each stage: the request's own list (restricted to
 * providers this worker has settings for), else the configured chains;
 * "offline" always ends it. */
static void build_chains(img_wjob_t *job)
{
    img_worker_t *w = job->w;
    const img_llm_plan_t *plan = &w->plan;
    for (int st = 0; st < IMG_STAGE__COUNT; st++) {
        size_t k = 0;
        if (job->req.n_providers && plan->uses_llm) {
            const img_llm_conf_t *c = &plan->conf[plan->client_of[st]];
            for (size_t i = 0; i < job->req.n_providers && k < IMG_CONFIG_MAX_CHAIN; i++) {
                const char *name = job->req.providers[i];
                if (!strcmp(name, "offline"))
                    break;
                for (size_t p = 0; p < c->n_providers; p++)
                    if (!strcmp(c->providers[p].name, name))
                        job->chain[st][k++] = name;
            }
        } else if (!job->req.n_providers) {
            for (size_t i = 0; plan->chain[st][i] && k < IMG_CONFIG_MAX_CHAIN; i++)
                if (strcmp(plan->chain[st][i], "offline") != 0)
                    job->chain[st][k++] = plan->chain[st][i];
        }
        job->chain[st][k++] = "offline";
        job->chain[st][k] = NULL;
    }
}

void img_run_offline_rest(img_wjob_t *job)
{
    int from = job->pipe ? img_pipeline_stages_done(job->pipe) : 0;
    for (int st = from; st < IMG_STAGE__COUNT; st++) {
        job->chain[st][0] = "offline";
        job->chain[st][1] = NULL;
    }
}

/* Usage events of a finished stage: its failed attempts, then who wrote it
 * with every billed token of the stage (failed attempts' billed tokens are
 * folded into the stage's usage by img_pipeline). */
static void add_usage_events(img_wjob_t *job, json_object *doc)
{
    json_object *u = NULL, *fl = NULL;
    json_object_object_get_ex(doc, "usage", &u);
    json_object_object_get_ex(doc, "failures", &fl);
    const char *stage = jstr(doc, "stage");
    if (!job->pending_usage)
        job->pending_usage = json_object_new_array();
    size_t nf = json_object_array_length(fl);
    for (size_t i = 0; i < nf; i++) {
        json_object *f = json_object_array_get_idx(fl, i), *e = json_object_new_object();
        json_object_object_add(e, "stage", stage ? json_object_new_string(stage) : NULL);
        const char *prov = jstr(f, "provider");
        json_object_object_add(e, "provider", json_object_new_string(prov ? prov : "unknown"));
        json_object_object_add(e, "status", json_object_new_int((int)jnum(f, "status", 0)));
        const char *err = jstr(f, "error");
        json_object_object_add(e, "error", json_object_new_string(err && *err ? err : "failed"));
        json_object_object_add(e, "cost_usd", json_object_new_double(0)); /* billed below */
        json_object_array_add(job->pending_usage, e);
    }
    const char *prov = jstr(u, "provider");
    long in = (long)jnum(u, "input_tokens", 0), out = (long)jnum(u, "output_tokens", 0);
    double cost = jnum(u, "cost_usd", NAN);
    bool offline = !prov || !strcmp(prov, "offline");
    if (offline && in == 0 && out == 0 && (isnan(cost) || cost == 0))
        return; /* no provider was paid for it */
    json_object *e = json_object_new_object();
    const char *model = jstr(u, "model");
    int status = 200;
    if (offline && nf) {
        /* The offline analyst wrote it, but failed attempts were billed: they
         * are the provider's (the last one that failed). */
        json_object *f = json_object_array_get_idx(fl, nf - 1);
        prov = jstr(f, "provider");
        model = NULL;
        status = (int)jnum(f, "status", 0);
        json_object_object_add(e, "error", json_object_new_string("billed failed attempts"));
    }
    json_object_object_add(e, "stage", stage ? json_object_new_string(stage) : NULL);
    json_object_object_add(e, "provider", json_object_new_string(prov ? prov : "offline"));
    json_object_object_add(e, "model", model ? json_object_new_string(model) : NULL);
    json_object_object_add(e, "status", json_object_new_int(status));
    json_object_object_add(e, "input_tokens", json_object_new_int64(in));
    json_object_object_add(e, "output_tokens", json_object_new_int64(out));
    json_object_object_add(e, "cached_tokens",
                           json_object_new_int64((long)jnum(u, "cached_tokens", 0)));
    json_object_object_add(e, "cost_usd", isnan(cost) ? NULL : json_object_new_double(cost));
    json_object_array_add(job->pending_usage, e);
}

img_err_t img_run_flush(img_wjob_t *job, char *errstr, size_t errstr_size)
{
    img_worker_t *w = job->w;
    img_err_t err;
    size_t n = job->pending_usage ? json_object_array_length(job->pending_usage) : 0;
    if (n) {
        img_usage_event_t *ev = calloc(n, sizeof(*ev));
        if (!ev)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
        for (size_t i = 0; i < n; i++) {
            json_object *e = json_object_array_get_idx(job->pending_usage, i);
            ev[i].stage = jstr(e, "stage");
            ev[i].provider = jstr(e, "provider");
            ev[i].model = jstr(e, "model");
            ev[i].status = (int)jnum(e, "status", 0);
            ev[i].error = jstr(e, "error");
            ev[i].input_tokens = (long)jnum(e, "input_tokens", 0);
            ev[i].output_tokens = (long)jnum(e, "output_tokens", 0);
            ev[i].cached_tokens = (long)jnum(e, "cached_tokens", 0);
            ev[i].cost_usd = jnum(e, "cost_usd", NAN);
        }
        err =
            img_store_usage(w->store, job->req.request_id, job->tenant, ev, n, errstr, errstr_size);
        free(ev);
        if (err != IMG_OK)
            return err;
        json_object_put(job->pending_usage);
        job->pending_usage = NULL;
    }
    for (int st = 0; st < IMG_STAGE__COUNT; st++) {
        json_object *doc = job->pending_ckpt[st], *u = NULL;
        if (!doc)
            continue;
        if (job->fenced) { /* nothing more may be written for this epoch */
            json_object_put(doc);
            job->pending_ckpt[st] = NULL;
            continue;
        }
        json_object_object_get_ex(doc, "usage", &u);
        img_checkpoint_t cp = {
            .stage = img_stage_name((img_stage_t)st),
            .output = doc,
            .provider = jstr(u, "provider"),
            .model = jstr(u, "model"),
            .input_tokens = (long)jnum(u, "input_tokens", 0),
            .output_tokens = (long)jnum(u, "output_tokens", 0),
            .cached_tokens = (long)jnum(u, "cached_tokens", 0),
            .cost_usd = jnum(u, "cost_usd", NAN),
            .latency_ms = jnum(u, "latency_ms", NAN),
            .attempts = (int)jnum(u, "attempts", 1),
        };
        bool fenced = false;
        err = img_store_checkpoint(w->store, job->req.request_id, job->epoch, &cp, &fenced, errstr,
                                   errstr_size);
        if (err != IMG_OK)
            return err;
        json_object_put(doc);
        job->pending_ckpt[st] = NULL;
        if (fenced) {
            job->fenced = true;
            img_log_warn(img_wjob_ctx(job, cp.stage), "fenced",
                         "epoch=%lld another worker took the request over; winding down",
                         (long long)job->epoch);
            img_run_offline_rest(job);
        } else {
            img_log_info(img_wjob_ctx(job, cp.stage), "checkpoint", "epoch=%lld",
                         (long long)job->epoch);
        }
    }
    return IMG_OK;
}

static void on_stage_done(void *opaque, img_stage_t stage, json_object *output)
{
    img_wjob_t *job = opaque;
    json_object *doc = NULL;
    if (stage == IMG_STAGE_ANALYSIS) {
        /* The worker's own addition: the as_of the analysis used, so a resume
         * restores onto the same "today" (img_stage_restore ignores it). */
        if (json_object_deep_copy(output, &doc, NULL) != 0 || !doc) {
            json_object_put(doc);
            doc = NULL;
        } else {
            json_object_object_add(doc, "as_of", json_object_new_string(job->as_of));
        }
    }
    if (!doc)
        doc = json_object_get(output);
    add_usage_events(job, doc);
    json_object_put(job->pending_ckpt[stage]);
    job->pending_ckpt[stage] = doc;

    /* The request's cost cap, checked between stages. */
    if (job->req.has_max_cost && job->pipe) {
        const img_usage_t *u = img_pipeline_usage(job->pipe);
        double total = 0;
        for (size_t i = 0; i < u->stages.n; i++)
            if (!isnan(u->stages.v[i].cost_usd))
                total += u->stages.v[i].cost_usd;
        if (total >= job->req.max_cost_usd && stage + 1 < IMG_STAGE__COUNT &&
            strcmp(job->chain[stage + 1][0], "offline") != 0) {
            img_log_info(img_wjob_ctx(job, img_stage_name(stage)), "cost_cap",
                         "spent=%.6f max_cost_usd=%.6f; the offline analyst writes the rest", total,
                         job->req.max_cost_usd);
            img_run_offline_rest(job);
        }
    }
    char why[512];
    img_err_t err = img_run_flush(job, why, sizeof(why));
    if (err != IMG_OK) /* kept on the job; written again before the result */
        img_worker_db_state(job->w, err, "checkpoint", why);
    else
        img_worker_db_state(job->w, IMG_OK, NULL, NULL);
}

static void on_done(void *opaque)
{
    img_wjob_t *job = opaque;
    job->pipe_busy = false;
    if (!job->fenced && !job->stop) {
        job->result =
            img_result_build(job->analysis, img_pipeline_usage(job->pipe), job->req.request_id);
        job->status = "succeeded";
        job->err_code = NULL;
    }
    job->step = JOB_FINISH;
    if (!job->in_step)
        img_wjob_step(job);
}

void img_run_release(img_wjob_t *job)
{
    img_pipeline_destroy(job->pipe); /* abandons a call in flight */
    job->pipe = NULL;
    job->pipe_busy = false;
    img_analysis_destroy(job->analysis);
    job->analysis = NULL;
    img_arena_destroy(job->arena);
    job->arena = NULL;
}

/* The engine's analysis of the request, with its upstream inputs. */
static img_err_t analyze(img_wjob_t *job, char *errstr, size_t errstr_size)
{
    img_worker_t *w = job->w;
    const img_request_t *rq = &job->req;
    img_engine_input_t in;
    memset(&in, 0, sizeof(in));
    job->arena = img_arena_new(1024);
    in.resume = rq->resume_text;
    in.resume_len = rq->resume_len;
    in.job = rq->job_ad;
    in.job_len = rq->job_len;
    in.max_document_bytes = w->limits.max_document_bytes;
    in.opts.confidence_threshold =
        rq->has_threshold ? rq->confidence_threshold : w->cfg->confidence_threshold;
    if (!img_ym_parse(job->as_of, &in.opts.as_of))
        in.opts.as_of = img_engine_today();
    img_err_t err;
    if (rq->skills) {
        img_input_skill_t *skills = NULL;
        size_t n = 0;
        if ((err = img_inputs_skills("extracted_skills", rq->skills, job->arena, &skills, &n,
                                     errstr, errstr_size)) != IMG_OK)
            return err;
        in.skills = skills;
        in.n_skills = n;
    }
    if (rq->insights) {
        img_insights_t *ins = img_arena_alloc(job->arena, sizeof(*ins));
        if ((err = img_inputs_insights("domain_insights", rq->insights, job->arena, ins, errstr,
                                       errstr_size)) != IMG_OK)
            return err;
        in.insights = ins;
    }
    return img_engine_analyze(w->tax, &in, &job->analysis, errstr, errstr_size);
}

img_err_t img_run_start(img_wjob_t *job, char *errstr, size_t errstr_size)
{
    img_worker_t *w = job->w;
    json_object *ck = NULL;
    /* "today" is fixed per request: the request's as_of, else the one the
     * checkpointed analysis used, else this month. */
    if (job->req.as_of[0]) {
        snprintf(job->as_of, sizeof(job->as_of), "%s", job->req.as_of);
    } else {
        const char *s = NULL;
        img_ym_t ym;
        if (json_object_object_get_ex(job->checkpoints, "analysis", &ck))
            s = jstr(ck, "as_of");
        if (s && img_ym_parse(s, &ym))
            snprintf(job->as_of, sizeof(job->as_of), "%s", s);
        else
            img_ym_format(img_engine_today(), job->as_of, sizeof(job->as_of));
    }
    build_chains(job);
    for (int pass = 0; pass < 2; pass++) {
        img_err_t err = analyze(job, errstr, errstr_size);
        if (err != IMG_OK) {
            img_run_release(job);
            return err;
        }
        img_pipeline_conf_t conf;
        memset(&conf, 0, sizeof(conf));
        for (int st = 0; st < IMG_STAGE__COUNT; st++) {
            conf.llm[st] = w->plan.uses_llm ? w->llm[w->plan.client_of[st]] : NULL;
            conf.chain[st] = job->chain[st];
            conf.max_tokens[st] = w->plan.max_tokens[st];
        }
        conf.timed = !job->req.as_of[0];
        conf.request_id = job->req.request_id;
        img_pipeline_cbs_t cbs = {job, on_stage_done, on_done};
        if ((err = img_pipeline_new(&job->pipe, &conf, job->analysis, &cbs, errstr, errstr_size)) !=
            IMG_OK) {
            img_run_release(job);
            return err == IMG_ERR_PERMANENT ? IMG_ERR_FATAL : err;
        }
        int restored = 0;
        char why[384];
        err = IMG_OK;
        for (int st = 0; pass == 0 && st < IMG_STAGE__COUNT; st++) {
            if (!json_object_object_get_ex(job->checkpoints, img_stage_name((img_stage_t)st), &ck))
                break;
            if ((err = img_pipeline_restore(job->pipe, ck, why, sizeof(why))) != IMG_OK)
                break;
            restored++;
        }
        if (err != IMG_OK) {
            /* A checkpoint that does not fit (another engine version): start over. */
            img_log_warn(img_wjob_ctx(job, NULL), "checkpoint_mismatch",
                         "%s; running every stage again", why);
            img_run_release(job);
            continue;
        }
        if (restored)
            img_log_info(img_wjob_ctx(job, NULL), "resume", "stages_restored=%d", restored);
        if (job->stop || job->fenced)
            img_run_offline_rest(job);
        job->pipe_busy = true;
        job->step = JOB_RUNNING;
        img_pipeline_start(job->pipe); /* an all-offline pipeline ends inside */
        return IMG_OK;
    }
    return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "the pipeline could not start");
}
