/*
 * img_ground.c - the grounding guard: the last, deterministic check on every
 * suggestion, whoever wrote it (the offline generator or an LLM).
 *
 * Grounded suggestions (rewrites, keywords) may only state what the resume
 * supports: every number, employer, skill and certification in title and
 * detail must be found in the resume. Plans may name new skills and
 * certifications, but must not claim past work, present a figure as a
 * result, or name an employer the resume does not. Text that addresses the
 * model ("ignore previous instructions") fails either way.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "../util/img_utf8.h"
#include "img_suggest_int.h"

/* Case-insensitive equality of t[s..e) with a lower-case word literal. */
#define word_is(t, s, e, w)                                                                        \
    ((e) - (s) == sizeof(w) - 1 && strncasecmp((t) + (s), (w), sizeof(w) - 1) == 0)

static bool is_alnum_byte(char c)
{
    return img_sg_alnum((unsigned char)c) != 0;
}

/* ---- words ---- */

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Length of the match of s[0..n) at t[i..len), case-insensitive, any run of
 * whitespace in s matching any run in t (a bullet may wrap); 0 if none. */
static size_t match_at(const char *t, size_t len, size_t i, const char *s, size_t n)
{
    size_t p = i, q = 0;
    while (q < n) {
        if (p >= len)
            return 0;
        if (is_space_byte(s[q])) {
            if (!is_space_byte(t[p]))
                return 0;
            while (q < n && is_space_byte(s[q]))
                q++;
            while (p < len && is_space_byte(t[p]))
                p++;
            continue;
        }
        if (img_sg_lower((unsigned char)t[p]) != img_sg_lower((unsigned char)s[q]))
            return 0;
        p++;
        q++;
    }
    return p - i;
}

/* Case-insensitive whole-word search of s[0..n) in the resume. */
static bool resume_has(const img_analysis_t *a, const char *s, size_t n)
{
    const char *t = a->resume.text;
    size_t len = a->resume.len;
    if (!t || n == 0 || n > len)
        return false;
    char c0 = img_sg_lower((unsigned char)s[0]);
    for (size_t i = 0; i < len; i++) {
        if (img_sg_lower((unsigned char)t[i]) != c0)
            continue;
        size_t m = match_at(t, len, i, s, n);
        if (!m)
            continue;
        if (i > 0 && is_alnum_byte(t[i - 1]) && is_alnum_byte(s[0]))
            continue;
        if (i + m < len && is_alnum_byte(t[i + m]) && is_alnum_byte(s[n - 1]))
            continue;
        return true;
    }
    return false;
}

static bool employer_supported(const img_analysis_t *a, const char *s, size_t n)
{
    for (size_t i = 0; i < a->experiences.n; i++) {
        const char *c = a->experiences.v[i].company;
        if (!c || !*c)
            continue;
        size_t cl = strlen(c);
        if (cl == n && strncasecmp(c, s, n) == 0)
            return true;
        for (size_t k = 0; cl > n && k + n <= cl; k++)
            if (strncasecmp(c + k, s, n) == 0)
                return true;
    }
    return resume_has(a, s, n);
}

/* True if t[s..e), lower-cased, is one of the words of list ("|a|b|c|"). */
static bool in_list(const char *list, const char *t, size_t s, size_t e)
{
    char w[40];
    if (e - s + 3 > sizeof(w))
        return false;
    w[0] = '|';
    for (size_t i = s; i < e; i++)
        w[i - s + 1] = img_sg_lower((unsigned char)t[i]);
    w[e - s + 1] = '|';
    w[e - s + 2] = '\0';
    return strstr(list, w) != NULL;
}

/* Words and single punctuation characters, with the token flags of
 * img_text.h; cheaper than img_text_tokenize (no Unicode normalisation:
 * non-ASCII bytes count as letters), which is all the guard needs. */
static size_t lex(const img_ground_ctx_t *ctx, const char *t, size_t len, img_token_t **out)
{
    img_ground_scratch_t *sb = ctx->scratch;
    size_t cap = len + 1, n = 0; /* one token per byte at worst (",,,") */
    if (sb->cap < cap) {
        sb->cap = cap * 2;
        sb->tok = img_arena_alloc(ctx->a->arena, sb->cap * sizeof(*sb->tok));
        sb->flags = img_arena_alloc(ctx->a->arena, sb->cap * 3);
    }
    img_token_t *tok = sb->tok;
    uint16_t line = 0;
    for (size_t p = 0; p < len && n < cap;) {
        unsigned char c = (unsigned char)t[p];
        if (c == '\n') {
            line++;
            p++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            p++;
            continue;
        }
        img_token_t *k = &tok[n++];
        k->start = (uint32_t)p;
        k->line = line;
        k->flags = 0;
        if (!img_sg_alnum(c) && c < 0x80) {
            k->end = (uint32_t)(p + 1);
            k->flags = IMG_TOK_PUNCT;
            p++;
            continue;
        }
        unsigned flags = 0, letters = 0, upper = 0;
        size_t q = p;
        while (q < len) {
            unsigned char d = (unsigned char)t[q];
            if (img_sg_alpha(d) || d >= 0x80) {
                flags |= IMG_TOK_ALPHA;
                letters++;
                upper += img_sg_upper(d) != 0;
            } else if (img_sg_digit(d)) {
                flags |= IMG_TOK_DIGIT;
            } else if ((d == '.' || d == '-' || d == '/' || d == '\'' || d == '&' || d == '_') &&
                       q + 1 < len && img_sg_alnum((unsigned char)t[q + 1])) {
                /* inner punctuation: "Node.js", "CI/CD", "team's" */
            } else if ((d == '+' || d == '#') && q > p) {
                /* "C++", "C#" */
            } else {
                break;
            }
            q++;
        }
        if (img_sg_upper(c))
            flags |= IMG_TOK_UPPER;
        if (letters >= 2 && upper == letters)
            flags |= IMG_TOK_ALLCAPS;
        k->end = (uint32_t)q;
        k->flags = (uint16_t)flags;
        p = q;
    }
    *out = tok;
    return n;
}

static const char past_irregular[] =
    "|led|built|ran|drove|grew|won|wrote|made|took|gave|brought|taught|sold|spent|"
    "began|became|held|kept|oversaw|did|saw|found|got|earned|achieved|";

/* -ed words that are usually adjectives in a plan ("certified", "managed services"). */
static const char ed_adjectives[] =
    "|based|related|advanced|detailed|distributed|embedded|supervised|unsupervised|"
    "need|speed|feed|seed|proceed|succeed|exceed|red|bed|shed|shared|limited|"
    "required|recommended|suggested|expected|estimated|preferred|targeted|focused|"
    "guided|graded|timed|paid|certified|accredited|hosted|containerised|"
    "containerized|automated|structured|scheduled|blended|paced|seasoned|skilled|"
    "experienced|interested|dedicated|motivated|qualified|specialized|specialised|"
    "varied|tailored|curated|licensed|registered|named|called|titled|linked|listed|"
    "updated|outdated|relaxed|mixed|closed|open-sourced|self-paced|unused|proposed|"
    "planned|desired|indeed|feed|breed|greed|tested|managed|untested|";

static bool is_past_verb(const char *t, size_t s, size_t e)
{
    if (e - s < 3 || !img_sg_alpha((unsigned char)t[s]))
        return false;
    bool ed = e - s >= 4 && img_sg_lower((unsigned char)t[e - 1]) == 'd' &&
              img_sg_lower((unsigned char)t[e - 2]) == 'e';
    if (!ed)
        return e - s <= 8 && in_list(past_irregular, t, s, e);
    for (size_t i = s; i < e; i++)
        if (!img_sg_alpha((unsigned char)t[i]))
            return false;
    return !in_list(ed_adjectives, t, s, e);
}

/* "I", "we", "I've", "we've": a first-person claim follows. */
static bool is_pronoun(const char *t, size_t s, size_t e)
{
    return word_is(t, s, e, "i") || word_is(t, s, e, "we") || word_is(t, s, e, "i've") ||
           word_is(t, s, e, "we've");
}

/* "Inc", "Ltd", "GmbH"... after a name: an organisation. */
static bool org_suffix_at(const char *t, size_t s, size_t e)
{
    switch (e - s) {
    case 2:
        return word_is(t, s, e, "co") || strncmp(t + s, "AG", 2) == 0;
    case 3:
        return word_is(t, s, e, "inc") || word_is(t, s, e, "ltd") || word_is(t, s, e, "llc") ||
               word_is(t, s, e, "plc") || word_is(t, s, e, "pty") || word_is(t, s, e, "llp");
    case 4:
        return word_is(t, s, e, "corp") || word_is(t, s, e, "gmbh");
    case 7:
        return word_is(t, s, e, "limited");
    case 11:
        return word_is(t, s, e, "corporation");
    case 12:
        return word_is(t, s, e, "incorporated");
    default:
        return false;
    }
}
static const char work_words[] =
    "|worked|work|working|consulted|consulting|contracted|freelanced|interned|"
    "engineer|developer|designer|manager|analyst|role|position|job|internship|built|"
    "developed|delivered|shipped|employed|years|experience|served|led|managed|";
static const char collab_words[] =
    "|partnered|worked|collaborated|contracted|consulted|working|partnering|"
    "collaborating|";
static const char not_names[] =
    "|the|a|an|this|that|these|those|your|our|my|their|its|least|present|scale|once|"
    "every|each|any|all|some|most|home|work|night|first|last|january|february|march|"
    "april|may|june|july|august|september|october|november|december|monday|tuesday|"
    "wednesday|thursday|friday|saturday|sunday|skills|experience|certifications|"
    "courses|projects|summary|education|plan|i|";

/* Text that addresses the model instead of the candidate: a verb such as
 * "ignore" followed closely by what it dismisses, or a fixed phrase. */
static const char instr_verbs[] = "|ignore|disregard|forget|override|bypass|";
static const char instr_objects[] =
    "|instructions|instruction|previous|prior|above|guard|guidelines|prompt|";
static const char *const instr_phrases[] = {"system prompt", "you are now",    "as an ai",
                                            "jailbreak",     "developer mode", NULL};

typedef struct scan {
    const img_ground_ctx_t *ctx;
    const img_analysis_t *a;
    const char *t;
    size_t len;
    img_token_t *tok;
    size_t n_tok;
    bool *masked;  /* per token: inside [brackets] or part of a taxonomy mention */
    bool *bracket; /* per token: inside [brackets] */
    bool *cited;   /* per token: inside a "quote" the resume contains verbatim */
    img_ground_report_t *r;
} scan_t;

/* Records a failure; the reason kept is the first one of the highest-priority
 * class (IMG_GF_* bits are in priority order, lowest first). */
static void fail(scan_t *sc, unsigned bit, const char *why)
{
    img_ground_report_t *r = sc->r;
    unsigned before = r->fail;
    unsigned lowest = before & (~before + 1u);
    r->fail |= bit;
    if (!before || bit < lowest)
        r->why = why;
}

static const char *quote(scan_t *sc, size_t s, size_t e)
{
    if (e - s > 60)
        e = s + 60;
    return img_arena_strndup(sc->a->arena, sc->t + s, e - s);
}

static bool tok_punct(const scan_t *sc, size_t i, const char *set)
{
    const img_token_t *k = &sc->tok[i];
    return (k->flags & IMG_TOK_PUNCT) && strchr(set, sc->t[k->start]);
}

static void instruction_found(scan_t *sc, size_t s, size_t e)
{
    fail(sc, IMG_GF_INSTRUCTION,
         img_arena_printf(sc->a->arena, "instruction-like text \"%s\"", quote(sc, s, e)));
}

static void check_instructions(scan_t *sc)
{
    for (size_t i = 0; i < sc->n_tok; i++) {
        const img_token_t *k = &sc->tok[i];
        if (!(k->flags & IMG_TOK_ALPHA))
            continue;
        char c = img_sg_lower((unsigned char)sc->t[k->start]);
        /* "ignore all previous instructions", "disregard the rules above" */
        if ((c == 'i' || c == 'd' || c == 'f' || c == 'o' || c == 'b') &&
            in_list(instr_verbs, sc->t, k->start, k->end)) {
            for (size_t j = i + 1; j < sc->n_tok && j <= i + 5; j++) {
                const img_token_t *o = &sc->tok[j];
                if ((o->flags & IMG_TOK_PUNCT) && sc->t[o->start] != ',')
                    break;
                if (in_list(instr_objects, sc->t, o->start, o->end)) {
                    instruction_found(sc, k->start, o->end);
                    return;
                }
            }
        }
        /* fixed phrases, any whitespace between their words */
        if (c == 's' || c == 'y' || c == 'a' || c == 'j' || c == 'd')
            for (size_t p = 0; instr_phrases[p]; p++) {
                size_t m = instr_phrases[p][0] == c
                               ? match_at(sc->t, sc->len, k->start, instr_phrases[p],
                                          strlen(instr_phrases[p]))
                               : 0;
                if (m && (k->start + m >= sc->len || !is_alnum_byte(sc->t[k->start + m]))) {
                    instruction_found(sc, k->start, k->start + m);
                    return;
                }
            }
    }
}

/* Clause boundaries: . ; : ! ? and line breaks, and "1)" step numbers. */
static bool clause_break(const scan_t *sc, size_t i)
{
    if (i == 0)
        return true;
    if (sc->tok[i].line != sc->tok[i - 1].line)
        return true;
    const img_token_t *p = &sc->tok[i - 1];
    if (!(p->flags & IMG_TOK_PUNCT))
        return false;
    char c = sc->t[p->start];
    return c == '.' || c == ';' || c == ':' || c == '!' || c == '?' ||
           (c == ')' && i >= 2 && (sc->tok[i - 2].flags & IMG_TOK_DIGIT));
}

/* True if byte offset pos lies in a token inside a verbatim resume quote. */
static bool in_cited(const scan_t *sc, size_t pos)
{
    for (size_t i = 0; i < sc->n_tok; i++)
        if (sc->tok[i].start <= pos && pos < sc->tok[i].end)
            return sc->cited[i];
    return false;
}

static void check_plan_claims(scan_t *sc)
{
    const char *t = sc->t;
    bool seen_word = false;
    for (size_t i = 0; i < sc->n_tok; i++) {
        const img_token_t *k = &sc->tok[i];
        if (clause_break(sc, i))
            seen_word = false;
        if (k->flags & IMG_TOK_PUNCT)
            continue;
        if ((k->flags & IMG_TOK_DIGIT) && i + 1 < sc->n_tok && tok_punct(sc, i + 1, ")"))
            continue; /* a step number "1)" */
        /* The first word of a clause (after step numbers, quotes, dashes). */
        bool first = !seen_word;
        seen_word = true;
        const img_token_t *prev = i > 0 ? &sc->tok[i - 1] : NULL;
        bool after_pronoun = !first && prev && prev->end - prev->start <= 5 &&
                             !(prev->flags & IMG_TOK_PUNCT) &&
                             (is_pronoun(t, prev->start, prev->end) ||
                              ((word_is(t, prev->start, prev->end, "have") ||
                                word_is(t, prev->start, prev->end, "has") ||
                                word_is(t, prev->start, prev->end, "had")) &&
                               i > 1 && is_pronoun(t, sc->tok[i - 2].start, sc->tok[i - 2].end)));
        if ((first || after_pronoun) && !sc->cited[i] && is_past_verb(t, k->start, k->end)) {
            size_t e = k->end;
            for (size_t j = i + 1; j < sc->n_tok && j < i + 4 && !clause_break(sc, j); j++)
                e = sc->tok[j].end;
            fail(sc, IMG_GF_PAST_CLAIM,
                 img_arena_printf(sc->a->arena, "plan claims past work: \"%s\"",
                                  quote(sc, k->start, e)));
            return;
        }
        /* "10 years at", "5 years of experience": a claim of experience. */
        if ((k->flags & IMG_TOK_DIGIT) && i + 2 < sc->n_tok &&
            (word_is(t, sc->tok[i + 1].start, sc->tok[i + 1].end, "years") ||
             word_is(t, sc->tok[i + 1].start, sc->tok[i + 1].end, "yrs")) &&
            (word_is(t, sc->tok[i + 2].start, sc->tok[i + 2].end, "at") ||
             word_is(t, sc->tok[i + 2].start, sc->tok[i + 2].end, "of") ||
             word_is(t, sc->tok[i + 2].start, sc->tok[i + 2].end, "experience"))) {
            fail(sc, IMG_GF_PAST_CLAIM,
                 img_arena_printf(sc->a->arena, "plan claims experience: \"%s\"",
                                  quote(sc, k->start, sc->tok[i + 2].end)));
            return;
        }
    }
    /* A figure presented as a result: "%", currency or "x" in a clause with a past verb. */
    bool maybe = strpbrk(t, "%$\xC2\xE2") != NULL;
    for (const char *p = strpbrk(t, "0123456789"); p && !maybe; p = strpbrk(p + 1, "0123456789"))
        maybe = p[1] && strchr("xXkKMB", p[1]);
    if (!maybe)
        return;
    size_t pos = 0, s, e;
    char norm[32];
    while (img_ground_next_number(t, sc->len, &pos, &s, &e, norm, sizeof(norm))) {
        bool result_like = t[e - 1] == '%' || img_ground_currency_at(t, sc->len, s) ||
                           (e > s && strchr("xXkKMB", t[e - 1]));
        if (!result_like || in_cited(sc, s))
            continue;
        /* clause around the number */
        size_t cs = s, ce = e;
        while (cs > 0 && !strchr(".;:!?\n", t[cs - 1]))
            cs--;
        while (ce < sc->len && !strchr(".;!?\n", t[ce]))
            ce++;
        bool past = false;
        for (size_t i = 0; i < sc->n_tok && !past; i++)
            if (sc->tok[i].start >= cs && sc->tok[i].end <= ce &&
                !(sc->tok[i].flags & IMG_TOK_PUNCT))
                past = is_past_verb(t, sc->tok[i].start, sc->tok[i].end);
        if (past) {
            fail(sc, IMG_GF_PAST_CLAIM,
                 img_arena_printf(sc->a->arena, "plan presents a number as a result: \"%s\"",
                                  quote(sc, s, e)));
            return;
        }
    }
}

/* A run of capitalised tokens from i: its end token index (exclusive), or i.
 * Taxonomy mentions end a run only when skip_mentions ("at AWS" is an employer). */
static size_t cap_run(const scan_t *sc, size_t i, bool skip_mentions)
{
    size_t j = i, last = i;
    while (j < sc->n_tok && j < i + 6) {
        const img_token_t *k = &sc->tok[j];
        if ((skip_mentions ? sc->masked[j] : sc->bracket[j]) || k->line != sc->tok[i].line)
            break;
        if ((k->flags & (IMG_TOK_UPPER | IMG_TOK_ALLCAPS)) && !(k->flags & IMG_TOK_PUNCT)) {
            if (j == i && in_list(not_names, sc->t, k->start, k->end))
                break;
            last = ++j;
            continue;
        }
        /* connectors inside a name: "Procter & Gamble", "Bank of America" */
        bool conn = tok_punct(sc, j, "&") || word_is(sc->t, k->start, k->end, "of") ||
                    word_is(sc->t, k->start, k->end, "and");
        if (conn && j > i && j + 1 < sc->n_tok && !sc->bracket[j + 1] &&
            (sc->tok[j + 1].flags & (IMG_TOK_UPPER | IMG_TOK_ALLCAPS)) &&
            !(sc->tok[j + 1].flags & IMG_TOK_PUNCT)) {
            j++;
            continue;
        }
        break;
    }
    return last;
}

static void employer_candidate(scan_t *sc, size_t i, size_t end_tok)
{
    if (end_tok <= i)
        return;
    size_t s = sc->tok[i].start, e = sc->tok[end_tok - 1].end;
    if (employer_supported(sc->a, sc->t + s, e - s))
        return;
    fail(sc, IMG_GF_EMPLOYER,
         img_arena_printf(sc->a->arena, "employer \"%s\" not in resume", quote(sc, s, e)));
}

static void check_employers(scan_t *sc)
{
    const char *t = sc->t;
    for (size_t i = 0; i + 1 < sc->n_tok; i++) {
        const img_token_t *k = &sc->tok[i];
        if (sc->bracket[i] || (k->flags & IMG_TOK_PUNCT))
            continue;
        bool trigger = false;
        if (word_is(t, k->start, k->end, "at") || word_is(t, k->start, k->end, "joined"))
            trigger = true;
        else if (word_is(t, k->start, k->end, "for"))
            for (size_t b = i; b > 0 && b + 3 > i && !trigger; b--)
                trigger = in_list(work_words, t, sc->tok[b - 1].start, sc->tok[b - 1].end);
        else if (word_is(t, k->start, k->end, "with") && i > 0)
            trigger = in_list(collab_words, t, sc->tok[i - 1].start, sc->tok[i - 1].end);
        if (trigger) {
            size_t j = i + 1;
            if (j < sc->n_tok && word_is(t, sc->tok[j].start, sc->tok[j].end, "the"))
                j++;
            if (j < sc->n_tok && sc->tok[j].line == k->line)
                employer_candidate(sc, j, cap_run(sc, j, false));
        }
        /* "<Name> Inc", "<Name> Ltd." */
        if ((k->flags & IMG_TOK_UPPER) && org_suffix_at(t, k->start, k->end)) {
            size_t b = i;
            while (b > 0 && !sc->bracket[b - 1] && sc->tok[b - 1].line == k->line &&
                   (sc->tok[b - 1].flags & (IMG_TOK_UPPER | IMG_TOK_ALLCAPS)) &&
                   !(sc->tok[b - 1].flags & IMG_TOK_PUNCT) && i - b < 5)
                b--;
            if (b < i && !in_list(not_names, t, sc->tok[b].start, sc->tok[b].end))
                employer_candidate(sc, b, i + 1);
        }
    }
}

static void check_numbers(scan_t *sc)
{
    size_t pos = 0, s, e;
    char norm[32];
    while (img_ground_next_number(sc->t, sc->len, &pos, &s, &e, norm, sizeof(norm))) {
        if (norm[0] && img_ground_number_supported(sc->ctx, norm))
            continue;
        fail(sc, IMG_GF_NUMBER,
             img_arena_printf(sc->a->arena, "unsupported number \"%s\"", quote(sc, s, e)));
    }
}

/* True if offset pos of t lies inside a [placeholder]. */
static bool in_brackets(const char *t, size_t pos)
{
    for (size_t i = pos; i-- > 0;) {
        if (t[i] == ']' || t[i] == '\n')
            return false;
        if (t[i] == '[')
            return true;
    }
    return false;
}

static void check_skills(scan_t *sc)
{
    const img_analysis_t *a = sc->a;
    img_ground_report_t *r = sc->r;
    for (size_t i = 0; i < r->n_mentions; i++) {
        const img_mention_t *m = &r->mentions[i];
        if (in_brackets(sc->t, m->start) || img_suggest_inventory_find(a, m->skill) >= 0 ||
            resume_has(a, sc->t + m->start, m->end - m->start))
            continue;
        const img_tax_skill_t *sk = img_tax_get(a->tax, m->skill);
        bool cert = sk && sk->category == IMG_CAT_CERTIFICATION;
        fail(sc, cert ? IMG_GF_CERT : IMG_GF_SKILL,
             img_arena_printf(a->arena, "%s \"%s\" not in resume", cert ? "certification" : "skill",
                              quote(sc, m->start, m->end)));
    }
    /* Credentials the taxonomy may not know: "Certified X", "X Certification". */
    const char *t = sc->t;
    for (size_t i = 0; i < sc->n_tok; i++) {
        const img_token_t *k = &sc->tok[i];
        if (sc->masked[i])
            continue;
        size_t s = 0, e = 0, rs = 0, re = 0;
        if (word_is(t, k->start, k->end, "certified") && (k->flags & IMG_TOK_UPPER)) {
            size_t end = cap_run(sc, i + 1 < sc->n_tok ? i + 1 : i, true);
            if (i + 1 >= sc->n_tok || end <= i + 1)
                continue;
            s = k->start;
            e = sc->tok[end - 1].end;
            rs = sc->tok[i + 1].start;
            re = e;
        } else if ((word_is(t, k->start, k->end, "certification") ||
                    word_is(t, k->start, k->end, "certificate")) &&
                   (k->flags & IMG_TOK_UPPER) && i > 0) {
            size_t b = i;
            while (b > 0 && !sc->masked[b - 1] && sc->tok[b - 1].line == k->line &&
                   (sc->tok[b - 1].flags & (IMG_TOK_UPPER | IMG_TOK_ALLCAPS)) &&
                   !(sc->tok[b - 1].flags & IMG_TOK_PUNCT) && i - b < 6)
                b--;
            if (b == i || in_list(not_names, t, sc->tok[b].start, sc->tok[b].end))
                continue;
            s = sc->tok[b].start;
            e = k->end;
            rs = s;
            re = sc->tok[i - 1].end;
        } else {
            continue;
        }
        if (resume_has(a, t + s, e - s) || resume_has(a, t + rs, re - rs))
            continue;
        fail(sc, IMG_GF_CERT,
             img_arena_printf(a->arena, "certification \"%s\" not in resume", quote(sc, s, e)));
    }
}

/* True if s[0..n) occurs verbatim in the resume. */
static bool resume_quotes(const img_analysis_t *a, const char *s, size_t n)
{
    const char *t = a->resume.text;
    size_t len = a->resume.len;
    if (!t || n == 0 || n > len)
        return false;
    for (const char *p = t; (p = memchr(p, s[0], (size_t)(t + len - p))) != NULL; p++) {
        if ((size_t)(t + len - p) < n)
            return false;
        if (memcmp(p, s, n) == 0)
            return true;
    }
    return false;
}

/* A copy of text in which every "quoted" passage that the resume contains
 * verbatim (an excerpt's trailing "..." aside) is blanked, as is every
 * [placeholder]: what a verbatim quote names is supported by definition and
 * a placeholder states nothing, so the extractor need not read them.
 * Offsets are unchanged. */
static const char *blank_resume_quotes(const img_analysis_t *a, const char *text, size_t len,
                                       img_span_t *cited, size_t *n_cited, size_t max_cited)
{
    char *out = NULL;
    *n_cited = 0;
    for (const char *q = memchr(text, '"', len); q;) {
        const char *open = q + 1;
        const char *close = memchr(open, '"', (size_t)(text + len - open));
        if (!close)
            break;
        size_t n = (size_t)(close - open);
        if (n >= 3 && memcmp(close - 3, "...", 3) == 0)
            n -= 3;
        if (n >= 8 && resume_quotes(a, open, n)) {
            if (!out)
                out = img_arena_strndup(a->arena, text, len);
            memset(out + (open - text), ' ', n);
            if (*n_cited < max_cited) {
                cited[*n_cited].start = (size_t)(open - text);
                cited[(*n_cited)++].end = (size_t)(open - text) + n;
            }
        }
        q = close + 1 < text + len ? memchr(close + 1, '"', (size_t)(text + len - close - 1))
                                   : NULL;
    }
    /* [placeholders] ask for facts; they state none */
    for (const char *q = memchr(text, '[', len); q;) {
        const char *close = memchr(q, ']', (size_t)(text + len - q));
        if (!close)
            break;
        if (!out)
            out = img_arena_strndup(a->arena, text, len);
        memset(out + (q - text) + 1, ' ', (size_t)(close - q - 1));
        q = memchr(close, '[', (size_t)(text + len - close));
    }
    return out ? out : text;
}

void img_ground_check(const img_ground_ctx_t *ctx, const img_suggestion_t *s,
                      img_ground_report_t *r)
{
    const img_analysis_t *a = ctx->a;
    memset(r, 0, sizeof(*r));
    const char *title = s->title ? s->title : "", *detail = s->detail ? s->detail : "";
    r->text = IMG_SUGG_CAT(a->arena, title, "\n", detail);
    size_t len = strlen(r->text);
    if (!*title && !*detail)
        return; /* nothing to check; the critic drops it as empty */
    size_t bad;
    if (!img_utf8_valid(r->text, len, &bad) || memchr(r->text, '\0', len)) {
        r->fail = IMG_GF_INSTRUCTION;
        r->why = img_arena_printf(a->arena, "unreadable text (invalid UTF-8 at byte %zu)", bad);
        return;
    }
    char *low = img_arena_strndup(a->arena, r->text, len);
    for (char *p = low; *p; p++)
        *p = img_sg_lower((unsigned char)*p);
    r->lower = low;
    /* Skills and certifications are checked only in grounded suggestions (a
     * plan may name new ones), so only they need the extractor. */
    char err[128];
    img_span_t cited[16];
    size_t n_cited = 0;
    const char *ext = memchr(r->text, '"', len) || memchr(r->text, '[', len)
                          ? blank_resume_quotes(a, r->text, len, cited, &n_cited, 16)
                          : r->text;
    if (s->grounding == IMG_GROUND_GROUNDED && a->tax) {
        if (img_doc_init(&r->doc, "suggestion", ext, len, len + 1, a->arena, err, sizeof(err)) ==
            IMG_OK)
            r->n_mentions =
                img_extract_mentions(a->tax, &r->doc, 0, len, 0, a->arena, &r->mentions);
    }
    scan_t sc = {.ctx = ctx, .a = a, .t = r->text, .len = len, .r = r};
    sc.n_tok = lex(ctx, r->text, len, &sc.tok);
    sc.masked = ctx->scratch->flags;
    sc.bracket = ctx->scratch->flags + ctx->scratch->cap;
    sc.cited = ctx->scratch->flags + 2 * ctx->scratch->cap;
    size_t m = 0;
    bool bracket = false;
    for (size_t i = 0; i < sc.n_tok; i++) {
        const img_token_t *k = &sc.tok[i];
        if (tok_punct(&sc, i, "["))
            bracket = true;
        while (m < r->n_mentions && r->mentions[m].end <= k->start)
            m++;
        sc.bracket[i] = bracket;
        sc.cited[i] = false;
        for (size_t c = 0; c < n_cited; c++)
            sc.cited[i] |= cited[c].start <= k->start && k->end <= cited[c].end;
        sc.masked[i] = bracket || (m < r->n_mentions && r->mentions[m].start <= k->start &&
                                   k->end <= r->mentions[m].end);
        if (tok_punct(&sc, i, "]"))
            bracket = false;
    }

    check_instructions(&sc);
    if (s->grounding == IMG_GROUND_PLAN)
        check_plan_claims(&sc);
    check_employers(&sc);
    if (s->grounding == IMG_GROUND_GROUNDED) {
        check_numbers(&sc);
        check_skills(&sc);
    }
}

bool img_suggest_ground(const img_analysis_t *analysis, const img_suggestion_t *s, const char **why)
{
    img_ground_ctx_t ctx;
    img_ground_report_t r;
    img_ground_ctx_init(&ctx, analysis);
    img_ground_check(&ctx, s, &r);
    if (why)
        *why = r.fail ? r.why : NULL;
    return r.fail == 0;
}
