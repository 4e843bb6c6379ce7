/*
 * img_extract.c - skill mentions with evidence spans and ambiguity guards.
 *
 * Two passes over the tokens of the region: the first collects the longest
 * taxonomy match at each position (left to right, non-overlapping); the
 * second keeps the unambiguous ones and decides each ambiguous (`ctx`) one
 * from its surroundings: a skills list, a run of other skills ("Go, Rust,
 * Python"), a non-ambiguous skill or a technical cue within three tokens on
 * the same line ("Swift developer", "programming in Go"). Some readings are
 * never skills: "Java" the island, "excel at", "grade C".
 */
#include "img_extract_int.h"

#include <ctype.h>
#include <string.h>

typedef struct cand {
    int skill;
    size_t t0, t1;     /* tokens [t0, t1) */
    size_t start, end; /* the surface text (a part of a token in "C/C++") */
    bool ctx, exact, single;
    bool compound; /* a part of a slash compound: its parts form a run */
    bool keep;
} cand_t;

/* Separators inside a run of listed skills. */
static bool is_sep(const char *text, const img_token_t *t)
{
    if (t->flags & IMG_TOK_PUNCT) {
        char c = text[t->start];
        return c == ',' || c == '/' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')' ||
               c == '*' || c == '+';
    }
    return img_extract_is(text, t, "and") || img_extract_is(text, t, "or") ||
           img_extract_is(text, t, "and/or");
}

static bool tok_is(const char *text, const img_token_t *t, const char *w)
{
    return img_extract_is(text, t, w);
}

static bool tok_in(const char *text, const img_token_t *t, const char *const *words)
{
    for (; *words; words++)
        if (tok_is(text, t, *words))
            return true;
    return false;
}

static bool is_caps(const img_token_t *t)
{
    return (t->flags & IMG_TOK_UPPER) != 0;
}

/* A capitalised skill word inside the name of an institution or an
 * organisation ("Department of Education", "Jefferson Public Schools",
 * "Aviation Ltd") or an all-capitals heading ("EDUCATION", "TEACHING
 * EXPERIENCE") is not a skill of the candidate. */
static bool inside_name(const char *text, const img_token_t *toks, size_t n, const cand_t *c)
{
    static const char *const before[] = {
        "department", "school",  "college", "university", "institute", "faculty", "ministry",
        "board",      "academy", "center",  "centre",     "council",   NULL};
    static const char *const after[] = {
        "school",  "schools",     "district",    "department", "university",
        "college", "institute",   "center",      "centre",     "inc",
        "ltd",     "llc",         "corporation", "corp",       "company",
        "group",   "association", "society",     "foundation", "authority",
        "agency",  "academy",     "services",    "limited",    NULL};
    const img_token_t *first = &toks[c->t0], *last = &toks[c->t1 - 1];
    if (c->compound || !is_caps(first))
        return false;
    size_t line = first->line;
    if (c->t0 >= 2 && toks[c->t0 - 2].line == line && tok_is(text, &toks[c->t0 - 1], "of") &&
        is_caps(&toks[c->t0 - 2]) && tok_in(text, &toks[c->t0 - 2], before))
        return true;
    if (c->t1 < n && toks[c->t1].line == line && is_caps(&toks[c->t1]) &&
        tok_in(text, &toks[c->t1], after))
        return true;
    /* all capitals next to a heading word: "TEACHING EXPERIENCE", "EDUCATION" */
    bool caps = true;
    for (size_t k = c->t0; k < c->t1 && caps; k++)
        caps = (toks[k].flags & (IMG_TOK_ALLCAPS | IMG_TOK_PUNCT)) != 0;
    if (caps && c->t1 - c->t0 == 1 && last->end - first->start > 4) {
        const unsigned heads = XW_PLAINHEAD | XW_SKILLHEAD | XW_LISTHEAD | XW_NOISEHEAD;
        if (img_extract_word(text, first->start, last->end) & heads)
            return true;
        if (c->t1 < n && toks[c->t1].line == line && (toks[c->t1].flags & IMG_TOK_ALLCAPS) &&
            (img_extract_word(text, toks[c->t1].start, toks[c->t1].end) & heads))
            return true;
    }
    return false;
}

/* Readings that are never the skill, whatever the context ("Java" the
 * island, "excel at"), then those an ambiguous word must not have. */
static bool vetoed(const char *text, const img_token_t *toks, size_t n, const cand_t *c)
{
    static const char *const island[] = {"island",  "islands",    "indonesia", "sea",
                                         "coffee",  "indonesian", "jakarta",   "bali",
                                         "sumatra", "province",   NULL};
    static const char *const excel_after[] = {"at",    "in",   "as",   "within",
                                              "under", "when", "with", NULL};
    static const char *const excel_before[] = {"will",    "can",    "who", "help", "helps",
                                               "helping", "they",   "you", "we",   "i",
                                               "must",    "should", "to",  NULL};
    static const char *const letter_before[] = {
        "grade",    "class",     "level",  "type",     "vitamin", "plan",     "section", "part",
        "appendix", "hepatitis", "series", "category", "tier",    "block",    "phase",   "zone",
        "building", "room",      "unit",   "model",    "option",  "schedule", "annex",   NULL};
    const img_token_t *first = &toks[c->t0];
    size_t nt = c->t1 - c->t0;
    if (nt == 1 && tok_is(text, first, "java") && c->t1 < n && tok_in(text, &toks[c->t1], island))
        return true;
    if (nt == 1 && (tok_is(text, first, "excel") || tok_is(text, first, "excels") ||
                    tok_is(text, first, "excelled"))) {
        if (c->t1 < n && toks[c->t1].line == first->line && tok_in(text, &toks[c->t1], excel_after))
            return true;
        /* "to excel", "who excel"; but "export to Excel" is the tool */
        if (c->t0 > 0 && toks[c->t0 - 1].line == first->line &&
            tok_in(text, &toks[c->t0 - 1], excel_before) && !(first->flags & IMG_TOK_UPPER))
            return true;
    }
    if (inside_name(text, toks, n, c))
        return true;
    if (!c->ctx && !c->single)
        return false; /* a plain skill: only the readings above are vetoed */
    if (c->single) {
        /* "C." an initial, "C-level", "grade C". */
        if (c->end - c->start != 1 || !isupper((unsigned char)text[c->start]))
            return true;
        if (!c->compound && c->t1 < n && toks[c->t1].start == first->end &&
            (img_extract_punct(text, &toks[c->t1], '.') ||
             img_extract_punct(text, &toks[c->t1], '\'')))
            return true;
        if (c->t0 > 0 && tok_in(text, &toks[c->t0 - 1], letter_before))
            return true;
    }
    /* Short ambiguous words ("Go") must be capitalised. */
    if (nt == 1 && c->end - c->start <= 3 && !isupper((unsigned char)text[c->start]))
        return true;
    return false;
}

/* True if a technical cue sits next to the candidate: "Go developer",
 * "programming in Go", "R scripts", "using Rust". `window` tokens each side. */
static bool cue_near(const char *text, const img_token_t *toks, size_t n, const cand_t *c,
                     size_t window)
{
    size_t line = toks[c->t0].line;
    for (size_t k = 1; k <= window; k++) {
        if (c->t1 + k - 1 < n && toks[c->t1 + k - 1].line == line) {
            const img_token_t *t = &toks[c->t1 + k - 1];
            if (!(t->flags & IMG_TOK_PUNCT) && (img_extract_word(text, t->start, t->end) & XW_TECH))
                return true;
        }
        if (c->t0 >= k && toks[c->t0 - k].line == line) {
            const img_token_t *t = &toks[c->t0 - k];
            if (t->flags & IMG_TOK_PUNCT)
                continue;
            unsigned w = img_extract_word(text, t->start, t->end);
            if (w & XW_TECH)
                return true;
            /* "in Go" after "programming", "written", "experience" */
            if ((tok_is(text, t, "in") || tok_is(text, t, "with")) && c->t0 >= k + 1 &&
                toks[c->t0 - k - 1].line == line) {
                const img_token_t *p = &toks[c->t0 - k - 1];
                if ((img_extract_word(text, p->start, p->end) & XW_TECH) ||
                    tok_is(text, p, "experience") || tok_is(text, p, "proficient") ||
                    tok_is(text, p, "proficiency") || tok_is(text, p, "expertise") ||
                    tok_is(text, p, "fluent") || tok_is(text, p, "skilled"))
                    return true;
            }
        }
    }
    return false;
}

/* True if candidates a and b (a before b) are adjacent items of a list:
 * only separators (at most two tokens) between them, on one line. */
static bool linked(const char *text, const img_token_t *toks, const cand_t *a, const cand_t *b)
{
    if (a->compound && b->compound && a->t0 == b->t0)
        return true; /* parts of one "C/C++" */
    if (b->t0 < a->t1 || toks[a->t1 - 1].line != toks[b->t0].line || b->t0 - a->t1 > 2)
        return false;
    for (size_t k = a->t1; k < b->t0; k++)
        if (!is_sep(text, &toks[k]))
            return false;
    return true;
}

static cand_t *add_cand(const img_tax_t *tax, img_arena_t *arena, void *vec,
                        const img_tax_match_t *m, const img_token_t *toks, size_t i)
{
    IMG_VEC(cand_t) *cands = vec;
    const img_tax_skill_t *sk = img_tax_get(tax, m->id);
    cand_t *c = IMG_VEC_PUSH(arena, cands);
    c->skill = m->id;
    c->t0 = i;
    c->t1 = i + m->n_tokens;
    c->start = toks[i].start;
    c->end = toks[i + m->n_tokens - 1].end;
    c->ctx = sk && (sk->flags & IMG_TAX_CTX);
    c->exact = m->exact_case;
    c->single = m->n_tokens == 1 && c->end - c->start == 1;
    c->keep = !c->ctx && !c->single;
    return c;
}

/* "C/C++", "HTML/CSS", "Java/J2EE": a slash compound the taxonomy does not
 * know as a whole names each of its parts. */
static void compound_parts(const img_tax_t *tax, const char *text, const img_token_t *tok, size_t i,
                           img_arena_t *arena, void *vec)
{
    const img_token_t *t = &tok[i];
    if (t->flags & IMG_TOK_PUNCT || !memchr(text + t->start, '/', t->end - t->start))
        return;
    img_token_t parts[8];
    size_t np = 0, s = t->start;
    for (size_t p = t->start; p <= t->end && np < 8; p++) {
        if (p < t->end && text[p] != '/')
            continue;
        if (p > s) {
            img_token_t *q = &parts[np++];
            q->start = (uint32_t)s;
            q->end = (uint32_t)p;
            q->line = t->line;
            q->flags = 0;
            for (size_t k = s; k < p; k++) {
                unsigned char ch = (unsigned char)text[k];
                if (isalpha(ch))
                    q->flags |= IMG_TOK_ALPHA;
                else if (isdigit(ch))
                    q->flags |= IMG_TOK_DIGIT;
            }
            if (isupper((unsigned char)text[s]))
                q->flags |= IMG_TOK_UPPER;
        }
        s = p + 1;
    }
    if (np < 2)
        return;
    for (size_t k = 0; k < np; k++) {
        img_tax_match_t m;
        if (!img_tax_match_at(tax, text, parts, np, k, &m) || m.n_tokens != 1)
            continue;
        cand_t *c = add_cand(tax, arena, vec, &m, tok, i);
        c->start = parts[k].start;
        c->end = parts[k].end;
        c->single = c->end - c->start == 1;
        c->keep = !c->ctx && !c->single;
        c->compound = true;
    }
}

/* "PHP5", "HTML5", "Win7", "Python3.8": a name with a version glued on. The
 * mention is the whole token. */
static bool versioned(const img_tax_t *tax, const char *text, const img_token_t *tok, size_t i,
                      img_arena_t *arena, void *vec)
{
    const img_token_t *t = &tok[i];
    if ((t->flags & (IMG_TOK_ALPHA | IMG_TOK_DIGIT)) != (IMG_TOK_ALPHA | IMG_TOK_DIGIT))
        return false;
    size_t e = t->end;
    while (e > t->start && (isdigit((unsigned char)text[e - 1]) || text[e - 1] == '.'))
        e--;
    if (e == t->end || e - t->start < 2 || !isdigit((unsigned char)text[e]))
        return false;
    for (size_t k = t->start; k < e; k++)
        if (!isalpha((unsigned char)text[k]))
            return false;
    img_token_t part = *t;
    part.end = (uint32_t)e;
    part.flags &= (uint16_t)~IMG_TOK_DIGIT;
    img_tax_match_t m;
    if (!img_tax_match_at(tax, text, &part, 1, 0, &m))
        return false;
    cand_t *c = add_cand(tax, arena, vec, &m, tok, i);
    c->single = false;
    c->keep = !c->ctx;
    return true;
}

/* Lower-case function words that start no taxonomy name: skipped without a
 * lookup (most tokens of prose are such words). */
static bool function_word(const char *text, const img_token_t *t)
{
    static const char *const words[] = {"a",    "an", "and", "or",   "of",  "to",   "for",
                                        "on",   "at", "by",  "as",   "is",  "are",  "be",
                                        "the",  "in", "we",  "you",  "our", "your", "this",
                                        "that", "it", "was", "were", "has", "have", NULL};
    size_t n = t->end - t->start;
    if (n > 4 || !(text[t->start] >= 'a' && text[t->start] <= 'z'))
        return false;
    for (const char *const *w = words; *w; w++)
        if ((*w)[0] == text[t->start] && strlen(*w) == n && !memcmp(*w, text + t->start, n))
            return true;
    return false;
}

size_t img_extract_mentions(const img_tax_t *tax, const img_doc_t *doc, size_t start, size_t end,
                            unsigned flags, img_arena_t *arena, img_mention_t **out)
{
    *out = NULL;
    if (!tax || !doc || start >= end || end > doc->len)
        return 0;
    const char *text = doc->text;
    /* Word classes and zones are only needed in a whole document (headings,
     * benefits) or for ambiguous candidates: prepared lazily otherwise. */
    img_xprep_t prep;
    bool doc_mode = (flags & IMG_EXTRACT_DOC) != 0;
    img_extract_prepare(doc, start, end, doc_mode ? flags : flags | IMG_EXTRACT_LAZY, arena, &prep);
    const img_token_t *toks = prep.t;
    const unsigned *cls = prep.cls;
    size_t n = prep.n;
    if (!n)
        return 0;

    IMG_VEC(cand_t) cands = {0};
    for (size_t i = 0; i < n;) {
        img_tax_match_t m;
        unsigned char z = prep.zone ? img_xzone(&prep, toks[i].line) : XZ_NEUTRAL;
        /* In a whole document, headings ("EDUCATION") and prose about the
         * employer name no skill of the candidate's. */
        bool doc_skip = doc_mode && (z == XZ_COMPANY || z == XZ_HEADING);
        if (z == XZ_NOISE || doc_skip || (cls[i] & XW_MASKED) || (toks[i].flags & IMG_TOK_PUNCT) ||
            function_word(text, &toks[i])) {
            i++;
            continue;
        }
        if (!img_tax_match_at(tax, text, toks, n, i, &m) || m.n_tokens == 0) {
            if (!versioned(tax, text, toks, i, arena, &cands))
                compound_parts(tax, text, toks, i, arena, &cands);
            i++;
            continue;
        }
        add_cand(tax, arena, &cands, &m, toks, i);
        i += m.n_tokens;
    }

    /* Ambiguous candidates: decided from their surroundings. */
    for (size_t k = 0; k < cands.n && !prep.zone; k++) {
        if (cands.v[k].keep && !cands.v[k].ctx)
            continue;
        if (flags & IMG_EXTRACT_LIST) {
            /* a list throughout: the zones need no word classes */
            size_t nl = toks[n - 1].line - toks[0].line + 1;
            prep.line0 = toks[0].line;
            prep.zone = img_arena_alloc(arena, nl);
            memset(prep.zone, XZ_LIST, nl);
        } else {
            img_extract_prepare_classes(doc, flags, arena, &prep);
        }
    }
    for (size_t k = 0; k < cands.n; k++) {
        cand_t *c = &cands.v[k];
        if (vetoed(text, toks, n, c)) {
            c->keep = false;
            continue;
        }
        if (c->keep)
            continue;
        unsigned char z = img_xzone(&prep, toks[c->t0].line);
        if (z == XZ_LIST) {
            c->keep = true;
            continue;
        }
        /* The run of list items this candidate belongs to. */
        size_t r0 = k, r1 = k;
        while (r0 > 0 && linked(text, toks, &cands.v[r0 - 1], &cands.v[r0]))
            r0--;
        while (r1 + 1 < cands.n && linked(text, toks, &cands.v[r1], &cands.v[r1 + 1]))
            r1++;
        size_t plain = 0;
        for (size_t r = r0; r <= r1; r++)
            if (!cands.v[r].ctx && !cands.v[r].single)
                plain++;
        if (r1 > r0 && (plain > 0 || r1 - r0 + 1 >= 3)) {
            c->keep = true;
            continue;
        }
        if (c->single) {
            /* One letter: a list, a run, or a cue right beside it ("C programming"). */
            c->keep =
                cue_near(text, toks, n, c, 1) || (c->t0 >= 2 && cue_near(text, toks, n, c, 2) &&
                                                  tok_is(text, &toks[c->t0 - 1], "in"));
            continue;
        }
        /* A plain skill or a technical cue within three tokens on the line. */
        bool near = cue_near(text, toks, n, c, 3);
        for (size_t r = k; !near && r-- > 0;) {
            const cand_t *o = &cands.v[r];
            if (toks[o->t1 - 1].line != toks[c->t0].line || c->t0 > o->t1 + 3)
                break;
            near = !o->ctx && !o->single;
        }
        for (size_t r = k + 1; !near && r < cands.n; r++) {
            const cand_t *o = &cands.v[r];
            if (toks[o->t0].line != toks[c->t0].line || o->t0 > c->t1 + 3)
                break;
            near = !o->ctx && !o->single;
        }
        c->keep = near;
    }

    IMG_VEC(img_mention_t) ms = {0};
    for (size_t k = 0; k < cands.n; k++) {
        const cand_t *c = &cands.v[k];
        if (!c->keep)
            continue;
        img_mention_t *m = IMG_VEC_PUSH(arena, &ms);
        m->skill = c->skill;
        m->start = c->start;
        m->end = c->end;
        m->line = img_doc_line_at(doc, m->start);
    }
    *out = ms.v;
    return ms.n;
}
