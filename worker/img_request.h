/*
 * img_request.h - the request message (imaginator.request.v1): parsing,
 * validation against schemas/request.v1.json, the stored form and its hash.
 *
 * A Kafka message value is one JSON object:
 *   request_id               1-128 chars of [A-Za-z0-9._:-], chosen by the producer
 *   resume_text, job_ad      non-empty UTF-8 strings, each <= max_document_bytes
 *   extracted_skills         optional, the original Imaginator's format (object or
 *   | extracted_skills_json   bare array), or the same as a JSON string; not both
 *   domain_insights          optional, either of the original's two shapes, or the
 *   | domain_insights_json    same as a JSON string; not both
 *   confidence_threshold     optional number in [0.5, 1]
 *   options                  optional {providers: [names], max_cost_usd: >= 0,
 *                            as_of: "YYYY-MM" | "YYYY"}
 *   schema                   optional, "imaginator.request.v1"
 * The tenant's API key travels in the Kafka header `authorization: Bearer <key>`,
 * never in the value; nothing here ever sees it except img_request_bearer().
 *
 * A message that fails is poison: img_request_parse() names the reason
 * (img_request_reason_code(): invalid_json, invalid_utf8, oversize,
 * schema_violation) and a one-line message that never quotes the documents.
 *
 * Ownership: img_request_parse() fills a caller-owned img_request_t whose
 * pointers are owned by it (strings borrowed from req->doc); release with
 * img_request_clear(). The value bytes are borrowed for the call only.
 * Thread-safety: pure functions, no global state.
 */
#ifndef IMG_REQUEST_H
#define IMG_REQUEST_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/img_err.h"

#define IMG_REQUEST_SCHEMA "imaginator.request.v1"
#define IMG_REQUEST_ID_MAX 128

typedef enum img_request_reason {
    IMG_REQ_OK = 0,
    IMG_REQ_INVALID_JSON, /* not JSON at all (syntax) */
    IMG_REQ_INVALID_UTF8, /* bytes that are not UTF-8 */
    IMG_REQ_OVERSIZE,     /* the message or one document is over its limit */
    IMG_REQ_SCHEMA        /* JSON, but not an imaginator.request.v1 */
} img_request_reason_t;

typedef struct img_request_limits {
    size_t max_message_bytes;  /* whole value */
    size_t max_document_bytes; /* resume_text, job_ad, each *_json string */
} img_request_limits_t;

#define IMG_REQUEST_MAX_PROVIDERS 4

typedef struct img_request {
    /* Set whenever the value carries a valid request_id, even for poison. */
    char request_id[IMG_REQUEST_ID_MAX + 1];
    bool has_request_id;
    json_object *doc;                 /* the parsed value */
    const char *resume_text, *job_ad; /* borrowed from doc; may hold no NUL */
    size_t resume_len, job_len;
    json_object *skills;   /* extracted_skills (parsed when given as a string) or NULL */
    json_object *insights; /* domain_insights, likewise */
    bool has_threshold;
    double confidence_threshold;
    const char *providers[IMG_REQUEST_MAX_PROVIDERS + 1]; /* static names, NULL-terminated */
    size_t n_providers;                                   /* 0: the worker's chains */
    bool has_max_cost;
    double max_cost_usd;
    char as_of[8]; /* "" when not given */
    /* The stored form: the fields above in a fixed order, *_json strings
     * parsed, numbers normalised, no key; and the hex SHA-256 of its compact
     * serialisation, which tells a redelivery from a different payload. */
    json_object *stored;
    char payload_sha256[65];
} img_request_t;

/* Parses and validates one message value. IMG_REQ_OK fills every field;
 * otherwise errstr gets one line ("request_id: 130 characters; at most 128")
 * and only request_id/has_request_id may be set. */
img_request_reason_t img_request_parse(img_request_t *req, const void *value, size_t len,
                                       const img_request_limits_t *limits, char *errstr,
                                       size_t errstr_size) IMG_WUR;
void img_request_clear(img_request_t *req);

/* "invalid_json", "invalid_utf8", "oversize", "schema_violation" ("ok"). */
const char *img_request_reason_code(img_request_reason_t reason);

/* True when s[0..len) is 1-128 characters of [A-Za-z0-9._:-]. */
bool img_request_id_valid(const char *s, size_t len);

/* Extracts the key from an `authorization` header value "Bearer <key>"
 * (scheme case-insensitive, surrounding blanks ignored; the key is 1-256
 * printable ASCII characters without blanks) into key[key_size]. Returns
 * false (key = "") when the value is malformed. */
bool img_request_bearer(const void *value, size_t len, char *key, size_t key_size);

/* Hex SHA-256 of data[0..len) into hex[65]. */
void img_request_sha256_hex(const void *data, size_t len, char hex[65]);

#endif
