/*
 * img_gap.c - matching the job's requirements against the resume.
 *
 * Each requirement is judged on up to three parts, each worth 1 (met), 0.5
 * (partial) or 0 (missing):
 *   skills     every alternative group of requirement.skills (see groups):
 *              1 if the resume has one of its skills (0.5 when the skill was
 *              only inferred, without evidence) - in the inventory, or named
 *              by an experience title ("Software Engineer" shows Software
 *              Engineering), or, for names of two words or more, all its
 *              words in one resume line (img_gap_words.c) - 0.5 if it has a
 *              related skill (img_tax_related), else 0; the part is their mean;
 *   years      months of the named skills (else the union of all experience
 *              months, else an "N years of experience" claim) against the
 *              years asked: >= asked 1, >= 60% 0.5;
 *   education  the highest degree in the education section against the
 *              lowest one the job accepts; no education section: 0.5 and
 *              no gap listed (unknown is not missing). Not judged when the
 *              requirement asks years ("2 years of X, or 1 with an advanced
 *              degree"): years and skills speak there.
 * All parts 1 -> met, all 0 -> missing, else partial. A requirement with
 * none of them falls back to the overlap of its content words (lightly
 * stemmed) with the resume: >= 2/3 met, >= 1/3 partial.
 *
 * Weights: must 2.0, nice 1.0. match_score = round(100 * sum(w * v) / sum(w));
 * with no requirements, the job.skills coverage (high 2.0, medium 1.0).
 * missing_must / missing_nice list missing skill names in order (an
 * alternative group with nothing present as "A or B"; a skill still counts
 * as missing when a related one earned partial credit), or the
 * requirement's text cut to about 60 characters when it asks years ("5+
 * years of Python" says more than "Python"), a degree, or has no skill.
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
#include "util/img_utf8.h"

#define W_MUST 2.0
#define W_NICE 1.0
#define MAX_EVIDENCE 3

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
    img_gap_words_t w;         /* word-level evidence */
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

static void push_id(img_arena_t *arena, void *vecp, int id)
{
    IMG_VEC(int) *vec = vecp;
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i] == id)
            return;
    *IMG_VEC_PUSH(arena, vec) = id;
}

/* "A, B or C": the names of the alternatives of group grp from index k on. */
static const char *group_names(img_analysis_t *a, const img_requirement_t *r, size_t k, int grp)
{
    char list[256];
    size_t o = 0, left = 0;
    for (size_t q = k; q < r->skills.n; q++)
        left += group_of(r, q) == grp;
    list[0] = '\0';
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
    return img_arena_strdup(a->arena, list);
}

static void add_skill_evidence(img_req_result_t *res, img_arena_t *arena, const img_skill_t *s,
                               size_t nth)
{
    if (s && nth < s->evidence.n)
        img_gap_push_evidence(res, arena, s->evidence.v[nth].section, s->evidence.v[nth].start,
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
    const char *absent_note = NULL, *alt_note = NULL;
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
            } else if (img_gap_title_match(&g->w, id, &ts, &te)) {
                /* Not in the inventory, but the job title names it. */
                v = 1.0;
                img_gap_push_evidence(res, a->arena, "experience", ts, te);
            } else if (img_gap_line_match(&g->w, r, id, &ts, &te)) {
                v = 1.0;
                img_gap_push_evidence(res, a->arena, img_gap_section_at(a, ts), ts, te);
            } else {
                continue;
            }
            if (v > best)
                best = v, hit = s, hit_name = s ? s->name : img_job_skill_name(a, id);
            push_id(a->arena, &res->matched, id);
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
                push_id(a->arena, &res->matched, rel->tax_id);
                if (!*note)
                    *note = img_arena_printf(a->arena, "%s is related to %s", rel->name,
                                             img_job_skill_name(a, rel_for));
            }
            for (size_t q = k; q < r->skills.n && !hit_name; q++)
                if (group_of(r, q) == grp)
                    push_id(a->arena, &res->missing, r->skills.v[q]);
            if (!hit_name && !rel && !absent_note)
                absent_note = members > 1
                                  ? img_arena_printf(a->arena, "none of %s found in the resume",
                                                     group_names(a, r, k, grp))
                                  : img_arena_printf(a->arena, "%s not found in the resume",
                                                     img_job_skill_name(a, r->skills.v[k]));
        }
        if (hit && nshown < 16)
            shown[nshown++] = hit;
        else if (!hit_name && rel && nshown < 16)
            shown[nshown++] = rel;
        if (hit_name && best >= 1.0 && members > 1 && !alt_note)
            alt_note =
                img_arena_printf(a->arena, "%s satisfies %s", hit_name, group_names(a, r, k, grp));
        sum += best;
        units++;
        met_units += best >= 1.0;
    }
    /* One phrase: partial credit first, then what is absent, then a choice made. */
    if (!*note)
        *note = absent_note ? absent_note : alt_note;
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
        img_gap_push_evidence(res, a->arena, img_gap_section_at(a, g->claim_start), g->claim_start,
                              g->claim_end);
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
            img_gap_push_evidence(res, a->arena, "experience", ln->start, ln->end);
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
    img_gap_push_evidence(res, a->arena,
                          g->edu_section ? "education" : img_gap_section_at(a, g->edu_start),
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
    /* "2 years of X, or 1 year with an advanced degree": years and skills
     * speak; the degree is only an alternative there. */
    if (r->education && !r->years) {
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
        return img_gap_word_overlap(&g->w, r, res);
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
        /* not inside a UTF-8 sequence (the lead byte goes with its tail) */
        cut = start + img_utf8_clip(text + start, end - start, cut - start);
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
    if (!r->years && !r->education) {
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
    g.w.a = a;
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
