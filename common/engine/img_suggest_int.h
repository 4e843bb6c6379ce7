/*
 * img_suggest_int.h - internals shared by the files of the suggestion module
 * (img_suggest.c generation, img_suggest_tmpl.c templates, img_suggest_rewrite.c
 * keywords and bullet rewrites, img_critic.c criticism, img_ground.c the
 * grounding guard). Not part of the engine's public contract.
 *
 * Ownership: every string and array returned lives in the analysis' arena.
 */
#ifndef IMG_SUGGEST_INT_H
#define IMG_SUGGEST_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "img_extract.h"
#include "img_suggest.h"
#include "img_tax.h"

/* ASCII classes without the C library's locale lookups (a call per byte),
 * branch-free: the guard and the critic run them over every byte. */
static inline bool img_sg_digit(int c)
{
    return (unsigned)(c - '0') < 10u;
}
static inline bool img_sg_upper(int c)
{
    return (unsigned)(c - 'A') < 26u;
}
static inline bool img_sg_alpha(int c)
{
    return (unsigned)((c | 32) - 'a') < 26u;
}
static inline bool img_sg_alnum(int c)
{
    return img_sg_alpha(c) | img_sg_digit(c);
}
static inline char img_sg_lower(int c)
{
    return (char)(c | ((int)img_sg_upper(c) << 5));
}

/* ---- templates (img_suggest_tmpl.c) ---- */

/* A family of skills with its own project brief, course topics and
 * experience to seek. "{s}" in any string stands for the skills. */
typedef struct img_sugg_tmpl {
    const char *family;      /* short label: "container orchestration" */
    const char *names;       /* '|'-separated key fragments of skill names; "=go" is exact */
    const char *groups;      /* '|'-separated lower-case fragments of a taxonomy group */
    img_sugg_kind_t primary; /* project, experience or course */
    const char *deliverable; /* "a multi-service app deployment" */
    const char *steps[4];
    const char *show;   /* how to show the result */
    const char *effort; /* of the project */
    const char *topics; /* what a course on it covers */
    const char *exp_title;
    const char *exp_detail;
    const char *exp_effort;
} img_sugg_tmpl_t;

/* The template for a taxonomy skill (sk may be NULL: then by name only);
 * never NULL (falls back on a generic one per category). */
const img_sugg_tmpl_t *img_suggest_tmpl_for(const img_tax_skill_t *sk, const char *name,
                                            img_category_t cat);

/* The template for a requirement phrase the taxonomy does not know
 * ("communication and teamwork"): a soft skill's or a practice's experience
 * when the words say so, else a generic brief that reads well with any phrase. */
const img_sugg_tmpl_t *img_suggest_tmpl_for_phrase(const char *topic);

/* tmpl with every "{s}" replaced by s, in the arena. */
char *img_suggest_fill(img_arena_t *arena, const char *tmpl, const char *s);

/* ---- shared helpers (img_suggest.c) ---- */

typedef IMG_VEC(img_suggestion_t) img_sugg_vec_t;

/* Canonical name of a taxonomy skill, or NULL. */
const char *img_suggest_skill_name(const img_analysis_t *a, int tax_id);
/* Index into analysis->skills of tax_id (or of a same-named input skill), or -1. */
int img_suggest_inventory_find(const img_analysis_t *a, int tax_id);
/* The job ad's own words for skill tax_id in requirement req (a slice of the
 * job ad), or NULL when the job never names it there. */
const char *img_suggest_job_term(img_analysis_t *a, int req, int tax_id);
/* The concatenation of NULL-terminated arguments, in the arena (cheaper than
 * img_arena_printf for plain joins); use IMG_SUGG_CAT(arena, a, b, ...). */
char *img_suggest_cat(img_arena_t *arena, const char *first, ...);
#define IMG_SUGG_CAT(arena, ...) img_suggest_cat((arena), __VA_ARGS__, (const char *)NULL)

/* True if text[0..len) has an ASCII digit. */
bool img_suggest_has_digit(const char *s, size_t len);
/* A slice of the resume with whitespace collapsed, cut at a word near max bytes ("..." added). */
char *img_suggest_excerpt(img_analysis_t *a, size_t start, size_t end, size_t max);

/* ---- keywords and bullet rewrites (img_suggest_rewrite.c) ---- */

/* Appends up to max keyword suggestions ("Add <job's term> to your Skills
 * section") for met or partial requirements, in the order of `order`
 * (indices into gap.requirements). Returns the number appended. */
size_t img_suggest_keywords(img_analysis_t *a, const int *order, size_t n_order, size_t max,
                            img_sugg_vec_t *out);
/* Appends up to max grounded rewrites of resume bullets that carry evidence
 * for met or partial requirements. Returns the number appended. */
size_t img_suggest_rewrites(img_analysis_t *a, size_t max, img_sugg_vec_t *out);

/* ---- the grounding guard (img_ground.c) ---- */

/* Failure classes, as bits (a suggestion may have several). */
enum {
    IMG_GF_INSTRUCTION = 1 << 0, /* text that addresses the model, not the candidate */
    IMG_GF_PAST_CLAIM = 1 << 1,  /* a plan written as past accomplishment */
    IMG_GF_EMPLOYER = 1 << 2,
    IMG_GF_NUMBER = 1 << 3,
    IMG_GF_CERT = 1 << 4,
    IMG_GF_SKILL = 1 << 5
};

/* What the guard found in one suggestion. */
typedef struct img_ground_report {
    unsigned fail;           /* IMG_GF_* bits; 0 = supported */
    const char *why;         /* one line for the first failure (priority order above), or NULL */
    const char *text;        /* title "\n" detail, as checked */
    const char *lower;       /* text in ASCII lower case */
    img_doc_t doc;           /* over text (grounded suggestions only) */
    img_mention_t *mentions; /* taxonomy skills named in text (grounded suggestions only) */
    size_t n_mentions;
} img_ground_report_t;

/* Scratch space of the guard, reused from one suggestion to the next. */
typedef struct img_ground_scratch {
    img_token_t *tok; /* grown in the arena */
    bool *flags;      /* two bytes per token */
    size_t cap;
} img_ground_scratch_t;

/* Numbers the resume states, normalised, and scratch space for the checks;
 * build once per analysis (or per call) and reuse. One thread at a time. */
typedef struct img_ground_ctx {
    const img_analysis_t *a;
    const char **nums;
    size_t n_nums;
    img_ground_scratch_t *scratch; /* in the arena */
} img_ground_ctx_t;

void img_ground_ctx_init(img_ground_ctx_t *ctx, const img_analysis_t *a);

/* Runs every check on s and fills r (arena-allocated parts). */
void img_ground_check(const img_ground_ctx_t *ctx, const img_suggestion_t *s,
                      img_ground_report_t *r);

/* A number in text at or after *pos, skipping [placeholders]: sets its span
 * [*start, *end) (currency sign and %/k/M/x suffix included) and its
 * normalised digits in norm (cap >= 32). False when there is none. */
bool img_ground_next_number(const char *text, size_t len, size_t *pos, size_t *start, size_t *end,
                            char *norm, size_t cap);

/* Byte length of a currency sign ($, £, €) at text[i], else 0. */
size_t img_ground_currency_at(const char *text, size_t len, size_t i);

/* True if the resume states the normalised number. */
bool img_ground_number_supported(const img_ground_ctx_t *ctx, const char *norm);

#endif
