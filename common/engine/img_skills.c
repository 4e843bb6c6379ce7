/*
 * img_skills.c - the resume's skill inventory: evidence, score, confidence,
 * months of use and last use; merging of upstream (extracted_skills) input.
 *
 * Score: the strongest kind of evidence sets the base (used in an experience
 * entry 0.75, in a project or volunteer entry 0.65, listed in a skills section
 * 0.55, mentioned elsewhere 0.35); more evidence, recent use and long use add
 * to it. Confidence buckets the score like upstream confidences:
 * >= opts.confidence_threshold high, >= 0.5 medium, else low.
 */
#include "img_skills.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "img_extract.h"

/* Kinds of evidence, weakest first. */
enum { EV_MENTION = 0, EV_LISTED, EV_PROJECT, EV_USED };

static const double EV_BASE[] = {0.35, 0.55, 0.65, 0.75};

/* Per-skill working state while the inventory is built. */
typedef struct acc {
    int strongest;
    int n_evidence;
    bool listed, used;
    IMG_VEC(int) exps; /* experiences that mention it */
} acc_t;

static img_confidence_t bucket(double v, double threshold)
{
    if (v >= threshold)
        return IMG_CONF_HIGH;
    if (v >= 0.5)
        return IMG_CONF_MEDIUM;
    return IMG_CONF_LOW;
}

static double threshold_of(const img_analysis_t *a)
{
    return a->opts.confidence_threshold > 0 ? a->opts.confidence_threshold : 0.7;
}

/* Evidence section name and kind of a resume section. */
static void section_kind(img_section_kind_t k, const char **name, int *ev, unsigned *flags)
{
    *flags = 0;
    switch (k) {
    case IMG_SEC_EXPERIENCE:
        *name = "experience", *ev = EV_USED;
        break;
    case IMG_SEC_PROJECTS:
        *name = "projects", *ev = EV_PROJECT;
        break;
    case IMG_SEC_VOLUNTEER:
        *name = "other", *ev = EV_PROJECT;
        break;
    case IMG_SEC_SKILLS:
    case IMG_SEC_LANGUAGES:
        *name = "skills", *ev = EV_LISTED, *flags = IMG_EXTRACT_LIST;
        break;
    case IMG_SEC_SUMMARY:
        *name = "summary", *ev = EV_MENTION;
        break;
    case IMG_SEC_EDUCATION:
        *name = "education", *ev = EV_MENTION;
        break;
    case IMG_SEC_CERTIFICATIONS:
        *name = "certifications", *ev = EV_MENTION;
        break;
    default:
        *name = "other", *ev = EV_MENTION;
        break;
    }
}

/* The experience whose entry contains [start, end), or -1. */
static int experience_at(const img_analysis_t *a, size_t start, size_t end)
{
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *e = &a->experiences.v[i];
        if (start >= e->span_start && end <= e->span_end && e->span_end > e->span_start)
            return (int)i;
    }
    return -1;
}

/* Month index of a year-month; ends of year-only dates count to December. */
static int month_index(img_ym_t ym, bool is_end)
{
    int m = ym.month ? ym.month : (is_end ? 12 : 1);
    return ym.year * 12 + (m - 1);
}

static int iv_cmp(const void *x, const void *y)
{
    const int *a = x, *b = y;
    return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : (a[1] < b[1] ? -1 : a[1] > b[1]);
}

/* Months covered by the union of the experiences' periods (overlaps count
 * once); experiences without dates add their own months. Also sets the
 * latest end month. */
static int months_of(const img_analysis_t *a, const int *exps, size_t n, img_arena_t *arena,
                     img_ym_t *last)
{
    int(*iv)[2] = img_arena_alloc(arena, (n ? n : 1) * sizeof(*iv));
    size_t k = 0;
    int undated = 0;
    last->year = last->month = 0;
    for (size_t i = 0; i < n; i++) {
        const img_experience_t *e = &a->experiences.v[exps[i]];
        img_ym_t end = e->current || !e->end.year ? a->opts.as_of : e->end;
        if (!e->current && !e->end.year)
            end = e->start; /* a single dated month at most */
        if (end.year && (!last->year || img_ym_cmp(end, *last) > 0))
            *last = end;
        if (!e->start.year || !end.year) {
            undated += e->months > 0 ? e->months : 0;
            continue;
        }
        int s = month_index(e->start, false), t = month_index(end, true);
        if (t < s)
            continue;
        iv[k][0] = s, iv[k][1] = t, k++;
    }
    if (k > 1)
        qsort(iv, k, sizeof(*iv), iv_cmp);
    int total = 0, cs = 0, ce = -1;
    for (size_t i = 0; i < k; i++) {
        if (ce < 0 || iv[i][0] > ce + 1) {
            if (ce >= 0)
                total += ce - cs + 1;
            cs = iv[i][0], ce = iv[i][1];
        } else if (iv[i][1] > ce) {
            ce = iv[i][1];
        }
    }
    if (ce >= 0)
        total += ce - cs + 1;
    return total + undated;
}

static int skill_cmp(const void *x, const void *y)
{
    const img_skill_t *a = x, *b = y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    int c = strcasecmp(a->name ? a->name : "", b->name ? b->name : "");
    if (c)
        return c;
    return a->tax_id < b->tax_id ? -1 : a->tax_id > b->tax_id;
}

/* Sorts the inventory and rebuilds every experience's skills[] from the
 * taxonomy ids each one mentions (ids[i] for experience i). */
static void sort_and_link(img_analysis_t *a, int **ids, size_t *n_ids)
{
    if (a->skills.n > 1)
        qsort(a->skills.v, a->skills.n, sizeof(*a->skills.v), skill_cmp);
    for (size_t e = 0; e < a->experiences.n; e++) {
        img_experience_t *ex = &a->experiences.v[e];
        ex->skills.n = 0;
        for (size_t k = 0; ids && k < n_ids[e]; k++) {
            int idx = img_skills_find(a, ids[e][k]);
            if (idx >= 0)
                *IMG_VEC_PUSH(a->arena, &ex->skills) = idx;
        }
    }
}

static void add_evidence(img_analysis_t *a, img_skill_t *s, const char *section, size_t start,
                         size_t end)
{
    for (size_t i = 0; i < s->evidence.n; i++)
        if (s->evidence.v[i].start == start && s->evidence.v[i].end == end)
            return;
    img_evidence_t *ev = IMG_VEC_PUSH(a->arena, &s->evidence);
    ev->section = section;
    ev->start = start;
    ev->end = end;
}

void img_skills_build(img_analysis_t *a)
{
    if (!a || !a->tax || !a->resume.text)
        return;
    img_arena_t *arena = a->arena;
    IMG_VEC(acc_t) accs = {0};
    a->skills.n = 0;

    /* The regions to read: sections (the contact block holds no skills), or
     * the whole resume when there are none. */
    img_section_t whole = {.kind = IMG_SEC_NONE, .start = 0, .end = a->resume.len};
    const img_section_t *secs = a->sections.n ? a->sections.v : &whole;
    size_t n_secs = a->sections.n ? a->sections.n : 1;

    for (size_t si = 0; si < n_secs; si++) {
        const img_section_t *sec = &secs[si];
        if (sec->kind == IMG_SEC_CONTACT || sec->kind == IMG_SEC_REFERENCES ||
            sec->end <= sec->start)
            continue;
        const char *name;
        int ev;
        unsigned flags;
        section_kind(sec->kind, &name, &ev, &flags);
        img_mention_t *m;
        size_t nm =
            img_extract_mentions(a->tax, &a->resume, sec->start, sec->end, flags, arena, &m);
        for (size_t k = 0; k < nm; k++) {
            int idx = img_skills_find(a, m[k].skill);
            if (idx < 0) {
                const img_tax_skill_t *ts = img_tax_get(a->tax, m[k].skill);
                if (!ts)
                    continue;
                img_skill_t *s = IMG_VEC_PUSH(arena, &a->skills);
                s->tax_id = m[k].skill;
                s->name = ts->name;
                s->category = ts->category;
                IMG_VEC_PUSH(arena, &accs)->strongest = -1;
                idx = (int)a->skills.n - 1;
            }
            img_skill_t *s = &a->skills.v[idx];
            acc_t *acc = &accs.v[idx];
            int kind = ev;
            const char *sname = name;
            int exp = experience_at(a, m[k].start, m[k].end);
            if (exp >= 0) {
                /* An experience entry wherever the resume module found it. */
                kind = EV_USED;
                sname = "experience";
                bool seen = false;
                for (size_t q = 0; q < acc->exps.n; q++)
                    seen = seen || acc->exps.v[q] == exp;
                if (!seen)
                    *IMG_VEC_PUSH(arena, &acc->exps) = exp;
            }
            size_t before = s->evidence.n;
            add_evidence(a, s, sname, m[k].start, m[k].end);
            if (s->evidence.n == before)
                continue;
            acc->n_evidence++;
            if (kind > acc->strongest)
                acc->strongest = kind;
            acc->listed = acc->listed || kind == EV_LISTED;
            acc->used = acc->used || kind == EV_USED;
        }
    }

    /* Score, months, last use. */
    double th = threshold_of(a);
    for (size_t i = 0; i < a->skills.n; i++) {
        img_skill_t *s = &a->skills.v[i];
        acc_t *acc = &accs.v[i];
        double score = EV_BASE[acc->strongest < 0 ? 0 : acc->strongest];
        score += 0.05 * (acc->n_evidence > 3 ? 2 : acc->n_evidence > 1 ? 1 : 0);
        if (acc->listed && acc->used)
            score += 0.05;
        if (acc->exps.n) {
            s->months = months_of(a, acc->exps.v, acc->exps.n, arena, &s->last_used);
            if (s->months >= 36)
                score += 0.1;
            else if (s->months >= 12)
                score += 0.05;
            if (s->last_used.year && a->opts.as_of.year) {
                int ago = month_index(a->opts.as_of, true) - month_index(s->last_used, true);
                if (ago <= 12)
                    score += 0.05;
                else if (ago > 60)
                    score -= 0.1;
                else if (ago > 36)
                    score -= 0.05;
            }
        }
        s->score = score < 0 ? 0 : score > 1 ? 1 : score;
        s->confidence = bucket(s->score, th);
    }

    /* Each experience's skills, by taxonomy id (indices come after sorting). */
    size_t ne = a->experiences.n;
    int **ids = img_arena_alloc(arena, (ne ? ne : 1) * sizeof(*ids));
    size_t *n_ids = img_arena_alloc(arena, (ne ? ne : 1) * sizeof(*n_ids));
    for (size_t e = 0; e < ne; e++)
        ids[e] = img_arena_alloc(arena, (a->skills.n ? a->skills.n : 1) * sizeof(int));
    for (size_t i = 0; i < a->skills.n; i++)
        for (size_t q = 0; q < accs.v[i].exps.n; q++) {
            int e = accs.v[i].exps.v[q];
            ids[e][n_ids[e]++] = a->skills.v[i].tax_id;
        }
    sort_and_link(a, ids, n_ids);
}

/* Category of an upstream skill: its own when valid, else the taxonomy's,
 * else "hard". Accepts plurals and any case ("Tools"). */
static img_category_t input_category(const char *c, int fallback)
{
    char buf[32];
    size_t n = 0;
    for (; c && *c && n + 1 < sizeof(buf); c++)
        buf[n++] = (char)tolower((unsigned char)*c);
    buf[n] = '\0';
    int v = n ? img_category_parse(buf) : -1;
    if (v < 0 && n > 1 && buf[n - 1] == 's') {
        buf[n - 1] = '\0';
        v = img_category_parse(buf);
    }
    if (v < 0 && (!strcmp(buf, "technical") || !strcmp(buf, "technica")))
        v = IMG_CAT_HARD;
    if (v >= 0)
        return (img_category_t)v;
    return fallback >= 0 ? (img_category_t)fallback : IMG_CAT_HARD;
}

void img_skills_merge_input(img_analysis_t *a, const img_input_skill_t *in, size_t n)
{
    if (!a || !in || !n)
        return;
    double th = threshold_of(a);
    /* Remember each experience's skills by taxonomy id across the re-sort. */
    size_t ne = a->experiences.n;
    int **ids = img_arena_alloc(a->arena, (ne ? ne : 1) * sizeof(*ids));
    size_t *n_ids = img_arena_alloc(a->arena, (ne ? ne : 1) * sizeof(*n_ids));
    for (size_t e = 0; e < ne; e++) {
        const img_experience_t *ex = &a->experiences.v[e];
        ids[e] = img_arena_alloc(a->arena, (ex->skills.n ? ex->skills.n : 1) * sizeof(int));
        for (size_t k = 0; k < ex->skills.n; k++)
            if (ex->skills.v[k] >= 0 && (size_t)ex->skills.v[k] < a->skills.n)
                ids[e][n_ids[e]++] = a->skills.v[ex->skills.v[k]].tax_id;
    }

    for (size_t i = 0; i < n; i++) {
        const char *name = in[i].name;
        if (!name)
            continue;
        while (isspace((unsigned char)*name))
            name++;
        size_t len = strlen(name);
        while (len && isspace((unsigned char)name[len - 1]))
            len--;
        if (!len)
            continue;
        double conf = in[i].confidence;
        if (!(conf >= 0)) /* NaN too */
            conf = 0;
        if (conf > 1)
            conf = 1;
        int id = a->tax ? img_tax_find(a->tax, name, len) : -1;
        img_skill_t *s = NULL;
        if (id >= 0) {
            int idx = img_skills_find(a, id);
            s = idx >= 0 ? &a->skills.v[idx] : NULL;
        } else {
            for (size_t k = 0; k < a->skills.n && !s; k++)
                if (a->skills.v[k].tax_id < 0 && strlen(a->skills.v[k].name) == len &&
                    !strncasecmp(a->skills.v[k].name, name, len))
                    s = &a->skills.v[k];
        }
        if (!s) {
            const img_tax_skill_t *ts = id >= 0 ? img_tax_get(a->tax, id) : NULL;
            s = IMG_VEC_PUSH(a->arena, &a->skills);
            s->tax_id = ts ? id : -1;
            s->name = ts ? ts->name : img_arena_strndup(a->arena, name, len);
            s->category = input_category(in[i].category, ts ? (int)ts->category : -1);
            s->score = 0;
            s->confidence = IMG_CONF_LOW;
        }
        if (!s->from_input || conf > s->input_confidence)
            s->input_confidence = conf;
        s->from_input = true;
        /* The resume's own evidence wins when it says more. */
        if (conf > s->score)
            s->score = conf;
        img_confidence_t lvl = bucket(s->input_confidence, th);
        img_confidence_t own = bucket(s->score, th);
        s->confidence = lvl < own ? lvl : own;
    }
    sort_and_link(a, ids, n_ids);
}

int img_skills_find(const img_analysis_t *a, int tax_id)
{
    if (!a || tax_id < 0)
        return -1;
    for (size_t i = 0; i < a->skills.n; i++)
        if (a->skills.v[i].tax_id == tax_id)
            return (int)i;
    return -1;
}
