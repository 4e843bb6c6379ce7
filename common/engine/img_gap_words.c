/*
 * img_gap_words.c - the gap analysis' word-level evidence, for what the
 * taxonomy and the skill inventory do not settle:
 *   - an experience title naming a discipline ("Software Engineering" in
 *     "Senior Software Engineer");
 *   - the words of a multi-word skill together in one resume line
 *     ("incident management" in "Managed production incidents");
 *   - the overlap of a requirement's content words with the resume, for
 *     requirements with no skill, years or degree.
 * Words are lower-cased, stop words dropped, lightly stemmed and hashed.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "img_job_int.h"
#include "img_resume.h"

#define MAX_EVIDENCE 3

static char *norm_cstr(img_arena_t *arena, const char *s)
{
    return img_job_norm(arena, s, 0, strlen(s), NULL);
}

/* ---- words ---- */

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
/* Length of the stem of w[0..l). */
static size_t stem_len(const char *w, size_t l)
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
    return l;
}

static uint32_t stem_hash(const char *w, size_t l)
{
    l = stem_len(w, l);
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

/* Stems of the content words of normalised text into w/l; returns the count. */
static size_t content_stems(const char *norm, const char **w, unsigned char *l, size_t max)
{
    size_t n = 0;
    for (const char *p = norm; *p && n < max;) {
        const char *s = p;
        while (*p && *p != ' ')
            p++;
        size_t len = (size_t)(p - s);
        if (*p)
            p++;
        if (!len || len > 255 || stop_word(s, len) || isdigit((unsigned char)s[0]))
            continue;
        w[n] = s;
        l[n] = (unsigned char)stem_len(s, len);
        n++;
    }
    return n;
}

/* Same stem, or a shared start of five letters or more ("scienc" and
 * "scientist", "analytic" and "analyst"). */
static bool stem_like(const char *a, size_t al, const char *b, size_t bl)
{
    if (al == bl && memcmp(a, b, al) == 0)
        return true;
    size_t k = 0;
    while (k < al && k < bl && a[k] == b[k])
        k++;
    return k >= 5;
}

static void build_titles(img_gap_words_t *g)
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
        img_gap_title_t *tw = &g->titles[g->ntitles];
        tw->n = content_stems(norm_cstr(a->arena, x->title), tw->w, tw->l, 12);
        if (!tw->n)
            continue;
        const img_line_t *ln = &a->resume.lines[img_doc_line_at(&a->resume, x->span_start)];
        tw->s = ln->start;
        tw->e = ln->end;
        g->ntitles++;
    }
}

/* True if every content word of the skill's name is in one experience title
 * ("Software Engineering" in "Senior Software Engineer at TechCorp", "Data
 * Science" in "Data Scientist"). */
bool img_gap_title_match(img_gap_words_t *g, int id, size_t *s, size_t *e)
{
    const img_tax_skill_t *ts = img_tax_get(g->a->tax, id);
    if (!ts || !ts->name)
        return false;
    build_titles(g);
    if (!g->ntitles)
        return false;
    const char *w[8];
    unsigned char l[8];
    size_t nw = content_stems(norm_cstr(g->a->arena, ts->name), w, l, 8);
    if (!nw)
        return false;
    for (size_t t = 0; t < g->ntitles; t++) {
        const img_gap_title_t *tw = &g->titles[t];
        size_t hit = 0;
        for (size_t k = 0; k < nw; k++)
            for (size_t q = 0; q < tw->n; q++)
                if (stem_like(w[k], l[k], tw->w[q], tw->l[q])) {
                    hit++;
                    break;
                }
        if (hit == nw) {
            *s = tw->s;
            *e = tw->e;
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

/* The resume's content words (stem hashes) with their lines, once. */
static void build_words(img_gap_words_t *g)
{
    if (g->words_done)
        return;
    g->words_done = true;
    const img_doc_t *doc = &g->a->resume;
    const char *t = doc->text;
    /* Words: runs of ASCII letters and digits (and any non-ASCII byte); at
     * most one word per two bytes. */
    g->rt = img_arena_alloc(g->a->arena, (doc->len / 2 + 2) * sizeof(img_gap_rtok_t));
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

/* The words of a skill, its canonical name or the way the job wrote it,
 * all in one resume line ("incident management" in "Managed production
 * incidents"): only for names of two content words or more, since single
 * words are the extractor's business (with its ambiguity guards). */
bool img_gap_line_match(img_gap_words_t *g, const img_requirement_t *r, int id, size_t *s,
                        size_t *e)
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

void img_gap_push_evidence(img_req_result_t *res, img_arena_t *arena, const char *section, size_t s,
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

const char *img_gap_section_at(const img_analysis_t *a, size_t pos)
{
    img_section_kind_t k = img_resume_section_at(a, pos);
    return img_section_name(k);
}

/* Coverage of the requirement's content words by the resume. */
img_match_t img_gap_word_overlap(img_gap_words_t *g, const img_requirement_t *r,
                                 img_req_result_t *res)
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
        img_gap_push_evidence(res, a->arena, img_gap_section_at(a, ln->start), ln->start, ln->end);
        line_mask[bl] = 0;
    }
    res->note = img_arena_printf(a->arena, "%d of %zu key words found in the resume", hits, nw);
    double cov = (double)hits / (double)nw;
    return cov >= 0.66 ? IMG_MATCH_MET : cov >= 0.33 ? IMG_MATCH_PARTIAL : IMG_MATCH_MISSING;
}
