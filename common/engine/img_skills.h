/*
 * img_skills.h - the resume's skill inventory with confidence.
 *
 * Confidence comes from the kind of evidence, then recency and duration:
 * used in experience bullets > listed in a skills section > mentioned once
 * or inferred. Upstream skills (--skills-json) merge in with their own
 * confidence, bucketed by opts.confidence_threshold (>= threshold high,
 * >= 0.5 medium, else low) unless the resume's evidence says more.
 */
#ifndef IMG_SKILLS_H
#define IMG_SKILLS_H

#include "img_model.h"
#include "img_tax.h"

/* An upstream skill from the original Imaginator's extracted_skills format. */
typedef struct img_input_skill {
    const char *name;     /* borrowed for the call */
    double confidence;    /* 0..1 */
    const char *category; /* optional, may be NULL */
} img_input_skill_t;

/* Extracts mentions over the resume (sections and experiences must be
 * parsed), builds analysis->skills with evidence, score, confidence,
 * months and last_used, fills each experience's skills[], and sorts the
 * inventory by score (desc) then name. */
void img_skills_build(img_analysis_t *analysis);

/* Merges upstream skills into analysis->skills (names resolved through the
 * taxonomy; unknown names kept with tax_id -1 and category from input or
 * "hard"), then re-sorts. */
void img_skills_merge_input(img_analysis_t *analysis, const img_input_skill_t *in, size_t n);

/* Index into analysis->skills of the skill with taxonomy id, or -1. */
int img_skills_find(const img_analysis_t *analysis, int tax_id);

#endif
