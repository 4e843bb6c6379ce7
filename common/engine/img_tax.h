/*
 * img_tax.h - the skill taxonomy: canonical skills, aliases, categories,
 * families (groups) and related-skill links, and a matcher over normalised
 * keys (see img_text_key()).
 *
 * The built-in taxonomy is compiled from data/taxonomy/ (every .tsv) into the binary
 * as ready-made tables (see img_tax_new_builtin()).
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
    IMG_TAX_CASE = 1 << 0,    /* match only in the exact case of the name or alias */
    IMG_TAX_CTX = 1 << 1,     /* ambiguous word: needs a skills list or technical context */
    IMG_TAX_EXTERNAL = 1 << 2 /* came from ESCO or O*NET, not the built-in data */
};

typedef struct img_tax_skill {
    const char *name;
    img_category_t category;
    const char *group;  /* family label or NULL */
    const int *related; /* taxonomy ids */
    size_t n_related;
    unsigned flags;
} img_tax_skill_t;

typedef struct img_tax img_tax_t;

/* Builds the built-in taxonomy from tables compiled at build time
 * (tools/img_taxgen.c parses data/taxonomy/ with img_tax_new_from_tsv(), so
 * start-up parses nothing). Malformed data fails the build instead, with
 * "taxonomy line N: reason", N counting lines of all the .tsv files of
 * data/taxonomy/ joined in name order; this returns IMG_OK. Duplicate names
 * and aliases are not errors: the first wins (see img_tax_conflicts()). */
img_err_t img_tax_new_builtin(img_tax_t **taxp, char *errstr, size_t errstr_size) IMG_WUR;
/* Builds a taxonomy from TSV text in the built-in format (data/taxonomy/README.md),
 * data[0..len); used by tests and tools. Errors as for img_tax_new_builtin():
 * "taxonomy line N: reason". data is borrowed for the call only. */
img_err_t img_tax_new_from_tsv(img_tax_t **taxp, const char *data, size_t len, char *errstr,
                               size_t errstr_size) IMG_WUR;
/* Frees tax and everything read from it (NULL is fine). */
void img_tax_destroy(img_tax_t *tax);

/* Adds ESCO skills from skills_en.csv (RFC 4180 CSV; columns found by the
 * header: preferredLabel, altLabels, skillType, reuseLevel); existing skills
 * gain (multi-word) aliases, new ones are flagged IMG_TAX_EXTERNAL with the
 * category soft (reuseLevel "transversal"), domain (skillType "knowledge") or
 * hard. Label policy in img_tax_ext.c. Reads the whole file (blocking);
 * IMG_ERR_PERMANENT "path:line: reason" on a malformed file, which then
 * changes nothing. Ids and pointers from before the call stay valid as ids,
 * pointers must be fetched again (the skill array may move). */
img_err_t img_tax_load_esco(img_tax_t *tax, const char *path, char *errstr,
                            size_t errstr_size) IMG_WUR;
/* Adds O*NET technology skills from "Technology Skills.txt" (tab-separated,
 * columns "Example" and "Commodity Title"): each distinct unknown Example
 * becomes a `tool` skill, IMG_TAX_EXTERNAL, grouped by its Commodity Title;
 * "Vendor Product" of a built-in tool Product becomes its alias. Errors and
 * pointers as for img_tax_load_esco(). */
img_err_t img_tax_load_onet(img_tax_t *tax, const char *path, char *errstr,
                            size_t errstr_size) IMG_WUR;

/* Number of skills; ids run from 0 to count - 1. */
size_t img_tax_count(const img_tax_t *tax);
/* The skill with this id, or NULL when out of range. */
const img_tax_skill_t *img_tax_get(const img_tax_t *tax, int id);
/* Id of the skill whose name or alias normalises to the same key as s[0..len), or -1.
 * A plain key lookup: no case check (IMG_TAX_CASE), no plurals. */
int img_tax_find(const img_tax_t *tax, const char *s, size_t len);

/* Match result for a run of tokens. */
typedef struct img_tax_match {
    int id;          /* taxonomy id */
    size_t n_tokens; /* tokens consumed */
    bool exact_case; /* surface text equals the name/alias byte for byte */
} img_tax_match_t;

/* Longest match starting at toks[i] of text (at most 8 tokens, not crossing a
 * line or a ',', ';', ':', '(' or ')'). Honours IMG_TAX_CASE; does NOT apply
 * the IMG_TAX_CTX guard (the extractor does). Returns false if none.
 * Details: a match starts and ends on a word token; the only lone punctuation
 * tokens it may contain are / - & + # _ (any other one, '.', '!', '?', quotes
 * and bullets included, ends it). Tokens join by key where the name or alias
 * has a word boundary (a space or punctuation, a case or letter/digit change):
 * "node js" matches Node.js and "Mongo DB" MongoDB, "a SR" does not match ASR.
 * "Same case" (IMG_TAX_CASE, exact_case) means the ASCII letters of the
 * surface text equal those of the name or an alias, byte for byte: spaces,
 * punctuation and digits are compared only through the key. A last word
 * ending in a lower-case 's' that matches nothing is retried without it
 * ("REST APIs" -> REST API), never for IMG_TAX_CASE or IMG_TAX_CTX skills;
 * then exact_case compares the text without the 's'. Allocation-free. */
bool img_tax_match_at(const img_tax_t *tax, const char *text, const img_token_t *toks,
                      size_t n_toks, size_t i, img_tax_match_t *out);

/* True if a and b (distinct) are linked as related, in either direction, or
 * share a non-empty group. */
bool img_tax_related(const img_tax_t *tax, int a, int b);
/* Certification ids whose related list names skill id; returns the count written (<= max). */
size_t img_tax_certs_for(const img_tax_t *tax, int skill, int *out, size_t max);

/* Debug counters of the TSV data (built-in or img_tax_new_from_tsv()), for
 * tests: conflicts = duplicate canonical names (merged into the first) plus
 * aliases already mapped to another skill (the first mapping kept);
 * unresolved = related names that name no skill (ignored). Each is also
 * logged at debug level. The ESCO/O*NET loaders do not count: overlap with
 * the built-in data is expected there. */
size_t img_tax_conflicts(const img_tax_t *tax);
size_t img_tax_unresolved(const img_tax_t *tax);

#endif
