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

/* ---- numbers ---- */

static bool is_alnum_byte(char c)
{
    return isalnum((unsigned char)c) != 0;
}

/* Currency sign at text[i]: its byte length, else 0. */
static size_t currency_at(const char *t, size_t len, size_t i)
{
    if (t[i] == '$')
        return 1;
    if (i + 1 < len && (unsigned char)t[i] == 0xC2 && (unsigned char)t[i + 1] == 0xA3)
        return 2; /* £ */
    if (i + 2 < len && (unsigned char)t[i] == 0xE2 && (unsigned char)t[i + 1] == 0x82 &&
        (unsigned char)t[i + 2] == 0xAC)
        return 3; /* € */
    return 0;
}

static bool scan_number(const char *t, size_t len, size_t *pos, bool skip_brackets, size_t *start,
                        size_t *end, char *norm, size_t cap)
{
    size_t i = *pos;
    while (i < len) {
        if (skip_brackets && t[i] == '[') {
            const char *q = memchr(t + i, ']', len - i);
            i = q ? (size_t)(q - t) + 1 : len;
            continue;
        }
        unsigned char c0 = (unsigned char)t[i];
        if (!isdigit(c0) && c0 != '$' && c0 != 0xC2 && c0 != 0xE2) {
            if (isalnum(c0)) /* a word: digits inside it ("EC2") are not figures */
                while (i < len && is_alnum_byte(t[i]))
                    i++;
            else
                i++;
            continue;
        }
        size_t cl = currency_at(t, len, i);
        size_t d = i + cl;
        if (d >= len || !isdigit((unsigned char)t[d]) || (i > 0 && is_alnum_byte(t[i - 1])) ||
            (i > 0 && cl == 0 && t[i - 1] == '.' && i > 1 && isdigit((unsigned char)t[i - 2]))) {
            /* inside a word such as "EC2" or "v1": skip the whole word */
            if (is_alnum_byte(t[i]))
                while (i < len && is_alnum_byte(t[i]))
                    i++;
            else
                i++;
            continue;
        }
        size_t n = 0, e = d;
        while (e < len) {
            if (isdigit((unsigned char)t[e])) {
                if (n + 1 < cap)
                    norm[n++] = t[e];
                e++;
            } else if ((t[e] == ',' || t[e] == '.') && e + 1 < len &&
                       isdigit((unsigned char)t[e + 1])) {
                if (t[e] == '.' && n + 1 < cap)
                    norm[n++] = '.';
                e++;
            } else {
                break;
            }
        }
        norm[n] = '\0';
        /* Canonical form: no leading zeros, no ".0" tail. */
        char *dot = strchr(norm, '.');
        if (dot) {
            size_t k = strlen(norm);
            while (k > 0 && norm[k - 1] == '0')
                norm[--k] = '\0';
            if (k > 0 && norm[k - 1] == '.')
                norm[--k] = '\0';
        }
        size_t lead = 0;
        while (norm[lead] == '0' && norm[lead + 1] && norm[lead + 1] != '.')
            lead++;
        memmove(norm, norm + lead, strlen(norm + lead) + 1);
        /* A step number ("1)", "2.") at the start of a clause is not a figure. */
        if (cl == 0 && e < len && (t[e] == ')' || (t[e] == '.' && (e + 1 >= len || t[e + 1] == ' '))) &&
            e - d <= 2) {
            size_t b = i;
            while (b > 0 && t[b - 1] == ' ')
                b--;
            if (b == 0 || strchr(":;.(\n", t[b - 1])) {
                i = e + 1;
                continue;
            }
        }
        /* Suffix: %, k/K/M/B/x/+ when not starting a word, ordinals. */
        if (e < len && t[e] == '%') {
            e++;
        } else if (e < len && strchr("kKMBxX+", t[e]) && (e + 1 >= len || !is_alnum_byte(t[e + 1]))) {
            e++;
        } else if (e + 1 < len && (strncasecmp(t + e, "st", 2) == 0 || strncasecmp(t + e, "nd", 2) == 0 ||
                                   strncasecmp(t + e, "rd", 2) == 0 || strncasecmp(t + e, "th", 2) == 0) &&
                   (e + 2 >= len || !is_alnum_byte(t[e + 2]))) {
            e += 2;
        } else if (e < len && isalpha((unsigned char)t[e])) {
            /* "5G", "3D": part of a name, not a figure */
            while (e < len && is_alnum_byte(t[e]))
                e++;
            i = e;
            continue;
        }
        *start = i;
        *end = e;
        *pos = e;
        return true;
    }
    *pos = len;
    return false;
}

bool img_ground_next_number(const char *text, size_t len, size_t *pos, size_t *start,
                            size_t *end, char *norm, size_t cap)
{
    return scan_number(text, len, pos, true, start, end, norm, cap);
}

void img_ground_ctx_init(img_ground_ctx_t *ctx, const img_analysis_t *a)
{
    IMG_VEC(const char *) nums = {0};
    ctx->a = a;
    if (a->resume.text) {
        size_t pos = 0, s, e;
        char norm[32];
        while (scan_number(a->resume.text, a->resume.len, &pos, false, &s, &e, norm,
                           sizeof(norm))) {
            bool seen = false;
            for (size_t i = 0; i < nums.n && !seen; i++)
                seen = strcmp(nums.v[i], norm) == 0;
            if (!seen)
                *IMG_VEC_PUSH(a->arena, &nums) = img_arena_strdup(a->arena, norm);
        }
    }
    ctx->nums = nums.v;
    ctx->n_nums = nums.n;
}

bool img_ground_number_supported(const img_ground_ctx_t *ctx, const char *norm)
{
    for (size_t i = 0; i < ctx->n_nums; i++)
        if (strcmp(ctx->nums[i], norm) == 0)
            return true;
    return false;
}

/* ---- words ---- */

/* Case-insensitive whole-word search of s[0..n) in the resume. */
static bool resume_has(const img_analysis_t *a, const char *s, size_t n)
{
    const char *t = a->resume.text;
    size_t len = a->resume.len;
    if (!t || n == 0 || n > len)
        return false;
    for (size_t i = 0; i + n <= len; i++) {
        if (tolower((unsigned char)t[i]) != tolower((unsigned char)s[0]) ||
            strncasecmp(t + i, s, n) != 0)
            continue;
        if (i > 0 && is_alnum_byte(t[i - 1]) && is_alnum_byte(s[0]))
            continue;
        if (i + n < len && is_alnum_byte(t[i + n]) && is_alnum_byte(s[n - 1]))
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
        w[i - s + 1] = (char)tolower((unsigned char)t[i]);
    w[e - s + 1] = '|';
    w[e - s + 2] = '\0';
    return strstr(list, w) != NULL;
}

/* Case-insensitive equality of t[s..e) with a lower-case word literal. */
#define word_is(t, s, e, w)                                                                        \
    ((e) - (s) == sizeof(w) - 1 && strncasecmp((t) + (s), (w), sizeof(w) - 1) == 0)

/* Words and single punctuation characters, with the token flags of
 * img_text.h; cheaper than img_text_tokenize (no Unicode normalisation:
 * non-ASCII bytes count as letters), which is all the guard needs. */
static size_t lex(img_arena_t *ar, const char *t, size_t len, img_token_t **out)
{
    size_t cap = len / 2 + 2, n = 0;
    img_token_t *tok = img_arena_alloc(ar, cap * sizeof(*tok));
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
        if (!isalnum(c) && c < 0x80) {
            k->end = (uint32_t)(p + 1);
            k->flags = IMG_TOK_PUNCT;
            p++;
            continue;
        }
        unsigned flags = 0, letters = 0, upper = 0;
        size_t q = p;
        while (q < len) {
            unsigned char d = (unsigned char)t[q];
            if (isalpha(d) || d >= 0x80) {
                flags |= IMG_TOK_ALPHA;
                letters++;
                upper += isupper(d) != 0;
            } else if (isdigit(d)) {
                flags |= IMG_TOK_DIGIT;
            } else if (strchr(".-/'&_", d) && q + 1 < len && isalnum((unsigned char)t[q + 1])) {
                /* inner punctuation: "Node.js", "CI/CD", "team's" */
            } else if ((d == '+' || d == '#') && q > p) {
                /* "C++", "C#" */
            } else {
                break;
            }
            q++;
        }
        if (isupper(c))
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
    if (e - s < 3 || !isalpha((unsigned char)t[s]))
        return false;
    bool ed = e - s >= 4 && tolower((unsigned char)t[e - 1]) == 'd' &&
              tolower((unsigned char)t[e - 2]) == 'e';
    if (!ed)
        return e - s <= 8 && in_list(past_irregular, t, s, e);
    for (size_t i = s; i < e; i++)
        if (!isalpha((unsigned char)t[i]))
            return false;
    return !in_list(ed_adjectives, t, s, e);
}

static const char pronouns[] =
    "|i|we|i've|we've|";
static const char perfect_aux[] =
    "|have|has|had|";

static const char org_suffix[] =
    "|inc|ltd|llc|corp|corporation|gmbh|plc|co|limited|llp|ag|sa|pty|incorporated|";
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

static const char *const instructions[] = {
    "ignore previous", "ignore all previous", "ignore the previous", "ignore the above",
    "ignore your instructions", "disregard previous", "disregard the above",
    "disregard all", "previous instructions", "system prompt", "you are now",
    "as an ai", "jailbreak", "developer mode", "override the guard", NULL};

typedef struct scan {
    const img_ground_ctx_t *ctx;
    const img_analysis_t *a;
    const char *t;
    size_t len;
    img_token_t *tok;
    size_t n_tok;
    bool *masked;  /* per token: inside [brackets] or part of a taxonomy mention */
    bool *bracket; /* per token: inside [brackets] */
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

static void check_instructions(scan_t *sc)
{
    for (size_t i = 0; instructions[i]; i++) {
        const char *hit = strstr(sc->r->lower, instructions[i]);
        if (!hit)
            continue;
        size_t p = (size_t)(hit - sc->r->lower), e = p + strlen(instructions[i]);
        while (e < sc->len && isalpha((unsigned char)sc->t[e]))
            e++;
        fail(sc, IMG_GF_INSTRUCTION,
             img_arena_printf(sc->a->arena, "instruction-like text \"%s\"", quote(sc, p, e)));
        return;
    }
}

/* Clause boundaries: . ; : ! ? and line breaks, and "1)" step numbers. */
static bool clause_break(const scan_t *sc, size_t i)
{
    if (i == 0)
        return true;
    if (sc->tok[i].line != sc->tok[i - 1].line)
        return true;
    if (tok_punct(sc, i - 1, ".;:!?"))
        return true;
    if (tok_punct(sc, i - 1, ")") && i >= 2 && (sc->tok[i - 2].flags & IMG_TOK_DIGIT))
        return true;
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
        bool after_pronoun =
            !first && prev && prev->end - prev->start <= 5 && !(prev->flags & IMG_TOK_PUNCT) &&
            (in_list(pronouns, t, prev->start, prev->end) ||
             (in_list(perfect_aux, t, prev->start, prev->end) && i > 1 &&
              in_list(pronouns, t, sc->tok[i - 2].start, sc->tok[i - 2].end)));
        if ((first || after_pronoun) && is_past_verb(t, k->start, k->end)) {
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
    size_t pos = 0, s, e;
    char norm[32];
    while (img_ground_next_number(t, sc->len, &pos, &s, &e, norm, sizeof(norm))) {
        bool result_like = t[e - 1] == '%' || currency_at(t, sc->len, s) ||
                           (e > s && strchr("xXkKMB", t[e - 1]));
        if (!result_like)
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
        if ((k->flags & IMG_TOK_UPPER) && in_list(org_suffix, t, k->start, k->end) &&
            strncmp(t + k->start, "SA", 2) != 0) {
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

static void check_skills(scan_t *sc)
{
    const img_analysis_t *a = sc->a;
    img_ground_report_t *r = sc->r;
    for (size_t i = 0; i < r->n_mentions; i++) {
        const img_mention_t *m = &r->mentions[i];
        if (img_suggest_inventory_find(a, m->skill) >= 0 ||
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
 * verbatim (an excerpt's trailing "..." aside) is blanked: whatever it names
 * is supported by definition, so the extractor need not read it. Offsets
 * are unchanged. */
static const char *blank_resume_quotes(const img_analysis_t *a, const char *text, size_t len)
{
    char *out = NULL;
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
        }
        q = close + 1 < text + len ? memchr(close + 1, '"', (size_t)(text + len - close - 1)) : NULL;
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
        *p = (char)tolower((unsigned char)*p);
    r->lower = low;
    /* Skills and certifications are checked only in grounded suggestions (a
     * plan may name new ones), so only they need the extractor. */
    char err[128];
    if (s->grounding == IMG_GROUND_GROUNDED && a->tax) {
        const char *ext = blank_resume_quotes(a, r->text, len);
        if (img_doc_init(&r->doc, "suggestion", ext, len, len + 1, a->arena, err, sizeof(err)) ==
            IMG_OK)
            r->n_mentions = img_extract_mentions(a->tax, &r->doc, 0, len, 0, a->arena,
                                                 &r->mentions);
    }
    scan_t sc = {.ctx = ctx, .a = a, .t = r->text, .len = len, .r = r};
    sc.n_tok = lex(a->arena, r->text, len, &sc.tok);
    sc.masked = img_arena_alloc(a->arena, sc.n_tok + 1);
    sc.bracket = img_arena_alloc(a->arena, sc.n_tok + 1);
    size_t m = 0;
    bool bracket = false;
    for (size_t i = 0; i < sc.n_tok; i++) {
        const img_token_t *k = &sc.tok[i];
        if (tok_punct(&sc, i, "["))
            bracket = true;
        while (m < r->n_mentions && r->mentions[m].end <= k->start)
            m++;
        sc.bracket[i] = bracket;
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

bool img_suggest_ground(const img_analysis_t *analysis, const img_suggestion_t *s,
                        const char **why)
{
    img_ground_ctx_t ctx;
    img_ground_report_t r;
    img_ground_ctx_init(&ctx, analysis);
    img_ground_check(&ctx, s, &r);
    if (why)
        *why = r.fail ? r.why : NULL;
    return r.fail == 0;
}
