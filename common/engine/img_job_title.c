/*
 * img_job_title.c - the job's title and seniority.
 *
 * The title is, in order: a labelled line in the first lines ("Job Title:
 * X"), the first non-empty line when it reads as a title (short, no full
 * stop, a role word or nothing that marks it as a heading), or the role in a
 * first-paragraph sentence ("We are seeking a SR Programmer Analyst to join
 * our team"). Company suffixes ("Senior Developer - Tech Startup"), trailing
 * brackets ("(Remote)") and words such as "position" are cut off.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "img_job_int.h"

static const char *const role_words[] = {"manager*",
                                         "engineer*",
                                         "developer*",
                                         "analyst*",
                                         "specialist*",
                                         "coordinator*",
                                         "director*",
                                         "officer*",
                                         "assistant*",
                                         "consultant*",
                                         "designer*",
                                         "scientist*",
                                         "architect*",
                                         "lead",
                                         "head",
                                         "representative*",
                                         "technician*",
                                         "nurse*",
                                         "teacher*",
                                         "accountant*",
                                         "intern",
                                         "internship",
                                         "associate*",
                                         "clerk*",
                                         "agent*",
                                         "writer*",
                                         "editor*",
                                         "recruiter*",
                                         "programmer*",
                                         "advisor*",
                                         "adviser*",
                                         "strategist*",
                                         "planner*",
                                         "supervisor*",
                                         "operator*",
                                         "executive*",
                                         "president",
                                         "vp",
                                         "cto",
                                         "ceo",
                                         "cfo",
                                         "coo",
                                         "administrator*",
                                         "tester*",
                                         "electrician*",
                                         "owner*",
                                         "expert*",
                                         "trainee*",
                                         "apprentice*",
                                         "researcher*",
                                         "instructor*",
                                         "technologist*",
                                         "producer*",
                                         "therapist*",
                                         "physician*",
                                         "pharmacist*",
                                         "attorney*",
                                         "paralegal*",
                                         "mechanic*",
                                         "driver*",
                                         "cashier*",
                                         "chef*",
                                         "cook",
                                         "receptionist*",
                                         "secretary",
                                         "bookkeeper*",
                                         "auditor*",
                                         "controller*",
                                         "buyer*",
                                         "marketer*",
                                         "worker*",
                                         "devops",
                                         "sre",
                                         "dba",
                                         "lawyer*",
                                         "counsel",
                                         "tutor*",
                                         "professor*",
                                         "lecturer*",
                                         "welder*",
                                         "plumber*",
                                         "carpenter*",
                                         "machinist*",
                                         "dispatcher*",
                                         "partner*",
                                         "fellow*",
                                         "coach*",
                                         "trainer*",
                                         "investigator*",
                                         "generalist*",
                                         NULL};

typedef struct sen_pat {
    const char *phrase, *level;
} sen_pat_t;

static const sen_pat_t sen_pats[] = {
    {"head of", "executive"},
    {"director", "executive"},
    {"vp", "executive"},
    {"vice president", "executive"},
    {"chief*", "executive"},
    {"cto", "executive"},
    {"ceo", "executive"},
    {"cfo", "executive"},
    {"coo", "executive"},
    {"cio", "executive"},
    {"president", "executive"},
    {"principal", "principal"},
    {"distinguished", "principal"},
    {"staff engineer*", "lead"},
    {"staff software", "lead"},
    {"staff data", "lead"},
    {"staff developer", "lead"},
    {"staff scientist", "lead"},
    {"team lead*", "lead"},
    {"tech lead*", "lead"},
    {"lead generation", NULL}, /* marketing, not a level */
    {"lead", "lead"},
    {"senior", "senior"},
    {"sr", "senior"},
    {"snr", "senior"},
    {"mid level", "mid"},
    {"mid", "mid"},
    {"intermediate", "mid"},
    {"junior", "junior"},
    {"jr", "junior"},
    {"entry level", "junior"},
    {"graduate", "junior"},
    {"associate", "junior"},
    {"intern", "intern"},
    {"internship", "intern"},
    {"trainee", "intern"},
    {"apprentice*", "intern"},
    {"working student", "intern"},
};

static img_job_ptab_t role_tab, sen_tab;
static pthread_once_t tabs_once = PTHREAD_ONCE_INIT;

static void tabs_build(void)
{
    size_t n = 0;
    while (role_words[n])
        n++;
    img_job_ptab_build(&role_tab, role_words, sizeof(role_words[0]), n);
    img_job_ptab_build(&sen_tab, sen_pats, sizeof(sen_pats[0]),
                       sizeof(sen_pats) / sizeof(sen_pats[0]));
}

bool img_job_has_role_word(const char *norm)
{
    pthread_once(&tabs_once, tabs_build);
    return img_job_ptab_find(&role_tab, norm) >= 0;
}

static bool is_space_byte(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims spaces and dangling separators at both ends of [*s, *e). */
static void trim_span(const char *t, size_t *s, size_t *e)
{
    while (*s < *e && (is_space_byte(t[*s]) || t[*s] == ',' || t[*s] == '|' || t[*s] == ':'))
        (*s)++;
    while (*e > *s && (is_space_byte(t[*e - 1]) || t[*e - 1] == ',' || t[*e - 1] == '|' ||
                       t[*e - 1] == ':' || t[*e - 1] == '-' || t[*e - 1] == '*'))
        (*e)--;
}

static bool span_has_role(img_arena_t *arena, const char *t, size_t s, size_t e)
{
    return img_job_has_role_word(img_job_norm(arena, t, s, e, NULL));
}

/* Trailing bracket groups: "(Remote)", "(m/f/d)", "[Hybrid]". */
static void strip_brackets(const char *t, size_t *sp, size_t *ep)
{
    size_t s = *sp, e = *ep;
    while (e > s && (t[e - 1] == ')' || t[e - 1] == ']')) {
        char open = t[e - 1] == ')' ? '(' : '[';
        size_t p = e - 1;
        while (p > s && t[p] != open)
            p--;
        if (p == s || t[p] != open)
            break;
        e = p;
        trim_span(t, &s, &e);
    }
    *sp = s;
    *ep = e;
}

/* Cuts " - Company", "(Remote)" and a trailing "position" off a title span. */
static void clean_title(img_arena_t *arena, const char *t, size_t *sp, size_t *ep)
{
    static const char *const seps[] = {" - ", " \xe2\x80\x93 ", " \xe2\x80\x94 ", " | ",
                                       " @ ", " at ",           " // ",           NULL};
    static const char *const tails[] = {"position", "role",        "opening", "vacancy",
                                        "job",      "opportunity", NULL};
    size_t s = *sp, e = *ep;
    trim_span(t, &s, &e);
    strip_brackets(t, &s, &e);
    for (int k = 0; seps[k]; k++) {
        size_t sl = strlen(seps[k]);
        for (size_t p = s; p + sl <= e; p++) {
            if (memcmp(t + p, seps[k], sl) != 0)
                continue;
            bool left = span_has_role(arena, t, s, p);
            bool right = span_has_role(arena, t, p + sl, e);
            if (left)
                e = p;
            else if (right)
                s = p + sl;
            trim_span(t, &s, &e);
            break;
        }
    }
    strip_brackets(t, &s, &e);
    /* A trailing "position" / "role" when words remain before it. */
    size_t w = e;
    while (w > s && !is_space_byte(t[w - 1]))
        w--;
    if (w > s) {
        for (int k = 0; tails[k]; k++) {
            if (img_text_ieq(t, w, e, tails[k])) {
                e = w;
                trim_span(t, &s, &e);
                break;
            }
        }
    }
    *sp = s;
    *ep = e;
}

static void set_title(img_analysis_t *a, size_t s, size_t e)
{
    clean_title(a->arena, a->job_doc.text, &s, &e);
    if (e > s)
        a->job.title = img_arena_strndup(a->arena, a->job_doc.text + s, e - s);
}

static bool tok_in(const char *t, const img_token_t *tk, const char *const *keys)
{
    char key[32];
    img_text_key(t, tk->start, tk->end, key, sizeof(key));
    for (int k = 0; keys[k]; k++)
        if (strcmp(key, keys[k]) == 0)
            return true;
    return false;
}

/* "looking for / seeking / hiring a(n) <role>" in text[start..end). */
static bool title_from_sentence(img_analysis_t *a, size_t start, size_t end)
{
    static const char *const cue1[] = {"seeking", "hiring", "recruiting", NULL};
    static const char *const cue_for[] = {"looking", "searching", NULL};
    static const char *const articles[] = {"a", "an", "our", "the", NULL};
    static const char *const adjectives[] = {"motivated",
                                             "talented",
                                             "experienced",
                                             "passionate",
                                             "skilled",
                                             "driven",
                                             "dedicated",
                                             "dynamic",
                                             "enthusiastic",
                                             "selfmotivated",
                                             "resultsdriven",
                                             "highly",
                                             "strong",
                                             "exceptional",
                                             "creative",
                                             "detailoriented",
                                             "curious",
                                             "proactive",
                                             "handson",
                                             "great",
                                             "brilliant",
                                             "seasoned",
                                             "accomplished",
                                             "versatile",
                                             "ambitious",
                                             "energetic",
                                             "outstanding",
                                             "qualified",
                                             "new",
                                             "hardworking",
                                             NULL};
    static const char *const stops[] = {"to", "who",  "with",  "that",  "for",   "in",      "at",
                                        "on", "and",  "which", "whose", "based", "join",    "from",
                                        "as", "will", "ready", "able",  "eager", "willing", "whos",
                                        "is", "are",  "or",    NULL};
    const char *t = a->job_doc.text;
    img_token_t *toks;
    size_t n = img_text_tokenize(&a->job_doc, start, end, a->arena, &toks);
    for (size_t i = 0; i + 2 < n; i++) {
        size_t j;
        if (tok_in(t, &toks[i], cue1))
            j = i + 1;
        else if (tok_in(t, &toks[i], cue_for) &&
                 img_text_ieq(t, toks[i + 1].start, toks[i + 1].end, "for"))
            j = i + 2;
        else
            continue;
        if (j < n && tok_in(t, &toks[j], articles))
            j++;
        while (j < n && tok_in(t, &toks[j], adjectives))
            j++;
        size_t k = j;
        while (k < n && k - j < 7 && !(toks[k].flags & IMG_TOK_PUNCT) &&
               !tok_in(t, &toks[k], stops))
            k++;
        if (k == j)
            continue;
        size_t s = toks[j].start, e = toks[k - 1].end;
        if (!span_has_role(a->arena, t, s, e))
            continue;
        set_title(a, s, e);
        return a->job.title != NULL;
    }
    return false;
}

/* A line that reads as a title: short, not a sentence, not a heading. */
static bool title_like(img_analysis_t *a, const img_line_t *ln, bool need_role)
{
    const char *t = a->job_doc.text;
    if (ln->blank || ln->bullet)
        return false;
    char last = t[ln->end - 1];
    if (last == ':' || last == '.' || last == '!' || last == '?')
        return false;
    size_t nw = 0;
    char *norm = img_job_norm(a->arena, t, ln->start, ln->end, NULL);
    for (const char *p = norm; *p; p++)
        if (*p != ' ' && (p == norm || p[-1] == ' '))
            nw++;
    if (nw == 0 || nw > 12)
        return false;
    if (img_job_has_role_word(norm))
        return true;
    return !need_role && img_job_heading_kind(norm, NULL) < 0;
}

long img_job_title(img_analysis_t *a)
{
    static const char *const labels[] = {"job title", "title",    "position title",
                                         "position",  "role",     "job",
                                         "vacancy",   "job role", NULL};
    const img_doc_t *doc = &a->job_doc;
    const char *t = doc->text;
    long first = -1, second = -1;
    int seen = 0;
    for (size_t i = 0; i < doc->n_lines && seen < 6; i++) {
        const img_line_t *ln = &doc->lines[i];
        if (ln->blank)
            continue;
        seen++;
        if (first < 0)
            first = (long)i;
        else if (second < 0)
            second = (long)i;
        const char *colon = memchr(t + ln->start, ':', ln->end - ln->start);
        if (!colon)
            continue;
        size_t c = (size_t)(colon - t);
        char *label = img_job_norm(a->arena, t, ln->start, c, NULL);
        bool hit = false;
        for (int k = 0; labels[k] && !hit; k++)
            hit = strcmp(label, labels[k]) == 0;
        if (hit && c + 1 < ln->end) {
            set_title(a, c + 1, ln->end);
            if (a->job.title)
                return (long)i;
        }
    }
    if (first < 0)
        return -1;
    /* A company name line above the title: prefer the line with a role word. */
    if (title_like(a, &doc->lines[first], true)) {
        set_title(a, doc->lines[first].start, doc->lines[first].end);
        return first;
    }
    if (second >= 0 && title_like(a, &doc->lines[second], true) &&
        !title_like(a, &doc->lines[first], false)) {
        /* The first line is boilerplate ("Job description"); the second a title. */
        set_title(a, doc->lines[second].start, doc->lines[second].end);
        return second;
    }
    if (title_like(a, &doc->lines[first], false)) {
        set_title(a, doc->lines[first].start, doc->lines[first].end);
        return first;
    }
    /* The role named in an opening sentence. */
    seen = 0;
    for (size_t i = (size_t)first; i < doc->n_lines && seen < 4; i++) {
        const img_line_t *ln = &doc->lines[i];
        if (ln->blank)
            continue;
        seen++;
        if (title_from_sentence(a, ln->start, ln->end))
            return -1;
    }
    return -1;
}

const char *img_job_seniority(const char *title_norm, int years)
{
    if (title_norm) {
        pthread_once(&tabs_once, tabs_build);
        /* The first-listed level found; "lead generation" blocks "lead" only
         * where it stands, so look again past it. */
        char *p = (char *)title_norm;
        int i = img_job_ptab_find(&sen_tab, p);
        if (i >= 0 && !sen_pats[i].level) {
            long at = img_job_find(p, "lead generation");
            size_t cut = at >= 0 ? (size_t)at : 0;
            char buf[256];
            size_t n = strlen(p);
            if (n < sizeof(buf)) {
                memcpy(buf, p, n + 1);
                memset(buf + cut, 'x', 4); /* "xxxx generation" */
                i = img_job_ptab_find(&sen_tab, buf);
            }
        }
        if (i >= 0 && sen_pats[i].level)
            return sen_pats[i].level;
    }
    if (years >= 5)
        return "senior";
    if (years >= 3)
        return "mid";
    if (years >= 1)
        return "junior";
    return NULL;
}
