#include "img_result.h"

#include "engine/img_tax.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *str_or_null(const char *s)
{
    return s ? json_object_new_string(s) : NULL;
}

/* Doubles serialise with a fixed number of decimals so output is stable and short. */
static json_object *num(double v, int decimals)
{
    if (isnan(v))
        return NULL;
    char buf[64];
    snprintf(buf, sizeof(buf), "%.*f", decimals, v);
    return json_object_new_double_s(v, buf);
}

static json_object *slice(const img_doc_t *doc, size_t start, size_t end)
{
    if (end > doc->len || start > end)
        return json_object_new_string("");
    return json_object_new_string_len(doc->text + start, (int)(end - start));
}

static json_object *ym(img_ym_t v)
{
    char buf[16];
    if (!v.year)
        return NULL;
    img_ym_format(v, buf, sizeof(buf));
    return json_object_new_string(buf);
}

static json_object *evidence_array(const img_doc_t *doc, const img_evidence_t *ev, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_new_object();
        json_object_object_add(e, "section", json_object_new_string(ev[i].section));
        json_object_object_add(e, "start", json_object_new_int64((int64_t)ev[i].start));
        json_object_object_add(e, "end", json_object_new_int64((int64_t)ev[i].end));
        json_object_object_add(e, "text", slice(doc, ev[i].start, ev[i].end));
        json_object_array_add(arr, e);
    }
    return arr;
}

static json_object *skill_obj(const img_doc_t *doc, const img_skill_t *s)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(s->name));
    json_object_object_add(o, "category", json_object_new_string(img_category_name(s->category)));
    json_object_object_add(o, "confidence",
                           json_object_new_string(img_confidence_name(s->confidence)));
    json_object_object_add(o, "score", num(s->score, 2));
    json_object_object_add(o, "evidence", evidence_array(doc, s->evidence.v, s->evidence.n));
    json_object_object_add(o, "months", json_object_new_int(s->months));
    json_object_object_add(o, "last_used", ym(s->last_used));
    const char *source = !s->from_input ? "resume" : s->evidence.n ? "resume+input" : "input";
    json_object_object_add(o, "source", json_object_new_string(source));
    if (s->from_input)
        json_object_object_add(o, "input_confidence", num(s->input_confidence, 2));
    return o;
}

static json_object *strings(const char *const *v, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(v[i]));
    return arr;
}

static json_object *experiences(const img_analysis_t *a)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "title", str_or_null(x->title));
        json_object_object_add(o, "company", str_or_null(x->company));
        json_object_object_add(o, "location", str_or_null(x->location));
        json_object_object_add(o, "start", ym(x->start));
        json_object_object_add(o, "end", x->current ? NULL : ym(x->end));
        json_object_object_add(o, "months", json_object_new_int(x->months));
        json_object_object_add(o, "current", json_object_new_boolean(x->current));
        json_object *bl = json_object_new_array();
        for (size_t b = 0; b < x->bullets.n; b++) {
            json_object *bo = json_object_new_object();
            json_object_object_add(bo, "text",
                                   slice(&a->resume, x->bullets.v[b].start, x->bullets.v[b].end));
            json_object_object_add(bo, "start", json_object_new_int64((int64_t)x->bullets.v[b].start));
            json_object_object_add(bo, "end", json_object_new_int64((int64_t)x->bullets.v[b].end));
            json_object_array_add(bl, bo);
        }
        json_object_object_add(o, "bullets", bl);
        json_object *sk = json_object_new_array();
        for (size_t k = 0; k < x->skills.n; k++) {
            int si = x->skills.v[k];
            if (si >= 0 && (size_t)si < a->skills.n)
                json_object_array_add(sk, json_object_new_string(a->skills.v[si].name));
        }
        json_object_object_add(o, "skills", sk);
        json_object_array_add(arr, o);
    }
    return arr;
}

static json_object *skills_block(const img_analysis_t *a, json_object **by_conf)
{
    json_object *arr = json_object_new_array();
    json_object *lv[3] = {json_object_new_array(), json_object_new_array(),
                          json_object_new_array()};
    for (size_t i = 0; i < a->skills.n; i++) {
        const img_skill_t *s = &a->skills.v[i];
        json_object_array_add(arr, skill_obj(&a->resume, s));
        json_object_array_add(lv[s->confidence <= IMG_CONF_LOW ? s->confidence : IMG_CONF_LOW],
                              json_object_new_string(s->name));
    }
    *by_conf = json_object_new_object();
    json_object_object_add(*by_conf, "high", lv[0]);
    json_object_object_add(*by_conf, "medium", lv[1]);
    json_object_object_add(*by_conf, "low", lv[2]);
    return arr;
}

static const char *tax_name(const img_analysis_t *a, int id);

static json_object *job_block(const img_analysis_t *a)
{
    const img_job_t *j = &a->job;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "title", str_or_null(j->title));
    json_object_object_add(o, "seniority", str_or_null(j->seniority));
    json_object_object_add(o, "domain", str_or_null(j->domain));
    json_object_object_add(o, "years_required", json_object_new_int(j->years_required));
    json_object_object_add(o, "education", str_or_null(j->education));
    json_object *reqs = json_object_new_array();
    for (size_t i = 0; i < j->requirements.n; i++) {
        const img_requirement_t *r = &j->requirements.v[i];
        json_object *ro = json_object_new_object();
        json_object_object_add(ro, "id", json_object_new_string(r->id));
        json_object_object_add(ro, "text", slice(&a->job_doc, r->start, r->end));
        json_object_object_add(ro, "kind",
                               json_object_new_string(r->kind == IMG_REQ_MUST ? "must" : "nice"));
        json_object *sk = json_object_new_array();
        for (size_t k = 0; k < r->skills.n; k++)
            json_object_array_add(sk, json_object_new_string(tax_name(a, r->skills.v[k])));
        json_object_object_add(ro, "skills", sk);
        json_object_object_add(ro, "any_of", json_object_new_boolean(r->any_of));
        json_object_object_add(ro, "years", json_object_new_int(r->years));
        json_object_object_add(ro, "education", json_object_new_boolean(r->education));
        json_object_object_add(ro, "start", json_object_new_int64((int64_t)r->start));
        json_object_object_add(ro, "end", json_object_new_int64((int64_t)r->end));
        json_object_array_add(reqs, ro);
    }
    json_object_object_add(o, "requirements", reqs);
    json_object *sk = json_object_new_array();
    for (size_t i = 0; i < j->skills.n; i++)
        json_object_array_add(sk, skill_obj(&a->job_doc, &j->skills.v[i]));
    json_object_object_add(o, "skills", sk);
    return o;
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

static json_object *ids_of(const img_analysis_t *a, const int *reqs, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        if (reqs[i] >= 0 && (size_t)reqs[i] < a->job.requirements.n)
            json_object_array_add(arr, json_object_new_string(a->job.requirements.v[reqs[i]].id));
    return arr;
}

static json_object *names_of(const img_analysis_t *a, const int *ids, size_t n)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(arr, json_object_new_string(tax_name(a, ids[i])));
    return arr;
}

static json_object *gap_block(const img_analysis_t *a)
{
    const img_gap_t *g = &a->gap;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "match_score", json_object_new_int(g->match_score));
    json_object_object_add(o, "narrative", json_object_new_string(g->narrative ? g->narrative : ""));
    json_object *reqs = json_object_new_array();
    for (size_t i = 0; i < g->requirements.n; i++) {
        const img_req_result_t *r = &g->requirements.v[i];
        json_object *ro = json_object_new_object();
        const char *id = r->req >= 0 && (size_t)r->req < a->job.requirements.n
                             ? a->job.requirements.v[r->req].id
                             : "";
        json_object_object_add(ro, "id", json_object_new_string(id));
        json_object_object_add(ro, "status", json_object_new_string(img_match_name(r->status)));
        json_object_object_add(ro, "weight", num(r->weight, 2));
        json_object_object_add(ro, "evidence",
                               evidence_array(&a->resume, r->evidence.v, r->evidence.n));
        json_object_object_add(ro, "matched", names_of(a, r->matched.v, r->matched.n));
        json_object_object_add(ro, "missing", names_of(a, r->missing.v, r->missing.n));
        json_object_object_add(ro, "note", str_or_null(r->note));
        json_object_array_add(reqs, ro);
    }
    json_object_object_add(o, "requirements", reqs);
    json_object_object_add(o, "missing_must", strings(g->missing_must.v, g->missing_must.n));
    json_object_object_add(o, "missing_nice", strings(g->missing_nice.v, g->missing_nice.n));
    return o;
}

static json_object *insights_block(const img_analysis_t *a)
{
    const img_insights_t *in = &a->insights;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "domain", str_or_null(in->domain));
    json_object_object_add(o, "candidate_domain", str_or_null(in->candidate_domain));
    json_object_object_add(o, "source", json_object_new_string(in->source ? in->source : "engine"));
    json_object_object_add(o, "priorities", strings(in->priorities.v, in->priorities.n));
    json_object_object_add(o, "strengths", strings(in->strengths.v, in->strengths.n));
    json_object_object_add(o, "gaps", strings(in->gaps.v, in->gaps.n));
    json_object_object_add(o, "recommendations",
                           strings(in->recommendations.v, in->recommendations.n));
    json_object_object_add(o, "market_trends", strings(in->market_trends.v, in->market_trends.n));
    json_object_object_add(o, "market_alignment",
                           in->market_alignment < 0 ? NULL : num(in->market_alignment, 2));
    return o;
}

static json_object *suggestions_block(const img_analysis_t *a)
{
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(s->id));
        json_object_object_add(o, "kind", json_object_new_string(img_sugg_kind_name(s->kind)));
        json_object_object_add(o, "title", json_object_new_string(s->title ? s->title : ""));
        json_object_object_add(o, "detail", json_object_new_string(s->detail ? s->detail : ""));
        json_object_object_add(o, "closes", ids_of(a, s->closes.v, s->closes.n));
        json_object_object_add(o, "effort", str_or_null(s->effort));
        json_object_object_add(o, "grounding",
                               json_object_new_string(img_grounding_name(s->grounding)));
        if (s->has_source) {
            json_object *src = json_object_new_object();
            json_object_object_add(src, "start", json_object_new_int64((int64_t)s->source_start));
            json_object_object_add(src, "end", json_object_new_int64((int64_t)s->source_end));
            json_object_object_add(src, "text", slice(&a->resume, s->source_start, s->source_end));
            json_object_object_add(o, "source", src);
        }
        json_object *c = json_object_new_object();
        json_object_object_add(c, "specificity", json_object_new_int(s->critique.specificity));
        json_object_object_add(c, "actionability", json_object_new_int(s->critique.actionability));
        json_object_object_add(c, "alignment", json_object_new_int(s->critique.alignment));
        json_object_object_add(c, "grounding", json_object_new_int(s->critique.grounding));
        json_object_object_add(c, "verdict",
                               json_object_new_string(img_verdict_name(s->critique.verdict)));
        json_object_object_add(c, "notes", str_or_null(s->critique.notes));
        json_object_object_add(o, "critique", c);
        json_object_array_add(arr, o);
    }
    return arr;
}

static json_object *usage_block(const img_usage_t *u)
{
    json_object *o = json_object_new_object(), *st = json_object_new_array(),
                *fl = json_object_new_array();
    long total = 0;
    double cost = 0;
    int cost_known = 1;
    for (size_t i = 0; u && i < u->stages.n; i++) {
        const img_stage_usage_t *s = &u->stages.v[i];
        json_object *so = json_object_new_object();
        json_object_object_add(so, "stage", json_object_new_string(s->stage));
        json_object_object_add(so, "provider", json_object_new_string(s->provider));
        json_object_object_add(so, "model", json_object_new_string(s->model));
        json_object_object_add(so, "attempts", json_object_new_int(s->attempts));
        json_object_object_add(so, "input_tokens", json_object_new_int64(s->input_tokens));
        json_object_object_add(so, "output_tokens", json_object_new_int64(s->output_tokens));
        json_object_object_add(so, "cached_tokens", json_object_new_int64(s->cached_tokens));
        json_object_object_add(so, "cost_usd", num(s->cost_usd, 6));
        json_object_object_add(so, "latency_ms", s->latency_ms < 0 ? NULL : num(s->latency_ms, 3));
        json_object_object_add(so, "request_id", str_or_null(s->request_id));
        json_object_array_add(st, so);
        total += s->input_tokens + s->output_tokens;
        if (isnan(s->cost_usd))
            cost_known = 0;
        else
            cost += s->cost_usd;
    }
    for (size_t i = 0; u && i < u->failures.n; i++) {
        const img_usage_failure_t *f = &u->failures.v[i];
        json_object *fo = json_object_new_object();
        json_object_object_add(fo, "stage", json_object_new_string(f->stage));
        json_object_object_add(fo, "provider", json_object_new_string(f->provider));
        json_object_object_add(fo, "status", json_object_new_int(f->status));
        json_object_object_add(fo, "error", json_object_new_string(f->error ? f->error : ""));
        json_object_array_add(fl, fo);
    }
    json_object_object_add(o, "stages", st);
    json_object_object_add(o, "failures", fl);
    json_object_object_add(o, "total_tokens", json_object_new_int64(total));
    json_object_object_add(o, "total_cost_usd", cost_known ? num(cost, 6) : NULL);
    return o;
}

void img_usage_offline(img_usage_t *usage, img_arena_t *arena, const char *stage,
                       double latency_ms)
{
    img_stage_usage_t *s = IMG_VEC_PUSH(arena, &usage->stages);
    s->stage = stage;
    s->provider = "offline";
    s->model = "builtin";
    s->attempts = 1;
    s->cost_usd = 0;
    s->latency_ms = latency_ms;
}

json_object *img_result_build(const img_analysis_t *a, const img_usage_t *usage,
                              const char *request_id)
{
    json_object *doc = json_object_new_object(), *by_conf = NULL;
    char asof[16];
    img_ym_format(a->opts.as_of, asof, sizeof(asof));
    json_object_object_add(doc, "schema", json_object_new_string(IMG_RESULT_SCHEMA));
    json_object_object_add(doc, "request_id", str_or_null(request_id));
    json_object_object_add(doc, "status", json_object_new_string("succeeded"));
    json_object_object_add(doc, "error", NULL);
    json_object_object_add(doc, "engine_version", json_object_new_string(IMG_VERSION));
    json_object_object_add(doc, "as_of", json_object_new_string(asof));
    json_object_object_add(doc, "experiences", experiences(a));
    json_object *skills = skills_block(a, &by_conf);
    json_object_object_add(doc, "skills", skills);
    json_object_object_add(doc, "skills_by_confidence", by_conf);
    json_object_object_add(doc, "job", job_block(a));
    json_object_object_add(doc, "domain_insights", insights_block(a));
    json_object_object_add(doc, "gap_analysis", gap_block(a));
    json_object_object_add(doc, "suggestions", suggestions_block(a));
    json_object_object_add(doc, "usage", usage_block(usage));
    return doc;
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
    int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
                (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED : JSON_C_TO_STRING_PLAIN);
    return strdup(json_object_to_json_string_ext(doc, flags));
}
