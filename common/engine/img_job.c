/* STUB - to be replaced by the job module. */
#include "img_job.h"
void img_job_parse(img_analysis_t *analysis) {}
void img_gap_analyze(img_analysis_t *analysis) {}
void img_insights_build(img_analysis_t *analysis) {}
