/*
 * img_extract_phrases.c - skill phrases the taxonomy does not know.
 *
 * Job ads phrase most skills as clauses, not names: "ability to work in a
 * team", "you will design and develop scalable services", "experience with
 * cloud infrastructure", "excellent communication skills". The rules below
 * find such phrases from general cues (no skill names): what follows
 * "ability to" / "you will" / "experience with", action verbs that open a
 * requirement or a bullet, "<modifier> skills", soft-skill adjectives in a
 * requirement, and the items of skills lists. A phrase stops at punctuation,
 * at a clause boundary (relative words, auxiliaries, "to", a coordinated verb)
 * and after eight tokens (six for a noun object), so it names a skill rather
 * than a sentence.
 */
#include "img_extract_int.h"

#include <string.h>
#ifdef IMG_EXTRACT_STATS
#include <stdio.h>
#endif

enum { MAX_VERB_PHRASE = 8, MAX_OBJ_PHRASE = 6, MAX_LIST_ITEM = 6 };

/* The rules, named in IMG_EXTRACT_STATS builds (per-rule precision). */
enum {
    R_OBJECT = 1,   /* "experience with X" */
    R_LIST_ITEM,    /* an item of a skills list */
    R_LIST_WORD,    /* a word of a list without separators */
    R_HEAD,         /* "communication skills" */
    R_OPENING_VERB, /* "Develop ..." opening a sentence or bullet */
    R_COORD_VERB,   /* "... and communicate with ..." */
    R_MODAL_VERB,   /* "you will design ..." */
    R_TO_VERB,      /* "ability to work ..." */
    R_SOFT,         /* "highly motivated" */
    R_QUALIFIED,    /* "excellent financial support" */
    R_EXAMPLES      /* "such as X" */
};

typedef struct px {
    const img_tax_t *tax;
    const char *text;
    const img_token_t *t;
    size_t n;
    unsigned *cls;           /* word classes per token (0 for punctuation) */
    const img_xprep_t *prep; /* zones per line: img_xzone() */
    bool *claimed;
    img_arena_t *arena;
    IMG_VEC(img_span_t) out;
    bool resume; /* IMG_EXTRACT_RESUME: no verb-led phrases */
} px_t;

static bool punct(const px_t *x, size_t i)
{
    return (x->t[i].flags & IMG_TOK_PUNCT) != 0;
}

static bool is(const px_t *x, size_t i, const char *w)
{
    return i < x->n && img_extract_is(x->text, &x->t[i], w);
}

static bool same_line(const px_t *x, size_t a, size_t b)
{
    return b < x->n && x->t[a].line == x->t[b].line;
}

/* Punctuation that ends any phrase. */
static bool hard(const px_t *x, size_t i)
{
    if (!punct(x, i))
        return false;
    char c = x->text[x->t[i].start];
    return strchr(".,;:!?()[]\"|*-/<>", c) != NULL || (unsigned char)c >= 0x80;
}

static bool plain_verb(unsigned c)
{
    return (c & XW_VERB) && !(c & XW_NOSTART);
}

/* Emits tokens [a, b) after trimming weak edges; false if nothing is left or
 * the span is taken or is exactly one taxonomy name (a mention covers it). */
static bool emit(px_t *x, int rule, size_t a, size_t b, size_t cap)
{
    if (b > a + cap)
        b = a + cap;
    while (a < b && (punct(x, a) || (x->cls[a] & (XW_DET | XW_CONJ | XW_PREP | XW_STOP))))
        a++;
    while (b > a && (punct(x, b - 1) ||
                     (x->cls[b - 1] & (XW_DET | XW_CONJ | XW_PREP | XW_STOP | XW_INTENS | XW_AUX))))
        b--;
    if (a >= b)
        return false;
    for (size_t k = a; k < b; k++)
        if (x->claimed[k])
            return false;
    if (b - a == 1 && (x->cls[a] & (XW_NOSTART | XW_SUBJ)))
        return false;
    img_tax_match_t m;
    if (img_tax_match_at(x->tax, x->text, x->t, x->n, a, &m) && m.n_tokens == b - a)
        return false;
    for (size_t k = a; k < b; k++)
        x->claimed[k] = true;
    img_span_t *s = IMG_VEC_PUSH(x->arena, &x->out);
    s->start = x->t[a].start;
    s->end = x->t[b - 1].end;
#ifdef IMG_EXTRACT_STATS
    fprintf(stderr, "R%d %zu %zu\n", rule, s->start, s->end);
#else
    (void)rule;
#endif
    return true;
}

/* End of a verb-led phrase starting at verb token i. */
static size_t verb_extent(const px_t *x, size_t i)
{
    size_t j = i + 1;
    while (j < x->n && same_line(x, i, j) && j - i < MAX_VERB_PHRASE) {
        unsigned c = x->cls[j];
        if (j == i + 1 && is(x, j, "to") && j + 1 < x->n && plain_verb(x->cls[j + 1])) {
            j += 2; /* "help to shape", "learn to use" */
            continue;
        }
        if (hard(x, j) || is(x, j, "to") || is(x, j, "using") || is(x, j, "including") ||
            is(x, j, "via"))
            break;
        if ((c & XW_STOP) && !(c & XW_DET))
            break;
        if (is(x, j, "that") || is(x, j, "which") || is(x, j, "this"))
            break;
        if ((c & XW_CONJ) && j + 1 < x->n && (plain_verb(x->cls[j + 1]) || hard(x, j + 1)))
            break;
        if ((c & XW_CONJ) && j + 1 < x->n && (x->cls[j + 1] & (XW_STOP | XW_SUBJ)))
            break;
        j++;
    }
    return j;
}

/* End of a noun object starting at token i: stops at a conjunction too. */
static size_t obj_extent(const px_t *x, size_t i)
{
    size_t j = i;
    while (j < x->n && same_line(x, i, j) && j - i < MAX_OBJ_PHRASE) {
        unsigned c = x->cls[j];
        if (hard(x, j) || (c & (XW_CONJ | XW_AUX | XW_SUBJ)) || is(x, j, "to"))
            break;
        if ((c & XW_STOP) && !(c & XW_DET))
            break;
        if (j > i && (c & XW_PREP) && !is(x, j, "of"))
            break;
        if (j > i && (c & XW_NOUNEND)) {
            j++;
            break;
        }
        j++;
    }
    return j;
}

/* Skips determiners and intensifiers ("a strong", "the", "at least"). */
static size_t skip_weak(const px_t *x, size_t i, size_t line_end)
{
    while (i < line_end && !punct(x, i) &&
           ((x->cls[i] & (XW_DET | XW_INTENS)) || is(x, i, "at") || is(x, i, "least")))
        i++;
    return i;
}

/* Objects after a cue: "experience with A, B and C" gives A, B, C. */
static size_t objects(px_t *x, int rule, size_t i, size_t line_end)
{
    size_t items = 0;
    while (i < line_end && items < 6) {
        i = skip_weak(x, i, line_end);
        if (i >= line_end || punct(x, i) || (x->cls[i] & (XW_STOP | XW_SUBJ | XW_NOSTART)))
            break;
        size_t e;
        if (plain_verb(x->cls[i]) && (x->cls[i] & XW_ING))
            e = verb_extent(x, i);
        else
            e = obj_extent(x, i);
        if (e == i)
            break;
        emit(x, rule, i, e, MAX_OBJ_PHRASE + 2);
        items++;
        i = e;
        /* continue over ", " or "and"/"or" to the next item */
        if (i < line_end &&
            ((x->cls[i] & XW_CONJ) ||
             (punct(x, i) && (x->text[x->t[i].start] == ',' || x->text[x->t[i].start] == '/'))))
            i++;
        else
            break;
        if (i < line_end && (x->cls[i] & XW_CONJ))
            i++;
    }
    return i;
}

/* The items of a skills-list line ("Languages: Java, C++, Go"). */
static void list_line(px_t *x, size_t a, size_t b)
{
    /* Skip a short label before ':' */
    for (size_t k = a; k < b && k < a + 6; k++)
        if (punct(x, k) && x->text[x->t[k].start] == ':') {
            a = k + 1;
            break;
        }
    size_t s = a;
    for (size_t k = a; k <= b; k++) {
        bool sep = k == b || (punct(x, k) && strchr(",;|/()*[]:", x->text[x->t[k].start])) ||
                   (x->cls[k] & XW_CONJ) ||
                   (punct(x, k) && (unsigned char)x->text[x->t[k].start] >= 0x80);
        if (!sep)
            continue;
        if (k > s) {
            bool years = false;
            for (size_t q = s; q < k; q++)
                if (is(x, q, "year") || is(x, q, "years") || is(x, q, "month") ||
                    is(x, q, "months") ||
                    (x->t[q].flags & (IMG_TOK_DIGIT | IMG_TOK_ALPHA)) == IMG_TOK_DIGIT)
                    years = true;
            if (!years && k - s <= MAX_LIST_ITEM)
                emit(x, R_LIST_ITEM, s, k, MAX_LIST_ITEM);
            else if (!years && !x->resume)
                for (size_t q = s; q < k; q++) /* a list without separators */
                    emit(x, R_LIST_WORD, q, q + 1, 1);
        }
        s = k + 1;
    }
}

/* "communication skills", "analytical and problem-solving abilities". */
static void head_nouns(px_t *x, size_t a, size_t b)
{
    for (size_t h = a + 1; h < b; h++) {
        if (!(x->cls[h] & XW_HEAD) || punct(x, h))
            continue;
        size_t m = h;
        while (m > a && h - m < 4) {
            unsigned c = x->cls[m - 1];
            if (punct(x, m - 1) || (c & (XW_STOP | XW_DET | XW_PREP | XW_INTENS | XW_NOSTART |
                                         XW_SUBJ | XW_AUX | XW_CUE_OBJ)))
                if (!((c & XW_CONJ) && m - 1 > a && m < h))
                    break;
            m--;
        }
        /* "COMPUTER SKILLS", "technical skills", "key skills": headings and
         * generic modifiers name no particular skill */
        bool generic = true;
        for (size_t k = m; k < h && generic; k++)
            generic = (x->cls[k] & (XW_GENERIC | XW_CONJ)) != 0;
        if (m < h && !generic && !(x->t[h].flags & IMG_TOK_ALLCAPS))
            emit(x, R_HEAD, m, h + 1, 5);
    }
}

/* Does the line read as a requirement or a responsibility? */
static bool req_line(const px_t *x, size_t a, size_t b, bool bullet)
{
    unsigned char z = img_xzone(x->prep, x->t[a].line);
    if (z == XZ_SKILL || z == XZ_LIST || bullet)
        return true;
    for (size_t k = a; k < b; k++) {
        if (x->cls[k] & XW_SUBJ)
            return true;
        if (k + 1 < b && (x->cls[k] & XW_CUE_OBJ) && (x->cls[k + 1] & XW_PREP))
            return true;
        if (k + 1 < b && (x->cls[k] & XW_CUE_TO) && is(x, k + 1, "to"))
            return true;
    }
    return false;
}

static bool seg_start(const px_t *x, size_t a, size_t i)
{
    if (i == a)
        return true;
    size_t p = i - 1;
    if (!punct(x, p)) {
        /* Run-on lines: a capitalised word after a lower-case one or after an
         * inline heading in capitals ("... our warehouses Coordinate with",
         * "WHAT YOU WILL DO Work on"). */
        unsigned f = x->t[i].flags, g = x->t[p].flags;
        return (f & IMG_TOK_UPPER) && !(f & IMG_TOK_ALLCAPS) &&
               (!(g & IMG_TOK_UPPER) || (g & IMG_TOK_ALLCAPS)) && !(x->cls[p] & XW_SUBJ);
    }
    char c = x->text[x->t[p].start];
    return strchr(".!?:;*-", c) != NULL || (unsigned char)c >= 0x80;
}

/* One line of prose. */
static void prose_line(px_t *x, size_t a, size_t b, bool bullet)
{
    bool req = req_line(x, a, b, bullet);
    bool skill_zone = img_xzone(x->prep, x->t[a].line) == XZ_SKILL;
    head_nouns(x, a, b);
    for (size_t i = a; i < b; i++) {
        if (x->claimed[i] || punct(x, i))
            continue;
        unsigned c = x->cls[i];
        bool start = seg_start(x, a, i);
        /* An action verb opening the sentence or bullet: "Develop ...",
         * "Designing ...", "Performs ...", "Led ..." */
        if (start && plain_verb(c) && !x->resume) {
            size_t e = verb_extent(x, i);
            emit(x, R_OPENING_VERB, i, e, MAX_VERB_PHRASE);
            i = e - 1;
            continue;
        }
        /* A verb coordinated with the phrase just taken: "work in a team and
         * communicate with stakeholders" */
        if ((c & XW_CONJ) && i > a && x->claimed[i - 1] && i + 1 < b && plain_verb(x->cls[i + 1]) &&
            !x->resume) {
            size_t e = verb_extent(x, i + 1);
            if (emit(x, R_COORD_VERB, i + 1, e, MAX_VERB_PHRASE)) {
                i = e - 1;
                continue;
            }
        }
        /* "you will [also] [be able to] design ...", "you'll build" */
        if ((c & XW_AUX) && !x->resume &&
            ((c & XW_SUBJ) || (i > a && (x->cls[i - 1] & XW_SUBJ)) ||
             (i > a + 1 && (x->cls[i - 2] & XW_SUBJ)))) {
            size_t j = i + 1, s0 = 0;
            bool have_s0 = false;
            while (j < b && (is(x, j, "also") || is(x, j, "be") || is(x, j, "able") ||
                             is(x, j, "to") || is(x, j, "both") || (x->cls[j] & XW_LY))) {
                if ((x->cls[j] & XW_LY) && !have_s0)
                    s0 = j, have_s0 = true;
                j++;
            }
            if (j < b && plain_verb(x->cls[j]) && !(x->cls[j] & XW_ED)) {
                size_t e = verb_extent(x, j);
                emit(x, R_MODAL_VERB, have_s0 ? s0 : j, e, MAX_VERB_PHRASE);
                i = e - 1;
                continue;
            }
        }
        /* "ability to communicate ...", "able to work ..." */
        if (is(x, i, "to") && !x->resume && i + 1 < b && plain_verb(x->cls[i + 1]) &&
            !(x->cls[i + 1] & (XW_ING | XW_ED | XW_3S))) {
            bool cue = false;
            for (size_t k = i; k > a && i - k < 3 && !cue; k--)
                cue = (x->cls[k - 1] & XW_CUE_TO) != 0;
            if (cue || req) {
                size_t e = verb_extent(x, i + 1);
                emit(x, R_TO_VERB, i + 1, e, MAX_VERB_PHRASE);
                i = e - 1;
                continue;
            }
        }
        /* "experience with X", "knowledge of X", "degree in X", "experience
         * building X" (in a resume the field of a degree is an education
         * fact, not a skill phrase) */
        if ((c & XW_CUE_OBJ) && i + 1 < b && !(x->resume && (c & XW_DEGREE))) {
            size_t j = i + 1;
            if (x->cls[j] & XW_PREP)
                j++;
            else if (!(plain_verb(x->cls[j]) && (x->cls[j] & XW_ING)))
                j = 0;
            if (j && j < b) {
                size_t e = objects(x, R_OBJECT, j, b);
                if (e > j)
                    i = e - 1;
                continue;
            }
        }
        /* "such as X", "including X", "e.g. X" in a requirement */
        if (req && (is(x, i, "including") || (is(x, i, "such") && is(x, i + 1, "as")) ||
                    is(x, i, "e.g") || is(x, i, "eg"))) {
            size_t j = is(x, i, "such") ? i + 2 : i + 1;
            while (j < b && punct(x, j))
                j++;
            size_t e = objects(x, R_EXAMPLES, j, b);
            if (e > j)
                i = e - 1;
            continue;
        }
        /* Soft skills said of the candidate: "highly motivated", "you are
         * proactive", "driven and curious"; not attributive ("flexible hours"). */
        if ((c & XW_SOFT) && !(c & XW_VERB && start)) {
            bool said = skill_zone || start;
            if (i > a) {
                size_t p = i - 1;
                said = said || is(x, p, "are") || is(x, p, "be") || is(x, p, "you're") ||
                       is(x, p, "highly") || is(x, p, "very") || is(x, p, "extremely") ||
                       is(x, p, "truly") || is(x, p, "self") ||
                       ((x->cls[p] & XW_CONJ) && p > a && x->claimed[p - 1]);
            }
            size_t e = i + 1;
            bool person =
                e < b &&
                (is(x, e, "player") || is(x, e, "learner") || is(x, e, "starter") ||
                 is(x, e, "thinker") || is(x, e, "worker") || is(x, e, "attitude") ||
                 is(x, e, "mindset") || is(x, e, "personality") || is(x, e, "communicator") ||
                 is(x, e, "person") || is(x, e, "individual") || is(x, e, "professional"));
            bool attributive =
                e < b && !hard(x, e) && !(x->cls[e] & (XW_CONJ | XW_PREP | XW_STOP | XW_SOFT));
            if (said && (person || !attributive)) {
                emit(x, R_SOFT, i, person ? e + 1 : e, 3);
                continue;
            }
        }
        /* "strong communicator", "excellent financial support" */
        if ((c & XW_INTENS) && req && !x->resume && i + 1 < b && !punct(x, i + 1) &&
            !(x->cls[i + 1] & (XW_STOP | XW_PREP | XW_CONJ | XW_CUE_OBJ | XW_HEAD))) {
            size_t j = skip_weak(x, i, b);
            if (j < b && !punct(x, j) && !(x->cls[j] & (XW_STOP | XW_CUE_OBJ | XW_NOSTART))) {
                size_t e = obj_extent(x, j);
                if (e > j && emit(x, R_QUALIFIED, j, e, 4)) {
                    i = e - 1;
                    continue;
                }
            }
        }
    }
}

size_t img_extract_phrases(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                           unsigned flags, img_arena_t *arena, img_span_t **out)
{
    *out = NULL;
    if (!doc || start >= end || end > doc->len)
        return 0;
    px_t x;
    memset(&x, 0, sizeof(x));
    x.tax = tax;
    x.text = doc->text;
    x.arena = arena;
    x.resume = (flags & IMG_EXTRACT_RESUME) != 0;
    img_xprep_t prep;
    img_extract_prepare(doc, start, end, flags, arena, &prep);
    if (!prep.n)
        return 0;
    const img_token_t *toks = prep.t;
    x.t = prep.t;
    x.n = prep.n;
    x.cls = prep.cls;
    x.prep = &prep;
    x.claimed = img_arena_alloc(arena, x.n * sizeof(*x.claimed));
    for (size_t i = 0; i < x.n;) {
        size_t a = i, line = toks[i].line;
        while (i < x.n && toks[i].line == line)
            i++;
        unsigned char z = img_xzone(&prep, line);
        if (z == XZ_NOISE || z == XZ_HEADING || z == XZ_COMPANY)
            continue;
        if (z == XZ_LIST)
            list_line(&x, a, i);
        else
            prose_line(&x, a, i, doc->lines[line].bullet);
    }
    /* Output in document order. */
    for (size_t i = 1; i < x.out.n; i++) {
        img_span_t s = x.out.v[i];
        size_t k = i;
        while (k > 0 && x.out.v[k - 1].start > s.start) {
            x.out.v[k] = x.out.v[k - 1];
            k--;
        }
        x.out.v[k] = s;
    }
    *out = x.out.v;
    return x.out.n;
}
