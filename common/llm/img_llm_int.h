/*
 * img_llm_int.h - internals shared by img_llm.c (the per-call state machine),
 * img_llm_http.c (libcurl multi, timers, event-loop glue) and the two wire
 * formats (img_llm_openai.c, img_llm_anthropic.c). Not installed; nothing
 * outside common/llm includes it.
 */
#ifndef IMG_LLM_INT_H
#define IMG_LLM_INT_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "llm/img_llm.h"
#include "llm/img_llm_breaker.h"
#include "util/img_buf.h"

/* A reply body over this size aborts the transfer (permanent error). */
#define IMG_LLM_MAX_BODY ((size_t)8 << 20)
/* A token count a reply reports is clamped to [0, this]: the counts are
 * untrusted, and sums of them (Anthropic's input, per-call totals, costs)
 * must not overflow. */
#define IMG_LLM_MAX_REPORTED_TOKENS ((int64_t)1 << 40)
/* Bad output echoed back in a repair request is cut at this many bytes. */
#define IMG_LLM_MAX_REPAIR_TEXT ((size_t)64 << 10)

typedef struct img_llm_job img_llm_job_t;
typedef struct img_llm_api img_llm_api_t;

/* One configured provider. Strings in conf are borrowed from the caller's
 * img_llm_conf_t for the client's lifetime; url and headers are owned. */
typedef struct img_llm_prov {
    img_llm_provider_conf_t conf;
    const img_llm_api_t *api;
    bool compatible; /* "openai-compatible": max_tokens, Authorization only with a key */
    char *url;
    struct curl_slist *headers; /* shared by every easy handle of this provider */
    img_llm_breaker_t breaker;
    bool price_warned; /* "no price" logged once for this provider's model */
} img_llm_prov_t;

/* What a 2xx reply said, in provider-neutral form. */
typedef enum img_llm_reply_kind {
    IMG_LLM_REPLY_OK = 0,    /* output holds a JSON object */
    IMG_LLM_REPLY_TRUNCATED, /* output token limit reached */
    IMG_LLM_REPLY_REFUSED,   /* the model declined */
    IMG_LLM_REPLY_INVALID,   /* output missing or not a JSON object */
    IMG_LLM_REPLY_MALFORMED  /* the reply itself is not the provider's shape */
} img_llm_reply_kind_t;

typedef struct img_llm_reply {
    img_llm_reply_kind_t kind;
    json_object *output;     /* owned; set when kind == OK */
    char *text;              /* owned, may be NULL: what the model wrote, echoed in a repair */
    char reason[160];        /* why it is not OK */
    img_llm_tokens_t tokens; /* reported usage, zero when absent */
} img_llm_reply_t;

/* A wire format. */
struct img_llm_api {
    const char *name;              /* for logs */
    const char *request_id_header; /* lower-case */
    /* Appends the JSON request body of the job's current attempt to out. */
    void (*build)(const img_llm_job_t *job, const img_llm_prov_t *prov, img_buf_t *out);
    /* Reads a parsed 2xx body; fills everything but `output` validation by the caller. */
    void (*parse)(json_object *root, const img_llm_job_t *job, img_llm_reply_t *r);
};

extern const img_llm_api_t img_llm_api_openai;
extern const img_llm_api_t img_llm_api_anthropic;

/* What the heap timer of a job does when due. */
typedef enum img_llm_action { IMG_LLM_ACT_PROVIDER = 0, IMG_LLM_ACT_ATTEMPT } img_llm_action_t;

/* One call in flight (`job`). */
struct img_llm_job {
    img_llm_t *llm;
    img_llm_call_t call; /* strings and schema borrowed from the caller */
    img_llm_validate_cb validate;
    img_llm_done_cb done;
    void *opaque;
    img_llm_job_t *prev, *next; /* every job of the client */

    /* Walk of the chain. */
    size_t chain_pos;
    img_llm_prov_t *prov;
    int prov_attempts, prov_retries;
    bool repair;       /* the current attempt is the provider's one repair */
    char *repair_text; /* owned: the bad output to echo back (NULL: none) */
    char repair_reason[160];
    img_llm_tokens_t prov_tokens; /* billed on the current provider */
    double prov_cost;
    int64_t start_ms, first_send_ms, deadline_ms; /* monotonic; deadline INT64_MAX = none */
    img_llm_failure_t *failures;
    size_t n_failures, cap_failures;

    /* Heap timer. */
    int64_t due_ms;
    size_t heap_idx; /* SIZE_MAX when not queued */
    img_llm_action_t action;

    /* The HTTP attempt in flight. */
    CURL *easy;
    img_buf_t req, resp;
    bool too_big;
    char h_retry_after[64], h_retry_after_ms[32], h_should_retry[16], h_request_id[96];
};

struct img_llm {
    img_llm_conf_t conf; /* defaults applied */
    img_llm_prov_t provs[4];
    size_t n_provs;
    CURLM *multi;
    img_llm_job_t *jobs; /* doubly linked, for destroy */
    size_t n_jobs;
    img_llm_job_t **heap; /* min-heap on due_ms */
    size_t heap_len, heap_cap;
    CURL **pool; /* idle easy handles, reset */
    size_t pool_len;
    uint32_t rng; /* backoff jitter */
    bool price_table_warned;

    /* Event-loop mode (img_llm_loop_attach). */
    bool attached, destroying;
    img_llm_loop_ops_t ops;
    int64_t curl_due;  /* absolute ms asked by CURLMOPT_TIMERFUNCTION, -1 none */
    int64_t armed_due; /* what the loop's timer was last set to, -1 none, -2 unknown */
};

/* --- img_llm.c: the state machine, called by the HTTP layer --- */
void img_llm_job_on_timer(img_llm_job_t *job);
void img_llm_job_on_done(img_llm_job_t *job, CURLcode rc);
/* Parses exactly one JSON value from data[0..len) (surrounding space allowed);
 * NULL with a reason in err on failure. Caller json_object_put()s it. */
json_object *img_llm_json_parse(const char *data, size_t len, char *err, size_t err_size);
/* The repair turn both formats append: a request to fix the previous output. */
void img_llm_repair_prompt(const img_llm_job_t *job, img_buf_t *out);
/* The output token limit of the job's call. */
int img_llm_max_tokens(const img_llm_job_t *job);

/* --- img_llm_http.c --- */
int64_t img_llm_now_ms(void);
img_err_t img_llm_http_init(img_llm_t *llm, char *errstr, size_t errstr_size);
void img_llm_http_fini(img_llm_t *llm);
/* Sends job->req to the job's provider with this transfer timeout. */
img_err_t img_llm_http_send(img_llm_job_t *job, long timeout_ms, char *errstr, size_t errstr_size);
/* Detaches the job's easy handle from the multi and returns it to the pool. */
void img_llm_http_release(img_llm_job_t *job);
/* Queues the job's timer (replacing a queued one). */
void img_llm_timer_set(img_llm_job_t *job, int64_t due_ms, img_llm_action_t action);
void img_llm_timer_clear(img_llm_job_t *job);
/* Loop mode: hands the earliest of curl's and the retry timers to the loop. */
void img_llm_rearm(img_llm_t *llm);

#endif
