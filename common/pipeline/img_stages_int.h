/*
 * img_stages_int.h - internals shared by img_stages*.c; not a public contract.
 * Ownership: returned strings are malloc'd (caller frees) unless noted.
 */
#ifndef IMG_STAGES_INT_H
#define IMG_STAGES_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "img_stages.h"

/* Name of taxonomy skill id as the result document writes it (borrowed). */
const char *img_stages_tax_name(const img_analysis_t *a, int id);
/* The experience and bullet whose span contains [start, end); false if none. */
bool img_stages_bullet_at(const img_analysis_t *a, size_t start, size_t end, size_t *xi,
                          size_t *bi);
/* s[0..len) with CR/LF/tab turned into spaces, runs of spaces collapsed, trimmed. */
char *img_stages_collapse(const char *s, size_t len);
/* Index of the requirement with id (e.g. "R3"), or -1. */
int img_stages_req_index(const img_analysis_t *a, const char *id);
/* Index of the suggestion with id (e.g. "S3"), or -1. */
int img_stages_sugg_index(const img_analysis_t *a, const char *id);
/* Parses a suggestion kind / grounding / verdict name; -1 when unknown. */
int img_stages_kind_parse(const char *s);
int img_stages_grounding_parse(const char *s);
int img_stages_verdict_parse(const char *s);

#endif
