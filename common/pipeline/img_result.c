#include "img_result.h"

#include "engine/img_tax.h"
#include "util/img_jw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * The document is written straight into a buffer with img_jw (no json-c
 * tree: building and freeing one cost more than the analysis). Its bytes are
 * what json-c printed for the tree this file used to build; the json-c form
 * (img_result_build()) is parsed back from them, so there is one writer.
 */

/* The text of doc[start..end), or "" for a span outside it. */
static void slice(img_jw_t *w, const img_doc_t *doc, size_t start, size_t end)
{
    if (end > doc->len || start > end)
        img_jw_string_len(w, "", 0);
    else
        img_jw_string_len(w, doc->text + start, end - start);
}

/* A year-month as img_ym_format() writes it, or null without a year. */
static void ym(img_jw_t *w, img_ym_t v)
{
    char buf[16];
    if (!v.year) {
        img_jw_null(w);
        return;
    }
    if (v.year >= 1000 && v.year <= 9999 && v.month >= 0 && v.month <= 12) {
        /* "%04d-%02d" / "%04d" without printf. */
        int y = v.year;
        buf[0] = (char)('0' + y / 1000);
        buf[1] = (char)('0' + y / 100 % 10);
        buf[2] = (char)('0' + y / 10 % 10);
        buf[3] = (char)('0' + y % 10);
        if (v.month) {
            buf[4] = '-';
            buf[5] = (char)('0' + v.month / 10);
            buf[6] = (char)('0' + v.month % 10);
        }
        img_jw_string_len(w, buf, v.month ? 7 : 4);
        return;
    }
    img_ym_format(v, buf, sizeof(buf));
    img_jw_string(w, buf);
}

/* A member with a literal name (IMG_JW_KEY()) and its value. */
#define KEY(w, k) IMG_JW_KEY(w, k)
#define KEY_INT(w, k, v) (KEY(w, k), img_jw_int(w, (long long)(v)))
#define KEY_STR(w, k, v) (KEY(w, k), img_jw_string(w, v))
#define KEY_BOOL(w, k, v) (KEY(w, k), img_jw_bool(w, v))
/* A double with a fixed number of decimals (stable and short); NaN is null. */
#define KEY_NUM(w, k, v, decimals) (KEY(w, k), img_jw_fixed(w, v, decimals))

static void evidence_array(img_jw_t *w, const img_doc_t *doc, const img_evidence_t *ev, size_t n)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < n; i++) {
        img_jw_object_begin(w);
        KEY_STR(w, "section", ev[i].section);
        KEY_INT(w, "start", (long long)ev[i].start);
        KEY_INT(w, "end", (long long)ev[i].end);
        KEY(w, "text");
        slice(w, doc, ev[i].start, ev[i].end);
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
}

static void skill_obj(img_jw_t *w, const img_doc_t *doc, const img_skill_t *s)
{
    img_jw_object_begin(w);
    KEY_STR(w, "name", s->name);
    KEY_STR(w, "category", img_category_name(s->category));
    KEY_STR(w, "confidence", img_confidence_name(s->confidence));
    KEY_NUM(w, "score", s->score, 2);
    KEY(w, "evidence");
    evidence_array(w, doc, s->evidence.v, s->evidence.n);
    KEY_INT(w, "months", s->months);
    KEY(w, "last_used");
    ym(w, s->last_used);
    const char *source = !s->from_input ? "resume" : s->evidence.n ? "resume+input" : "input";
    KEY_STR(w, "source", source);
    if (s->from_input)
        KEY_NUM(w, "input_confidence", s->input_confidence, 2);
    img_jw_object_end(w);
}

static void strings(img_jw_t *w, const char *const *v, size_t n)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        img_jw_string(w, v[i]);
    img_jw_array_end(w);
}

static void experiences(img_jw_t *w, const img_analysis_t *a)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        img_jw_object_begin(w);
        KEY_STR(w, "title", x->title);
        KEY_STR(w, "company", x->company);
        KEY_STR(w, "location", x->location);
        KEY(w, "start");
        ym(w, x->start);
        KEY(w, "end");
        if (x->current)
            img_jw_null(w);
        else
            ym(w, x->end);
        KEY_INT(w, "months", x->months);
        KEY_BOOL(w, "current", x->current);
        KEY(w, "bullets");
        img_jw_array_begin(w);
        for (size_t b = 0; b < x->bullets.n; b++) {
            img_jw_object_begin(w);
            KEY(w, "text");
            slice(w, &a->resume, x->bullets.v[b].start, x->bullets.v[b].end);
            KEY_INT(w, "start", (long long)x->bullets.v[b].start);
            KEY_INT(w, "end", (long long)x->bullets.v[b].end);
            img_jw_object_end(w);
        }
        img_jw_array_end(w);
        KEY(w, "skills");
        img_jw_array_begin(w);
        for (size_t k = 0; k < x->skills.n; k++) {
            int si = x->skills.v[k];
            if (si >= 0 && (size_t)si < a->skills.n)
                img_jw_string(w, a->skills.v[si].name);
        }
        img_jw_array_end(w);
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
}

/* Confidence list (0 high, 1 medium, 2 low) a skill is listed under. */
static int conf_level(const img_skill_t *s)
{
    return s->confidence <= IMG_CONF_LOW ? (int)s->confidence : (int)IMG_CONF_LOW;
}

static void skills_block(img_jw_t *w, const img_analysis_t *a)
{
    static const char *const levels[3] = {"high", "medium", "low"};
    KEY(w, "skills");
    img_jw_array_begin(w);
    for (size_t i = 0; i < a->skills.n; i++)
        skill_obj(w, &a->resume, &a->skills.v[i]);
    img_jw_array_end(w);
    KEY(w, "skills_by_confidence");
    img_jw_object_begin(w);
    for (int lv = 0; lv < 3; lv++) {
        img_jw_key(w, levels[lv]);
        img_jw_array_begin(w);
        for (size_t i = 0; i < a->skills.n; i++)
            if (conf_level(&a->skills.v[i]) == lv)
                img_jw_string(w, a->skills.v[i].name);
        img_jw_array_end(w);
    }
    img_jw_object_end(w);
}

static const char *tax_name(const img_analysis_t *a, int id)
{
    /* Requirement skills are taxonomy ids; their names live in job.skills or the taxonomy. */
    for (size_t i = 0; i < a->job.skills.n; i++)
        if (a->job.skills.v[i].tax_id == id)
            return a->job.skills.v[i].name;
    for (size_t i = 0; i < a->skills.n; i++)
        if (a->skills.v[i].tax_id == id)
            return a->skills.v[i].name;
    const img_tax_skill_t *t = a->tax ? img_tax_get(a->tax, id) : NULL;
    return t ? t->name : "?";
}

static void job_block(img_jw_t *w, const img_analysis_t *a)
{
    const img_job_t *j = &a->job;
    img_jw_object_begin(w);
    KEY_STR(w, "title", j->title);
    KEY_STR(w, "seniority", j->seniority);
    KEY_STR(w, "domain", j->domain);
    KEY_INT(w, "years_required", j->years_required);
    KEY_STR(w, "education", j->education);
    KEY(w, "requirements");
    img_jw_array_begin(w);
    for (size_t i = 0; i < j->requirements.n; i++) {
        const img_requirement_t *r = &j->requirements.v[i];
        img_jw_object_begin(w);
        KEY_STR(w, "id", r->id);
        KEY(w, "text");
        slice(w, &a->job_doc, r->start, r->end);
        KEY_STR(w, "kind", r->kind == IMG_REQ_MUST ? "must" : "nice");
        KEY(w, "skills");
        img_jw_array_begin(w);
        for (size_t k = 0; k < r->skills.n; k++)
            img_jw_string(w, tax_name(a, r->skills.v[k]));
        img_jw_array_end(w);
        KEY_BOOL(w, "any_of", r->any_of);
        KEY_INT(w, "years", r->years);
        KEY_BOOL(w, "education", r->education);
        KEY_INT(w, "start", (long long)r->start);
        KEY_INT(w, "end", (long long)r->end);
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
    KEY(w, "skills");
    img_jw_array_begin(w);
    for (size_t i = 0; i < j->skills.n; i++)
        skill_obj(w, &a->job_doc, &j->skills.v[i]);
    img_jw_array_end(w);
    img_jw_object_end(w);
}

static void ids_of(img_jw_t *w, const img_analysis_t *a, const int *reqs, size_t n)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        if (reqs[i] >= 0 && (size_t)reqs[i] < a->job.requirements.n)
            img_jw_string(w, a->job.requirements.v[reqs[i]].id);
    img_jw_array_end(w);
}

static void names_of(img_jw_t *w, const img_analysis_t *a, const int *ids, size_t n)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        img_jw_string(w, tax_name(a, ids[i]));
    img_jw_array_end(w);
}

static void gap_block(img_jw_t *w, const img_analysis_t *a)
{
    const img_gap_t *g = &a->gap;
    img_jw_object_begin(w);
    KEY_INT(w, "match_score", g->match_score);
    KEY_STR(w, "narrative", g->narrative ? g->narrative : "");
    KEY(w, "requirements");
    img_jw_array_begin(w);
    for (size_t i = 0; i < g->requirements.n; i++) {
        const img_req_result_t *r = &g->requirements.v[i];
        const char *id = r->req >= 0 && (size_t)r->req < a->job.requirements.n
                             ? a->job.requirements.v[r->req].id
                             : "";
        img_jw_object_begin(w);
        KEY_STR(w, "id", id);
        KEY_STR(w, "status", img_match_name(r->status));
        KEY_NUM(w, "weight", r->weight, 2);
        KEY(w, "evidence");
        evidence_array(w, &a->resume, r->evidence.v, r->evidence.n);
        KEY(w, "matched");
        names_of(w, a, r->matched.v, r->matched.n);
        KEY(w, "missing");
        names_of(w, a, r->missing.v, r->missing.n);
        KEY_STR(w, "note", r->note);
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
    KEY(w, "missing_must");
    strings(w, g->missing_must.v, g->missing_must.n);
    KEY(w, "missing_nice");
    strings(w, g->missing_nice.v, g->missing_nice.n);
    img_jw_object_end(w);
}

static void insights_block(img_jw_t *w, const img_analysis_t *a)
{
    const img_insights_t *in = &a->insights;
    img_jw_object_begin(w);
    KEY_STR(w, "domain", in->domain);
    KEY_STR(w, "candidate_domain", in->candidate_domain);
    KEY_STR(w, "source", in->source ? in->source : "engine");
    KEY(w, "priorities");
    strings(w, in->priorities.v, in->priorities.n);
    KEY(w, "strengths");
    strings(w, in->strengths.v, in->strengths.n);
    KEY(w, "gaps");
    strings(w, in->gaps.v, in->gaps.n);
    KEY(w, "recommendations");
    strings(w, in->recommendations.v, in->recommendations.n);
    KEY(w, "market_trends");
    strings(w, in->market_trends.v, in->market_trends.n);
    KEY(w, "market_alignment");
    if (in->market_alignment < 0)
        img_jw_null(w);
    else
        img_jw_fixed(w, in->market_alignment, 2);
    img_jw_object_end(w);
}

static void suggestions_block(img_jw_t *w, const img_analysis_t *a)
{
    img_jw_array_begin(w);
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        img_jw_object_begin(w);
        KEY_STR(w, "id", s->id);
        KEY_STR(w, "kind", img_sugg_kind_name(s->kind));
        KEY_STR(w, "title", s->title ? s->title : "");
        KEY_STR(w, "detail", s->detail ? s->detail : "");
        KEY(w, "closes");
        ids_of(w, a, s->closes.v, s->closes.n);
        KEY_STR(w, "effort", s->effort);
        KEY_STR(w, "grounding", img_grounding_name(s->grounding));
        if (s->has_source) {
            KEY(w, "source");
            img_jw_object_begin(w);
            KEY_INT(w, "start", (long long)s->source_start);
            KEY_INT(w, "end", (long long)s->source_end);
            KEY(w, "text");
            slice(w, &a->resume, s->source_start, s->source_end);
            img_jw_object_end(w);
        }
        KEY(w, "critique");
        img_jw_object_begin(w);
        KEY_INT(w, "specificity", s->critique.specificity);
        KEY_INT(w, "actionability", s->critique.actionability);
        KEY_INT(w, "alignment", s->critique.alignment);
        KEY_INT(w, "grounding", s->critique.grounding);
        KEY_STR(w, "verdict", img_verdict_name(s->critique.verdict));
        KEY_STR(w, "notes", s->critique.notes);
        img_jw_object_end(w);
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
}

static void usage_block(img_jw_t *w, const img_usage_t *u)
{
    long total = 0;
    double cost = 0;
    int cost_known = 1;
    img_jw_object_begin(w);
    KEY(w, "stages");
    img_jw_array_begin(w);
    for (size_t i = 0; u && i < u->stages.n; i++) {
        const img_stage_usage_t *s = &u->stages.v[i];
        img_jw_object_begin(w);
        KEY_STR(w, "stage", s->stage);
        KEY_STR(w, "provider", s->provider);
        KEY_STR(w, "model", s->model);
        KEY_INT(w, "attempts", s->attempts);
        KEY_INT(w, "input_tokens", s->input_tokens);
        KEY_INT(w, "output_tokens", s->output_tokens);
        KEY_INT(w, "cached_tokens", s->cached_tokens);
        KEY_NUM(w, "cost_usd", s->cost_usd, 6);
        KEY(w, "latency_ms");
        if (s->latency_ms < 0)
            img_jw_null(w);
        else
            img_jw_fixed(w, s->latency_ms, 3);
        KEY_STR(w, "request_id", s->request_id);
        img_jw_object_end(w);
        total += s->input_tokens + s->output_tokens;
        if (isnan(s->cost_usd))
            cost_known = 0;
        else
            cost += s->cost_usd;
    }
    img_jw_array_end(w);
    KEY(w, "failures");
    img_jw_array_begin(w);
    for (size_t i = 0; u && i < u->failures.n; i++) {
        const img_usage_failure_t *f = &u->failures.v[i];
        img_jw_object_begin(w);
        KEY_STR(w, "stage", f->stage);
        KEY_STR(w, "provider", f->provider);
        KEY_INT(w, "status", f->status);
        KEY_STR(w, "error", f->error ? f->error : "");
        img_jw_object_end(w);
    }
    img_jw_array_end(w);
    KEY_INT(w, "total_tokens", total);
    KEY(w, "total_cost_usd");
    if (cost_known)
        img_jw_fixed(w, cost, 6);
    else
        img_jw_null(w);
    img_jw_object_end(w);
}

void img_usage_offline(img_usage_t *usage, img_arena_t *arena, const char *stage, double latency_ms)
{
    img_stage_usage_t *s = IMG_VEC_PUSH(arena, &usage->stages);
    s->stage = stage;
    s->provider = "offline";
    s->model = "builtin";
    s->attempts = 1;
    s->cost_usd = 0;
    s->latency_ms = latency_ms;
}

void img_result_write(img_buf_t *out, const img_analysis_t *a, const img_usage_t *usage,
                      const char *request_id, int pretty)
{
    img_jw_t jw, *w = &jw;
    img_jw_init(w, out, pretty != 0);
    img_jw_object_begin(w);
    KEY_STR(w, "schema", IMG_RESULT_SCHEMA);
    KEY_STR(w, "request_id", request_id);
    KEY_STR(w, "status", "succeeded");
    KEY(w, "error");
    img_jw_null(w);
    KEY_STR(w, "engine_version", IMG_VERSION);
    KEY(w, "as_of");
    if (a->opts.as_of.year) {
        ym(w, a->opts.as_of);
    } else {
        char asof[16];
        img_ym_format(a->opts.as_of, asof, sizeof(asof));
        img_jw_string(w, asof);
    }
    KEY(w, "experiences");
    experiences(w, a);
    skills_block(w, a);
    KEY(w, "job");
    job_block(w, a);
    KEY(w, "domain_insights");
    insights_block(w, a);
    KEY(w, "gap_analysis");
    gap_block(w, a);
    KEY(w, "suggestions");
    suggestions_block(w, a);
    KEY(w, "usage");
    usage_block(w, usage);
    img_jw_object_end(w);
}

char *img_result_render(const img_analysis_t *a, const img_usage_t *usage, const char *request_id,
                        int pretty)
{
    img_buf_t out = IMG_BUF_INIT;
    img_buf_reserve(&out, 16384);
    img_result_write(&out, a, usage, request_id, pretty);
    return img_buf_detach(&out);
}

json_object *img_result_build(const img_analysis_t *a, const img_usage_t *usage,
                              const char *request_id)
{
    img_buf_t out = IMG_BUF_INIT;
    img_result_write(&out, a, usage, request_id, 0);
    /* json-c keeps a parsed number's text, so the tree prints these bytes again. */
    json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
    json_object *doc = tok ? json_tokener_parse_ex(tok, out.data, (int)out.len) : NULL;
    if (!doc || json_tokener_get_error(tok) != json_tokener_success) {
        fputs("imaginator: the result document does not parse (a bug)\n", stderr);
        abort();
    }
    json_tokener_free(tok);
    img_buf_free(&out);
    return doc;
}

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

json_object *img_result_error(const char *request_id, const char *status, const char *code,
                              const char *message)
{
    json_object *doc = json_object_new_object(), *err = json_object_new_object();
    json_object_object_add(doc, "schema", json_object_new_string(IMG_RESULT_SCHEMA));
    json_object_object_add(doc, "request_id", str_or_null(request_id));
    json_object_object_add(doc, "status", json_object_new_string(status));
    json_object_object_add(err, "code", json_object_new_string(code));
    json_object_object_add(err, "message", json_object_new_string(message));
    json_object_object_add(doc, "error", err);
    json_object_object_add(doc, "engine_version", json_object_new_string(IMG_VERSION));
    return doc;
}

char *img_result_to_string(json_object *doc, int pretty)
{
    int flags =
        JSON_C_TO_STRING_NOSLASHESCAPE |
        (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
    return strdup(json_object_to_json_string_ext(doc, flags));
}
