/*
 * img_resume_roles.c - roles stated in sentences: "Worked as Operation
 * Analyst for Microsoft", "Currently working as a Software Engineer in Acme
 * Technologies", "Joined as Associate System Engineer", "8 years of
 * experience as SAP ABAP Developer".
 */
#include <ctype.h>
#include <string.h>

#include "img_resume_int.h"

typedef struct word {
    size_t s, e;
} word_t;

#define MAX_WORDS 96

/* Words with their punctuation boundaries: a word is letters/digits with
 * inner '.', '-', '/', '&', '\''; punctuation ",.;:()[]" ends a clause. */
static size_t words_of(const char *t, size_t s, size_t e, word_t *w, bool *stop_after)
{
    size_t n = 0;
    for (size_t p = s; p < e && n < MAX_WORDS;) {
        unsigned char ch = (unsigned char)t[p];
        if (!isalnum(ch)) {
            if (n && strchr(",.;:()[]|\"", ch))
                stop_after[n - 1] = true;
            p++;
            continue;
        }
        size_t q = p;
        while (q < e) {
            unsigned char d = (unsigned char)t[q];
            if (isalnum(d)) {
                q++;
                continue;
            }
            if (strchr(".-/&'", d) && q + 1 < e && isalnum((unsigned char)t[q + 1])) {
                q++;
                continue;
            }
            break;
        }
        w[n].s = p;
        w[n].e = q;
        stop_after[n] = false;
        n++;
        p = q;
    }
    return n;
}

static bool is(const char *t, const word_t *w, const char *s)
{
    return img_text_ieq(t, w->s, w->e, s);
}

static bool trigger(const char *t, const word_t *w)
{
    static const char *const words[] = {"worked",  "working",   "work",  "joined",     "served",
                                        "serving", "employed",  "hired", "experience", "associated",
                                        "engaged", "appointed", NULL};
    for (int i = 0; words[i]; i++)
        if (is(t, w, words[i]))
            return true;
    return false;
}

static bool title_stop(const char *t, const word_t *w)
{
    static const char *const words[] = {"for",   "at",  "in",    "with",  "from",   "since", "to",
                                        "and",   "of",  "on",    "where", "during", "under", "till",
                                        "until", "who", "which", "since", NULL};
    for (int i = 0; words[i]; i++)
        if (is(t, w, words[i]))
            return true;
    return false;
}

static bool company_stop(const char *t, const word_t *w)
{
    static const char *const words[] = {"from",  "since", "till", "until", "to",  "during",
                                        "where", "on",    "as",   "for",   "and", "in",
                                        "who",   "which", "with", NULL};
    for (int i = 0; words[i]; i++)
        if (is(t, w, words[i]))
            return true;
    return false;
}

/* " as " somewhere in text[s..e) (any case): the cheap test before the parse. */
static bool has_as(const char *t, size_t s, size_t e)
{
    for (size_t p = s + 1; p + 3 < e; p++)
        if ((t[p] == 'a' || t[p] == 'A') && (t[p + 1] == 's' || t[p + 1] == 'S') &&
            t[p - 1] == ' ' && t[p + 2] == ' ')
            return true;
    return false;
}

/* "promoted to" somewhere in text[s..e). */
static bool has_promoted(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p + 11 <= e; p++)
        if ((t[p] == 'p' || t[p] == 'P') && img_text_ieq(t, p, p + 11, "promoted to"))
            return true;
    return false;
}

bool img_resume_role_statement(const char *t, size_t s, size_t e, img_resume_roles_t *r)
{
    memset(r, 0, sizeof(*r));
    if (!has_as(t, s, e) && !has_promoted(t, s, e))
        return false;
    word_t w[MAX_WORDS];
    bool stop_after[MAX_WORDS];
    size_t n = words_of(t, s, e, w, stop_after);
    memset(r, 0, sizeof(*r));
    for (size_t i = 0; i + 2 < n; i++) {
        bool promoted = is(t, &w[i], "promoted") && !stop_after[i] && is(t, &w[i + 1], "to");
        if (!promoted &&
            (!trigger(t, &w[i]) || stop_after[i] || !is(t, &w[i + 1], "as") || stop_after[i + 1]))
            continue;
        size_t k = i + 2;
        if (is(t, &w[k], "a") || is(t, &w[k], "an") || is(t, &w[k], "the"))
            k++;
        size_t first = k, last = k;
        bool found = false;
        for (; k < n && k < first + 6; k++) {
            if (k > first && title_stop(t, &w[k]))
                break;
            if (img_resume_is_title_noun(t, w[k].s, w[k].e)) {
                last = k;
                found = true;
            }
            if (stop_after[k])
                break;
        }
        if (!found)
            continue;
        r->ts = w[first].s;
        r->te = w[last].e;
        /* "... for|at|in|with <Company>" right after the title */
        size_t c = last + 1;
        if (!stop_after[last] && c + 1 < n &&
            (is(t, &w[c], "for") || is(t, &w[c], "at") || is(t, &w[c], "in") ||
             is(t, &w[c], "with"))) {
            size_t c0 = c + 1, c1 = c0;
            if (is(t, &w[c0], "the") && c0 + 1 < n)
                c0++, c1++;
            if (!isupper((unsigned char)t[w[c0].s]))
                return true;
            bool company = false;
            for (c1 = c0; c1 < n && c1 < c0 + 6; c1++) {
                if (c1 > c0 && company_stop(t, &w[c1]))
                    break;
                if (img_resume_is_company_word(t, w[c1].s, w[c1].e))
                    company = true;
                if (stop_after[c1]) {
                    c1++;
                    break;
                }
            }
            size_t end = c1 - 1;
            /* Trailing lower-case words ("management team") stay out unless a suffix. */
            while (end > c0 && !isupper((unsigned char)t[w[end].s]) &&
                   !img_resume_is_company_word(t, w[end].s, w[end].e))
                end--;
            if (company || isupper((unsigned char)t[w[c0].s])) {
                r->cs = w[c0].s;
                r->ce = w[end].e;
            }
        }
        return true;
    }
    return false;
}
