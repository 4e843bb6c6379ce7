/* STUB - to be replaced by the resume module. */
#include "img_resume.h"
void img_resume_sections(img_analysis_t *analysis) {}
void img_resume_experiences(img_analysis_t *analysis) {}
bool img_resume_find_dates(const char *text, size_t start, size_t end, img_ym_t *from,
                           img_ym_t *to, bool *current, size_t *dstart, size_t *dend) { return false; }
img_section_kind_t img_resume_section_at(const img_analysis_t *analysis, size_t pos) { return IMG_SEC_NONE; }
