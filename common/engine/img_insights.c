/*
 * img_insights.c - domain insights from the engine (source "engine").
 *
 *   domain            the job's (img_job_parse)
 *   candidate_domain  votes from the resume's headline and experience titles
 *                     (the latest weighs most) and its high/medium skills
 *   priorities        the must-have skills in order of appearance, top 5
 *                     (job.skills when the ad has no must-have skills)
 *   strengths         skills of met must-haves, then high-confidence resume
 *                     skills that the job names or that relate to one, up to 5
 *   gaps              the missing must-haves
 *   market_alignment  match_score / 100
 * Recommendations and market trends are left to upstream input or an LLM:
 * the engine has no facts for them.
 */
#include <string.h>

#include "img_job.h"
#include "img_job_int.h"
#include "img_skills.h"

static void push_unique(img_arena_t *arena, void *vecp, const char *s, size_t max)
{
    IMG_VEC(const char *) *vec = vecp;
    if (!s || vec->n >= max)
        return;
    for (size_t i = 0; i < vec->n; i++)
        if (strcmp(vec->v[i], s) == 0)
            return;
    *IMG_VEC_PUSH(arena, vec) = s;
}

static char *norm_of(img_arena_t *arena, const char *s)
{
    return img_job_norm(arena, s, 0, strlen(s), NULL);
}

static const char *candidate_domain(img_analysis_t *a)
{
    img_job_dom_t d;
    memset(&d, 0, sizeof(d));
    /* The headline: the first lines of the resume. */
    int seen = 0;
    for (size_t i = 0; i < a->resume.n_lines && seen < 3; i++) {
        const img_line_t *ln = &a->resume.lines[i];
        if (ln->blank)
            continue;
        seen++;
        /* Only a headline, not a summary paragraph. */
        size_t words = 1;
        for (size_t p = ln->start; p < ln->end; p++)
            words += a->resume.text[p] == ' ';
        if (words <= 8)
            img_job_dom_title(&d, img_job_norm(a->arena, a->resume.text, ln->start, ln->end, NULL),
                              2.0);
    }
    const img_experience_t *latest = NULL;
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        if (!latest)
            latest = x;
        else if (!latest->current && (x->current || img_ym_cmp(x->end, latest->end) > 0))
            latest = x;
    }
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        if (x->title)
            img_job_dom_title(&d, norm_of(a->arena, x->title), x == latest ? 3.0 : 1.0);
    }
    for (size_t i = 0; i < a->skills.n; i++) {
        const img_skill_t *k = &a->skills.v[i];
        double w = k->confidence == IMG_CONF_HIGH     ? 1.0
                   : k->confidence == IMG_CONF_MEDIUM ? 0.5
                                                      : 0;
        if (w > 0)
            img_job_dom_skill(&d, a->tax, k->tax_id, w);
    }
    return img_job_dom_best(&d);
}

static bool relevant_to_job(const img_analysis_t *a, int id)
{
    if (id < 0)
        return false;
    for (size_t i = 0; i < a->job.skills.n; i++) {
        int j = a->job.skills.v[i].tax_id;
        if (j == id || (j >= 0 && img_tax_related(a->tax, id, j)))
            return true;
    }
    return false;
}

void img_insights_build(img_analysis_t *analysis)
{
    img_analysis_t *a = analysis;
    img_insights_t *in = &a->insights;
    memset(in, 0, sizeof(*in));
    in->source = "engine";
    in->domain = a->job.domain;
    in->candidate_domain = candidate_domain(a);

    for (size_t i = 0; i < a->job.requirements.n; i++) {
        const img_requirement_t *r = &a->job.requirements.v[i];
        if (r->kind != IMG_REQ_MUST || r->education)
            continue;
        for (size_t k = 0; k < r->skills.n; k++)
            push_unique(a->arena, &in->priorities, img_job_skill_name(a, r->skills.v[k]), 5);
    }
    if (!in->priorities.n)
        for (size_t i = 0; i < a->job.skills.n; i++)
            if (a->job.skills.v[i].tax_id >= 0)
                push_unique(a->arena, &in->priorities, a->job.skills.v[i].name, 5);

    for (size_t i = 0; i < a->gap.requirements.n; i++) {
        const img_req_result_t *res = &a->gap.requirements.v[i];
        const img_requirement_t *r = &a->job.requirements.v[res->req];
        if (r->kind != IMG_REQ_MUST || res->status != IMG_MATCH_MET)
            continue;
        for (size_t k = 0; k < res->matched.n; k++)
            if (img_skills_find(a, res->matched.v[k]) >= 0)
                push_unique(a->arena, &in->strengths, img_job_skill_name(a, res->matched.v[k]), 5);
    }
    for (size_t i = 0; i < a->skills.n; i++) {
        const img_skill_t *k = &a->skills.v[i];
        if (k->confidence == IMG_CONF_HIGH && relevant_to_job(a, k->tax_id))
            push_unique(a->arena, &in->strengths, k->name, 5);
    }
    for (size_t i = 0; i < a->gap.missing_must.n; i++)
        push_unique(a->arena, &in->gaps, a->gap.missing_must.v[i], 10);
    in->market_alignment = a->gap.match_score / 100.0;
}
