#include "img_engine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "img_job.h"
#include "img_resume.h"
#include "img_suggest.h"

img_ym_t img_engine_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    img_ym_t ym = {tm.tm_year + 1900, tm.tm_mon + 1};
    return ym;
}

img_err_t img_engine_analyze(const img_tax_t *tax, const img_engine_input_t *in,
                             img_analysis_t **out, char *errstr, size_t errstr_size)
{
    *out = NULL;
    size_t max = in->max_document_bytes ? in->max_document_bytes : IMG_ENGINE_DEFAULT_MAX_BYTES;
    img_arena_t *arena = img_arena_new(64 * 1024);
    img_analysis_t *a = img_arena_alloc(arena, sizeof(*a));
    a->arena = arena;
    a->tax = tax;
    a->opts = in->opts;
    if (!a->opts.as_of.year)
        a->opts.as_of = img_engine_today();
    if (a->opts.confidence_threshold <= 0)
        a->opts.confidence_threshold = 0.7;

    img_err_t err = img_doc_init(&a->resume, "resume", in->resume ? in->resume : "",
                                 in->resume ? in->resume_len : 0, max, arena, errstr, errstr_size);
    if (err == IMG_OK)
        err = img_doc_init(&a->job_doc, "job ad", in->job ? in->job : "", in->job ? in->job_len : 0,
                           max, arena, errstr, errstr_size);
    if (err != IMG_OK) {
        img_arena_destroy(arena);
        return err;
    }

    img_resume_sections(a);
    img_resume_experiences(a);
    img_skills_build(a);
    if (in->skills && in->n_skills)
        img_skills_merge_input(a, in->skills, in->n_skills);
    img_job_parse(a);
    img_gap_analyze(a);
    img_insights_build(a);
    if (in->insights) {
        /* Upstream insights replace the engine's view of the candidate but
         * keep the job's domain when the input has none. */
        const char *job_domain = a->insights.domain;
        a->insights = *in->insights;
        a->insights.source = "input";
        if (!a->insights.domain)
            a->insights.domain = job_domain;
    }
    *out = a;
    return IMG_OK;
}

void img_engine_generate(img_analysis_t *analysis)
{
    img_suggest_generate(analysis);
}

void img_engine_criticize(img_analysis_t *analysis)
{
    img_suggest_criticize(analysis);
}

void img_analysis_destroy(img_analysis_t *analysis)
{
    if (analysis)
        img_arena_destroy(analysis->arena);
}
