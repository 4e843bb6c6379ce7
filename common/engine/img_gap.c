/*
 * img_gap.c - matching the job's requirements against the resume.
 *
 * Each requirement is judged on up to three parts, each worth 1 (met), 0.5
 * (partial) or 0 (missing):
 *   skills     every alternative group of requirement.skills (see groups):
 *              1 if the resume has one of its skills (0.5 when the skill was
 *              only inferred, without evidence), 0.5 if it has a related
 *              skill (img_tax_related), else 0; the part is their mean;
 *   years      months of the named skills (else the union of all experience
 *              months, else an "N years of experience" claim) against the
 *              years asked: >= asked 1, >= 60% 0.5;
 *   education  the highest degree in the education section against the
 *              lowest one the job accepts; no education section: 0.5.
 * All parts 1 -> met, all 0 -> missing, else partial. A requirement with
 * none of them falls back to the overlap of its content words (lightly
 * stemmed) with the resume: >= 2/3 met, >= 1/3 partial.
 *
 * Weights: must 2.0, nice 1.0. match_score = round(100 * sum(w * v) / sum(w));
 * with no requirements, the job.skills coverage (high 2.0, medium 1.0).
 * missing_must / missing_nice list missing skill names in order (an
 * alternative group with nothing present as "A or B"), or the requirement's
 * text cut to about 60 characters when what is short is years, a degree or
 * uncatalogued words.
 */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "img_job.h"
#include "img_job_int.h"
#include "img_resume.h"
#include "img_skills.h"

#define W_MUST 2.0
#define W_NICE 1.0
#define MAX_EVIDENCE 3

static char *norm_cstr(img_arena_t *arena, const char *s)
{
    return img_job_norm(arena, s, 0, strlen(s), NULL);
}

static double status_value(img_match_t m)
{
    return m == IMG_MATCH_MET ? 1.0 : m == IMG_MATCH_PARTIAL ? 0.5 : 0.0;
}

/* ---- experience length ---- */

static int ym_index(img_ym_t ym, bool end)
{
    return ym.year * 12 + (ym.month ? ym.month - 1 : (end ? 11 : 0));
}

int img_gap_total_months(const img_analysis_t *a)
{
    int s[64], e[64];
    size_t n = 0;
    int loose = 0;
    int now = a->opts.as_of.year ? ym_index(a->opts.as_of, true) : 0;
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        if (!x->start.year) {
            loose += x->months > 0 ? x->months : 0;
            continue;
        }
        int from = ym_index(x->start, false), to;
        if (x->end.year)
            to = ym_index(x->end, true);
        else if (x->current && now)
            to = now;
        else
            to = from + (x->months > 0 ? x->months - 1 : 0);
        if (now && to > now)
            to = now;
        if (to < from || n == 64)
            continue;
        /* insertion by start */
        size_t k = n++;
        while (k > 0 && s[k - 1] > from) {
            s[k] = s[k - 1];
            e[k] = e[k - 1];
            k--;
        }
        s[k] = from;
        e[k] = to;
    }
    int total = 0;
    for (size_t i = 0; i < n;) {
        int from = s[i], to = e[i];
        size_t j = i + 1;
        while (j < n && s[j] <= to + 1) {
            if (e[j] > to)
                to = e[j];
            j++;
        }
        total += to - from + 1;
        i = j;
    }
    return total + loose;
}

/* ---- the gap context ---- */

typedef struct rtok {
    uint32_t hash;
    uint32_t line;
} rtok_t;

typedef struct title_words {
    uint32_t h[12];
    size_t n;
    size_t s, e; /* the entry's first line in the resume */
} title_words_t;

typedef struct gctx {
    img_analysis_t *a;
    int months;      /* union of experience months; 0 unknown */
    int claim_years; /* "8 years of experience" stated in the resume */
    size_t claim_start, claim_end;
    bool edu_done;
    int edu_level;             /* highest degree seen; 0 none */
    bool edu_section;          /* the resume has an education section */
    size_t edu_start, edu_end; /* the line that shows it */
    const char *edu_norm;      /* normalised education text (fields of study) */
    bool edu_unknown;          /* the last education judgement had nothing to go on */
    bool titles_done;
    title_words_t *titles; /* content words of experience titles */
    size_t ntitles;
    bool words_done;
    rtok_t *rt;
    size_t nrt;
} gctx_t;

static void find_claim(gctx_t *g)
{
    const img_doc_t *doc = &g->a->resume;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const img_line_t *ln = &doc->lines[i];
        if (ln->blank)
            continue;
        char *norm = img_job_norm(g->a->arena, doc->text, ln->start, ln->end, NULL);
        if (img_job_find(norm, "experience*") < 0)
            continue;
        int y = img_job_years(norm);
        if (y > g->claim_years) {
            g->claim_years = y;
            g->claim_start = ln->start;
            g->claim_end = ln->end;
        }
    }
}

static void scan_degrees(gctx_t *g, size_t from_line, size_t to_line, bool loose)
{
    const img_doc_t *doc = &g->a->resume;
    for (size_t i = from_line; i < to_line && i < doc->n_lines; i++) {
        const img_line_t *ln = &doc->lines[i];
        if (ln->blank)
            continue;
        char *norm = img_job_norm(g->a->arena, doc->text, ln->start, ln->end, NULL);
        int hi = 0;
        if (img_job_degree(norm, loose, NULL, &hi) && hi > g->edu_level) {
            g->edu_level = hi;
            g->edu_start = ln->start;
            g->edu_end = ln->end;
        }
    }
}

static void find_education(gctx_t *g)
{
    if (g->edu_done)
        return;
    g->edu_done = true;
    const img_analysis_t *a = g->a;
    size_t total = 0;
    for (size_t i = 0; i < a->sections.n; i++) {
        const img_section_t *s = &a->sections.v[i];
        if (s->kind != IMG_SEC_EDUCATION)
            continue;
        g->edu_section = true;
        scan_degrees(g, s->first_line, s->end_line, true);
        total += s->end - s->start + 1;
    }
    if (!g->edu_section)
        scan_degrees(g, 0, a->resume.n_lines, false);
    /* The text where fields of study are named. */
    char *buf = img_arena_alloc(g->a->arena, total + 1);
    size_t n = 0;
    for (size_t i = 0; i < a->sections.n; i++) {
        const img_section_t *s = &a->sections.v[i];
        if (s->kind != IMG_SEC_EDUCATION)
            continue;
        size_t len;
        char *norm = img_job_norm(g->a->arena, a->resume.text, s->start, s->end, &len);
        memcpy(buf + n, norm, len);
        n += len;
        buf[n++] = ' ';
    }
    if (!g->edu_section && g->edu_level)
        buf = img_job_norm(g->a->arena, a->resume.text, g->edu_start, g->edu_end, &n);
    else
        buf[n ? n - 1 : 0] = '\0';
    g->edu_norm = buf;
}

/* ---- word overlap (requirements the taxonomy cannot read) ---- */

static const char *const stop_words[] = {"a",
                                         "an",
                                         "the",
                                         "and",
                                         "or",
                                         "of",
                                         "in",
                                         "on",
                                         "for",
                                         "to",
                                         "with",
                                         "at",
                                         "by",
                                         "from",
                                         "as",
                                         "is",
                                         "are",
                                         "be",
                                         "will",
                                         "our",
                                         "your",
                                         "you",
                                         "we",
                                         "their",
                                         "this",
                                         "that",
                                         "these",
                                         "those",
                                         "it",
                                         "its",
                                         "etc",
                                         "e",
                                         "g",
                                         "i",
                                         "including",
                                         "within",
                                         "using",
                                         "use",
                                         "such",
                                         "plus",
                                         "other",
                                         "related",
                                         "similar",
                                         "equivalent",
                                         "strong",
                                         "excellent",
                                         "good",
                                         "solid",
                                         "proven",
                                         "demonstrated",
                                         "deep",
                                         "sound",
                                         "great",
                                         "working",
                                         "hands",
                                         "experience",
                                         "experienced",
                                         "knowledge",
                                         "understanding",
                                         "ability",
                                         "able",
                                         "skills",
                                         "skill",
                                         "proficiency",
                                         "proficient",
                                         "familiarity",
                                         "familiar",
                                         "years",
                                         "year",
                                         "yrs",
                                         "required",
                                         "preferred",
                                         "must",
                                         "have",
                                         "has",
                                         "having",
                                         "level",
                                         "least",
                                         "minimum",
                                         "ideally",
                                         "nice",
                                         "bonus",
                                         "expertise",
                                         "expert",
                                         "background",
                                         "track",
                                         "record",
                                         "can",
                                         "into",
                                         "across",
                                         "like",
                                         "who",
                                         "all",
                                         "any",
                                         "both",
                                         "well",
                                         "highly",
                                         "very",
                                         "more",
                                         "new",
                                         "work",
                                         "ideal",
                                         "candidate",
                                         "should",
                                         "would",
                                         "also",
                                         "not",
                                         "but",
                                         NULL};

static img_job_ptab_t stop_tab;
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void stop_build(void)
{
    size_t n = 0;
    while (stop_words[n])
        n++;
    img_job_ptab_build(&stop_tab, stop_words, sizeof(stop_words[0]), n);
}

static bool stop_word(const char *w, size_t l)
{
    pthread_once(&stop_once, stop_build);
    return img_job_ptab_word(&stop_tab, w, l);
}

/* Light stemming, then a hash: "deploying", "deployed", "deploys" -> "deploy";
 * "developer", "development" -> "develop"; "engineering" -> "engin". */
static uint32_t stem_hash(const char *w, size_t l)
{
    if (l > 5 && memcmp(w + l - 3, "ing", 3) == 0)
        l -= 3;
    else if (l > 4 && memcmp(w + l - 3, "ies", 3) == 0)
        l -= 2;
    else if (l > 4 && memcmp(w + l - 2, "ed", 2) == 0)
        l -= 2;
    else if (l > 3 && w[l - 1] == 's' && w[l - 2] != 's')
        l -= 1;
    if (l > 6 && memcmp(w + l - 4, "ment", 4) == 0)
        l -= 4;
    else if (l > 5 && memcmp(w + l - 2, "er", 2) == 0)
        l -= 2;
    if (l > 3 && (w[l - 1] == 'y' || w[l - 1] == 'i' || w[l - 1] == 'e'))
        l -= 1;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < l; i++)
        h = (h ^ (unsigned char)w[i]) * 16777619u;
    return h ? h : 1;
}

/* Stem hashes of the content words of normalised text; returns the count. */
static size_t content_hashes(const char *norm, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (const char *p = norm; *p && n < max;) {
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t l = (size_t)(p - w);
        if (*p)
            p++;
        if (!l || stop_word(w, l) || isdigit((unsigned char)w[0]))
            continue;
        uint32_t h = stem_hash(w, l);
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = out[k] == h;
        if (!dup)
            out[n++] = h;
    }
    return n;
}

/* ---- experience titles as evidence of a discipline ---- */

static void build_titles(gctx_t *g)
{
    if (g->titles_done)
        return;
    g->titles_done = true;
    img_analysis_t *a = g->a;
    g->titles = img_arena_alloc(a->arena, (a->experiences.n + 1) * sizeof(*g->titles));
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        if (!x->title)
            continue;
        title_words_t *tw = &g->titles[g->ntitles];
        tw->n = content_hashes(norm_cstr(a->arena, x->title), tw->h, 12);
        if (!tw->n)
            continue;
        const img_line_t *ln = &a->resume.lines[img_doc_line_at(&a->resume, x->span_start)];
        tw->s = ln->start;
        tw->e = ln->end;
        g->ntitles++;
    }
}

/* True if every content word of the skill's name is in one experience title
 * ("Software Engineering" in "Senior Software Engineer at TechCorp"). */
static bool title_match(gctx_t *g, int id, size_t *s, size_t *e)
{
    const img_tax_skill_t *ts = img_tax_get(g->a->tax, id);
    if (!ts || !ts->name)
        return false;
    build_titles(g);
    if (!g->ntitles)
        return false;
    uint32_t want[8];
    size_t nw = content_hashes(norm_cstr(g->a->arena, ts->name), want, 8);
    if (!nw)
        return false;
    for (size_t t = 0; t < g->ntitles; t++) {
        size_t hit = 0;
        for (size_t k = 0; k < nw; k++)
            for (size_t q = 0; q < g->titles[t].n; q++)
                if (g->titles[t].h[q] == want[k]) {
                    hit++;
                    break;
                }
        if (hit == nw) {
            *s = g->titles[t].s;
            *e = g->titles[t].e;
            return true;
        }
    }
    return false;
}

static bool word_byte(unsigned char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch >= 0x80;
}

static void build_words(gctx_t *g)
{
    if (g->words_done)
        return;
    g->words_done = true;
    const img_doc_t *doc = &g->a->resume;
    const char *t = doc->text;
    /* Words: runs of ASCII letters and digits (and any non-ASCII byte); at
     * most one word per two bytes. */
    g->rt = img_arena_alloc(g->a->arena, (doc->len / 2 + 2) * sizeof(rtok_t));
    char buf[64];
    for (size_t li = 0; li < doc->n_lines; li++) {
        const img_line_t *ln = &doc->lines[li];
        size_t p = ln->start;
        while (p < ln->end) {
            if (!word_byte((unsigned char)t[p])) {
                p++;
                continue;
            }
            size_t l = 0;
            bool alpha = false;
            while (p < ln->end && word_byte((unsigned char)t[p])) {
                unsigned char ch = (unsigned char)t[p++];
                alpha |= ch < '0' || ch > '9';
                if (ch >= 'A' && ch <= 'Z')
                    ch = (unsigned char)(ch - 'A' + 'a');
                if (l < sizeof(buf))
                    buf[l++] = (char)ch;
            }
            if (!alpha || stop_word(buf, l))
                continue;
            g->rt[g->nrt].hash = stem_hash(buf, l);
            g->rt[g->nrt].line = (uint32_t)li;
            g->nrt++;
        }
    }
}

static const char *section_at(const img_analysis_t *a, size_t pos);

/* The words of a skill, its canonical name or the way the job wrote it,
 * all in one resume line ("incident management" in "Managed production
 * incidents"): only for names of two content words or more, since single
 * words are the extractor's business (with its ambiguity guards). */
static bool line_match(gctx_t *g, const img_requirement_t *r, int id, size_t *s, size_t *e)
{
    img_analysis_t *a = g->a;
    const char *cands[2] = {NULL, NULL};
    const img_tax_skill_t *ts = img_tax_get(a->tax, id);
    if (ts && ts->name)
        cands[0] = norm_cstr(a->arena, ts->name);
    for (size_t i = 0; i < a->job.skills.n && !cands[1]; i++) {
        const img_skill_t *k = &a->job.skills.v[i];
        if (k->tax_id != id)
            continue;
        for (size_t v = 0; v < k->evidence.n; v++)
            if (k->evidence.v[v].start >= r->start && k->evidence.v[v].end <= r->end) {
                cands[1] = img_job_norm(a->arena, a->job_doc.text, k->evidence.v[v].start,
                                        k->evidence.v[v].end, NULL);
                break;
            }
    }
    for (int c = 0; c < 2; c++) {
        if (!cands[c])
            continue;
        uint32_t want[8];
        size_t nw = content_hashes(cands[c], want, 8);
        if (nw < 2)
            continue;
        build_words(g);
        uint32_t full = (1u << nw) - 1, mask = 0;
        uint32_t line = UINT32_MAX;
        for (size_t i = 0; i <= g->nrt; i++) {
            if (i == g->nrt || g->rt[i].line != line) {
                if (mask == full && line != UINT32_MAX) {
                    const img_line_t *ln = &a->resume.lines[line];
                    *s = ln->start;
                    *e = ln->end;
                    return true;
                }
                if (i == g->nrt)
                    break;
                line = g->rt[i].line;
                mask = 0;
            }
            for (size_t k = 0; k < nw; k++)
                if (g->rt[i].hash == want[k])
                    mask |= 1u << k;
        }
    }
    return false;
}

static void push_evidence(img_req_result_t *res, img_arena_t *arena, const char *section, size_t s,
                          size_t e)
{
    if (res->evidence.n >= MAX_EVIDENCE || e <= s)
        return;
    for (size_t i = 0; i < res->evidence.n; i++)
        if (res->evidence.v[i].start == s && res->evidence.v[i].end == e)
            return;
    img_evidence_t *ev = IMG_VEC_PUSH(arena, &res->evidence);
    ev->section = section;
    ev->start = s;
    ev->end = e;
}

static const char *section_at(const img_analysis_t *a, size_t pos)
{
    /* forward-declared above line_match */
    img_section_kind_t k = img_resume_section_at(a, pos);
    return img_section_name(k);
}

/* Coverage of the requirement's content words by the resume. */
static img_match_t word_overlap(gctx_t *g, const img_requirement_t *r, img_req_result_t *res)
{
    img_analysis_t *a = g->a;
    char *norm = img_job_norm(a->arena, a->job_doc.text, r->start, r->end, NULL);
    uint32_t want[32];
    size_t nw = content_hashes(norm, want, 32);
    if (!nw)
        return IMG_MATCH_MISSING;
    build_words(g);
    uint32_t found = 0;
    size_t nl = a->resume.n_lines;
    uint32_t *line_mask = img_arena_alloc(a->arena, (nl + 1) * sizeof(uint32_t));
    for (size_t i = 0; i < g->nrt; i++) {
        for (size_t k = 0; k < nw; k++) {
            if (g->rt[i].hash == want[k]) {
                found |= 1u << k;
                line_mask[g->rt[i].line] |= 1u << k;
            }
        }
    }
    int hits = __builtin_popcount(found);
    /* Evidence: the lines sharing the most words, best first. */
    for (int round = 0; round < MAX_EVIDENCE; round++) {
        int best = 0;
        size_t bl = 0;
        for (size_t i = 0; i < nl; i++) {
            int c = __builtin_popcount(line_mask[i]);
            if (c > best)
                best = c, bl = i;
        }
        if (best < (nw >= 2 ? 2 : 1))
            break;
        const img_line_t *ln = &a->resume.lines[bl];
        push_evidence(res, a->arena, section_at(a, ln->start), ln->start, ln->end);
        line_mask[bl] = 0;
    }
    res->note = img_arena_printf(a->arena, "%d of %zu key words found in the resume", hits, nw);
    double cov = (double)hits / (double)nw;
    return cov >= 0.66 ? IMG_MATCH_MET : cov >= 0.33 ? IMG_MATCH_PARTIAL : IMG_MATCH_MISSING;
}

/* ---- one requirement ---- */

/* The resume skill with the given taxonomy id that counts, or NULL. */
static const img_skill_t *have_skill(const img_analysis_t *a, int id)
{
    int idx = img_skills_find(a, id);
    return idx >= 0 ? &a->skills.v[idx] : NULL;
}

static const img_skill_t *related_skill(const img_analysis_t *a, int id)
{
    for (size_t i = 0; i < a->skills.n; i++) {
        int other = a->skills.v[i].tax_id;
        if (other >= 0 && other != id && img_tax_related(a->tax, id, other))
            return &a->skills.v[i];
    }
    return NULL;
}

static int group_of(const img_requirement_t *r, size_t k)
{
    if (r->groups.n == r->skills.n)
        return r->groups.v[k];
    return r->any_of ? 0 : (int)k;
}

static void add_skill_evidence(img_req_result_t *res, img_arena_t *arena, const img_skill_t *s,
                               size_t nth)
{
    if (s && nth < s->evidence.n)
        push_evidence(res, arena, s->evidence.v[nth].section, s->evidence.v[nth].start,
                      s->evidence.v[nth].end);
}

/* Judges the skills part; returns its value in 0..1 or -1 when there are no skills. */
static double judge_skills(gctx_t *g, const img_requirement_t *r, img_req_result_t *res,
                           const char **note)
{
    img_analysis_t *a = g->a;
    if (!r->skills.n)
        return -1;
    double sum = 0;
    int units = 0, met_units = 0;
    const img_skill_t *shown[16];
    size_t nshown = 0;
    for (size_t k = 0; k < r->skills.n; k++) {
        int grp = group_of(r, k);
        bool first = true;
        for (size_t q = 0; q < k && first; q++)
            first = group_of(r, q) != grp;
        if (!first)
            continue;
        double best = 0;
        const img_skill_t *hit = NULL, *rel = NULL;
        const char *hit_name = NULL;
        int rel_for = -1;
        size_t members = 0;
        for (size_t q = k; q < r->skills.n; q++) {
            if (group_of(r, q) != grp)
                continue;
            members++;
            int id = r->skills.v[q];
            const img_skill_t *s = have_skill(a, id);
            double v;
            size_t ts, te;
            if (s) {
                v = (s->evidence.n || s->from_input) ? 1.0 : 0.5;
            } else if (title_match(g, id, &ts, &te)) {
                /* Not in the inventory, but the job title names it. */
                v = 1.0;
                push_evidence(res, a->arena, "experience", ts, te);
            } else if (line_match(g, r, id, &ts, &te)) {
                v = 1.0;
                push_evidence(res, a->arena, section_at(a, ts), ts, te);
            } else {
                continue;
            }
            if (v > best)
                best = v, hit = s, hit_name = s ? s->name : img_job_skill_name(a, id);
            *IMG_VEC_PUSH(a->arena, &res->matched) = id;
        }
        if (best < 1.0) {
            for (size_t q = k; q < r->skills.n && !rel; q++) {
                if (group_of(r, q) != grp || have_skill(a, r->skills.v[q]))
                    continue;
                rel = related_skill(a, r->skills.v[q]);
                rel_for = r->skills.v[q];
            }
            if (!hit_name && rel) {
                best = 0.5;
                *IMG_VEC_PUSH(a->arena, &res->matched) = rel->tax_id;
                if (!*note)
                    *note = img_arena_printf(a->arena, "%s is related to %s", rel->name,
                                             img_job_skill_name(a, rel_for));
            }
            for (size_t q = k; q < r->skills.n && !hit_name; q++)
                if (group_of(r, q) == grp)
                    *IMG_VEC_PUSH(a->arena, &res->missing) = r->skills.v[q];
        }
        if (hit && nshown < 16)
            shown[nshown++] = hit;
        else if (!hit_name && rel && nshown < 16)
            shown[nshown++] = rel;
        if (hit_name && best >= 1.0 && members > 1 && !*note) {
            char list[200];
            size_t o = 0;
            size_t left = members;
            for (size_t q = k; q < r->skills.n && o < sizeof(list); q++) {
                if (group_of(r, q) != grp)
                    continue;
                left--;
                o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s",
                                      img_job_skill_name(a, r->skills.v[q]),
                                      left == 0   ? ""
                                      : left == 1 ? " or "
                                                  : ", ");
            }
            *note = img_arena_printf(a->arena, "%s satisfies %s", hit_name, list);
        }
        sum += best;
        units++;
        met_units += best >= 1.0;
    }
    if (!*note && units > 1 && sum > 0 && sum < units)
        *note = img_arena_printf(a->arena, "%d of %d skills found", met_units, units);
    /* Evidence round-robin over the skills shown. */
    for (size_t nth = 0; nth < MAX_EVIDENCE; nth++)
        for (size_t i = 0; i < nshown; i++)
            add_skill_evidence(res, a->arena, shown[i], nth);
    return units ? sum / units : -1;
}

static double judge_years(gctx_t *g, const img_requirement_t *r, img_req_result_t *res,
                          const char **note)
{
    img_analysis_t *a = g->a;
    int have = 0;
    for (size_t k = 0; k < r->skills.n; k++) {
        const img_skill_t *s = have_skill(a, r->skills.v[k]);
        if (s && s->months > have)
            have = s->months;
    }
    if (have <= 0)
        have = g->months;
    if (have <= 0 && g->claim_years > 0) {
        have = g->claim_years * 12;
        push_evidence(res, a->arena, section_at(a, g->claim_start), g->claim_start, g->claim_end);
    } else if (have > 0) {
        /* The latest experience entry's first line shows the dates. */
        const img_experience_t *best = NULL;
        for (size_t i = 0; i < a->experiences.n; i++) {
            const img_experience_t *x = &a->experiences.v[i];
            if (!best)
                best = x;
            else if (!best->current && (x->current || img_ym_cmp(x->end, best->end) > 0))
                best = x;
        }
        if (best && best->span_end > best->span_start) {
            size_t li = img_doc_line_at(&a->resume, best->span_start);
            const img_line_t *ln = &a->resume.lines[li];
            push_evidence(res, a->arena, "experience", ln->start, ln->end);
        }
    }
    int need = r->years * 12;
    if (have <= 0) {
        *note =
            img_arena_printf(a->arena, "no dated experience to compare with %d+ years", r->years);
        return 0.0;
    }
    double v = have >= need ? 1.0 : have >= 0.6 * need ? 0.5 : 0.0;
    *note = img_arena_printf(a->arena, "about %.1f years of experience against %d+ asked",
                             have / 12.0, r->years);
    return v;
}

static double judge_education(gctx_t *g, const img_requirement_t *r, img_req_result_t *res,
                              const char *norm, const char **note)
{
    img_analysis_t *a = g->a;
    find_education(g);
    int need = 0;
    img_job_degree(norm, false, &need, NULL);
    if (!g->edu_level) {
        if (!g->edu_section) {
            g->edu_unknown = true;
            *note = "no education section to check the degree against";
            return 0.5;
        }
        *note = "no degree found in the education section";
        return 0.0;
    }
    push_evidence(res, a->arena, g->edu_section ? "education" : section_at(a, g->edu_start),
                  g->edu_start, g->edu_end);
    if (g->edu_level < need) {
        *note =
            img_arena_printf(a->arena, "%s found, %s asked",
                             img_job_degree_name(g->edu_level) ? img_job_degree_name(g->edu_level)
                                                               : "a lower degree",
                             img_job_degree_name(need) ? img_job_degree_name(need) : "degree");
        return 0.5;
    }
    /* Fields of study: met only if one is named, unless "or related / equivalent". */
    bool lenient = img_job_find(norm, "related") >= 0 || img_job_find(norm, "equivalent") >= 0 ||
                   img_job_find(norm, "similar") >= 0;
    if (r->skills.n && !lenient) {
        bool field = false;
        for (size_t k = 0; k < r->skills.n && !field; k++) {
            const char *name = img_job_skill_name(a, r->skills.v[k]);
            char *fn = img_job_norm(a->arena, name, 0, strlen(name), NULL);
            field = have_skill(a, r->skills.v[k]) || (*fn && img_job_find(g->edu_norm, fn) >= 0);
        }
        if (!field) {
            *note = "degree found, in another field";
            return 0.5;
        }
    }
    if (!*note)
        *note = "degree found in the resume";
    return 1.0;
}

/* *unknown is set when the only shortfall is a degree that the resume
 * cannot show either way (no education section): partial, but not a gap. */
static img_match_t judge(gctx_t *g, const img_requirement_t *r, img_req_result_t *res,
                         bool *unknown)
{
    img_analysis_t *a = g->a;
    char *norm = img_job_norm(a->arena, a->job_doc.text, r->start, r->end, NULL);
    double parts[3];
    int np = 0;
    const char *snote = NULL, *ynote = NULL, *enote = NULL;
    *unknown = false;
    g->edu_unknown = false;
    if (r->education) {
        parts[np++] = judge_education(g, r, res, norm, &enote);
        *unknown = g->edu_unknown;
    } else {
        double sv = judge_skills(g, r, res, &snote);
        if (sv >= 0)
            parts[np++] = sv;
    }
    if (r->years > 0)
        parts[np++] = judge_years(g, r, res, &ynote);
    if (!np)
        return word_overlap(g, r, res);
    bool all1 = true, all0 = true;
    for (int i = 0; i < np; i++) {
        all1 &= parts[i] >= 1.0;
        all0 &= parts[i] <= 0.0;
        if (i > 0 && parts[i] < 1.0)
            *unknown = false;
    }
    /* The most telling phrase: a shortfall first. */
    if (ynote && r->years && !all1 && parts[np - 1] < 1.0)
        res->note = ynote;
    else if (enote)
        res->note = enote;
    else if (snote)
        res->note = snote;
    else
        res->note = ynote;
    return all1 ? IMG_MATCH_MET : all0 ? IMG_MATCH_MISSING : IMG_MATCH_PARTIAL;
}

/* ---- missing lists ---- */

static void push_name(img_arena_t *arena, void *vecp, const char *name)
{
    IMG_VEC(const char *) *vec = vecp;
    for (size_t i = 0; i < vec->n; i++)
        if (strcmp(vec->v[i], name) == 0)
            return;
    *IMG_VEC_PUSH(arena, vec) = name;
}

const char *img_gap_short_text(img_arena_t *arena, const char *text, size_t start, size_t end)
{
    size_t e = end;
    while (e > start && (text[e - 1] == '.' || text[e - 1] == ' ' || text[e - 1] == ';'))
        e--;
    if (e - start > 60) {
        size_t cut = start + 60;
        while (cut > start + 20 && text[cut] != ' ')
            cut--;
        if (cut <= start + 20)
            cut = start + 60;
        while (cut > start && (text[cut - 1] & 0xC0) == 0x80 && cut < end)
            cut--; /* not inside a UTF-8 sequence */
        while (cut > start && (text[cut - 1] == ',' || text[cut - 1] == ' '))
            cut--;
        return img_arena_printf(arena, "%.*s...", (int)(cut - start), text + start);
    }
    return img_arena_strndup(arena, text + start, e - start);
}

static void list_missing(img_analysis_t *a, const img_requirement_t *r, const img_req_result_t *res,
                         bool unknown)
{
    void *vec =
        r->kind == IMG_REQ_MUST ? (void *)&a->gap.missing_must : (void *)&a->gap.missing_nice;
    if (res->status == IMG_MATCH_MET || unknown)
        return;
    bool named = false;
    /* "5+ years of Python" says more than "Python" when years were asked. */
    if (!r->education && !r->years) {
        for (size_t k = 0; k < r->skills.n; k++) {
            int grp = group_of(r, k);
            bool first = true;
            for (size_t q = 0; q < k && first; q++)
                first = group_of(r, q) != grp;
            if (!first)
                continue;
            /* Is the whole group absent? */
            size_t members = 0, absent = 0;
            for (size_t q = k; q < r->skills.n; q++) {
                if (group_of(r, q) != grp)
                    continue;
                members++;
                for (size_t m = 0; m < res->missing.n; m++)
                    if (res->missing.v[m] == r->skills.v[q]) {
                        absent++;
                        break;
                    }
            }
            if (!members || absent < members)
                continue;
            char buf[256];
            size_t o = 0, left = members;
            for (size_t q = k; q < r->skills.n && o < sizeof(buf); q++) {
                if (group_of(r, q) != grp)
                    continue;
                left--;
                o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s",
                                      img_job_skill_name(a, r->skills.v[q]), left ? " or " : "");
            }
            push_name(a->arena, vec,
                      members == 1 ? img_job_skill_name(a, r->skills.v[k])
                                   : img_arena_strdup(a->arena, buf));
            named = true;
        }
    }
    if (!named)
        push_name(a->arena, vec, img_gap_short_text(a->arena, a->job_doc.text, r->start, r->end));
}

/* ---- score without requirements ---- */

static int skills_coverage(const img_analysis_t *a)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < a->job.skills.n; i++) {
        const img_skill_t *k = &a->job.skills.v[i];
        if (k->tax_id < 0)
            continue;
        double w = k->confidence == IMG_CONF_HIGH ? W_MUST : W_NICE;
        den += w;
        if (have_skill(a, k->tax_id))
            num += w;
        else if (related_skill(a, k->tax_id))
            num += 0.5 * w;
    }
    return den > 0 ? (int)lround(100.0 * num / den) : 0;
}

void img_gap_analyze(img_analysis_t *analysis)
{
    img_analysis_t *a = analysis;
    gctx_t g;
    memset(&g, 0, sizeof(g));
    g.a = a;
    g.months = img_gap_total_months(a);
    if (g.months <= 0)
        find_claim(&g);
    memset(&a->gap, 0, sizeof(a->gap));
    double num = 0, den = 0;
    for (size_t i = 0; i < a->job.requirements.n; i++) {
        const img_requirement_t *r = &a->job.requirements.v[i];
        img_req_result_t *res = IMG_VEC_PUSH(a->arena, &a->gap.requirements);
        res->req = (int)i;
        res->weight = r->kind == IMG_REQ_MUST ? W_MUST : W_NICE;
        bool unknown;
        res->status = judge(&g, r, res, &unknown);
        num += res->weight * status_value(res->status);
        den += res->weight;
        list_missing(a, r, res, unknown);
    }
    int score = den > 0 ? (int)lround(100.0 * num / den) : skills_coverage(a);
    a->gap.match_score = score < 0 ? 0 : score > 100 ? 100 : score;
    a->gap.narrative = img_gap_narrative(a);
}
