/*
 * img_extract_int.h - private helpers shared by img_extract*.c: the word
 * lexicon (cue words, skill verbs, soft-skill adjectives, boundaries) and the
 * zones of a document (requirement blocks, skills lists, benefits blocks).
 * Not part of the engine's API.
 */
#ifndef IMG_EXTRACT_INT_H
#define IMG_EXTRACT_INT_H

#include <string.h>

#include "img_extract.h"

/* Word classes (bits). */
enum {
    XW_VERB = 1 << 0,       /* an action verb that can start a skill phrase ("develop") */
    XW_CUE_TO = 1 << 1,     /* "<word> to <verb>" introduces a skill ("ability to") */
    XW_CUE_OBJ = 1 << 2,    /* "<word> in/with/of <object>" introduces knowledge */
    XW_STOP = 1 << 3,       /* ends a phrase (pronouns, relatives, auxiliaries) */
    XW_AUX = 1 << 4,        /* "will", "can", "must": a verb phrase may follow */
    XW_DET = 1 << 5,        /* determiners, skipped at a phrase start */
    XW_INTENS = 1 << 6,     /* "strong", "excellent", "solid": skipped at a start */
    XW_SOFT = 1 << 7,       /* a soft-skill adjective or noun ("proactive") */
    XW_PREP = 1 << 8,       /* "in", "with", "of": after a cue, the object follows */
    XW_CONJ = 1 << 9,       /* "and", "or", "&", "and/or" */
    XW_HEAD = 1 << 10,      /* head noun of "<x> skills", "<x> mindset" */
    XW_NOSTART = 1 << 11,   /* never starts a phrase */
    XW_TECH = 1 << 12,      /* technical cue for ambiguous skills ("programming") */
    XW_SUBJ = 1 << 13,      /* "you", "candidate": a requirement's subject */
    XW_NOISEHEAD = 1 << 14, /* heading word of a block without skills ("benefits") */
    XW_SKILLHEAD = 1 << 15, /* heading word of a requirements block ("requirements") */
    XW_LISTHEAD = 1 << 16,  /* heading word of a list of skills ("skills", "technologies") */
    XW_NOUNEND = 1 << 17,   /* a generic noun that ends an object ("environment") */
    XW_PLAINHEAD = 1 << 18, /* heading word of a neutral block ("description", "overview") */
    XW_ING = 1 << 20,       /* verb form: -ing */
    XW_3S = 1 << 21,        /* verb form: -s */
    XW_ED = 1 << 22,        /* verb form: -ed */
    XW_LY = 1 << 23,        /* an adverb in -ly */
    XW_WE = 1 << 24,        /* "we", "our": the employer speaking */
    XW_LEAD = 1 << 25,      /* "at", "in", "as": may precede "we" at a line's start */
    XW_ASK = 1 << 26,       /* "looking", "seeking", "hire": asks for a candidate */
    XW_EEO = 1 << 27,       /* "discriminate", "regardless": equal-opportunity wording */
    XW_MASKED = 1 << 28,    /* a URL, an e-mail address or a placeholder: never a skill */
    XW_DEGREE = 1 << 29,    /* "degree", "bachelor": its object is a field of study */
    XW_GENERIC = 1 << 30    /* "technical", "key", "core": says nothing of which skill */
};

/* Class bits of text[start..end) (case-insensitive); verb forms are derived
 * from the base form ("developing" -> XW_VERB | XW_ING). */
unsigned img_extract_word(const char *text, size_t start, size_t end);

/* Number of distinct words in the lexicon (builds it on first use). */
size_t img_extract_lex_size(void);

/* Zones of lines (one byte per line of the document). */
enum {
    XZ_NEUTRAL = 0,
    XZ_SKILL = 1,   /* under a requirements/responsibilities heading */
    XZ_LIST = 2,    /* a skills list (heading "Skills", "Technologies", or "Label: a, b, c") */
    XZ_NOISE = 3,   /* benefits, about the company, how to apply: skipped in documents */
    XZ_HEADING = 4, /* the heading line itself */
    XZ_COMPANY = 5  /* prose about the employer ("We are a leader in ...") */
};

/* A region ready for the rules: its tokens, each word's classes (URLs,
 * e-mail addresses and placeholders such as "<ORGANIZATION>" are XW_MASKED |
 * XW_STOP | XW_NOSTART; punctuation 0) and the zone of every line the region
 * spans: zone[line - line0] (read it with img_xzone()). Only the region's
 * lines: a per-requirement call must not cost the whole document's line
 * count, or many requirements make it quadratic. With IMG_EXTRACT_LIST every
 * line is XZ_LIST; without IMG_EXTRACT_DOC no line is XZ_NOISE. Everything
 * lives in the arena. */
typedef struct img_xprep {
    img_token_t *t;
    size_t n;
    unsigned *cls;
    unsigned char *zone;
    size_t line0; /* the line zone[0] describes: the region's first token's */
} img_xprep_t;

/* The zone of a line of the region. */
static inline unsigned char img_xzone(const img_xprep_t *p, size_t line)
{
    return p->zone[line - p->line0];
}

void img_extract_prepare(const img_doc_t *doc, size_t start, size_t end, unsigned flags,
                         img_arena_t *arena, img_xprep_t *p);

/* Internal flag for img_extract_prepare(): tokens and masks only (cls holds
 * only XW_MASKED words, zone is NULL) until img_extract_prepare_classes(). */
enum { IMG_EXTRACT_LAZY = 1u << 30 };

/* Completes a lazy preparation (no-op when complete). */
void img_extract_prepare_classes(const img_doc_t *doc, unsigned flags, img_arena_t *arena,
                                 img_xprep_t *p);

/* True if token t is the word w (ASCII case-insensitive). Inline so that
 * strlen(w) folds for literals and most tokens fail on the length. */
static inline bool img_extract_is(const char *text, const img_token_t *t, const char *w)
{
    size_t n = strlen(w);
    if (t->end - t->start != n ||
        ((unsigned char)text[t->start] | 0x20) != ((unsigned char)w[0] | 0x20))
        return false;
    return img_text_ieq(text, t->start, t->end, w);
}

/* True for a lone punctuation token equal to c. */
static inline bool img_extract_punct(const char *text, const img_token_t *t, char c)
{
    return (t->flags & IMG_TOK_PUNCT) && text[t->start] == c;
}

#endif
