/* STUB - to be replaced by the skills module. */
#include "img_skills.h"
void img_skills_build(img_analysis_t *analysis) {}
void img_skills_merge_input(img_analysis_t *analysis, const img_input_skill_t *in, size_t n) {}
int img_skills_find(const img_analysis_t *analysis, int tax_id) { return -1; }
