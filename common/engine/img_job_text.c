/*
 * img_job_text.c - the job module's text helpers: normalised words, phrase
 * lookup, years asked, degree words, sentence ends and the heading and
 * sentence cue tables.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include "img_job_int.h"

char *img_job_norm(img_arena_t *arena, const char *text, size_t start, size_t end, size_t *len_out)
{
    char *out = img_arena_alloc(arena, end - start + 2);
    size_t n = 0, p = start;
    bool space = true; /* the last byte written is a separator (or nothing yet) */
    while (p < end) {
        uint32_t cp;
        size_t k;
        unsigned char b = (unsigned char)text[p];
        if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
            out[n++] = (char)b; /* the common case, first */
            space = false;
            p++;
            continue;
        }
        if (b >= 'A' && b <= 'Z') {
            out[n++] = (char)(b - 'A' + 'a');
            space = false;
            p++;
            continue;
        }
        if (b < 0x80 && b != '\t' && b != '\r')
            cp = b, k = 1; /* ASCII needs no decoding */
        else
            k = img_text_cp(text, end, p, &cp);
        if (cp < 0x80) {
            unsigned char c = (unsigned char)cp;
            if (isalnum(c)) {
                out[n++] = (char)tolower(c);
                space = false;
            } else if (c == '\'' && !space && p + k < end && isalnum((unsigned char)text[p + k])) {
                out[n++] = '\'';
            } else if ((c == '+' || c == '#') && n > 0 &&
                       (isalpha((unsigned char)out[n - 1]) || out[n - 1] == '+')) {
                out[n++] = (char)c; /* c++, c# */
            } else if (!space) {
                out[n++] = ' ';
                space = true;
            }
        } else if ((cp >= 0x2000 && cp <= 0x2BFF) || cp == 0xFEFF || cp == 0x00A0 || cp == 0x00AE ||
                   cp == 0x00A9 || cp == 0x00B7) {
            if (!space) {
                out[n++] = ' ';
                space = true;
            }
        } else {
            memcpy(out + n, text + p, k); /* a non-ASCII letter, as written */
            n += k;
            space = false;
        }
        p += k;
    }
    if (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    if (len_out)
        *len_out = n;
    return out;
}

long img_job_find(const char *norm, const char *phrase)
{
    size_t pl = strlen(phrase);
    bool anchored = pl && phrase[0] == '^';
    if (anchored)
        phrase++, pl--;
    bool prefix = pl && phrase[pl - 1] == '*';
    if (prefix)
        pl--;
    if (!pl)
        return -1;
    for (size_t i = 0; norm[i]; i++) {
        if (i > 0 && norm[i - 1] != ' ')
            continue;
        if (anchored && i > 0)
            return -1;
        if (norm[i] != phrase[0] || strncmp(norm + i, phrase, pl) != 0)
            continue;
        if (prefix || norm[i + pl] == ' ' || norm[i + pl] == '\0')
            return (long)i;
    }
    return -1;
}

int img_job_find_any(const char *norm, const char *const *phrases)
{
    for (int i = 0; phrases[i]; i++)
        if (img_job_find(norm, phrases[i]) >= 0)
            return i;
    return -1;
}

/* ---- phrase tables ---- */

enum { PT_ANCHORED = 1, PT_PREFIX = 2 };

void img_job_ptab_build(img_job_ptab_t *t, const void *base, size_t stride, size_t n)
{
    memset(t, 0, sizeof(*t));
    if (n > IMG_JOB_PTAB_MAX)
        n = IMG_JOB_PTAB_MAX;
    t->n = n;
    uint16_t count[257] = {0};
    for (size_t i = 0; i < n; i++) {
        const char *p = *(const char *const *)((const char *)base + i * stride);
        unsigned char f = 0;
        if (p[0] == '^')
            p++, f |= PT_ANCHORED;
        size_t l = strlen(p);
        if (l && p[l - 1] == '*')
            l--, f |= PT_PREFIX;
        t->phrase[i] = p;
        t->len[i] = (unsigned char)(l > 255 ? 255 : l);
        t->flags[i] = f;
        count[(unsigned char)p[0]]++;
    }
    uint16_t at = 0;
    for (int c = 0; c < 256; c++) {
        t->start[c] = at;
        at = (uint16_t)(at + count[c]);
    }
    t->start[256] = at;
    uint16_t fill[256];
    memcpy(fill, t->start, sizeof(fill));
    for (size_t i = 0; i < n; i++) /* ascending index inside each bucket */
        t->order[fill[(unsigned char)t->phrase[i][0]]++] = (uint16_t)i;
}

int img_job_ptab_find(const img_job_ptab_t *t, const char *norm)
{
    size_t best = t->n;
    for (size_t i = 0; norm[i]; i++) {
        if (i > 0 && norm[i - 1] != ' ')
            continue;
        unsigned char c = (unsigned char)norm[i];
        for (uint16_t k = t->start[c]; k < t->start[c + 1]; k++) {
            uint16_t idx = t->order[k];
            if (idx >= best)
                break;
            if ((t->flags[idx] & PT_ANCHORED) && i > 0)
                continue;
            size_t l = t->len[idx];
            /* The first byte matched by the index; the second rejects most. */
            if (!l || (l > 1 && norm[i + 1] != t->phrase[idx][1]) ||
                strncmp(norm + i, t->phrase[idx], l) != 0)
                continue;
            if ((t->flags[idx] & PT_PREFIX) || norm[i + l] == ' ' || norm[i + l] == '\0') {
                best = idx;
                break;
            }
        }
    }
    return best < t->n ? (int)best : -1;
}

bool img_job_ptab_word(const img_job_ptab_t *t, const char *w, size_t l)
{
    if (!l)
        return false;
    unsigned char c = (unsigned char)w[0];
    for (uint16_t k = t->start[c]; k < t->start[c + 1]; k++) {
        uint16_t idx = t->order[k];
        if (t->len[idx] == l && !(t->flags[idx] & PT_PREFIX) && memcmp(t->phrase[idx], w, l) == 0)
            return true;
    }
    return false;
}

/* ---- words of normalised text ---- */

#define MAX_WORDS 400

typedef struct words {
    const char *w[MAX_WORDS];
    unsigned char len[MAX_WORDS];
    size_t n;
} words_t;

static void split_words(const char *norm, words_t *ws)
{
    ws->n = 0;
    const char *p = norm;
    while (*p && ws->n < MAX_WORDS) {
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        size_t l = (size_t)(p - s);
        ws->w[ws->n] = s;
        ws->len[ws->n] = (unsigned char)(l > 255 ? 255 : l);
        ws->n++;
        if (*p)
            p++;
    }
}

static bool weq(const words_t *ws, size_t i, const char *word)
{
    return i < ws->n && ws->len[i] == strlen(word) && memcmp(ws->w[i], word, ws->len[i]) == 0;
}

static bool wis(const words_t *ws, size_t i, const char *const *list)
{
    for (int k = 0; list[k]; k++)
        if (weq(ws, i, list[k]))
            return true;
    return false;
}

/* A whole number word or digits 0-99; -1 otherwise. */
static int word_number(const words_t *ws, size_t i)
{
    static const char *const names[] = {"zero", "one",    "two",    "three", "four",
                                        "five", "six",    "seven",  "eight", "nine",
                                        "ten",  "eleven", "twelve", NULL};
    if (i >= ws->n)
        return -1;
    const char *w = ws->w[i];
    size_t l = ws->len[i];
    if (l <= 2 && isdigit((unsigned char)w[0]) && (l == 1 || isdigit((unsigned char)w[1])))
        return l == 1 ? w[0] - '0' : (w[0] - '0') * 10 + (w[1] - '0');
    for (int k = 0; names[k]; k++)
        if (weq(ws, i, names[k]))
            return k;
    if (weq(ws, i, "fifteen"))
        return 15;
    if (weq(ws, i, "twenty"))
        return 20;
    return -1;
}

static bool word_is_year(const words_t *ws, size_t i)
{
    static const char *const y[] = {"year", "years", "yr", "yrs", "year's", "years'", NULL};
    return wis(ws, i, y);
}

int img_job_years(const char *norm)
{
    if (!strstr(norm, "year") && !strstr(norm, "yr"))
        return 0;
    static const char *const before_skip[] = {"last",  "past",   "within", "next", "every",
                                              "first", "recent", "after",  NULL};
    words_t ws;
    split_words(norm, &ws);
    int best = 0;
    for (size_t i = 0; i < ws.n; i++) {
        int n = word_number(&ws, i);
        if (n <= 0)
            continue;
        size_t j = i + 1;
        if (word_number(&ws, j) >= 0)
            j++; /* "3-5 years": lower bound */
        else if (weq(&ws, j, "to") && word_number(&ws, j + 1) >= 0)
            j += 2;
        else if (weq(&ws, j, "or") && weq(&ws, j + 1, "more"))
            j += 2;
        else if (weq(&ws, j, "plus"))
            j++;
        if (!word_is_year(&ws, j))
            continue;
        if (weq(&ws, j + 1, "old") || (weq(&ws, j + 1, "of") && weq(&ws, j + 2, "age")))
            continue;
        if (i > 0 && wis(&ws, i - 1, before_skip))
            continue;
        if (n <= 40 && n > best)
            best = n;
        i = j; /* "3-5 years": the upper bound is no claim of its own */
    }
    return best;
}

/* ---- degrees ---- */

/* Words any degree mention contains; a cheap test before the word scan. */
static const char *const degree_words[] = {
    "phd", "ph",         "doctor*",     "master*", "mba",     "msc",           "meng", "m",
    "ms",  "bachelor*",  "bsc",         "beng",    "btech",   "undergraduate", "b",    "bs",
    "ba",  "associate*", "high school", "ged",     "diploma", "degree*",       NULL};
static img_job_ptab_t degree_tab;
static pthread_once_t degree_once = PTHREAD_ONCE_INIT;

static void degree_build(void)
{
    size_t n = 0;
    while (degree_words[n])
        n++;
    img_job_ptab_build(&degree_tab, degree_words, sizeof(degree_words[0]), n);
}

bool img_job_degree(const char *norm, bool loose, int *min, int *max)
{
    pthread_once(&degree_once, degree_build);
    if (img_job_ptab_find(&degree_tab, norm) < 0) {
        if (min)
            *min = 0;
        if (max)
            *max = 0;
        return false;
    }
    static const char *const not_degree_after[] = {
        "office",   "excel",   "word",    "sql",        "access", "project",    "teams",    "azure",
        "dynamics", "windows", "outlook", "powerpoint", "visio",  "sharepoint", "exchange", NULL};
    static const char *const ctx_after[] = {"in",  "or",  "and", "degree", "ms",      "bs", "ba",
                                            "phd", "msc", "bsc", "from",   "degrees", NULL};
    static const char *const ctx_before[] = {"or", "and", "bs", "ms", "ba", "bsc", "msc", NULL};
    words_t ws;
    split_words(norm, &ws);
    int lo = 0, hi = 0;
    bool generic = false;
    for (size_t i = 0; i < ws.n; i++) {
        int level = 0;
        size_t used = 1;
        bool shortform = false;
        if (weq(&ws, i, "phd") || weq(&ws, i, "doctorate") || weq(&ws, i, "doctoral") ||
            (weq(&ws, i, "ph") && weq(&ws, i + 1, "d")))
            level = IMG_DEG_PHD, used = weq(&ws, i, "ph") ? 2 : 1;
        else if (weq(&ws, i, "master") || weq(&ws, i, "masters") || weq(&ws, i, "master's")) {
            if (!(i > 0 && weq(&ws, i - 1, "scrum")) && !weq(&ws, i + 1, "data"))
                level = IMG_DEG_MASTER;
        } else if (weq(&ws, i, "mba") || weq(&ws, i, "msc") || weq(&ws, i, "meng") ||
                   (weq(&ws, i, "m") && (weq(&ws, i + 1, "sc") || weq(&ws, i + 1, "eng"))))
            level = IMG_DEG_MASTER, used = weq(&ws, i, "m") ? 2 : 1;
        else if (weq(&ws, i, "bachelor") || weq(&ws, i, "bachelors") || weq(&ws, i, "bachelor's") ||
                 weq(&ws, i, "bsc") || weq(&ws, i, "beng") || weq(&ws, i, "btech") ||
                 weq(&ws, i, "undergraduate") ||
                 (weq(&ws, i, "b") &&
                  (weq(&ws, i + 1, "sc") || weq(&ws, i + 1, "eng") || weq(&ws, i + 1, "tech"))))
            level = IMG_DEG_BACHELOR, used = weq(&ws, i, "b") ? 2 : 1;
        else if (weq(&ws, i, "ms") || (weq(&ws, i, "m") && weq(&ws, i + 1, "s")))
            level = IMG_DEG_MASTER, shortform = true, used = weq(&ws, i, "m") ? 2 : 1;
        else if (weq(&ws, i, "bs") || weq(&ws, i, "ba") ||
                 (weq(&ws, i, "b") && (weq(&ws, i + 1, "s") || weq(&ws, i + 1, "a"))))
            level = IMG_DEG_BACHELOR, shortform = true, used = weq(&ws, i, "b") ? 2 : 1;
        else if ((weq(&ws, i, "associate") || weq(&ws, i, "associates") ||
                  weq(&ws, i, "associate's")) &&
                 weq(&ws, i + 1, "degree"))
            level = IMG_DEG_ASSOCIATE;
        else if ((weq(&ws, i, "high") && weq(&ws, i + 1, "school")) || weq(&ws, i, "ged") ||
                 weq(&ws, i, "diploma"))
            level = IMG_DEG_SCHOOL;
        else if (weq(&ws, i, "degree") || weq(&ws, i, "degrees")) {
            static const char *const vague[] = {"high",  "certain", "some",      "360", "great",
                                                "large", "varying", "different", NULL};
            if (!(i > 0 && wis(&ws, i - 1, vague)))
                generic = true;
            continue;
        }
        if (!level)
            continue;
        if (shortform && !loose) {
            size_t after = i + used;
            bool ok = wis(&ws, after, ctx_after) || (i > 0 && wis(&ws, i - 1, ctx_before));
            if (wis(&ws, after, not_degree_after))
                ok = false;
            if (!ok)
                continue;
        } else if (shortform && wis(&ws, i + used, not_degree_after)) {
            continue;
        }
        if (!lo || level < lo)
            lo = level;
        if (level > hi)
            hi = level;
        i += used - 1;
    }
    if (!lo && generic)
        lo = hi = IMG_DEG_BACHELOR;
    if (min)
        *min = lo;
    if (max)
        *max = hi;
    return lo != 0;
}

const char *img_job_degree_name(int level)
{
    switch (level) {
    case IMG_DEG_BACHELOR:
        return "bachelor";
    case IMG_DEG_MASTER:
        return "master";
    case IMG_DEG_PHD:
        return "phd";
    default:
        return NULL;
    }
}

/* ---- sentences ---- */

static bool is_abbrev(const char *t, size_t start, size_t dot)
{
    static const char *const abbr[] = {"eg",   "ie",  "etc",    "vs",   "inc",  "ltd", "co",
                                       "corp", "jr",  "sr",     "dr",   "mr",   "mrs", "ms",
                                       "st",   "no",  "approx", "incl", "min",  "max", "yrs",
                                       "dept", "est", "nr",     "ca",   "resp", NULL};
    size_t w = dot;
    while (w > start && isalpha((unsigned char)t[w - 1]))
        w--;
    if (w == dot)
        return false; /* "5." or ")." */
    if (w > start && t[w - 1] == '.')
        return true; /* e.g. U.S. */
    if (dot - w == 1)
        return true; /* an initial */
    char low[8];
    size_t l = dot - w;
    if (l >= sizeof(low))
        return false;
    for (size_t i = 0; i < l; i++)
        low[i] = (char)tolower((unsigned char)t[w + i]);
    low[l] = '\0';
    for (int k = 0; abbr[k]; k++)
        if (strcmp(low, abbr[k]) == 0)
            return true;
    return false;
}

size_t img_job_sentence_end(const char *t, size_t start, size_t end)
{
    int depth = 0;
    for (size_t p = start; p < end; p++) {
        char c = t[p];
        if (c == '(' || c == '[') {
            depth++;
        } else if ((c == ')' || c == ']') && depth > 0) {
            depth--;
        } else if (c == ';' && depth == 0 && p + 1 < end && (t[p + 1] == ' ' || t[p + 1] == '\n')) {
            return p + 1; /* "Fluent English; German is a plus" */
        } else if ((c == '.' || c == '!' || c == '?') && depth == 0) {
            size_t q = p + 1;
            while (q < end && (t[q] == '"' || t[q] == '\'' || t[q] == ')' || t[q] == '!'))
                q++;
            if (q >= end)
                return end;
            if (t[q] != ' ' && t[q] != '\n' && t[q] != '\r' && t[q] != '\t')
                continue;
            size_t r = q;
            while (r < end && (t[r] == ' ' || t[r] == '\n' || t[r] == '\r' || t[r] == '\t'))
                r++;
            if (r >= end)
                return end;
            unsigned char n = (unsigned char)t[r];
            if (!(isupper(n) || isdigit(n) || n >= 0x80 || n == '"' || n == '('))
                continue;
            if (c == '.' && is_abbrev(t, start, p))
                continue;
            return q;
        }
    }
    return end;
}

/* ---- headings ---- */

typedef struct heading_pat {
    const char *phrase;
    img_job_sec_t kind;
} heading_pat_t;

/* Heading words that also occur in ordinary requirement lines ("Python
 * required", "Experience with AWS"): without a colon they make a heading
 * only in a short Title Case line. */
static const char *const weak_heading[] = {
    "required",  "must",       "preferred*",  "bonus*",      "experience",
    "knowledge", "education",  "skill*",      "expertise",   "desired*",
    "optional",  "advantage*", "minimum*",    "essential*",  "technolog*",
    "profile",   "role",       "impact",      "opportunity", "mission",
    "summary",   "scope",      "pay",         "salary",      "compensation",
    "company",   "overview",   "description", "hours",       "schedule",
    "travel",    "contact",    "apply",       "note",        "location*",
    "tasks",     "duties",     "inclusion",   "rewards",     "looking for",
    "ideally",   "^also",      "^position",   "the team",    "our team",
    "^plus*",    "stand out",  "you have",    NULL};

/* First hit wins: specific phrases before the generic words they contain. */
static const heading_pat_t heading_pats[] = {
    {"^in addition", IMG_JOB_SEC_CONTINUE},
    {"^additionally", IMG_JOB_SEC_CONTINUE},
    {"^also", IMG_JOB_SEC_CONTINUE},
    {"about you", IMG_JOB_SEC_MUST},
    {"about the role", IMG_JOB_SEC_RESP},
    {"about the job", IMG_JOB_SEC_RESP},
    {"about the position", IMG_JOB_SEC_RESP},
    {"about this role", IMG_JOB_SEC_RESP},
    {"essential functions", IMG_JOB_SEC_RESP},
    {"essential duties", IMG_JOB_SEC_RESP},
    {"full job description", IMG_JOB_SEC_INTRO},
    {"^job description", IMG_JOB_SEC_INTRO},
    {"equal opportunit*", IMG_JOB_SEC_EEO},
    {"equal employment", IMG_JOB_SEC_EEO},
    {"eeo*", IMG_JOB_SEC_EEO},
    {"diversity*", IMG_JOB_SEC_EEO},
    {"inclusion", IMG_JOB_SEC_EEO},
    {"non discrimination", IMG_JOB_SEC_EEO},
    {"accommodation*", IMG_JOB_SEC_EEO},
    {"benefit*", IMG_JOB_SEC_BENEFITS},
    {"perk*", IMG_JOB_SEC_BENEFITS},
    {"what we offer", IMG_JOB_SEC_BENEFITS},
    {"we offer", IMG_JOB_SEC_BENEFITS},
    {"what's in it for you", IMG_JOB_SEC_BENEFITS},
    {"whats in it for you", IMG_JOB_SEC_BENEFITS},
    {"compensation", IMG_JOB_SEC_BENEFITS},
    {"salary", IMG_JOB_SEC_BENEFITS},
    {"pay", IMG_JOB_SEC_BENEFITS},
    {"why join*", IMG_JOB_SEC_BENEFITS},
    {"why work*", IMG_JOB_SEC_BENEFITS},
    {"why you'll love*", IMG_JOB_SEC_BENEFITS},
    {"why us", IMG_JOB_SEC_BENEFITS},
    {"what you get", IMG_JOB_SEC_BENEFITS},
    {"what you'll get", IMG_JOB_SEC_BENEFITS},
    {"rewards", IMG_JOB_SEC_BENEFITS},
    {"nice to have*", IMG_JOB_SEC_NICE},
    {"nice to haves", IMG_JOB_SEC_NICE},
    {"good to have", IMG_JOB_SEC_NICE},
    {"preferred*", IMG_JOB_SEC_NICE},
    {"bonus*", IMG_JOB_SEC_NICE},
    {"^plus*", IMG_JOB_SEC_NICE},
    {"desirable", IMG_JOB_SEC_NICE},
    {"desired*", IMG_JOB_SEC_NICE},
    {"optional", IMG_JOB_SEC_NICE},
    {"extra credit", IMG_JOB_SEC_NICE},
    {"ideally", IMG_JOB_SEC_NICE},
    {"would be great", IMG_JOB_SEC_NICE},
    {"even better", IMG_JOB_SEC_NICE},
    {"brownie points", IMG_JOB_SEC_NICE},
    {"stand out", IMG_JOB_SEC_NICE},
    {"advantage*", IMG_JOB_SEC_NICE},
    {"requirement*", IMG_JOB_SEC_MUST},
    {"qualification*", IMG_JOB_SEC_MUST},
    {"must have*", IMG_JOB_SEC_MUST},
    {"must haves", IMG_JOB_SEC_MUST},
    {"what you'll need", IMG_JOB_SEC_MUST},
    {"what you need", IMG_JOB_SEC_MUST},
    {"what you will need", IMG_JOB_SEC_MUST},
    {"you'll need", IMG_JOB_SEC_MUST},
    {"what you'll bring", IMG_JOB_SEC_MUST},
    {"what you bring", IMG_JOB_SEC_MUST},
    {"what you will bring", IMG_JOB_SEC_MUST},
    {"what you'll have", IMG_JOB_SEC_MUST},
    {"looking for", IMG_JOB_SEC_MUST},
    {"what we look for", IMG_JOB_SEC_MUST},
    {"who you are", IMG_JOB_SEC_MUST},
    {"you have", IMG_JOB_SEC_MUST},
    {"you bring", IMG_JOB_SEC_MUST},
    {"you will bring", IMG_JOB_SEC_MUST},
    {"what we need", IMG_JOB_SEC_MUST},
    {"we need", IMG_JOB_SEC_MUST},
    {"what we expect", IMG_JOB_SEC_MUST},
    {"we expect", IMG_JOB_SEC_MUST},
    {"you should have", IMG_JOB_SEC_MUST},
    {"profile", IMG_JOB_SEC_MUST},
    {"your background", IMG_JOB_SEC_MUST},
    {"skill*", IMG_JOB_SEC_MUST},
    {"experience", IMG_JOB_SEC_MUST},
    {"competenc*", IMG_JOB_SEC_MUST},
    {"tech stack", IMG_JOB_SEC_MUST},
    {"technolog*", IMG_JOB_SEC_MUST},
    {"expertise", IMG_JOB_SEC_MUST},
    {"knowledge", IMG_JOB_SEC_MUST},
    {"education", IMG_JOB_SEC_MUST},
    {"ideal candidate", IMG_JOB_SEC_MUST},
    {"minimum*", IMG_JOB_SEC_MUST},
    {"essential*", IMG_JOB_SEC_MUST},
    {"required", IMG_JOB_SEC_MUST},
    {"must", IMG_JOB_SEC_MUST},
    {"what it takes", IMG_JOB_SEC_MUST},
    {"to be successful", IMG_JOB_SEC_MUST},
    {"eligibility", IMG_JOB_SEC_MUST},
    {"responsibilit*", IMG_JOB_SEC_RESP},
    {"what you'll do", IMG_JOB_SEC_RESP},
    {"what you will do", IMG_JOB_SEC_RESP},
    {"what you'll be doing", IMG_JOB_SEC_RESP},
    {"what you will be doing", IMG_JOB_SEC_RESP},
    {"what you'll work on", IMG_JOB_SEC_RESP},
    {"duties", IMG_JOB_SEC_RESP},
    {"role", IMG_JOB_SEC_RESP},
    {"day to day", IMG_JOB_SEC_RESP},
    {"impact", IMG_JOB_SEC_RESP},
    {"opportunity", IMG_JOB_SEC_RESP},
    {"mission", IMG_JOB_SEC_RESP},
    {"summary", IMG_JOB_SEC_RESP},
    {"tasks", IMG_JOB_SEC_RESP},
    {"accountabilities", IMG_JOB_SEC_RESP},
    {"scope", IMG_JOB_SEC_RESP},
    {"description", IMG_JOB_SEC_INTRO},
    {"job details", IMG_JOB_SEC_INTRO},
    {"the position", IMG_JOB_SEC_INTRO},
    {"^position", IMG_JOB_SEC_INTRO},
    {"^about*", IMG_JOB_SEC_ABOUT},
    {"who we are", IMG_JOB_SEC_ABOUT},
    {"company", IMG_JOB_SEC_ABOUT},
    {"our story", IMG_JOB_SEC_ABOUT},
    {"our culture", IMG_JOB_SEC_ABOUT},
    {"our values", IMG_JOB_SEC_ABOUT},
    {"our team", IMG_JOB_SEC_ABOUT},
    {"the team", IMG_JOB_SEC_ABOUT},
    {"overview", IMG_JOB_SEC_ABOUT},
    {"location*", IMG_JOB_SEC_OTHER},
    {"hours", IMG_JOB_SEC_OTHER},
    {"schedule", IMG_JOB_SEC_OTHER},
    {"apply", IMG_JOB_SEC_OTHER},
    {"contact", IMG_JOB_SEC_OTHER},
    {"job type", IMG_JOB_SEC_OTHER},
    {"travel", IMG_JOB_SEC_OTHER},
    {"work environment", IMG_JOB_SEC_OTHER},
    {"working conditions", IMG_JOB_SEC_OTHER},
    {"physical demands", IMG_JOB_SEC_OTHER},
    {"start date", IMG_JOB_SEC_OTHER},
    {"employment type", IMG_JOB_SEC_OTHER},
    {"reports to", IMG_JOB_SEC_OTHER},
    {"note", IMG_JOB_SEC_OTHER},
};

static const char *const list_heading[] = {"skill*", "tech stack", "technolog*", "tools",
                                           "stack",  "tooling",    NULL};

/* ---- sentence cues ---- */

static const char *const nice_cues[] = {"a plus",
                                        "big plus",
                                        "is a plus",
                                        "are a plus",
                                        "nice to have*",
                                        "nice if",
                                        "preferred",
                                        "preferably",
                                        "prefer",
                                        "bonus",
                                        "desirable",
                                        "desired",
                                        "ideally",
                                        "advantage*",
                                        "would be great",
                                        "would be nice",
                                        "beneficial",
                                        "helpful",
                                        "not required",
                                        "not essential",
                                        "optional",
                                        "good to have",
                                        "extra credit",
                                        "even better",
                                        "is welcome",
                                        "are welcome",
                                        "a bonus",
                                        "plus points",
                                        NULL};

static const char *const must_cues[] = {"required",  "must",    "requires", "mandatory",
                                        "essential", "minimum", "need to",  NULL};

static const char *const boilerplate_cues[] = {"equal opportunit*",
                                               "equal employment",
                                               "without regard to",
                                               "regardless of race",
                                               "sexual orientation",
                                               "gender identity",
                                               "national origin",
                                               "veteran status",
                                               "protected status",
                                               "protected veteran",
                                               "affirmative action",
                                               "reasonable accommodation*",
                                               "e verify",
                                               "drug free",
                                               "sponsorship",
                                               "employment authorization",
                                               "work authorization",
                                               "authorized to work",
                                               "visa sponsor*",
                                               "salary range",
                                               "pay range",
                                               "base salary",
                                               "salary",
                                               "compensation",
                                               "401k",
                                               "401 k",
                                               "paid time off",
                                               "pto",
                                               "health insurance",
                                               "dental",
                                               "vision insurance",
                                               "life insurance",
                                               "stock options",
                                               "parental leave",
                                               "tuition",
                                               "per hour",
                                               "per year",
                                               "we offer",
                                               "benefits include",
                                               "perks include",
                                               "our benefits",
                                               "is proud to be",
                                               "we are proud",
                                               "apply now",
                                               "click apply",
                                               "to apply",
                                               "learn more about",
                                               "visit our website",
                                               "equity",
                                               "competitive pay",
                                               "bondable",
                                               "background check*",
                                               "drug screen*",
                                               "drug test*",
                                               "able to lift",
                                               "lift up to",
                                               "eligible to work",
                                               "right to work",
                                               "legally",
                                               NULL};

static const char *const requirement_cues[] = {
    "experience", "experienced", "knowledge",       "proficien*", "familiar*",      "ability",
    "able to",    "skill*",      "understanding",   "expertise",  "expert",         "background in",
    "degree",     "certif*",     "ideal candidate", "you have",   "you'll have",    "you will have",
    "you bring",  "must",        "required",        "requir*",    "qualification*", "track record",
    "fluent*",    "command of",  "mastery",         NULL};

static const char *const duty_cues[] = {
    "responsible for", "you will be",   "you'll be",      "you will work", "you'll work",
    "your day",        "day to day",    "you will build", "you'll build",  "you will design",
    "you'll design",   "you will lead", "you'll lead",    "you will help", "you'll help",
    "you will own",    "you'll own",    "in this role",   "your role",     NULL};

static img_job_ptab_t heading_tab, list_tab, nice_tab, must_tab, boiler_tab, req_tab, duty_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static size_t list_len(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

static void build_list(img_job_ptab_t *t, const char *const *list)
{
    img_job_ptab_build(t, list, sizeof(list[0]), list_len(list));
}

static bool heading_weak[sizeof(heading_pats) / sizeof(heading_pats[0])];

static void tabs_build(void)
{
    img_job_ptab_build(&heading_tab, heading_pats, sizeof(heading_pats[0]),
                       sizeof(heading_pats) / sizeof(heading_pats[0]));
    for (size_t i = 0; i < sizeof(heading_pats) / sizeof(heading_pats[0]); i++)
        for (int k = 0; weak_heading[k] && !heading_weak[i]; k++)
            heading_weak[i] = strcmp(weak_heading[k], heading_pats[i].phrase) == 0;
    build_list(&list_tab, list_heading);
    build_list(&nice_tab, nice_cues);
    build_list(&must_tab, must_cues);
    build_list(&boiler_tab, boilerplate_cues);
    build_list(&req_tab, requirement_cues);
    build_list(&duty_tab, duty_cues);
}

static bool in_tab(img_job_ptab_t *t, const char *norm)
{
    pthread_once(&tabs_once, tabs_build);
    return img_job_ptab_find(t, norm) >= 0;
}

int img_job_heading_kind(const char *norm, bool *weak)
{
    pthread_once(&tabs_once, tabs_build);
    int i = img_job_ptab_find(&heading_tab, norm);
    if (i < 0)
        return -1;
    if (weak)
        *weak = heading_weak[i];
    return (int)heading_pats[i].kind;
}

bool img_job_heading_is_list(const char *norm)
{
    return in_tab(&list_tab, norm);
}

bool img_job_is_nice_cue(const char *norm)
{
    return in_tab(&nice_tab, norm);
}

bool img_job_is_must_cue(const char *norm)
{
    return in_tab(&must_tab, norm);
}

bool img_job_is_boilerplate(const char *norm)
{
    return in_tab(&boiler_tab, norm);
}

bool img_job_is_requirement_cue(const char *norm)
{
    return in_tab(&req_tab, norm) || in_tab(&nice_tab, norm);
}

bool img_job_is_duty_cue(const char *norm)
{
    return in_tab(&duty_tab, norm);
}
