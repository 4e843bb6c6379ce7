/*
 * img_store.h - the PostgreSQL store of the worker: requests with leases and
 * epochs, stage checkpoints, usage events, results, rejections, dead letters,
 * tenants and API keys. Schema: migrations/ (applied by img_store_migrate).
 *
 * Errors: IMG_ERR_RETRIABLE when the database is unreachable or the
 * connection broke (the caller waits and retries; nothing is dead-lettered
 * for it); IMG_ERR_PERMANENT for a statement the database refuses (a bug or
 * bad data); IMG_ERR_FATAL for a schema that is too old.
 *
 * Ownership: img_store_open() returns a store freed with img_store_close().
 * Strings passed in are borrowed for the call; strings and JSON returned are
 * owned by the caller (free() / json_object_put()). Not thread-safe: one
 * store per thread. Blocking: every call is one short round trip (or a small
 * transaction) on a local database; reconnection is automatic on the next
 * call after a failure.
 */
#ifndef IMG_STORE_H
#define IMG_STORE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "util/img_err.h"

typedef struct img_store img_store_t;

img_err_t img_store_open(img_store_t **out, const char *url, char *errstr,
                         size_t errstr_size) IMG_WUR;
void img_store_close(img_store_t *store);
/* Applies every migrations/NNN_*.sql not yet recorded (in a transaction each;
 * idempotent). `dir` is the migrations folder; its files are also compiled in
 * when dir is NULL. Prints nothing; *applied gets the count. */
img_err_t img_store_migrate(img_store_t *store, const char *dir, int *applied, char *errstr,
                            size_t errstr_size) IMG_WUR;
/* The highest migration version compiled into this binary. */
int img_store_schema_latest(void);
/* IMG_ERR_FATAL ("run imaginator migrate") when the database's schema is
 * older than img_store_schema_latest(); *version (may be NULL) gets the
 * database's version. For the worker's start-up. */
img_err_t img_store_schema_check(img_store_t *store, int *version, char *errstr,
                                 size_t errstr_size) IMG_WUR;

/* ---- tenants and keys -------------------------------------------------- */

/* Creates the tenant if missing (updating its budget when budget_usd >= 0;
 * < 0 means no budget for a new tenant and no change for an existing one)
 * and a new key; *key_out (caller frees) is the only
 * copy of the plaintext ("img_" + 40 random base62 chars). Stored: SHA-256
 * hash and the first 12 characters as display prefix. */
img_err_t img_store_key_create(img_store_t *store, const char *tenant, double budget_usd,
                               char **key_out, char *errstr, size_t errstr_size) IMG_WUR;
/* Revokes by display prefix or full key; IMG_ERR_PERMANENT if none matched. */
img_err_t img_store_key_revoke(img_store_t *store, const char *key_or_prefix, char *errstr,
                               size_t errstr_size) IMG_WUR;
/* Writes "prefix tenant created_at revoked_at|active" lines to out. */
img_err_t img_store_key_list(img_store_t *store, FILE *out, char *errstr,
                             size_t errstr_size) IMG_WUR;

typedef enum img_auth {
    IMG_AUTH_OK = 0,
    IMG_AUTH_UNKNOWN, /* missing, malformed or unknown key */
    IMG_AUTH_REVOKED,
    IMG_AUTH_OVER_BUDGET /* the tenant's spend this calendar month >= its budget */
} img_auth_t;

/* Looks the key up by its display prefix and compares its SHA-256 with the
 * stored hash in constant time (no database call for a malformed key),
 * checks revocation and
 * the tenant's monthly budget. *tenant_out (caller frees) is set on OK and
 * OVER_BUDGET. */
img_err_t img_store_authenticate(img_store_t *store, const char *key, img_auth_t *auth,
                                 char **tenant_out, char *errstr, size_t errstr_size) IMG_WUR;

/* ---- requests ---------------------------------------------------------- */

typedef enum img_claim {
    IMG_CLAIM_NEW = 0,  /* inserted, lease taken: run every stage */
    IMG_CLAIM_RESUME,   /* existed unfinished, lease taken over: resume after checkpoints */
    IMG_CLAIM_FINISHED, /* final already: re-publish *result, never recompute */
    IMG_CLAIM_CONFLICT, /* same request_id, different payload: reject, never overwrite */
    IMG_CLAIM_BUSY      /* another worker holds a live lease: try again later */
} img_claim_t;

typedef struct img_claim_in {
    const char *request_id;
    const char *tenant;
    const char *payload_sha256; /* hex of the message value without the key */
    json_object *input;         /* the request as stored (no key); borrowed */
    const char *topic;
    int32_t partition;
    int64_t offset;
    const char *owner; /* this worker's id */
    int lease_ms;
} img_claim_in_t;

typedef struct img_claim_out {
    img_claim_t claim;
    int64_t epoch;            /* the lease epoch to pass to every later write */
    json_object *checkpoints; /* RESUME: {"analysis": output, ...} of finished stages, else NULL */
    json_object *result;      /* FINISHED: the stored result document, else NULL */
    int attempts;             /* how many times the request was claimed, this one included */
    json_object *checkpoint_meta; /* RESUME: {"analysis": {provider, model, input_tokens,
                                   * output_tokens, cached_tokens, cost_usd, latency_ms,
                                   * attempts}, ...} for the result's usage, else NULL */
} img_claim_out_t;

img_err_t img_store_claim(img_store_t *store, const img_claim_in_t *in, img_claim_out_t *out,
                          char *errstr, size_t errstr_size) IMG_WUR;
void img_claim_out_clear(img_claim_out_t *out);

/* Extends the lease; IMG_ERR_PERMANENT with "fenced" when the epoch moved on. */
img_err_t img_store_renew(img_store_t *store, const char *request_id, int64_t epoch, int lease_ms,
                          char *errstr, size_t errstr_size) IMG_WUR;

typedef struct img_checkpoint {
    const char *stage;   /* "analysis", "generation", "criticism" */
    json_object *output; /* the stage output (borrowed) */
    const char *provider, *model;
    long input_tokens, output_tokens, cached_tokens;
    double cost_usd; /* NAN = unknown (NULL in the database) */
    double latency_ms;
    int attempts;
} img_checkpoint_t;

/* Writes a finished stage if the epoch still holds the lease; *fenced = true
 * (and nothing written) when it does not. */
img_err_t img_store_checkpoint(img_store_t *store, const char *request_id, int64_t epoch,
                               const img_checkpoint_t *cp, bool *fenced, char *errstr,
                               size_t errstr_size) IMG_WUR;

typedef struct img_usage_event {
    const char *stage, *provider, *model;
    int status;        /* HTTP status; 0 transport; -1 invalid output; 200 success */
    const char *error; /* NULL on success */
    long input_tokens, output_tokens, cached_tokens;
    double cost_usd; /* NAN unknown */
} img_usage_event_t;

/* Records provider attempts (billing); fenced writes are still recorded
 * because the provider billed them. */
img_err_t img_store_usage(img_store_t *store, const char *request_id, const char *tenant,
                          const img_usage_event_t *events, size_t n, char *errstr,
                          size_t errstr_size) IMG_WUR;

/* Final state: status "succeeded" or "failed" with the result document;
 * releases the lease and NOTIFYs channel imaginator_results with the
 * request id. *fenced as for checkpoints. */
img_err_t img_store_finish(img_store_t *store, const char *request_id, int64_t epoch,
                           const char *status, json_object *result, const char *error_code,
                           const char *error_message, bool *fenced, char *errstr,
                           size_t errstr_size) IMG_WUR;

/* A rejected request (unauthorized, budget_exceeded, conflict, invalid):
 * inserts a `rejected` row with the result document when the id is new
 * (never overwrites another payload's row) and NOTIFYs. */
img_err_t img_store_reject(img_store_t *store, const char *request_id, const char *tenant,
                           json_object *result, const char *error_code, const char *message,
                           const char *topic, int32_t partition, int64_t offset, char *errstr,
                           size_t errstr_size) IMG_WUR;

/* A poison message: topic, partition, offset, reason code, the first bytes
 * (at most IMG_STORE_DEAD_LETTER_HEAD; key-shaped tokens "img_..." masked
 * after their 12-character prefix) and the full size. Idempotent per
 * (topic, partition, offset). */
#define IMG_STORE_DEAD_LETTER_HEAD 1024
img_err_t img_store_dead_letter(img_store_t *store, const char *topic, int32_t partition,
                                int64_t offset, const char *reason_code, const char *reason,
                                const void *value, size_t len, char *errstr,
                                size_t errstr_size) IMG_WUR;

/* Polling helpers for the CLI: status word and the result document (NULL if
 * none). *status_out is NULL when no such request exists; result_out may be
 * NULL. */
img_err_t img_store_status(img_store_t *store, const char *request_id, char **status_out,
                           json_object **result_out, char *errstr, size_t errstr_size) IMG_WUR;

#endif
