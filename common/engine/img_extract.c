/* STUB - to be replaced by the extraction module. */
#include "img_extract.h"
size_t img_extract_mentions(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                            unsigned flags, img_arena_t *arena, img_mention_t **out)
{ *out = NULL; return 0; }
size_t img_extract_phrases(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                           unsigned flags, img_arena_t *arena, img_span_t **out)
{ *out = NULL; return 0; }
