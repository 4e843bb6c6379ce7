/*
 * img_llm_price.h - the price table (data/prices.tsv, compiled in) and cost.
 *
 * Cost comes only from the tokens the provider reported and this table:
 *   OpenAI:    (prompt - cached) * input + cached * cached_input + completion * output
 *   Anthropic: input * input + cache_read * cached_input + cache_creation * cache_write
 *              + output * output
 * An unknown model has no price: cost is NAN (JSON null), never 0.
 * Ownership: the table is built once, read-only after; lookups return borrowed rows.
 */
#ifndef IMG_LLM_PRICE_H
#define IMG_LLM_PRICE_H

#include <stddef.h>

#include "util/img_err.h"

typedef struct img_llm_price {
    const char *provider, *model;
    double input, cached_input, cache_write, output; /* USD per million tokens */
    char as_of[12];
} img_llm_price_t;

/* Tokens as the provider reported them, in the provider-neutral form. */
typedef struct img_llm_tokens {
    long input;       /* all input tokens, cache reads and writes included */
    long cached;      /* input tokens read from the cache */
    long cache_write; /* input tokens written to the cache (Anthropic) */
    long output;
} img_llm_tokens_t;

typedef struct img_llm_prices img_llm_prices_t;

/* Parses the compiled-in data/prices.tsv (or `text` when non-NULL). */
img_err_t img_llm_prices_new(img_llm_prices_t **out, const char *text, char *errstr,
                             size_t errstr_size) IMG_WUR;
void img_llm_prices_destroy(img_llm_prices_t *p);
/* Row for provider/model ("openai-compatible" uses the openai rows), accepting
 * a date suffix; NULL when unknown. */
const img_llm_price_t *img_llm_prices_find(const img_llm_prices_t *p, const char *provider,
                                           const char *model);
/* Cost in USD, or NAN when the model is unknown. */
double img_llm_cost(const img_llm_prices_t *p, const char *provider, const char *model,
                    const img_llm_tokens_t *t);

#endif
