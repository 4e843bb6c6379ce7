/*
 * img_tax.h - the skill taxonomy: canonical skills, aliases, categories,
 * families (groups) and related-skill links, and a matcher over normalised
 * keys (see img_text_key()).
 *
 * The built-in taxonomy is compiled from data/taxonomy/ (every .tsv) into the binary.
 * Optional loaders add ESCO (skills_en.csv) and O*NET (Technology Skills.txt).
 *
 * Ownership: img_tax_new_builtin() returns a taxonomy the caller frees with
 * img_tax_destroy(); every pointer read from it is borrowed until then.
 * Thread-safety: loading mutates; after loading, lookups are read-only and
 * safe from many threads.
 */
#ifndef IMG_TAX_H
#define IMG_TAX_H

#include <stdbool.h>
#include <stddef.h>

#include "img_model.h"

enum {
    IMG_TAX_CASE = 1 << 0, /* match only in the exact case of the name or alias */
    IMG_TAX_CTX = 1 << 1,  /* ambiguous word: needs a skills list or technical context */
    IMG_TAX_EXTERNAL = 1 << 2 /* came from ESCO or O*NET, not the built-in data */
};

typedef struct img_tax_skill {
    const char *name;
    img_category_t category;
    const char *group;   /* family label or NULL */
    const int *related;  /* taxonomy ids */
    size_t n_related;
    unsigned flags;
} img_tax_skill_t;

typedef struct img_tax img_tax_t;

/* Builds the built-in taxonomy. IMG_ERR_FATAL with a reason if the compiled
 * data is malformed (a bug caught by the tests). */
img_err_t img_tax_new_builtin(img_tax_t **taxp, char *errstr, size_t errstr_size) IMG_WUR;
void img_tax_destroy(img_tax_t *tax);

/* Adds ESCO skills from skills_en.csv (preferredLabel, altLabels, skillType);
 * existing skills gain aliases, new ones are flagged IMG_TAX_EXTERNAL. */
img_err_t img_tax_load_esco(img_tax_t *tax, const char *path, char *errstr,
                            size_t errstr_size) IMG_WUR;
/* Adds O*NET technology skills from "Technology Skills.txt" (tab-separated,
 * columns "Example" and "Commodity Title"). */
img_err_t img_tax_load_onet(img_tax_t *tax, const char *path, char *errstr,
                            size_t errstr_size) IMG_WUR;

size_t img_tax_count(const img_tax_t *tax);
const img_tax_skill_t *img_tax_get(const img_tax_t *tax, int id);
/* Id of the skill whose name or alias normalises to the same key as s[0..len), or -1. */
int img_tax_find(const img_tax_t *tax, const char *s, size_t len);

/* Match result for a run of tokens. */
typedef struct img_tax_match {
    int id;            /* taxonomy id */
    size_t n_tokens;   /* tokens consumed */
    bool exact_case;   /* surface text equals the name/alias byte for byte */
} img_tax_match_t;

/* Longest match starting at toks[i] of text (at most 8 tokens, not crossing a
 * line or a ',', ';', ':', '(' or ')'). Honours IMG_TAX_CASE; does NOT apply
 * the IMG_TAX_CTX guard (the extractor does). Returns false if none. */
bool img_tax_match_at(const img_tax_t *tax, const char *text, const img_token_t *toks,
                      size_t n_toks, size_t i, img_tax_match_t *out);

/* True if a and b are linked as related or share a group. */
bool img_tax_related(const img_tax_t *tax, int a, int b);
/* Certification ids whose related list names skill id; returns the count written (<= max). */
size_t img_tax_certs_for(const img_tax_t *tax, int skill, int *out, size_t max);

#endif
