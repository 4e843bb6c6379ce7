/*
 * img_resume_int.h - private to the resume module (img_resume*.c): units,
 * word lists and the single-date scanner shared by its files.
 *
 * Not part of the engine's contract; only img_resume*.c and the module's
 * unit test include it.
 */
#ifndef IMG_RESUME_INT_H
#define IMG_RESUME_INT_H

#include "img_resume.h"

/*
 * A unit is what a reader sees as one line: a line's content, or, in text
 * whose line breaks were flattened into runs of spaces (PDF and Word
 * exports), one run-separated segment of a long line. Spans point into the
 * document; a bullet glyph at the start is not part of the span.
 */
typedef struct img_resume_unit {
    size_t s, e;     /* content span */
    size_t line;     /* index into doc->lines */
    bool bullet;     /* started with a bullet glyph */
    bool line_start; /* first unit of its physical line */
    bool gap_before; /* a blank line (or a wide run of spaces) precedes it */
} img_resume_unit_t;

typedef IMG_VEC(img_resume_unit_t) img_resume_units_t;

/* Splits the document into units (arena-allocated). */
void img_resume_units_build(const img_doc_t *doc, img_arena_t *arena, img_resume_units_t *out);

/* Heading kinds returned by img_resume_heading(). */
typedef struct img_resume_heading {
    img_section_kind_t kind;
    bool weak;   /* "Tools", "Key Achievements:": ignored inside an experience section */
    size_t end;  /* end of the heading text (after the colon when inline) */
    size_t body; /* where the body starts on the same unit (== unit end when none) */
} img_resume_heading_t;

/* Whether unit text[s..e) is a section heading ("WORK EXPERIENCE", "Skills:",
 * "Skills: Python, Java" inline); fills *h. loose: the unit is a segment of a
 * flattened line, where "Experience Acme Corp 2008 - 2010" also opens a section. */
bool img_resume_heading(const char *text, size_t len, size_t s, size_t e, bool loose,
                        img_resume_heading_t *h);

/* Word classes (ASCII case-insensitive whole words; words of three letters
 * or fewer count as regions, degrees and companies only in capitals). */
enum {
    RS_W_TITLE = 1 << 0,   /* title head nouns: engineer, manager, teacher */
    RS_W_COMPANY = 1 << 1, /* employer suffixes: inc, ltd, technologies, university */
    RS_W_REGION = 1 << 2,  /* states, provinces, countries */
    RS_W_DEPT = 1 << 3,    /* departments after a title: sales, marketing, qa */
    RS_W_SMALL = 1 << 4,   /* of, and, the, for, in */
    RS_W_DEGREE = 1 << 5   /* degrees and grades: bachelor, gpa, diploma */
};
unsigned img_resume_word_class(const char *text, size_t s, size_t e);
bool img_resume_is_title_noun(const char *text, size_t s, size_t e);
bool img_resume_is_company_word(const char *text, size_t s, size_t e);
bool img_resume_is_region(const char *text, size_t s,
                          size_t e); /* state, province, country, "ST" */
bool img_resume_is_dept_word(const char *text, size_t s, size_t e);
bool img_resume_is_small_word(const char *text, size_t s,
                              size_t e); /* of, and, the, for, in, ... */
bool img_resume_is_degree_word(const char *text, size_t s,
                               size_t e); /* bachelor, gpa, diploma, ... */
/* Checks that every word list is sorted (the lookups bisect); for tests. */
bool img_resume_lex_selfcheck(void);

/* A single date ("2017", "Summer 2002", "Aug 2019") in text[s..e) when no
 * range is present; fills *ym and the span. */
bool img_resume_find_single_date(const char *text, size_t s, size_t e, img_ym_t *ym, size_t *ds,
                                 size_t *de);

/* True when text[s..e) is at a date boundary: a year, a month name or a
 * "present"-like word starts at s (used to avoid splitting "2006  Present"). */
bool img_resume_date_word_at(const char *text, size_t s, size_t e);
/* True when text[s..e) ends with a year or a month name. */
bool img_resume_date_word_before(const char *text, size_t s, size_t e);

/* Header pieces (img_resume_pieces.c). */
enum { PC_NONE = 0, PC_TITLE, PC_COMPANY, PC_LOCATION, PC_UNKNOWN };
#define RS_MAX_PIECES 32

typedef struct img_resume_piece {
    size_t s, e;
    int unit; /* which header unit it came from (caller's numbering) */
    int cls;  /* PC_* */
    int words;
    int label; /* "Designation:" 1, "Company:" 2, "Duration:" 3 before it */
    bool strong_title, any_title, company, suffix_only, dept, region, all_region;
    bool name_like, agentive, as_title;
    bool comma_before, dash_before, at, via; /* what separated it from the piece before */
    bool whole_unit, trailing_dash;
    bool degree; /* names a degree or grades ("Bachelor", "GPA") */
    bool paren;  /* opened by a parenthesis */
} img_resume_piece_t;

typedef struct img_resume_pieces {
    img_resume_piece_t v[RS_MAX_PIECES];
    size_t n;
} img_resume_pieces_t;

/* The roles found: spans (0, 0 when unknown). */
typedef struct img_resume_roles {
    size_t ts, te, cs, ce, ls, le;
    bool t_weak; /* the title is a guess (no title word, no label) */
} img_resume_roles_t;

/* Appends the pieces of text[s..e), treating the dates at [ds, de) (ds == de:
 * none) as a separator. */
void img_resume_pieces_split(const char *t, size_t s, size_t e, size_t ds, size_t de, int unit,
                             img_resume_pieces_t *ps);
/* Joins "Acme, Inc.", "Vice President, Sales" and "Pune, Maharashtra" (idempotent). */
void img_resume_pieces_merge(const char *t, img_resume_pieces_t *ps);
/* Merges the pieces and assigns the roles. */
void img_resume_pieces_roles(const char *t, img_resume_pieces_t *ps, img_resume_roles_t *r);
/* Whether some piece is (or is marked as) of class cls. */
bool img_resume_pieces_has(const img_resume_pieces_t *ps, int cls);

/* A role stated in a sentence ("Worked as X for Y"); fills the title (and
 * company when named) spans (img_resume_roles.c). */
bool img_resume_role_statement(const char *t, size_t s, size_t e, img_resume_roles_t *r);

/* Experiences parser entry (img_resume_exp.c). */
void img_resume_parse_experiences(img_analysis_t *analysis, const img_resume_units_t *units);

#endif
