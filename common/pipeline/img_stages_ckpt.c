/*
 * img_stages_ckpt.c - stage outputs (checkpoints): what a finished stage
 * left in the analysis, with its usage, as one self-contained JSON object;
 * and restoring it onto a fresh analysis of the same inputs.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "img_stages_int.h"
#include "util/img_utf8.h"

/* ---- writing ---- */

static json_object *jstr(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

static json_object *num(double v, int decimals)
{
    if (isnan(v))
        return NULL;
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static json_object *strings(const char *const *v, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(v[i] ? v[i] : ""));
    return arr;
}

static json_object *usage_json(const img_stage_usage_t *u)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "stage", json_object_new_string(u->stage));
    json_object_object_add(o, "provider", json_object_new_string(u->provider));
    json_object_object_add(o, "model", json_object_new_string(u->model ? u->model : ""));
    json_object_object_add(o, "attempts", json_object_new_int(u->attempts));
    json_object_object_add(o, "input_tokens", json_object_new_int64(u->input_tokens));
    json_object_object_add(o, "output_tokens", json_object_new_int64(u->output_tokens));
    json_object_object_add(o, "cached_tokens", json_object_new_int64(u->cached_tokens));
    /* full precision: the result rounds, a checkpoint must not */
    json_object_object_add(o, "cost_usd",
                           isnan(u->cost_usd) ? NULL : json_object_new_double(u->cost_usd));
    json_object_object_add(o, "latency_ms", u->latency_ms < 0 ? NULL : num(u->latency_ms, 3));
    json_object_object_add(o, "request_id", jstr(u->request_id));
    return o;
}

static json_object *suggestions_json(const img_analysis_t *a, bool critiques)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(s->id));
        json_object_object_add(o, "kind", json_object_new_string(img_sugg_kind_name(s->kind)));
        json_object_object_add(o, "title", jstr(s->title));
        json_object_object_add(o, "detail", jstr(s->detail));
        json_object *cl = json_object_new_array();
        for (size_t k = 0; k < s->closes.n; k++)
            if (s->closes.v[k] >= 0 && (size_t)s->closes.v[k] < a->job.requirements.n)
                json_object_array_add(
                    cl, json_object_new_string(a->job.requirements.v[s->closes.v[k]].id));
        json_object_object_add(o, "closes", cl);
        json_object_object_add(o, "effort", jstr(s->effort));
        json_object_object_add(o, "grounding",
                               json_object_new_string(img_grounding_name(s->grounding)));
        json_object *src = NULL;
        if (s->has_source) {
            src = json_object_new_object();
            json_object_object_add(src, "start", json_object_new_int64((int64_t)s->source_start));
            json_object_object_add(src, "end", json_object_new_int64((int64_t)s->source_end));
        }
        json_object_object_add(o, "source", src);
        json_object *c = NULL;
        if (critiques) {
            c = json_object_new_object();
            json_object_object_add(c, "specificity", json_object_new_int(s->critique.specificity));
            json_object_object_add(c, "actionability",
                                   json_object_new_int(s->critique.actionability));
            json_object_object_add(c, "alignment", json_object_new_int(s->critique.alignment));
            json_object_object_add(c, "grounding", json_object_new_int(s->critique.grounding));
            json_object_object_add(c, "verdict",
                                   json_object_new_string(img_verdict_name(s->critique.verdict)));
            json_object_object_add(c, "notes", jstr(s->critique.notes));
        }
        json_object_object_add(o, "critique", c);
        json_object_array_add(arr, o);
    }
    return arr;
}

json_object *img_stage_output(img_stage_t stage, const img_analysis_t *a,
                              const img_stage_usage_t *usage, const img_usage_failure_t *failures,
                              size_t n_failures)
{
    json_object *doc = json_object_new_object(), *out = json_object_new_object();
    bool llm = usage && usage->provider && strcmp(usage->provider, "offline") != 0;
    json_object_object_add(doc, "schema", json_object_new_string(IMG_STAGE_OUTPUT_SCHEMA));
    json_object_object_add(doc, "stage", json_object_new_string(img_stage_name(stage)));
    json_object_object_add(doc, "prompt",
                           llm ? json_object_new_string(img_stage_prompt_version(stage)) : NULL);
    json_object_object_add(doc, "usage", usage ? usage_json(usage) : NULL);
    json_object *fl = json_object_new_array();
    for (size_t i = 0; i < n_failures; i++) {
        json_object *f = json_object_new_object();
        json_object_object_add(f, "stage", json_object_new_string(failures[i].stage));
        json_object_object_add(f, "provider", json_object_new_string(failures[i].provider));
        json_object_object_add(f, "status", json_object_new_int(failures[i].status));
        json_object_object_add(f, "error",
                               json_object_new_string(failures[i].error ? failures[i].error : ""));
        json_object_array_add(fl, f);
    }
    json_object_object_add(doc, "failures", fl);
    if (stage == IMG_STAGE_ANALYSIS) {
        const img_insights_t *in = &a->insights;
        json_object *io = json_object_new_object();
        json_object_object_add(out, "narrative", jstr(a->gap.narrative));
        json_object_object_add(io, "domain", jstr(in->domain));
        json_object_object_add(io, "candidate_domain", jstr(in->candidate_domain));
        json_object_object_add(io, "source", jstr(in->source ? in->source : "engine"));
        json_object_object_add(io, "priorities", strings(in->priorities.v, in->priorities.n));
        json_object_object_add(io, "strengths", strings(in->strengths.v, in->strengths.n));
        json_object_object_add(io, "gaps", strings(in->gaps.v, in->gaps.n));
        json_object_object_add(io, "recommendations",
                               strings(in->recommendations.v, in->recommendations.n));
        json_object_object_add(io, "market_trends",
                               strings(in->market_trends.v, in->market_trends.n));
        json_object_object_add(
            io, "market_alignment",
            in->market_alignment < 0 ? NULL : json_object_new_double(in->market_alignment));
        json_object_object_add(out, "insights", io);
    } else {
        json_object_object_add(out, "suggestions",
                               suggestions_json(a, stage == IMG_STAGE_CRITICISM));
    }
    json_object_object_add(doc, "output", out);
    return doc;
}

/* ---- restoring ---- */

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

/* Length of an array; 0 for anything else (json-c asserts on a non-array). */
static size_t alen(json_object *arr)
{
    return json_object_is_type(arr, json_type_array) ? json_object_array_length(arr) : 0;
}

static bool null_or(json_object *v, json_type type)
{
    return !v || json_object_is_type(v, type);
}

static bool strings_ok(json_object *arr)
{
    if (!null_or(arr, json_type_array))
        return false;
    for (size_t i = 0; i < alen(arr); i++)
        if (!json_object_is_type(json_object_array_get_idx(arr, i), json_type_string))
            return false;
    return true;
}

static bool utf8_ok(json_object *v, int depth)
{
    if (depth > 64)
        return false;
    if (json_object_is_type(v, json_type_string))
        return img_utf8_valid(json_object_get_string(v), (size_t)json_object_get_string_len(v),
                              NULL);
    if (json_object_is_type(v, json_type_array)) {
        for (size_t i = 0; i < alen(v); i++)
            if (!utf8_ok(json_object_array_get_idx(v, i), depth + 1))
                return false;
    } else if (json_object_is_type(v, json_type_object)) {
        json_object_object_foreach(v, key, val)
        {
            if (!img_utf8_valid(key, strlen(key), NULL) || !utf8_ok(val, depth + 1))
                return false;
        }
    }
    return true;
}

/* A stage output comes back from storage: before reading it, check that every
 * member the restore reads has its type (absent or null allowed where the
 * writer may leave it so) and every string is UTF-8. NULL when it does. */
static const char *shape_error(img_stage_t stage, json_object *doc)
{
    static const char *const lists[] = {"priorities", "strengths", "gaps", "recommendations",
                                        "market_trends"};
    json_object *out = get(doc, "output"), *fl = get(doc, "failures");
    if (!null_or(fl, json_type_array))
        return "failures is not an array";
    for (size_t i = 0; i < alen(fl); i++)
        if (!json_object_is_type(json_object_array_get_idx(fl, i), json_type_object))
            return "failures holds a non-object";
    if (stage == IMG_STAGE_ANALYSIS) {
        json_object *io = get(out, "insights");
        for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
            if (!strings_ok(get(io, lists[i])))
                return "an insights list is not an array of strings";
    } else {
        json_object *arr = get(out, "suggestions");
        for (size_t i = 0; i < alen(arr); i++) {
            json_object *o = json_object_array_get_idx(arr, i);
            if (!json_object_is_type(o, json_type_object) || !strings_ok(get(o, "closes")) ||
                !null_or(get(o, "source"), json_type_object) ||
                !null_or(get(o, "critique"), json_type_object))
                return "a suggestion is malformed";
        }
    }
    if (!utf8_ok(doc, 0))
        return "invalid UTF-8 or nesting too deep";
    return NULL;
}

/* A string member copied into the arena; NULL when absent or null. */
static const char *astr(img_arena_t *ar, json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return json_object_is_type(v, json_type_string)
               ? img_arena_strdup(ar, json_object_get_string(v))
               : NULL;
}

#define RESTORE_LIST(ar, vec, arr)                                                                 \
    do {                                                                                           \
        json_object *arr_ = (arr);                                                                 \
        (vec)->n = 0;                                                                              \
        for (size_t i_ = 0; i_ < alen(arr_); i_++)                                                 \
            *IMG_VEC_PUSH((ar), (vec)) = img_arena_strdup(                                         \
                (ar), json_object_get_string(json_object_array_get_idx(arr_, i_)));                \
    } while (0)

static img_err_t restore_analysis(img_analysis_t *a, json_object *out, char *errstr,
                                  size_t errstr_size)
{
    img_arena_t *ar = a->arena;
    json_object *io = get(out, "insights");
    if (!json_object_is_type(io, json_type_object))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "output.insights is missing");
    const char *narrative = astr(ar, out, "narrative");
    if (narrative)
        a->gap.narrative = narrative;
    img_insights_t *in = &a->insights;
    in->domain = astr(ar, io, "domain");
    in->candidate_domain = astr(ar, io, "candidate_domain");
    const char *src = astr(ar, io, "source");
    in->source = !src                    ? "engine"
                 : !strcmp(src, "llm")   ? "llm"
                 : !strcmp(src, "input") ? "input"
                                         : "engine";
    RESTORE_LIST(ar, &in->priorities, get(io, "priorities"));
    RESTORE_LIST(ar, &in->strengths, get(io, "strengths"));
    RESTORE_LIST(ar, &in->gaps, get(io, "gaps"));
    RESTORE_LIST(ar, &in->recommendations, get(io, "recommendations"));
    RESTORE_LIST(ar, &in->market_trends, get(io, "market_trends"));
    json_object *ma = get(io, "market_alignment");
    in->market_alignment = ma ? json_object_get_double(ma) : -1;
    return IMG_OK;
}

static img_err_t restore_suggestions(img_analysis_t *a, json_object *out, bool critiques,
                                     char *errstr, size_t errstr_size)
{
    img_arena_t *ar = a->arena;
    json_object *arr = get(out, "suggestions");
    if (!json_object_is_type(arr, json_type_array))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "output.suggestions is missing");
    a->suggestions.n = 0;
    for (size_t i = 0; i < alen(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i), *cl = get(o, "closes");
        img_suggestion_t *s = IMG_VEC_PUSH(ar, &a->suggestions);
        const char *id = json_object_get_string(get(o, "id"));
        int kind = img_stages_kind_parse(json_object_get_string(get(o, "kind")));
        int g = img_stages_grounding_parse(json_object_get_string(get(o, "grounding")));
        if (!id || strlen(id) >= sizeof(s->id) || kind < 0 || g < 0)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "output.suggestions[%zu]: bad id, kind or grounding", i);
        snprintf(s->id, sizeof(s->id), "%s", id);
        s->kind = (img_sugg_kind_t)kind;
        s->grounding = (img_grounding_t)g;
        s->title = astr(ar, o, "title");
        s->detail = astr(ar, o, "detail");
        s->effort = astr(ar, o, "effort");
        if (!s->title || !s->detail)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "output.suggestions[%zu]: title or detail is not a string", i);
        for (size_t k = 0; k < alen(cl); k++) {
            const char *rid = json_object_get_string(json_object_array_get_idx(cl, k));
            int r = img_stages_req_index(a, rid);
            if (r < 0)
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "output.suggestions[%zu]: unknown requirement \"%.20s\"", i,
                                   rid ? rid : "");
            *IMG_VEC_PUSH(ar, &s->closes) = r;
        }
        json_object *src = get(o, "source");
        if (json_object_is_type(src, json_type_object)) {
            int64_t st = json_object_get_int64(get(src, "start"));
            int64_t en = json_object_get_int64(get(src, "end"));
            if (st < 0 || en < st || (size_t)en > a->resume.len)
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "output.suggestions[%zu]: source span out of the resume", i);
            s->has_source = true;
            s->source_start = (size_t)st;
            s->source_end = (size_t)en;
        }
        json_object *c = get(o, "critique");
        if (critiques && json_object_is_type(c, json_type_object)) {
            s->critique.specificity = json_object_get_int(get(c, "specificity"));
            s->critique.actionability = json_object_get_int(get(c, "actionability"));
            s->critique.alignment = json_object_get_int(get(c, "alignment"));
            s->critique.grounding = json_object_get_int(get(c, "grounding"));
            int v = img_stages_verdict_parse(json_object_get_string(get(c, "verdict")));
            s->critique.verdict = v < 0 ? IMG_VERDICT_DROP : (img_verdict_t)v;
            s->critique.notes = astr(ar, c, "notes");
        }
    }
    return IMG_OK;
}

static const char *intern(img_arena_t *ar, const char *s, const char *fallback)
{
    return s ? img_arena_strdup(ar, s) : fallback;
}

img_err_t img_stage_restore(img_stage_t stage, img_analysis_t *a, img_usage_t *usage,
                            json_object *doc, char *errstr, size_t errstr_size)
{
    img_arena_t *ar = a->arena;
    const char *schema = json_object_get_string(get(doc, "schema"));
    const char *name = json_object_get_string(get(doc, "stage"));
    json_object *u = get(doc, "usage"), *out = get(doc, "output"), *fl = get(doc, "failures");
    if (!json_object_is_type(doc, json_type_object) || !schema ||
        strcmp(schema, IMG_STAGE_OUTPUT_SCHEMA))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "not a %s stage output",
                           IMG_STAGE_OUTPUT_SCHEMA);
    if (!name || img_stage_parse(name) != (int)stage)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "stage output of \"%s\" where %s was expected", name ? name : "?",
                           img_stage_name(stage));
    if (!json_object_is_type(u, json_type_object) || !json_object_is_type(out, json_type_object))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s stage output without usage or output", img_stage_name(stage));
    const char *bad = shape_error(stage, doc);
    if (bad)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s stage output: %s",
                           img_stage_name(stage), bad);
    img_err_t err =
        stage == IMG_STAGE_ANALYSIS
            ? restore_analysis(a, out, errstr, errstr_size)
            : restore_suggestions(a, out, stage == IMG_STAGE_CRITICISM, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    img_stage_usage_t *su = IMG_VEC_PUSH(ar, &usage->stages);
    su->stage = img_stage_name(stage);
    su->provider = intern(ar, json_object_get_string(get(u, "provider")), "offline");
    su->model = intern(ar, json_object_get_string(get(u, "model")), "builtin");
    su->attempts = json_object_get_int(get(u, "attempts"));
    if (su->attempts < 1)
        su->attempts = 1;
    su->input_tokens = (long)json_object_get_int64(get(u, "input_tokens"));
    su->output_tokens = (long)json_object_get_int64(get(u, "output_tokens"));
    su->cached_tokens = (long)json_object_get_int64(get(u, "cached_tokens"));
    json_object *cost = get(u, "cost_usd"), *lat = get(u, "latency_ms");
    su->cost_usd = cost ? json_object_get_double(cost) : NAN;
    su->latency_ms = lat ? json_object_get_double(lat) : -1;
    su->request_id = json_object_is_type(get(u, "request_id"), json_type_string)
                         ? img_arena_strdup(ar, json_object_get_string(get(u, "request_id")))
                         : NULL;
    for (size_t i = 0; i < alen(fl); i++) {
        json_object *f = json_object_array_get_idx(fl, i);
        img_usage_failure_t *uf = IMG_VEC_PUSH(ar, &usage->failures);
        uf->stage = img_stage_name(stage);
        uf->provider = intern(ar, json_object_get_string(get(f, "provider")), "?");
        uf->status = json_object_get_int(get(f, "status"));
        uf->error = intern(ar, json_object_get_string(get(f, "error")), "");
    }
    return IMG_OK;
}
