#include "img_llm_price.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const char img_prices_builtin_data[];

struct img_llm_prices {
    img_llm_price_t *rows;
    size_t n;
    char *text; /* owns the strings the rows point into */
};

static int field_double(const char *s, double *out, int allow_empty)
{
    if (!*s) {
        if (!allow_empty)
            return 0;
        *out = NAN;
        return 1;
    }
    char *end;
    double v = strtod(s, &end);
    if (*end || v < 0 || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

img_err_t img_llm_prices_new(img_llm_prices_t **out, const char *text, char *errstr,
                             size_t errstr_size)
{
    img_llm_prices_t *p = calloc(1, sizeof(*p));
    p->text = strdup(text ? text : img_prices_builtin_data);
    size_t cap = 16;
    p->rows = calloc(cap, sizeof(*p->rows));
    int lineno = 0;
    char *save = NULL;
    for (char *line = strtok_r(p->text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        lineno++;
        if (!*line || *line == '#')
            continue;
        char *f[8];
        int nf = 0;
        f[nf++] = line;
        for (char *c = line; *c && nf < 8; c++)
            if (*c == '\t') {
                *c = '\0';
                f[nf++] = c + 1;
            }
        img_llm_price_t r = {0};
        if (nf != 7 || !*f[0] || !*f[1] || !field_double(f[2], &r.input, 0) ||
            !field_double(f[3], &r.cached_input, 0) || !field_double(f[4], &r.cache_write, 1) ||
            !field_double(f[5], &r.output, 0) || strlen(f[6]) != 10) {
            img_llm_prices_destroy(p);
            *out = NULL;
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "price table line %d: expected provider, model, input, "
                               "cached_input, cache_write, output, YYYY-MM-DD",
                               lineno);
        }
        if (isnan(r.cache_write))
            r.cache_write = r.input;
        r.provider = f[0];
        r.model = f[1];
        memcpy(r.as_of, f[6], 10);
        if (p->n == cap) {
            cap *= 2;
            p->rows = realloc(p->rows, cap * sizeof(*p->rows));
        }
        p->rows[p->n++] = r;
    }
    *out = p;
    return IMG_OK;
}

void img_llm_prices_destroy(img_llm_prices_t *p)
{
    if (!p)
        return;
    free(p->rows);
    free(p->text);
    free(p);
}

/* Length of model without a "-YYYYMMDD" or "-YYYY-MM-DD" suffix. */
static size_t base_len(const char *m)
{
    size_t n = strlen(m);
    if (n > 9 && m[n - 9] == '-') {
        size_t i;
        for (i = n - 8; i < n && isdigit((unsigned char)m[i]); i++)
            ;
        if (i == n)
            return n - 9;
    }
    if (n > 11 && m[n - 11] == '-' && m[n - 3] == '-' && m[n - 6] == '-')
        return n - 11;
    return n;
}

const img_llm_price_t *img_llm_prices_find(const img_llm_prices_t *p, const char *provider,
                                           const char *model)
{
    if (!p || !provider || !model)
        return NULL;
    const char *prov = !strcmp(provider, "openai-compatible") ? "openai" : provider;
    size_t bl = base_len(model);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < p->n; i++) {
            const img_llm_price_t *r = &p->rows[i];
            if (strcmp(r->provider, prov))
                continue;
            if (pass == 0 && !strcmp(r->model, model))
                return r;
            if (pass == 1 && strlen(r->model) == bl && !strncmp(r->model, model, bl))
                return r;
        }
    return NULL;
}

double img_llm_cost(const img_llm_prices_t *p, const char *provider, const char *model,
                    const img_llm_tokens_t *t)
{
    const img_llm_price_t *r = img_llm_prices_find(p, provider, model);
    if (!r)
        return NAN;
    long fresh = t->input - t->cached - t->cache_write;
    if (fresh < 0)
        fresh = 0;
    return (fresh * r->input + t->cached * r->cached_input + t->cache_write * r->cache_write +
            t->output * r->output) /
           1e6;
}
