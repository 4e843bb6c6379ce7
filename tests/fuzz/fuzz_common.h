/* Shared set-up for the fuzz targets: one taxonomy per process. */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include "engine/img_engine.h"

static const img_tax_t *fuzz_tax(void)
{
    static img_tax_t *tax;
    char err[256];
    if (!tax && img_tax_new_builtin(&tax, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "taxonomy: %s\n", err);
        abort();
    }
    return tax;
}

/* Runs the whole offline pipeline; bad input must fail cleanly, never crash. */
static void fuzz_pipeline(const char *resume, size_t rlen, const char *job, size_t jlen)
{
    img_engine_input_t in = {0};
    in.resume = resume;
    in.resume_len = rlen;
    in.job = job;
    in.job_len = jlen;
    in.opts.as_of.year = 2026;
    in.opts.as_of.month = 11;
    img_analysis_t *a = NULL;
    char err[256];
    if (img_engine_analyze(fuzz_tax(), &in, &a, err, sizeof(err)) != IMG_OK)
        return;
    img_engine_generate(a);
    img_engine_criticize(a);
    img_analysis_destroy(a);
}

#endif
