/*
 * img_stages.h - the three stages as an LLM sees them: versioned system
 * prompts (data/prompts), strict output schemas (schemas/stages), the user
 * content built from the analysis, validation of a model's output, applying
 * it onto the analysis, and stage outputs (checkpoints).
 *
 * User content: each stage sends the structured facts of the earlier stages
 * as JSON in an <analysis> block plus only the text it needs in delimited
 * blocks (<resume>, <job_ad>, <suggestions>); anything in the documents that
 * looks like one of these delimiters is neutralised, so a document cannot
 * close its block. The analysis stage sends both documents once; generation
 * sends the experiences' bullets and the requirement lines; criticism sends
 * the suggestions and the bullets that rewrites start from.
 *
 * Stage outputs: one self-contained JSON object per finished stage
 *   {"schema": "imaginator.stage.v1", "stage", "prompt" (version or null),
 *    "usage": {stage, provider, model, attempts, input_tokens, output_tokens,
 *              cached_tokens, cost_usd, latency_ms, request_id},
 *    "failures": [{stage, provider, status, error}],
 *    "output": analysis: {"narrative", "insights": {...}}
 *              generation, criticism: {"suggestions": [...]}}
 * whoever wrote the stage (a provider or the offline analyst). Restoring the
 * outputs of the first k stages onto a fresh engine analysis of the same
 * inputs (same as_of) reproduces the state after stage k exactly.
 *
 * Ownership: the analysis is borrowed; everything applied lives in its arena.
 * Thread-safety: all functions may run on several threads at once on distinct
 * analyses.
 */
#ifndef IMG_STAGES_H
#define IMG_STAGES_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/img_model.h"
#include "pipeline/img_result.h"
#include "util/img_err.h"

typedef enum img_stage {
    IMG_STAGE_ANALYSIS = 0,
    IMG_STAGE_GENERATION,
    IMG_STAGE_CRITICISM,
    IMG_STAGE__COUNT
} img_stage_t;

#define IMG_STAGE_OUTPUT_SCHEMA "imaginator.stage.v1"

/* "analysis", "generation", "criticism". */
const char *img_stage_name(img_stage_t stage);
/* The stage named s, or -1. */
int img_stage_parse(const char *s);
/* The prompt version: "analysis.v1"... (goes into logs and stage outputs). */
const char *img_stage_prompt_version(img_stage_t stage);
/* The system prompt (static text, embedded from data/prompts). */
const char *img_stage_system(img_stage_t stage);
/* The schema's name for the providers: "imaginator_analysis_v1"... */
const char *img_stage_schema_name(img_stage_t stage);
/* The strict output schema, parsed once per thread (json-c reference counts
 * are not atomic); borrowed, read-only, freed when the thread exits. */
json_object *img_stage_schema(img_stage_t stage);

/* The user content of stage on the analysis as it stands (earlier stages
 * applied). Returns a malloc'd string the caller frees. */
char *img_stage_user(img_stage_t stage, const img_analysis_t *a);

/* Checks text for a delimiter-like sequence ("<resume>", "</ job_ad >"...);
 * exposed for tests. Writes the neutralised copy of text[0..len) (every
 * such '<' becomes U+2039) into a malloc'd string the caller frees. */
char *img_stage_neutralise(const char *text, size_t len);

/* Validates a model's output for stage: the stage schema, then the facts
 * (requirement and suggestion ids exist, lengths, UTF-8). IMG_OK, or
 * IMG_ERR_PERMANENT with one line naming the path ("$.suggestions[2].closes[0]:
 * unknown requirement \"R42\""). Does not modify anything. */
img_err_t img_stage_validate(img_stage_t stage, const img_analysis_t *a, json_object *output,
                             char *errstr, size_t errstr_size) IMG_WUR;

/* Validates instance against a strict schema of the subset the stage
 * schemas use (type, enum, properties, required, additionalProperties,
 * items); exposed for tests. */
img_err_t img_stage_schema_check(json_object *schema, json_object *instance, char *errstr,
                                 size_t errstr_size) IMG_WUR;

/* Applies a validated output:
 *   analysis   -> gap.narrative, and the domain insights (source "llm") unless
 *                 they came from the request (source "input"); never a number.
 *   generation -> replaces analysis->suggestions; a rewrite's source_bullet is
 *                 located in the resume (has_source and its span) when it is
 *                 the exact text of a bullet.
 *   criticism  -> the critiques by id (revisions applied), the offline critic
 *                 for suggestions the model did not review, then the grounding
 *                 guard and duplicate check on every suggestion
 *                 (img_suggest_review()). */
void img_stage_apply(img_stage_t stage, img_analysis_t *a, json_object *output);

/* Runs the offline implementation of stage (analysis: nothing to add). */
void img_stage_offline(img_stage_t stage, img_analysis_t *a);

/* The stage output (checkpoint) of stage as the analysis stands after it,
 * with its usage entry and the failed attempts. New object; caller puts it. */
json_object *img_stage_output(img_stage_t stage, const img_analysis_t *a,
                              const img_stage_usage_t *usage, const img_usage_failure_t *failures,
                              size_t n_failures);

/* Restores a stage output onto the analysis (which must be the engine's
 * analysis of the same inputs with the earlier stages restored) and appends
 * its usage entry and failures to usage (strings copied into the arena).
 * IMG_ERR_PERMANENT with a reason when it is not a stage output of `stage`
 * or does not fit the analysis (unknown ids, spans out of range). */
img_err_t img_stage_restore(img_stage_t stage, img_analysis_t *a, img_usage_t *usage,
                            json_object *output, char *errstr, size_t errstr_size) IMG_WUR;

#endif
