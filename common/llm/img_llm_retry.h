/*
 * img_llm_retry.h - the providers' retry rules (both official SDKs follow them).
 *
 * Retry transport errors, timeouts, 408, 409, 429 and every status >= 500
 * (529 included), unless `x-should-retry` says otherwise; never retry
 * authentication, permission, not-found, bad-request or out-of-credit errors:
 * go to the next provider at once. Wait `retry-after-ms`, else `retry-after`
 * (seconds or an HTTP date) when between 0 and 60 s, else exponential backoff
 * from 0.5 s doubling to 8 s with jitter. Pure functions; thread-safe.
 */
#ifndef IMG_LLM_RETRY_H
#define IMG_LLM_RETRY_H

#include <stdint.h>
#include <time.h>

#include "util/img_err.h"

/* What a failed attempt means for the caller. */
typedef struct img_llm_failure_info {
    int http_status;          /* 0 for transport errors (connection, timeout, cut body) */
    const char *should_retry; /* x-should-retry header value or NULL */
    const char *error_type;   /* provider error type/code ("insufficient_quota",
                                 "rate_limit_exceeded", "overloaded_error"...) or NULL */
} img_llm_failure_info_t;

/* IMG_ERR_RETRIABLE (same provider again) or IMG_ERR_PERMANENT (next provider). */
img_err_t img_llm_classify(const img_llm_failure_info_t *f);

/* The server's requested wait in milliseconds from `retry-after-ms` or
 * `retry-after` (delta seconds or an HTTP date, compared with now), or -1 when
 * absent, malformed, negative or over 60 s. Either header may be NULL. */
long img_llm_retry_after_ms(const char *retry_after_ms, const char *retry_after, time_t now);

/* Backoff before retry number `retry` (1 = first retry): min(8 s, 0.5 s *
 * 2^(retry-1)) times a jitter factor in [0.75, 1.0] drawn from *rng. */
long img_llm_backoff_ms(int retry, uint32_t *rng);

/* True for a status that the provider bills even though the call failed
 * (none today: both bill only completed generations; kept as the one place
 * to change if that stops being true). */
int img_llm_failure_billed(int http_status);

#endif
