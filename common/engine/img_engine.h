/*
 * img_engine.h - the offline analyst: the whole pipeline with no provider.
 *
 *   img_engine_analyze()    sections, experiences, skills, job, gap, insights
 *   img_engine_generate()   bridging suggestions and grounded rewrites
 *   img_engine_criticize()  scores, verdicts, the grounding guard
 *
 * Ownership: img_engine_analyze() creates an analysis the caller frees with
 * img_analysis_destroy(); it borrows `tax` and both texts until then.
 * Thread-safety: distinct analyses may run on distinct threads concurrently.
 */
#ifndef IMG_ENGINE_H
#define IMG_ENGINE_H

#include "img_model.h"
#include "img_skills.h"
#include "img_tax.h"

typedef struct img_engine_input {
    const char *resume;
    size_t resume_len;
    const char *job;
    size_t job_len;
    size_t max_document_bytes;       /* 0 = IMG_ENGINE_DEFAULT_MAX_BYTES */
    const img_input_skill_t *skills; /* upstream skills, may be NULL */
    size_t n_skills;
    const img_insights_t *insights; /* upstream insights (source "input"), may be NULL */
    img_analysis_opts_t opts;
} img_engine_input_t;

#define IMG_ENGINE_DEFAULT_MAX_BYTES (256u * 1024u)

/* Validates both documents and runs the analysis stage. On bad input returns
 * IMG_ERR_PERMANENT with one line naming the document and the fault, and
 * *out stays NULL. */
img_err_t img_engine_analyze(const img_tax_t *tax, const img_engine_input_t *in,
                             img_analysis_t **out, char *errstr, size_t errstr_size) IMG_WUR;
void img_engine_generate(img_analysis_t *analysis);
void img_engine_criticize(img_analysis_t *analysis);
void img_analysis_destroy(img_analysis_t *analysis);

/* Today's month from the clock (UTC). */
img_ym_t img_engine_today(void);

#endif
