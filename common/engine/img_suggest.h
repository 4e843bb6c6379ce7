/*
 * img_suggest.h - generation and criticism (the offline implementations).
 *
 * Generation: for each missing or partial requirement, bridging suggestions
 * (project brief, a well-known certification where the taxonomy has one, a
 * course, an experience to seek) written as plans, never as past work; and
 * rewrites of existing bullets that surface the job's words using only facts
 * the resume states, with a visible placeholder ("[number]") instead of an
 * invented figure.
 *
 * Criticism: scores every suggestion (specificity, actionability, alignment,
 * grounding: 0-5), gives a verdict, removes duplicates and vague ones, and
 * runs the grounding guard.
 */
#ifndef IMG_SUGGEST_H
#define IMG_SUGGEST_H

#include <stdbool.h>

#include "img_model.h"

/* Fills analysis->suggestions (needs the gap analysis). */
void img_suggest_generate(img_analysis_t *analysis);

/* Scores every suggestion, sets critique and verdict, drops duplicates and
 * vague ones (verdict drop, kept in the list so the result shows why), and
 * applies img_suggest_ground() to each. Also serves LLM-written suggestions. */
void img_suggest_criticize(img_analysis_t *analysis);

/* The grounding guard. For a `grounded` suggestion, finds any employer,
 * number, skill or certification in title/detail that the resume does not
 * support; returns false and writes a one-line reason to why (in the arena)
 * if so. Plans (grounding == plan) may name new skills and certifications
 * but not invented employers or past numbers. */
bool img_suggest_ground(const img_analysis_t *analysis, const img_suggestion_t *s,
                        const char **why);

/* Finishes the criticism of suggestions some of which already carry a
 * critique from another reviewer (an LLM): reviewed[i] is true for those
 * (array of analysis->suggestions.n). Unreviewed suggestions get the offline
 * critic (img_suggest_criticize()). Then every suggestion passes the
 * grounding guard, whatever its verdict: an unsupported figure in a grounded
 * suggestion becomes a placeholder and new skills proposed as future work
 * become a plan (verdict revise), anything else unsupported is dropped; and a
 * duplicate of an earlier suggestion is dropped. The notes say why.
 * (img_suggest_llm.c) */
void img_suggest_review(img_analysis_t *analysis, const bool *reviewed);

#endif
