/*
 * img_llm_breaker.h - a per-provider circuit breaker.
 *
 * Closed: calls flow; `threshold` consecutive failures open it. Open: calls
 * are refused until `cooldown_ms` passes. Half-open: one probe call is let
 * through; success closes the breaker, failure opens it again. Times are
 * passed in (monotonic milliseconds) so tests need no clock. Not thread-safe:
 * one breaker per provider per event loop.
 */
#ifndef IMG_LLM_BREAKER_H
#define IMG_LLM_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

typedef enum img_llm_breaker_state {
    IMG_BREAKER_CLOSED = 0,
    IMG_BREAKER_OPEN,
    IMG_BREAKER_HALF_OPEN
} img_llm_breaker_state_t;

typedef struct img_llm_breaker {
    img_llm_breaker_state_t state;
    int failures;  /* consecutive */
    int threshold; /* failures that open it (>= 1) */
    int64_t cooldown_ms;
    int64_t opened_at;
    bool probe_out; /* half-open: the probe is in flight */
} img_llm_breaker_t;

void img_llm_breaker_init(img_llm_breaker_t *b, int threshold, int64_t cooldown_ms);
/* May a call go out now? In half-open, only the first caller gets true. */
bool img_llm_breaker_allow(img_llm_breaker_t *b, int64_t now_ms);
void img_llm_breaker_success(img_llm_breaker_t *b);
void img_llm_breaker_failure(img_llm_breaker_t *b, int64_t now_ms);
const char *img_llm_breaker_state_name(img_llm_breaker_state_t s);

#endif
