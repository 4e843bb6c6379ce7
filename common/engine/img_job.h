/*
 * img_job.h - job ad parsing, gap analysis and domain insights.
 * Each reads and writes the analysis (arena-owned). Pure; thread-safe per analysis.
 */
#ifndef IMG_JOB_H
#define IMG_JOB_H

#include "img_model.h"
#include "img_tax.h"

/* Parses analysis->job_doc into analysis->job: title, seniority, domain,
 * requirements (must vs nice from headings such as Requirements /
 * Qualifications / Must have versus Nice to have / Preferred / Bonus / "a
 * plus"), years asked, education, and job.skills. EEO statements, benefits
 * and company boilerplate are not requirements. */
void img_job_parse(img_analysis_t *analysis);

/* Matches every requirement against the resume inventory (met / partial /
 * missing with evidence), computes the weighted match score (must weighs
 * more than nice), missing_must / missing_nice, and writes the narrative
 * from the structured result. Needs img_skills_build and img_job_parse. */
void img_gap_analyze(img_analysis_t *analysis);

/* Fills analysis->insights from the job and resume (source "engine"):
 * domains, the priorities the job implies, strengths and gaps. */
void img_insights_build(img_analysis_t *analysis);

#endif
