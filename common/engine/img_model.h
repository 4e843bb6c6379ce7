/*
 * img_model.h - the structures of one analysis (the result document's content).
 *
 * Ownership: everything reachable from an img_analysis_t lives in its arena
 * (analysis->arena) and dies with img_analysis_destroy(); the documents'
 * text is borrowed from the caller for the analysis' lifetime. Strings are
 * NUL-terminated; a NULL string means "unknown" and becomes JSON null.
 * Offsets (start, end) are bytes into the document named, end exclusive.
 */
#ifndef IMG_MODEL_H
#define IMG_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "img_text.h"

struct img_tax;

/* A month: year and month 1-12; month 0 means only the year is known; year 0 = unknown. */
typedef struct img_ym {
    int year, month;
} img_ym_t;

typedef enum img_section_kind {
    IMG_SEC_NONE = 0, /* text before any heading */
    IMG_SEC_CONTACT,
    IMG_SEC_SUMMARY,
    IMG_SEC_EXPERIENCE,
    IMG_SEC_EDUCATION,
    IMG_SEC_SKILLS,
    IMG_SEC_PROJECTS,
    IMG_SEC_CERTIFICATIONS,
    IMG_SEC_LANGUAGES,
    IMG_SEC_AWARDS,
    IMG_SEC_PUBLICATIONS,
    IMG_SEC_VOLUNTEER,
    IMG_SEC_INTERESTS,
    IMG_SEC_REFERENCES,
    IMG_SEC_OTHER,
    IMG_SEC__COUNT
} img_section_kind_t;

typedef struct img_section {
    img_section_kind_t kind;
    size_t heading_start, heading_end; /* heading line content; equal when there is none */
    size_t start, end;           /* body: from the line after the heading to the next heading */
    size_t first_line, end_line; /* body lines [first_line, end_line) */
} img_section_t;

typedef enum img_category {
    IMG_CAT_HARD = 0,
    IMG_CAT_SOFT,
    IMG_CAT_TOOL,
    IMG_CAT_LANGUAGE,
    IMG_CAT_CERTIFICATION,
    IMG_CAT_DOMAIN
} img_category_t;

typedef enum img_confidence { IMG_CONF_HIGH = 0, IMG_CONF_MEDIUM, IMG_CONF_LOW } img_confidence_t;

/* Where a skill was seen: section name ("experience", "skills", "summary",
 * "projects", "education", "certifications", "other", or "job") and span. */
typedef struct img_evidence {
    const char *section; /* static string */
    size_t start, end;
} img_evidence_t;

typedef struct img_skill {
    int tax_id;       /* taxonomy id, or -1 for a skill only named by upstream input */
    const char *name; /* canonical name */
    img_category_t category;
    img_confidence_t confidence;
    double score; /* 0..1, from evidence kind, recency and duration */
    IMG_VEC(img_evidence_t) evidence;
    int months;              /* months of use across experiences that mention it; 0 unknown */
    img_ym_t last_used;      /* latest end month of an experience that mentions it */
    bool from_input;         /* merged from --skills-json / extracted_skills */
    double input_confidence; /* the upstream confidence when from_input */
} img_skill_t;

typedef struct img_span {
    size_t start, end;
} img_span_t;

typedef struct img_experience {
    const char *title, *company, *location; /* NULL when unknown */
    img_ym_t start, end;                    /* end.year == 0 with current = true */
    bool current;
    int months;                        /* computed against the analysis' as_of */
    size_t span_start, span_end;       /* the whole entry in the resume */
    size_t title_start, title_end;     /* title's span in the resume (0, 0 unknown) */
    size_t company_start, company_end; /* company's span in the resume (0, 0 unknown) */
    IMG_VEC(img_span_t) bullets;       /* achievement lines (content spans) */
    IMG_VEC(int) skills;               /* indices into analysis->skills */
} img_experience_t;

typedef enum img_req_kind { IMG_REQ_MUST = 0, IMG_REQ_NICE } img_req_kind_t;

typedef struct img_requirement {
    char id[12];       /* "R1", "R2"... in order of appearance */
    size_t start, end; /* the requirement text in the job ad */
    img_req_kind_t kind;
    IMG_VEC(int) skills; /* taxonomy ids named by the requirement */
    IMG_VEC(int)
    groups;         /* parallel to skills: skills sharing a number are alternatives
                     * ("Python and (AWS or GCP)" -> 0, 1, 1) */
    bool any_of;    /* "A, B, or C": one skill suffices */
    int years;      /* "5+ years" -> 5; 0 when none */
    bool education; /* a degree requirement */
} img_requirement_t;

typedef struct img_job {
    const char *title, *seniority,
        *domain;           /* seniority: intern|junior|mid|senior|lead|principal|executive */
    int years_required;    /* the largest years asked overall; 0 none */
    const char *education; /* "bachelor", "master", "phd" or NULL */
    IMG_VEC(img_requirement_t) requirements;
    IMG_VEC(img_skill_t) skills; /* skills named in the job ad (evidence: section "job") */
} img_job_t;

typedef enum img_match { IMG_MATCH_MET = 0, IMG_MATCH_PARTIAL, IMG_MATCH_MISSING } img_match_t;

typedef struct img_req_result {
    int req; /* index into job.requirements */
    img_match_t status;
    double weight;                    /* must > nice */
    IMG_VEC(img_evidence_t) evidence; /* spans in the resume */
    IMG_VEC(int) matched;             /* taxonomy ids present (or related, when partial) */
    IMG_VEC(int) missing;             /* taxonomy ids absent */
    const char *note;                 /* one phrase: "AWS satisfies AWS, Azure or GCP" */
} img_req_result_t;

typedef struct img_gap {
    int match_score; /* 0-100 */
    const char *narrative;
    IMG_VEC(img_req_result_t) requirements;
    IMG_VEC(const char *) missing_must; /* skill names (or short requirement texts) */
    IMG_VEC(const char *) missing_nice;
} img_gap_t;

typedef struct img_insights {
    const char *domain;           /* the job's domain */
    const char *candidate_domain; /* the resume's */
    const char *source;           /* "engine", "input" or "llm" */
    IMG_VEC(const char *) priorities;
    IMG_VEC(const char *) strengths;
    IMG_VEC(const char *) gaps;
    IMG_VEC(const char *) recommendations;
    IMG_VEC(const char *) market_trends;
    double market_alignment; /* -1 unknown */
} img_insights_t;

typedef enum img_sugg_kind {
    IMG_SUGG_PROJECT = 0,
    IMG_SUGG_CERTIFICATION,
    IMG_SUGG_COURSE,
    IMG_SUGG_EXPERIENCE,
    IMG_SUGG_BULLET_REWRITE,
    IMG_SUGG_KEYWORD
} img_sugg_kind_t;

typedef enum img_grounding { IMG_GROUND_GROUNDED = 0, IMG_GROUND_PLAN } img_grounding_t;
typedef enum img_verdict {
    IMG_VERDICT_KEEP = 0,
    IMG_VERDICT_REVISE,
    IMG_VERDICT_DROP
} img_verdict_t;

typedef struct img_critique {
    int specificity, actionability, alignment, grounding; /* 0-5 each */
    img_verdict_t verdict;
    const char *notes;
} img_critique_t;

typedef struct img_suggestion {
    char id[12]; /* "S1"... */
    img_sugg_kind_t kind;
    const char *title;
    const char *detail;
    IMG_VEC(int) closes; /* indices into job.requirements */
    const char *effort;  /* "2-4 weeks", "1 hour" */
    img_grounding_t grounding;
    /* bullet_rewrite only: the bullet it rewrites */
    bool has_source;
    size_t source_start, source_end;
    img_critique_t critique;
} img_suggestion_t;

typedef struct img_analysis_opts {
    img_ym_t as_of;              /* "today"; year 0 = use the clock */
    double confidence_threshold; /* default 0.7 */
} img_analysis_opts_t;

typedef struct img_analysis {
    img_arena_t *arena;
    const struct img_tax *tax; /* borrowed */
    img_analysis_opts_t opts;
    img_doc_t resume, job_doc;
    IMG_VEC(img_section_t) sections;
    IMG_VEC(img_experience_t) experiences;
    IMG_VEC(img_skill_t) skills; /* the inventory, sorted by score desc then name */
    img_job_t job;
    img_gap_t gap;
    img_insights_t insights;
    IMG_VEC(img_suggestion_t) suggestions;
} img_analysis_t;

/* Static lowercase names used in the result document. */
const char *img_section_name(img_section_kind_t kind);
const char *img_category_name(img_category_t cat);
const char *img_confidence_name(img_confidence_t c);
const char *img_match_name(img_match_t m);
const char *img_sugg_kind_name(img_sugg_kind_t k);
const char *img_grounding_name(img_grounding_t g);
const char *img_verdict_name(img_verdict_t v);
/* Parses a category name; returns -1 when unknown. */
int img_category_parse(const char *s);

/* Months from a to b inclusive of both ends' months (2020-01..2020-12 = 12);
 * year-only starts count from January and year-only ends to December. */
int img_ym_months(img_ym_t a, img_ym_t b);
/* Orders months: negative, zero, positive. Year-only compares as month 0. */
int img_ym_cmp(img_ym_t a, img_ym_t b);
/* "YYYY-MM", "YYYY" or "" into out (>= 8 bytes). */
void img_ym_format(img_ym_t ym, char *out, size_t cap);
/* Parses "YYYY-MM" or "YYYY"; false when malformed. */
bool img_ym_parse(const char *s, img_ym_t *out);

#endif
