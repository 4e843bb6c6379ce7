#include "test_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const img_tax_t *ts_tax(void)
{
    static img_tax_t *tax;
    char err[256];
    if (!tax && img_tax_new_builtin(&tax, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "taxonomy: %s\n", err);
        abort();
    }
    return tax;
}

img_analysis_t *ts_analyze(const char *resume, const char *job, const char *as_of, int full)
{
    img_engine_input_t in = {0};
    in.resume = resume;
    in.resume_len = strlen(resume);
    in.job = job;
    in.job_len = strlen(job);
    if (as_of && !img_ym_parse(as_of, &in.opts.as_of))
        fail_msg("bad as_of %s", as_of);
    in.opts.confidence_threshold = 0.7;
    img_analysis_t *a = NULL;
    char err[256];
    if (img_engine_analyze(ts_tax(), &in, &a, err, sizeof(err)) != IMG_OK)
        fail_msg("analyze: %s", err);
    if (full) {
        img_engine_generate(a);
        img_engine_criticize(a);
    }
    return a;
}

char *ts_shared_file(const char *rel, size_t *len)
{
    const char *dir = getenv("IMG_SHARED_DIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : "../shared", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (fread(s, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        free(s);
        return NULL;
    }
    fclose(f);
    s[n] = '\0';
    if (len)
        *len = (size_t)n;
    return s;
}

char *ts_slice(const char *text, size_t start, size_t end)
{
    char *s = malloc(end - start + 1);
    memcpy(s, text + start, end - start);
    s[end - start] = '\0';
    return s;
}

int ts_skill(const img_analysis_t *a, const char *name)
{
    for (size_t i = 0; i < a->skills.n; i++)
        if (strcasecmp(a->skills.v[i].name, name) == 0)
            return (int)i;
    return -1;
}
