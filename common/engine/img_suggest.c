/* STUB - to be replaced by the suggestion module. */
#include "img_suggest.h"
void img_suggest_generate(img_analysis_t *analysis) {}
void img_suggest_criticize(img_analysis_t *analysis) {}
bool img_suggest_ground(const img_analysis_t *analysis, const img_suggestion_t *s, const char **why) { return true; }
