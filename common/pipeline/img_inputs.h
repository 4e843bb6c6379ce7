/*
 * img_inputs.h - the original Imaginator's upstream formats.
 *
 *   extracted_skills:  {"skills": [{"skill"|"name": "python", "confidence": 0.95,
 *                       "category"?: "hard"}], ...}   (a bare array is accepted too)
 *   domain_insights:   {"domain", "insights": {"strengths", "gaps", "recommendations",
 *                       "market_alignment"}} or {"domain", "market_trends": [...],
 *                       "skill_priorities": {"high": [...], "medium": [...], "low": [...]}}
 *
 * Unknown keys are ignored (the original adds processing_metadata and more).
 * Ownership: results live in the arena given; json objects are borrowed.
 */
#ifndef IMG_INPUTS_H
#define IMG_INPUTS_H

#include <json-c/json.h>

#include "engine/img_model.h"
#include "engine/img_skills.h"

/* Parses JSON text; on a syntax error returns IMG_ERR_PERMANENT with
 * "<what>: malformed JSON at line L, column C: <reason>". The caller frees
 * *out with json_object_put(). */
img_err_t img_inputs_parse_json(const char *what, const char *text, size_t len, json_object **out,
                                char *errstr, size_t errstr_size) IMG_WUR;

/* Reads skills from the extracted_skills format into an arena array. */
img_err_t img_inputs_skills(const char *what, json_object *obj, img_arena_t *arena,
                            img_input_skill_t **out, size_t *n, char *errstr,
                            size_t errstr_size) IMG_WUR;

/* Reads domain insights (either shape) into *out (strings in the arena). */
img_err_t img_inputs_insights(const char *what, json_object *obj, img_arena_t *arena,
                              img_insights_t *out, char *errstr, size_t errstr_size) IMG_WUR;

#endif
