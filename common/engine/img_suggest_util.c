/*
 * img_suggest_util.c - helpers shared by the files of the suggestion module:
 * taxonomy names, the inventory, the job's own words for a skill, string
 * joins and resume excerpts.
 */
#include <ctype.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>

#include "img_suggest_int.h"

const char *img_suggest_skill_name(const img_analysis_t *a, int tax_id)
{
    const img_tax_skill_t *sk = a->tax ? img_tax_get(a->tax, tax_id) : NULL;
    return sk ? sk->name : NULL;
}

int img_suggest_inventory_find(const img_analysis_t *a, int tax_id)
{
    if (tax_id < 0)
        return -1;
    const char *name = img_suggest_skill_name(a, tax_id);
    for (size_t i = 0; i < a->skills.n; i++) {
        const img_skill_t *sk = &a->skills.v[i];
        if (sk->tax_id == tax_id)
            return (int)i;
        if (sk->tax_id < 0 && name && sk->name && strcasecmp(sk->name, name) == 0)
            return (int)i;
    }
    return -1;
}

const char *img_suggest_job_term(img_analysis_t *a, int req, int tax_id)
{
    if (req < 0 || (size_t)req >= a->job.requirements.n || !a->job_doc.text)
        return NULL;
    const img_requirement_t *r = &a->job.requirements.v[req];
    for (size_t i = 0; i < a->job.skills.n; i++) {
        const img_skill_t *sk = &a->job.skills.v[i];
        if (sk->tax_id != tax_id)
            continue;
        for (size_t e = 0; e < sk->evidence.n; e++) {
            const img_evidence_t *ev = &sk->evidence.v[e];
            if (ev->start >= r->start && ev->end <= r->end && ev->end > ev->start &&
                ev->end <= a->job_doc.len)
                return img_arena_strndup(a->arena, a->job_doc.text + ev->start,
                                         ev->end - ev->start);
        }
    }
    if (!a->tax || r->end <= r->start || r->end > a->job_doc.len)
        return NULL;
    img_mention_t *m;
    size_t n = img_extract_mentions(a->tax, &a->job_doc, r->start, r->end, 0, a->arena, &m);
    for (size_t i = 0; i < n; i++)
        if (m[i].skill == tax_id)
            return img_arena_strndup(a->arena, a->job_doc.text + m[i].start, m[i].end - m[i].start);
    return NULL;
}

char *img_suggest_cat(img_arena_t *arena, const char *first, ...)
{
    va_list ap;
    size_t n = 0;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *))
        n += strlen(p);
    va_end(ap);
    char *out = img_arena_alloc(arena, n + 1), *o = out;
    va_start(ap, first);
    for (const char *p = first; p; p = va_arg(ap, const char *)) {
        size_t k = strlen(p);
        memcpy(o, p, k);
        o += k;
    }
    va_end(ap);
    *o = '\0';
    return out;
}

bool img_suggest_has_digit(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] >= '0' && s[i] <= '9')
            return true;
    return false;
}

char *img_suggest_excerpt(img_analysis_t *a, size_t start, size_t end, size_t max)
{
    const char *t = a->resume.text;
    if (!t || end > a->resume.len || start >= end)
        return img_arena_strdup(a->arena, "");
    /* around [start, end) within its line's content (no bullet glyph): up to
     * max bytes, cut at spaces, "..." where cut */
    size_t ls = 0, le = a->resume.len;
    if (a->resume.lines && a->resume.n_lines) {
        const img_line_t *ln = &a->resume.lines[img_doc_line_at(&a->resume, start)];
        if (ln->start <= start && ln->end >= start) {
            ls = ln->start;
            le = ln->end > end ? ln->end : end;
        }
    }
    size_t s = start, e = end;
    while (s > ls && t[s - 1] != '\n' && (end - s) < max / 2 + (end - start))
        s--;
    while (e < le && t[e] != '\n' && e - s < max)
        e++;
    bool cut_left = s > ls && t[s - 1] != '\n', cut_right = e < le && t[e] != '\n';
    if (cut_left)
        while (s < start && t[s] != ' ')
            s++;
    if (cut_right)
        while (e > end && t[e - 1] != ' ')
            e--;
    while (s < start && t[s] == ' ')
        s++;
    while (e > end && t[e - 1] == ' ')
        e--;
    char *out = img_arena_alloc(a->arena, (e - s) + 8);
    size_t o = 0;
    if (cut_left) {
        memcpy(out, "...", 3);
        o = 3;
    }
    for (size_t i = s; i < e; i++) {
        char c = t[i] == '\t' || t[i] == '\r' ? ' ' : t[i];
        if (c == ' ' && o > 0 && out[o - 1] == ' ')
            continue;
        out[o++] = c;
    }
    if (cut_right) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}
