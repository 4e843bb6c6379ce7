/*
 * img_resume.c - resume structure: units (what a reader sees as lines) and
 * sections. Experiences are parsed in img_resume_exp.c, dates in
 * img_resume_dates.c, word lists in img_resume_lex.c.
 */
#include <ctype.h>
#include <string.h>

#include "img_resume_int.h"

/* A line longer than this with several wide runs of spaces is a flattened
 * export whose line breaks became runs of spaces. */
#define FLAT_MIN_BYTES 160
#define FLAT_MIN_RUNS 3

/* Counts runs of two or more spaces in text[s..e). */
static int wide_runs(const char *t, size_t len, size_t s, size_t e)
{
    int runs = 0, cur = 0;
    for (size_t p = s; p < e;) {
        uint32_t cp;
        size_t n = img_text_cp(t, len, p, &cp);
        if (cp == ' ') {
            cur++;
        } else {
            if (cur >= 2)
                runs++;
            cur = 0;
        }
        p += n;
    }
    return runs;
}

/* Bullet glyphs that may open a segment of a flattened line. */
static size_t glyph_len(const char *t, size_t len, size_t p, size_t e)
{
    uint32_t cp;
    size_t q = p;
    while (q + 3 < e && t[q] == '\\' && t[q + 1] == 'x' && isxdigit((unsigned char)t[q + 2]) &&
           isxdigit((unsigned char)t[q + 3]))
        q += 4; /* "\\xe2\\x80\\xa2": a bullet whose bytes were written out */
    if (q > p)
        return q - p;
    size_t n = img_text_cp(t, len, p, &cp);
    if (cp == '*' && (unsigned char)t[p] >= 0x80)
        return n;
    if ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0x2190 && cp <= 0x21FF) ||
        (cp >= 0x25A0 && cp <= 0x25FF) || (cp >= 0x2794 && cp <= 0x27BF) || cp == 0x2713 ||
        cp == 0x2714)
        return n;
    if ((cp == '-' || cp == '*') && p + n < e && t[p + n] == ' ')
        return n;
    return 0;
}

static void push_unit(img_resume_units_t *out, img_arena_t *arena, const char *t, size_t len,
                      size_t s, size_t e, size_t line, bool bullet, bool line_start, bool gap)
{
    /* Trim spaces (any kind) at both ends. */
    uint32_t cp;
    while (s < e) {
        size_t n = img_text_cp(t, len, s, &cp);
        if (cp != ' ')
            break;
        s += n;
    }
    if (!bullet && s < e) {
        size_t g = glyph_len(t, len, s, e);
        if (g) {
            bullet = true;
            s += g;
            while (s < e && img_text_cp(t, len, s, &cp) && cp == ' ')
                s += img_text_cp(t, len, s, &cp);
        }
    }
    while (e > s) {
        size_t q = e - 1;
        while (q > s && ((unsigned char)t[q] & 0xC0) == 0x80)
            q--;
        img_text_cp(t, len, q, &cp);
        if (cp != ' ')
            break;
        e = q;
    }
    if (e <= s)
        return;
    img_resume_unit_t *u = IMG_VEC_PUSH(arena, out);
    u->s = s;
    u->e = e;
    u->line = line;
    u->bullet = bullet;
    u->line_start = line_start;
    u->gap_before = gap;
}

void img_resume_units_build(const img_doc_t *doc, img_arena_t *arena, img_resume_units_t *out)
{
    const char *t = doc->text;
    size_t len = doc->len;
    memset(out, 0, sizeof(*out));
    bool gap = false;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const img_line_t *ln = &doc->lines[i];
        if (ln->blank) {
            gap = true;
            continue;
        }
        if (ln->end - ln->start < FLAT_MIN_BYTES ||
            wide_runs(t, len, ln->start, ln->end) < FLAT_MIN_RUNS) {
            push_unit(out, arena, t, len, ln->start, ln->end, i, ln->bullet, true, gap);
            gap = false;
            continue;
        }
        size_t seg = ln->start;
        bool first = true;
        for (size_t p = ln->start; p < ln->end;) {
            uint32_t cp;
            size_t n = img_text_cp(t, len, p, &cp);
            if (cp != ' ') {
                p += n;
                continue;
            }
            size_t q = p;
            int run = 0;
            while (q < ln->end) {
                size_t m = img_text_cp(t, len, q, &cp);
                if (cp != ' ')
                    break;
                q += m;
                run++;
            }
            /* "2006  Present": a range whose dash was lost stays in one unit. */
            if (run >= 2 && !(img_resume_date_word_before(t, seg, p) &&
                              img_resume_date_word_at(t, q, ln->end))) {
                size_t before = out->n;
                push_unit(out, arena, t, len, seg, p, i, first && ln->bullet, first, gap);
                if (out->n > before)
                    first = false, gap = false;
                if (run >= 4)
                    gap = true;
                seg = q;
            }
            p = q;
        }
        push_unit(out, arena, t, len, seg, ln->end, i, first && ln->bullet, first, gap);
        gap = false;
    }
}

void img_resume_sections(img_analysis_t *analysis)
{
    const img_doc_t *doc = &analysis->resume;
    const char *t = doc->text;
    img_resume_units_t units;
    img_resume_units_build(doc, analysis->arena, &units);
    analysis->sections.n = 0;

    img_section_kind_t cur = IMG_SEC_NONE;
    img_section_t *open = NULL;
    for (size_t i = 0; i < units.n; i++) {
        const img_resume_unit_t *u = &units.v[i];
        img_resume_heading_t h;
        const img_line_t *ln = &doc->lines[u->line];
        bool loose = u->s != ln->start || u->e != ln->end;
        if (u->bullet || !img_resume_heading(t, doc->len, u->s, u->e, loose, &h))
            continue;
        if (h.weak && (cur == IMG_SEC_EXPERIENCE || cur == IMG_SEC_PROJECTS))
            continue;
        if (!open && i > 0) {
            /* Text before the first heading (name, contact, headline). */
            open = IMG_VEC_PUSH(analysis->arena, &analysis->sections);
            open->kind = IMG_SEC_NONE;
            open->heading_start = open->heading_end = open->start = 0;
        }
        if (open)
            open->end = u->s;
        open = IMG_VEC_PUSH(analysis->arena, &analysis->sections);
        open->kind = h.kind;
        open->heading_start = u->s;
        open->heading_end = h.end;
        if (h.body < u->e)
            open->start = h.body;
        else if (i + 1 < units.n)
            open->start = units.v[i + 1].s;
        else
            open->start = h.end;
        cur = h.kind;
    }
    if (!open) {
        open = IMG_VEC_PUSH(analysis->arena, &analysis->sections);
        open->kind = IMG_SEC_NONE;
        open->heading_start = open->heading_end = open->start = 0;
    }
    open->end = doc->len;
    for (size_t k = 0; k < analysis->sections.n; k++) {
        img_section_t *sec = &analysis->sections.v[k];
        if (sec->start > sec->end)
            sec->start = sec->end;
        sec->first_line = img_doc_line_at(doc, sec->start);
        sec->end_line =
            sec->end > sec->start ? img_doc_line_at(doc, sec->end - 1) + 1 : sec->first_line;
    }
}

img_section_kind_t img_resume_section_at(const img_analysis_t *analysis, size_t pos)
{
    size_t lo = 0, hi = analysis->sections.n;
    /* The last section that begins (heading included) at or before pos. */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const img_section_t *s = &analysis->sections.v[mid];
        size_t begin = s->heading_end > s->heading_start ? s->heading_start : s->start;
        if (begin <= pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0)
        return IMG_SEC_NONE;
    const img_section_t *s = &analysis->sections.v[lo - 1];
    return pos < s->end ? s->kind : IMG_SEC_NONE;
}

void img_resume_experiences(img_analysis_t *analysis)
{
    img_resume_units_t units;
    img_resume_units_build(&analysis->resume, analysis->arena, &units);
    analysis->experiences.n = 0;
    if (!analysis->sections.n)
        img_resume_sections(analysis);
    img_resume_parse_experiences(analysis, &units);
}
