/*
 * img_llm.h - LLM providers behind one interface, asynchronous (libcurl multi),
 * with the providers' retry rules, a circuit breaker per provider, a fallback
 * chain, one repair attempt for invalid output, and exact metering.
 *
 * Providers: "openai" (Chat Completions, strict json_schema response_format),
 * "anthropic" (Messages, one forced tool whose input_schema is the stage
 * schema, system prompt marked cacheable), "openai-compatible" (the OpenAI
 * wire format at any base URL: Ollama, vLLM, llama.cpp, LM Studio), and
 * "offline" (never called here: the caller runs the engine when a chain
 * reaches "offline" or is exhausted).
 *
 * Threading: an img_llm_t belongs to one thread (one event loop). Hundreds of
 * calls may be in flight at once. Blocking: img_llm_run() never blocks;
 * img_llm_wait() drives the loop until no call is left (CLI, tests); daemons
 * instead integrate the fds and timer through img_llm_loop_*().
 *
 * Ownership: img_llm_new() returns a client freed with img_llm_destroy(),
 * which cancels calls still in flight (their callbacks are not called). A
 * call's strings and schema are borrowed until its callback returns. The
 * outcome passed to the callback is valid only during the callback; take the
 * output with img_llm_outcome_take_output() to keep it.
 */
#ifndef IMG_LLM_H
#define IMG_LLM_H

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

#include "llm/img_llm_price.h"
#include "util/img_err.h"

typedef struct img_llm img_llm_t;

/* Provider settings; strings borrowed for the client's lifetime. */
typedef struct img_llm_provider_conf {
    const char *name;     /* "openai", "anthropic", "openai-compatible" */
    const char *base_url; /* "https://api.openai.com/v1", "https://api.anthropic.com", ... */
    const char *api_key;  /* may be NULL for openai-compatible */
    const char *model;
} img_llm_provider_conf_t;

typedef struct img_llm_conf {
    img_llm_provider_conf_t providers[4];
    size_t n_providers;
    int timeout_ms;        /* per HTTP attempt */
    int stage_deadline_ms; /* all attempts of one stage on all providers */
    int max_retries;       /* retries per provider after the first attempt (default 2) */
    int breaker_threshold; /* consecutive failures that open a provider's breaker */
    int breaker_cooldown_ms;
    int max_tokens;                 /* default output token limit */
    const img_llm_prices_t *prices; /* borrowed */
} img_llm_conf_t;

/* One stage's request to a model. */
typedef struct img_llm_call {
    const char *stage;          /* "analysis", "generation", "criticism" */
    const char *system;         /* instructions (cacheable) */
    const char *user;           /* the data: structured output of earlier stages + delimited text */
    const char *schema_name;    /* [a-zA-Z0-9_-]+ */
    json_object *schema;        /* strict JSON Schema of the output object */
    int max_tokens;             /* 0 = conf default */
    const char *const *chain;   /* provider names in order, NULL-terminated; "offline" ends it */
    const char *log_request_id; /* for log lines; may be NULL */
} img_llm_call_t;

/* Checks a parsed output; IMG_OK, or IMG_ERR_PERMANENT with a reason (one
 * repair attempt follows, then the next provider). May be NULL. */
typedef img_err_t (*img_llm_validate_cb)(void *opaque, json_object *output, char *errstr,
                                         size_t errstr_size);

typedef struct img_llm_failure {
    const char *provider;
    int status;              /* HTTP status; 0 transport; -1 invalid/truncated/refused output */
    char error[160];         /* one line: "429 rate_limit_error", "timeout", "truncated (length)" */
    img_llm_tokens_t tokens; /* billed tokens of the failed attempt (e.g. truncated replies) */
    double cost_usd;         /* NAN unknown */
} img_llm_failure_t;

typedef struct img_llm_outcome {
    json_object *output;  /* the validated object, or NULL: every provider failed or
                             the chain reached "offline" (the caller runs the engine) */
    const char *provider; /* who wrote it ("offline" when output is NULL) */
    const char *model;
    int attempts;            /* HTTP attempts on the provider that succeeded (incl. repair) */
    img_llm_tokens_t tokens; /* summed over that provider's billed attempts */
    double cost_usd;         /* NAN when the model has no price */
    double latency_ms;       /* first attempt sent to outcome */
    char request_id[96];     /* provider's request id of the successful attempt */
    const img_llm_failure_t *failures; /* every failed attempt, all providers */
    size_t n_failures;
} img_llm_outcome_t;

typedef void (*img_llm_done_cb)(void *opaque, img_llm_outcome_t *outcome);

/* Creates a client. A provider named in no chain may lack a key; checking
 * that chains' keys exist is the config layer's job (it names the variable). */
img_err_t img_llm_new(img_llm_t **out, const img_llm_conf_t *conf, char *errstr,
                      size_t errstr_size) IMG_WUR;
void img_llm_destroy(img_llm_t *llm);

/* Starts a call; `done` runs later from img_llm_wait()/img_llm_loop_*(),
 * exactly once. */
void img_llm_run(img_llm_t *llm, const img_llm_call_t *call, img_llm_validate_cb validate,
                 img_llm_done_cb done, void *opaque);

/* Takes ownership of the output (caller json_object_put()s it). */
json_object *img_llm_outcome_take_output(img_llm_outcome_t *outcome);

/* Drives all calls to completion (blocking). */
void img_llm_wait(img_llm_t *llm);
/* Calls in flight or waiting for a retry. */
size_t img_llm_pending(const img_llm_t *llm);

/* Event-loop integration for daemons (epoll): the client asks to watch fds
 * and to be woken after a timeout; the loop reports readiness back. */
typedef struct img_llm_loop_ops {
    void *opaque;
    /* what: 0 remove, 1 read, 2 write, 3 both */
    void (*watch_fd)(void *opaque, int fd, int what);
    /* -1 cancels the timer */
    void (*set_timer)(void *opaque, long timeout_ms);
} img_llm_loop_ops_t;
void img_llm_loop_attach(img_llm_t *llm, const img_llm_loop_ops_t *ops);
void img_llm_loop_on_fd(img_llm_t *llm, int fd, int readable, int writable);
void img_llm_loop_on_timer(img_llm_t *llm);

/* Breaker state name of a provider ("closed", "open", "half_open"), for
 * metrics and tests; NULL when unknown. */
const char *img_llm_breaker_of(const img_llm_t *llm, const char *provider);

#endif
