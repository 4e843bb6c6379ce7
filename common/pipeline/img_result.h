/*
 * img_result.h - the result document (imaginator.result.v1) and its usage metering.
 *
 * Ownership: img_result_build() returns a new json_object the caller releases
 * with json_object_put(); img_result_render() a string the caller frees; the
 * analysis and usage are borrowed for the call.
 */
#ifndef IMG_RESULT_H
#define IMG_RESULT_H

#include <json-c/json.h>

#include "engine/img_model.h"
#include "util/img_buf.h"

#define IMG_RESULT_SCHEMA "imaginator.result.v1"

typedef struct img_stage_usage {
    const char *stage;    /* "analysis", "generation", "criticism" */
    const char *provider; /* "offline", "openai", "anthropic", "openai-compatible" */
    const char *model;    /* "builtin" for offline */
    int attempts;
    long input_tokens, output_tokens, cached_tokens;
    double cost_usd;        /* NAN when the model has no price: JSON null */
    double latency_ms;      /* < 0 when not measured (deterministic output): JSON null */
    const char *request_id; /* the provider's, or NULL */
} img_stage_usage_t;

typedef struct img_usage_failure {
    const char *stage, *provider;
    int status; /* HTTP status, 0 for transport errors */
    const char *error;
} img_usage_failure_t;

typedef struct img_usage {
    IMG_VEC(img_stage_usage_t) stages;
    IMG_VEC(img_usage_failure_t) failures;
} img_usage_t;

/* Records one offline stage (zero tokens and cost) in the analysis' arena. */
void img_usage_offline(img_usage_t *usage, img_arena_t *arena, const char *stage,
                       double latency_ms);

/* Appends the succeeded result document, serialised, to out: byte for byte
 * img_result_to_string(img_result_build(...), pretty), written directly
 * (no json-c tree; see util/img_jw.h). request_id may be NULL (JSON null).
 * analysis, usage (may be NULL) and request_id are borrowed for the call. */
void img_result_write(img_buf_t *out, const img_analysis_t *analysis, const img_usage_t *usage,
                      const char *request_id, int pretty);
/* img_result_write() into a new malloc'd string the caller frees. */
char *img_result_render(const img_analysis_t *analysis, const img_usage_t *usage,
                        const char *request_id, int pretty);

/* Builds the succeeded result document as a json-c tree (parsed from
 * img_result_write()'s compact text). request_id may be NULL (JSON null). */
json_object *img_result_build(const img_analysis_t *analysis, const img_usage_t *usage,
                              const char *request_id);

/* Builds a failed or rejected result: status "failed"|"rejected", error code
 * (e.g. "invalid_input", "unauthorized") and a one-line message. */
json_object *img_result_error(const char *request_id, const char *status, const char *code,
                              const char *message);

/* Serialises compactly (or pretty) into a malloc'd string; caller frees. */
char *img_result_to_string(json_object *doc, int pretty);

#endif
