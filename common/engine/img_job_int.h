/*
 * img_job_int.h - private helpers shared by the job module's files
 * (img_job.c, img_job_text.c, img_job_domain.c, img_gap.c, img_insights.c).
 * Not part of the engine's interface: nothing outside those files includes it.
 *
 * "Normalised text" below means: ASCII lower case words separated by one
 * space, punctuation dropped (curly quotes, dashes and bullets too), an
 * apostrophe kept inside a word ("you'll"), '+' and '#' kept after a letter
 * ("c++", "c#"), non-ASCII letters copied as they are. It is for matching
 * only; offsets always come from the original text.
 */
#ifndef IMG_JOB_INT_H
#define IMG_JOB_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "img_model.h"
#include "img_tax.h"

/* Normalised text of text[start..end) into the arena; *len_out gets its length. */
char *img_job_norm(img_arena_t *arena, const char *text, size_t start, size_t end, size_t *len_out);

/* Offset of the first occurrence of phrase in norm at word boundaries, or -1.
 * A phrase is normalised words; a trailing '*' makes the last word a prefix
 * ("responsibilit*"). */
long img_job_find(const char *norm, const char *phrase);

/* Index of the first phrase of the NULL-terminated list found in norm, or -1.
 * Linear in phrases x text: for short ad-hoc lists only; tables use a ptab. */
int img_job_find_any(const char *norm, const char *const *phrases);

/* A phrase table indexed by first letter, so that a lookup costs about the
 * words of the text, not phrases x text. Build it once (pthread_once) from
 * an array whose elements start with the phrase pointer (base, stride, n);
 * it is read-only afterwards and safe from many threads. */
#define IMG_JOB_PTAB_MAX 256
typedef struct img_job_ptab {
    size_t n;
    const char *phrase[IMG_JOB_PTAB_MAX]; /* without a leading '^' */
    unsigned char len[IMG_JOB_PTAB_MAX];  /* without a trailing '*' */
    unsigned char flags[IMG_JOB_PTAB_MAX];
    uint16_t start[257]; /* bucket of first byte c: order[start[c] .. start[c + 1]) */
    uint16_t order[IMG_JOB_PTAB_MAX];
} img_job_ptab_t;

void img_job_ptab_build(img_job_ptab_t *t, const void *base, size_t stride, size_t n);
/* Index (in the source array) of the first-listed phrase found in norm, or -1. */
int img_job_ptab_find(const img_job_ptab_t *t, const char *norm);
/* True if the word w[0..l) equals one of the table's single-word phrases. */
bool img_job_ptab_word(const img_job_ptab_t *t, const char *w, size_t l);

/* Years asked in normalised text: "5+ years" -> 5, "3-5 years" -> 3, "at
 * least four years" -> 4; the largest when several; 0 when none. Ignores
 * "in the last 2 years", "years old" and values over 40. */
int img_job_years(const char *norm);

/* Degree levels, ordered. */
enum {
    IMG_DEG_NONE = 0,
    IMG_DEG_SCHOOL, /* high school diploma, GED */
    IMG_DEG_ASSOCIATE,
    IMG_DEG_BACHELOR,
    IMG_DEG_MASTER,
    IMG_DEG_PHD
};

/* Degree words in normalised text. *min gets the lowest level named (the one
 * a job accepts: "PhD or Master's" -> master), *max the highest (what a
 * resume shows); a bare "degree" counts as bachelor. Short forms ("BS",
 * "MS", "BA") need a degree context ("BS in", "BS/MS", "MS degree") unless
 * loose (a resume's education section). Returns true if any was found. */
bool img_job_degree(const char *norm, bool loose, int *min, int *max);

/* "bachelor", "master", "phd" for the result document's job.education, or NULL. */
const char *img_job_degree_name(int level);

/* End of the first sentence in text[start..end): just after a '.', '!' or
 * '?' followed by space and a capital letter or digit, outside brackets,
 * not after an abbreviation ("e.g.", "U.S.", "etc."); end when none. */
size_t img_job_sentence_end(const char *text, size_t start, size_t end);

/* Kinds of job ad sections. */
typedef enum img_job_sec {
    IMG_JOB_SEC_INTRO = 0, /* before any heading, or "Job description" */
    IMG_JOB_SEC_MUST,      /* Requirements, Qualifications, Must have, What you bring */
    IMG_JOB_SEC_NICE,      /* Nice to have, Preferred, Bonus */
    IMG_JOB_SEC_RESP,      /* Responsibilities, What you'll do */
    IMG_JOB_SEC_BENEFITS,  /* Benefits, Perks, What we offer, Compensation */
    IMG_JOB_SEC_ABOUT,     /* About us, Who we are */
    IMG_JOB_SEC_EEO,       /* Equal opportunity */
    IMG_JOB_SEC_OTHER,     /* a heading of another kind: Location, Hours, How to apply */
    IMG_JOB_SEC_CONTINUE   /* "In addition:": the previous kind goes on */
} img_job_sec_t;

/* Kind named by a normalised heading, or -1 when the words are no known
 * heading. *weak (may be NULL) is set when the words that matched also occur
 * in ordinary lines ("required", "experience"), so a caller should want more
 * proof (a colon, Title Case) before taking the line for a heading. */
int img_job_heading_kind(const char *norm, bool *weak);

/* True if the normalised heading names a skills list ("Tech stack", "Skills"). */
bool img_job_heading_is_list(const char *norm);

/* Sentence-level cues, each over normalised text. */
bool img_job_is_nice_cue(const char *norm);        /* "a plus", "preferred", "bonus"... */
bool img_job_is_must_cue(const char *norm);        /* "required", "must" */
bool img_job_is_boilerplate(const char *norm);     /* EEO, benefits, pay, sponsorship */
bool img_job_is_requirement_cue(const char *norm); /* "experience", "knowledge of"... */
bool img_job_is_duty_cue(const char *norm);        /* "responsible for", "you will be" */

/* Sets analysis->job.title (see img_job_title.c for the rules). Returns the
 * index of the job ad line that is the title as a whole (that line is then
 * no content), or -1 when the title came from a sentence or was not found. */
long img_job_title(img_analysis_t *analysis);

/* Seniority from the normalised title ("Sr." -> senior, "Head of" ->
 * executive), else from the years asked (5+ senior, 3+ mid, 1+ junior);
 * NULL when neither says. title_norm may be NULL. */
const char *img_job_seniority(const char *title_norm, int years);

/* True if normalised text names a role ("engineer", "manager", "analyst"). */
bool img_job_has_role_word(const char *norm);

/* Domain votes: one weight per domain name of img_job_domain_names. */
#define IMG_JOB_N_DOMAINS 16
typedef struct img_job_dom {
    double v[IMG_JOB_N_DOMAINS];
} img_job_dom_t;

/* Votes for the first (most specific) domain whose role words are in the
 * normalised text (a title: "Senior DevOps Engineer" -> cloud): 2 * w for a
 * specific role word ("devops", "backend", "nurse"), w for a generic one
 * ("engineer", "developer"). Returns true if one matched. */
bool img_job_dom_title(img_job_dom_t *d, const char *norm, double w);
/* Adds w to the domain of taxonomy skill id (from its group, name and category). */
void img_job_dom_skill(img_job_dom_t *d, const img_tax_t *tax, int id, double w);
/* The domain with the most votes; "general" when none. */
const char *img_job_dom_best(const img_job_dom_t *d);

/* Display name of taxonomy id (or a resume skill's name when the taxonomy
 * has none); never NULL. */
const char *img_job_skill_name(const img_analysis_t *analysis, int id);

/* Months of experience: the union of the dated experiences (overlaps
 * counted once, open ends at opts.as_of) plus the months of undated ones. */
int img_gap_total_months(const img_analysis_t *analysis);

/* text[start..end) without a trailing full stop, cut at a word boundary
 * near 60 bytes with "..." appended when longer; in the arena. */
const char *img_gap_short_text(img_arena_t *arena, const char *text, size_t start, size_t end);

/* Word-level evidence in the resume (img_gap_words.c), built lazily. */
typedef struct img_gap_rtok {
    uint32_t hash; /* stem hash of a content word */
    uint32_t line; /* resume line */
} img_gap_rtok_t;

typedef struct img_gap_title {
    const char *w[12]; /* stems of an experience title's content words */
    unsigned char l[12];
    size_t n;
    size_t s, e; /* the entry's first line in the resume */
} img_gap_title_t;

typedef struct img_gap_words {
    img_analysis_t *a; /* set by the caller; the rest starts zeroed */
    bool titles_done, words_done;
    img_gap_title_t *titles;
    size_t ntitles;
    img_gap_rtok_t *rt;
    size_t nrt;
} img_gap_words_t;

/* True if every content word of skill id's name is in one experience title
 * ("Software Engineering" in "Senior Software Engineer", "Data Science" in
 * "Data Scientist"); [*s, *e) gets that entry's first line. */
bool img_gap_title_match(img_gap_words_t *w, int id, size_t *s, size_t *e);

/* True if the words of skill id, as named by the taxonomy or as the job ad
 * wrote it inside requirement r, stand together in one resume line (names
 * of two content words or more only); [*s, *e) gets the line. */
bool img_gap_line_match(img_gap_words_t *w, const img_requirement_t *r, int id, size_t *s,
                        size_t *e);

/* Status of a requirement the taxonomy cannot read, from the share of its
 * content words found in the resume (>= 2/3 met, >= 1/3 partial); fills the
 * result's evidence (the lines sharing most words) and note. */
img_match_t img_gap_word_overlap(img_gap_words_t *w, const img_requirement_t *r,
                                 img_req_result_t *res);

/* Appends a resume span to the result's evidence (at most 3, no duplicates). */
void img_gap_push_evidence(img_req_result_t *res, img_arena_t *arena, const char *section, size_t s,
                           size_t e);

/* Section name ("experience", "skills", "other"...) of resume offset pos. */
const char *img_gap_section_at(const img_analysis_t *analysis, size_t pos);

/* The narrative of analysis->gap, written from its structured content only
 * (score, met and missing requirements, partial ones and their related
 * skills); in the arena. */
const char *img_gap_narrative(img_analysis_t *analysis);

#endif
