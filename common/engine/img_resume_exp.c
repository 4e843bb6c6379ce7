/*
 * img_resume_exp.c - experiences: entries anchored on date lines, their
 * header lines (before, on and just after the dates), bullets, and the
 * dateless entries and headline ("Title - Company" under the name) that
 * resumes also use.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "img_resume_int.h"

#define MAX_HDR 8

typedef struct uinfo {
    bool range, single, current;
    img_ym_t from, to;
    size_t ds, de; /* dates span (ds == de: none) */
    int words, rem_words;
    bool sentence, headerish, url, label_only;
    bool used;                              /* header or body of an entry */
    bool sig_done, hdr_sig_t, sig_c, sig_u; /* unit_signals() */
} uinfo_t;

typedef struct entry {
    int anchor; /* unit with the dates, -1 when dateless */
    int hdr[MAX_HDR];
    int nh;
    int first; /* first header unit */
    bool headline;
    bool strict; /* outside experience sections: needs a plain job title */
    int lead;    /* header unit whose title opens a description line (kept as bullet), or 0 */
} entry_t;

typedef struct ctx {
    img_analysis_t *a;
    const char *t;
    img_resume_unit_t *u;
    uinfo_t *in;
    size_t n;
    IMG_VEC(entry_t) entries;
    IMG_VEC(bool) weak; /* per experience: its title is a guess */
} ctx_t;

static bool is_small(const char *t, size_t s, size_t e)
{
    return img_resume_is_small_word(t, s, e);
}

/* Words, lower-case ratio, sentence end: what distinguishes a header from prose. */
static void measure(const char *t, size_t s, size_t e, size_t ds, size_t de, uinfo_t *in)
{
    int words = 0, rem = 0, content = 0, lower = 0;
    size_t last_s = s, last_e = s;
    for (size_t p = s; p < e;) {
        while (p < e && (t[p] == ' ' || t[p] == '\t'))
            p++;
        size_t q = p;
        bool alpha = false;
        while (q < e && t[q] != ' ' && t[q] != '\t') {
            if (isalpha((unsigned char)t[q]))
                alpha = true;
            q++;
        }
        if (q > p && alpha) {
            words++;
            if (!(ds < de && p >= ds && q <= de))
                rem++;
            size_t ws = p;
            while (ws < q && !isalpha((unsigned char)t[ws]))
                ws++;
            size_t we = ws;
            while (we < q && isalpha((unsigned char)t[we]))
                we++;
            if (we - ws > 4 || !is_small(t, ws, we)) {
                content++;
                if (islower((unsigned char)t[ws]))
                    lower++;
            }
            last_s = ws;
            last_e = we;
        }
        p = q;
    }
    in->words = words;
    in->rem_words = rem;
    char last = e > s ? t[e - 1] : 0;
    bool end_punct = last == '.' || last == '!' || last == '?';
    if (last == '.' && last_e == e - 1 && last_e - last_s <= 4 && isupper((unsigned char)t[last_s]))
        end_punct = false; /* "Inc.", "Ltd.", "Sr." */
    in->sentence = (end_punct && words >= 3) || words > 14 || (words >= 5 && lower * 2 > content);
    in->label_only = last == ':' && words <= 4;
    if (in->label_only) {
        /* "Executive Director:" heads an entry; "Responsibilities:" does not. */
        size_t p = s;
        while (p < e) {
            while (p < e && !isalpha((unsigned char)t[p]))
                p++;
            size_t q = p;
            while (q < e && isalpha((unsigned char)t[q]))
                q++;
            if (q > p && img_resume_is_title_noun(t, p, q))
                in->label_only = false;
            p = q;
        }
    }
    in->headerish = !in->sentence && !in->url && !in->label_only && words <= 12 &&
                    (lower * 2 <= content || words <= 3);
}

static bool has_url(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p + 3 < e; p++) {
        if (t[p] == '@' && p > s && isalnum((unsigned char)t[p - 1]))
            return true;
        if ((t[p] == 'h' && strncmp(t + p, "http", 4) == 0) ||
            (t[p] == 'w' && strncmp(t + p, "www.", 4) == 0))
            return true;
    }
    return false;
}

static void unit_info(ctx_t *c, size_t i)
{
    const img_resume_unit_t *u = &c->u[i];
    uinfo_t *in = &c->in[i];
    memset(in, 0, sizeof(*in));
    in->url = has_url(c->t, u->s, u->e);
    in->range =
        img_resume_find_dates(c->t, u->s, u->e, &in->from, &in->to, &in->current, &in->ds, &in->de);
    if (!in->range && u->e - u->s <= 120) { /* single dates only anchor short lines */
        in->single = img_resume_find_single_date(c->t, u->s, u->e, &in->from, &in->ds, &in->de);
        if (in->single)
            in->to = in->from;
    }
    measure(c->t, u->s, u->e, in->ds, in->de, in);
}

/* Pieces of unit i (its dates removed) appended to ps. */
static void split_unit(const ctx_t *c, int i, img_resume_pieces_t *ps)
{
    const uinfo_t *in = &c->in[i];
    img_resume_pieces_split(c->t, c->u[i].s, c->u[i].e, in->ds, in->de, i, ps);
}

static void roles_of(const ctx_t *c, const int *units, int nu, img_resume_pieces_t *ps,
                     img_resume_roles_t *r)
{
    ps->n = 0;
    for (int k = 0; k < nu; k++)
        split_unit(c, units[k], ps);
    img_resume_pieces_roles(c->t, ps, r);
}

/* Unit i ends a clause: no trailing comma, "and", or a cut-off word. */
static bool ends_clause(const ctx_t *c, size_t i)
{
    const char *t = c->t;
    size_t e = c->u[i].e;
    char last = t[e - 1];
    if (last == ',' || last == '&' || last == '/' || last == '(')
        return false;
    size_t s = e;
    while (s > c->u[i].s && isalpha((unsigned char)t[s - 1]))
        s--;
    return !(img_text_ieq(t, s, e, "and") || img_text_ieq(t, s, e, "or") ||
             img_text_ieq(t, s, e, "of") || img_text_ieq(t, s, e, "the") ||
             img_text_ieq(t, s, e, "in") || img_text_ieq(t, s, e, "as"));
}

/* Unit i continues the sentence of unit i - 1 (a wrapped line). */
static bool continues(const ctx_t *c, size_t i)
{
    if (i == 0 || i >= c->n || c->u[i].bullet)
        return false;
    if (islower((unsigned char)c->t[c->u[i].s]))
        return !ends_clause(c, i - 1) || c->t[c->u[i - 1].e - 1] != '.';
    return !ends_clause(c, i - 1);
}

/* Per unit, cached: does it name a title, an employer, something unclassified? */
static void unit_signals(ctx_t *c, int i)
{
    uinfo_t *in = &c->in[i];
    if (in->sig_done)
        return;
    img_resume_pieces_t ps;
    ps.n = 0;
    split_unit(c, i, &ps);
    img_resume_pieces_merge(c->t, &ps);
    in->hdr_sig_t = img_resume_pieces_has(&ps, PC_TITLE);
    in->sig_c = img_resume_pieces_has(&ps, PC_COMPANY);
    for (size_t k = 0; k < ps.n; k++)
        if (ps.v[k].cls == PC_UNKNOWN && ps.v[k].name_like && !ps.v[k].dept && ps.v[k].label != 3 &&
            !ps.v[k].paren)
            in->sig_u = true;
    in->sig_done = true;
}

static bool has_role_signal(ctx_t *c, int i)
{
    unit_signals(c, i);
    return c->in[i].hdr_sig_t || c->in[i].sig_c;
}

static bool is_anchor(ctx_t *c, size_t i, bool explicit)
{
    const uinfo_t *in = &c->in[i];
    const img_resume_unit_t *u = &c->u[i];
    if (in->url)
        return false;
    if (in->range) {
        if (in->rem_words > 20 || (u->bullet && in->rem_words > 10))
            return false;
        if (in->rem_words > 14 && in->ds - u->s > 12)
            return false;
        if (u->bullet && !has_role_signal(c, (int)i))
            return false;
        return true;
    }
    if (!in->single || !explicit || u->bullet || in->rem_words > 10 || in->sentence)
        return false;
    if (in->rem_words > 0)
        return has_role_signal(c, (int)i);
    if (i + 1 < c->n && c->in[i + 1].headerish && !c->u[i + 1].bullet &&
        has_role_signal(c, (int)i + 1))
        return true;
    return i > 0 && c->in[i - 1].headerish && !c->u[i - 1].bullet && !c->in[i - 1].range &&
           !c->in[i - 1].single && has_role_signal(c, (int)i - 1);
}

/* Can unit j be a header line of an entry (before its dates)? */
static bool header_candidate(const ctx_t *c, int j)
{
    const uinfo_t *in = &c->in[j];
    return in->headerish && !c->u[j].bullet && !in->range && !in->single && !in->used;
}

static void entry_add_hdr(entry_t *en, int unit)
{
    if (en->nh < MAX_HDR)
        en->hdr[en->nh++] = unit;
}

static void sort_hdr(entry_t *en)
{
    for (int i = 1; i < en->nh; i++)
        for (int k = i; k > 0 && en->hdr[k - 1] > en->hdr[k]; k--) {
            int x = en->hdr[k];
            en->hdr[k] = en->hdr[k - 1];
            en->hdr[k - 1] = x;
        }
    en->first = en->nh ? en->hdr[0] : en->anchor;
}

/* What the header lines gathered so far say, before any guessing. */
typedef struct sig {
    bool t, c;
    int unknown; /* name-like pieces of no class */
} hdr_sig_t;

static hdr_sig_t signals(ctx_t *c, const entry_t *en)
{
    hdr_sig_t g = {false, false, 0};
    for (int k = 0; k < en->nh; k++) {
        unit_signals(c, en->hdr[k]);
        const uinfo_t *in = &c->in[en->hdr[k]];
        g.t = g.t || in->hdr_sig_t;
        g.c = g.c || in->sig_c;
        if (in->sig_u && !in->hdr_sig_t && !in->sig_c)
            g.unknown++; /* lines naming something unclassified */
    }
    return g;
}

/* Title and employer both named, or one named and a name to fill the other. */
static bool complete(hdr_sig_t g)
{
    return (g.t && g.c) || ((g.t || g.c) && g.unknown > 0) || g.unknown >= 2;
}

/* The unit opens with a short job title before " - " or ":" and goes on
 * with a sentence. */
static bool leading_title(ctx_t *c, int j)
{
    img_resume_pieces_t ps;
    ps.n = 0;
    split_unit(c, j, &ps);
    if (ps.n < 2 || ps.v[0].cls != PC_TITLE || ps.v[0].words > 7 || !ps.v[1].dash_before ||
        ps.v[0].s != c->u[j].s)
        return false;
    return ps.v[0].strong_title || ps.v[0].any_title;
}

/* Header lines after the dates while a role is missing (up to three lines,
 * stepping over one description line when the title is still missing). */
static void forward_headers(ctx_t *c, entry_t *en, int hi)
{
    hdr_sig_t g = signals(c, en);
    int skipped = 0, last = en->anchor;
    for (int j = en->anchor + 1; j < hi && j <= en->anchor + 3 && !(g.t && (g.c || g.unknown));
         j++) {
        const uinfo_t *in = &c->in[j];
        if (in->range || in->single || c->u[j].bullet || in->url || in->used)
            break;
        if (!in->headerish && !g.t && !c->u[j].bullet && !continues(c, (size_t)j) &&
            leading_title(c, j)) {
            /* "Vice President of Operations - Promoted to review ...": the title
             * opens the first line of the description, which stays a bullet */
            entry_add_hdr(en, j);
            c->in[j].used = true;
            en->lead = j;
            g = signals(c, en);
            last = j;
            continue;
        }
        if (in->headerish && !continues(c, (size_t)j)) {
            img_resume_pieces_t pj;
            pj.n = 0;
            split_unit(c, j, &pj);
            bool gives_t = !g.t && img_resume_pieces_has(&pj, PC_TITLE);
            bool gives_c = !g.c && img_resume_pieces_has(&pj, PC_COMPANY);
            /* "2004-2007 / News 24/7 / Newsreader": short names right after */
            bool adjacent_name = j == last + 1 && pj.n <= 3 && pj.n && pj.v[0].name_like &&
                                 !complete(g) && in->words <= 5;
            if (gives_t || gives_c || adjacent_name) {
                entry_add_hdr(en, j);
                c->in[j].used = true;
                g = signals(c, en);
                last = j;
                continue;
            }
            if (g.t)
                break;
        }
        if (g.t || skipped)
            break;
        skipped++;
    }
    sort_hdr(en);
}

/* Entries anchored on dates in units [r0, r1). The first entry tells the
 * layout: with nothing header-like just before its dates, the section
 * writes dates first ("2004-2007 / Acme Ltd. / Advertiser") and later
 * entries do not take lines from the previous entry's end. */
static void dated_entries(ctx_t *c, size_t r0, size_t r1, bool explicit)
{
    size_t first_entry = c->entries.n;
    int prev_anchor = -1;
    bool date_first = false;
    for (size_t i = r0; i < r1; i++) {
        if (c->in[i].used || !is_anchor(c, i, explicit))
            continue;
        entry_t *en = IMG_VEC_PUSH(c->a->arena, &c->entries);
        en->anchor = (int)i;
        entry_add_hdr(en, (int)i);
        c->in[i].used = true;
        hdr_sig_t g = signals(c, en);
        if (prev_anchor < 0)
            date_first = !(i > r0 && header_candidate(c, (int)i - 1));
        int limit = complete(g) || date_first ? 0 : 3;
        int lo = prev_anchor >= 0 ? prev_anchor + 1 : (int)r0;
        for (int j = (int)i - 1; j >= lo && limit > 0; j--, limit--) {
            if (c->in[j].url && !c->in[j].used && c->in[j].words <= 3) {
                limit++; /* a page break's "https://www.indeed.com/r/..." */
                continue;
            }
            if (!header_candidate(c, j))
                break;
            entry_add_hdr(en, j);
            c->in[j].used = true;
            sort_hdr(en);
            if (complete(g = signals(c, en)))
                break;
        }
        sort_hdr(en);
        prev_anchor = (int)i;
    }
    for (size_t k = first_entry; k < c->entries.n; k++) {
        entry_t *en = &c->entries.v[k];
        int hi = k + 1 < c->entries.n ? c->entries.v[k + 1].first : (int)r1;
        forward_headers(c, en, hi);
    }
}

/* Dateless entries in an experience section: a short block of header lines
 * naming a title ("Associate Software Engineer" / "oracle") before bullets. */
static void dateless_entries(ctx_t *c, size_t r0, size_t r1)
{
    size_t i = r0;
    while (i < r1) {
        if (c->in[i].used || !header_candidate(c, (int)i) ||
            !(i == r0 || c->u[i].gap_before || c->u[i - 1].bullet ||
              (c->in[i - 1].sentence && ends_clause(c, i - 1)))) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < r1 && j - i < 3 && header_candidate(c, (int)j))
            j++;
        if (!ends_clause(c, j - 1) || continues(c, j)) {
            i = j;
            continue;
        }
        int hdr[3], nh = 0;
        for (size_t k = i; k < j; k++)
            hdr[nh++] = (int)k;
        img_resume_pieces_t ps;
        img_resume_roles_t r;
        roles_of(c, hdr, nh, &ps, &r);
        bool titled = false;
        for (size_t k = 0; k < ps.n; k++)
            if ((ps.v[k].cls == PC_TITLE && ps.v[k].strong_title) || ps.v[k].label == 1)
                titled = true;
        if (titled && r.te > r.ts) {
            entry_t *en = IMG_VEC_PUSH(c->a->arena, &c->entries);
            en->anchor = -1;
            for (int k = 0; k < nh; k++) {
                entry_add_hdr(en, hdr[k]);
                c->in[hdr[k]].used = true;
            }
            sort_hdr(en);
        }
        i = j;
    }
}

/* Cuts "Resume", "CV", "Template" and what follows from a headline title. */
static size_t cut_template_words(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p < e; p++) {
        if (p > s && isalpha((unsigned char)t[p - 1]))
            continue;
        size_t q = p;
        while (q < e && isalpha((unsigned char)t[q]))
            q++;
        if (q > p && (img_text_ieq(t, p, q, "resume") || img_text_ieq(t, p, q, "cv") ||
                      img_text_ieq(t, p, q, "template") || img_text_ieq(t, p, q, "sample"))) {
            while (p > s && (t[p - 1] == ' ' || t[p - 1] == '-'))
                p--;
            return p;
        }
    }
    return e;
}

static bool has_digit(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p < e; p++)
        if (isdigit((unsigned char)t[p]))
            return true;
    return false;
}

/* The headline under the name ("Software Engineer - Disney"): the
 * candidate's current role as they state it. */
static void headline_entry(ctx_t *c, size_t r0, size_t r1)
{
    for (size_t i = r0; i < r1 && i < r0 + 5; i++) {
        const uinfo_t *in = &c->in[i];
        const img_resume_unit_t *u = &c->u[i];
        if (in->used || in->url || u->bullet || has_digit(c->t, u->s, u->e))
            continue;
        if (in->sentence)
            break;
        if (!in->headerish)
            continue;
        img_resume_pieces_t ps;
        img_resume_roles_t r;
        int one = (int)i;
        roles_of(c, &one, 1, &ps, &r);
        bool titled = false;
        for (size_t k = 0; k < ps.n; k++)
            if (ps.v[k].cls == PC_TITLE && ps.v[k].s == r.ts)
                titled = true;
        if (!titled)
            continue;
        if (i == r0 && ps.n < 2 && cut_template_words(c->t, u->s, u->e) == u->e)
            continue; /* the name line, unless "Name  Title - Company" or a template */
        entry_t *en = IMG_VEC_PUSH(c->a->arena, &c->entries);
        en->anchor = -1;
        en->headline = true;
        entry_add_hdr(en, (int)i);
        sort_hdr(en);
        c->in[i].used = true;
        return;
    }
}

static char *slice(img_arena_t *arena, const char *t, size_t s, size_t e)
{
    return img_arena_strndup(arena, t + s, e - s);
}

static bool cont_line(const ctx_t *c, int prev, int j)
{
    const img_resume_unit_t *u = &c->u[j];
    if (u->bullet || !islower((unsigned char)c->t[u->s]))
        return false;
    char last = c->t[c->u[prev].e - 1];
    return last != '.' && last != ':' && last != '!' && last != '?';
}

static bool same_key(const char *t, size_t a0, size_t a1, const char *b)
{
    char ka[64], kb[64];
    img_text_key(t, a0, a1, ka, sizeof(ka));
    img_text_key(b, 0, strlen(b), kb, sizeof(kb));
    return strcmp(ka, kb) == 0;
}

/* text[a0..a1) names the same job as title b, or a part of it ("Backend
 * Engineer" in "Senior Backend Engineer"). */
static bool key_within(const char *t, size_t a0, size_t a1, const char *b)
{
    char ka[64], kb[64];
    size_t na = img_text_key(t, a0, a1, ka, sizeof(ka));
    size_t nb = img_text_key(b, 0, strlen(b), kb, sizeof(kb));
    if (!na || !nb)
        return false;
    return strstr(ka, kb) != NULL || strstr(kb, ka) != NULL;
}

static void build_experience(ctx_t *c, entry_t *en, int body_end)
{
    img_analysis_t *a = c->a;
    const char *t = c->t;
    img_resume_pieces_t ps;
    img_resume_roles_t r;
    roles_of(c, en->hdr, en->nh, &ps, &r);
    if (en->headline && r.ce > r.cs) {
        r.ce = cut_template_words(t, r.cs, r.ce);
        if (r.ce <= r.cs)
            r.ce = r.cs = 0;
    }
    if (en->headline && r.te > r.ts) {
        r.te = cut_template_words(t, r.ts, r.te);
        for (size_t x = 0; x < a->experiences.n; x++)
            if (a->experiences.v[x].title && key_within(t, r.ts, r.te, a->experiences.v[x].title))
                return;
    }
    if (en->strict) {
        bool plain = false;
        for (size_t k = 0; k < ps.n; k++) {
            const img_resume_piece_t *pc = &ps.v[k];
            if (pc->degree)
                return;
            if (pc->s == r.ts && pc->cls == PC_TITLE &&
                (pc->strong_title || pc->label == 1 || pc->as_title))
                plain = true;
        }
        if (!plain)
            return;
    }
    if (r.te <= r.ts && r.ce <= r.cs)
        return;
    img_experience_t *x = IMG_VEC_PUSH(a->arena, &a->experiences);
    *IMG_VEC_PUSH(a->arena, &c->weak) = r.t_weak;
    if (r.te > r.ts) {
        x->title = slice(a->arena, t, r.ts, r.te);
        x->title_start = r.ts;
        x->title_end = r.te;
    }
    if (r.ce > r.cs) {
        x->company = slice(a->arena, t, r.cs, r.ce);
        x->company_start = r.cs;
        x->company_end = r.ce;
    }
    if (r.le > r.ls)
        x->location = slice(a->arena, t, r.ls, r.le);
    size_t span_s = c->u[en->first].s, span_e = c->u[en->hdr[en->nh - 1]].e;
    int last = -1;
    int bullets_seen = 0;
    const uinfo_t *dates = en->anchor >= 0 ? &c->in[en->anchor] : NULL;
    for (int j = en->hdr[0] + 1; j < body_end; j++) {
        bool is_hdr = false;
        for (int k = 0; k < en->nh; k++)
            if (en->hdr[k] == j)
                is_hdr = true;
        const uinfo_t *in = &c->in[j];
        if (is_hdr && j == en->lead && en->lead > 0)
            is_hdr = false;
        if (is_hdr || in->label_only || (in->url && in->words <= 3) || in->words == 0) {
            last = -1;
            continue;
        }
        if (!dates && !en->headline && bullets_seen < 4 && in->range)
            dates = in; /* "(September 2017 onwards)" inside the first bullets */
        if (en->headline)
            break;
        if (last >= 0 && x->bullets.n && cont_line(c, last, j)) {
            x->bullets.v[x->bullets.n - 1].end = c->u[j].e;
        } else {
            img_span_t *b = IMG_VEC_PUSH(a->arena, &x->bullets);
            b->start = c->u[j].s;
            b->end = c->u[j].e;
            bullets_seen++;
        }
        last = j;
        if (c->u[j].e > span_e)
            span_e = c->u[j].e;
    }
    x->span_start = span_s;
    x->span_end = span_e;
    if (dates) {
        x->start = dates->from;
        x->current = dates->current;
        x->end = dates->current ? (img_ym_t){0, 0} : dates->to;
        if (x->start.year)
            x->months = img_ym_months(x->start, x->current ? a->opts.as_of : x->end);
    }
}

static void set_title(img_analysis_t *a, img_experience_t *x, const char *t, size_t s, size_t e)
{
    x->title = slice(a->arena, t, s, e);
    x->title_start = s;
    x->title_end = e;
}

static void set_company(img_analysis_t *a, img_experience_t *x, const char *t, size_t s, size_t e)
{
    x->company = slice(a->arena, t, s, e);
    x->company_start = s;
    x->company_end = e;
}

/* A labelled line in a body: "Position: X" (title) or "Company: Y". */
static bool labelled(const ctx_t *c, size_t i, img_resume_roles_t *r)
{
    const char *colon = memchr(c->t + c->u[i].s, ':', c->u[i].e - c->u[i].s);
    if (!colon || colon - (c->t + c->u[i].s) > 40)
        return false;
    img_resume_pieces_t ps;
    ps.n = 0;
    img_resume_pieces_split(c->t, c->u[i].s, c->u[i].e, 0, 0, (int)i, &ps);
    memset(r, 0, sizeof(*r));
    for (size_t k = 0; k < ps.n; k++) {
        if (ps.v[k].label == 1 && !r->te && ps.v[k].words <= 8)
            r->ts = ps.v[k].s, r->te = ps.v[k].e;
        if (ps.v[k].label == 2 && !r->ce && ps.v[k].words <= 8)
            r->cs = ps.v[k].s, r->ce = ps.v[k].e;
    }
    return r->te || r->ce;
}

/* Roles stated in sentences ("Worked as Operation Analyst for Microsoft")
 * and labelled lines ("Position: X") name an entry's missing or guessed
 * title; outside every entry a stated role stands as an experience of its
 * own when not already listed. */
static void stated_roles(ctx_t *c, const img_section_kind_t *kinds)
{
    img_analysis_t *a = c->a;
    size_t n_before = a->experiences.n;
    for (size_t i = 0; i < c->n; i++) {
        img_section_kind_t k = kinds[i];
        if (c->in[i].used ||
            !(k == IMG_SEC_NONE || k == IMG_SEC_SUMMARY || k == IMG_SEC_EXPERIENCE ||
              k == IMG_SEC_VOLUNTEER || k == IMG_SEC_OTHER || k == IMG_SEC_AWARDS))
            continue;
        size_t host = n_before;
        for (size_t x = 0; x < n_before; x++) {
            img_experience_t *ex = &a->experiences.v[x];
            if (c->u[i].s >= ex->span_start && c->u[i].s < ex->span_end)
                host = x;
        }
        img_resume_roles_t r;
        bool label = host < n_before && labelled(c, i, &r);
        if (!label && !img_resume_role_statement(c->t, c->u[i].s, c->u[i].e, &r))
            continue;
        if (host < n_before) {
            img_experience_t *ex = &a->experiences.v[host];
            if (r.te > r.ts && (!ex->title || c->weak.v[host])) {
                set_title(a, ex, c->t, r.ts, r.te);
                c->weak.v[host] = false;
            }
            if (r.ce > r.cs && !ex->company)
                set_company(a, ex, c->t, r.cs, r.ce);
            continue;
        }
        bool dup = false;
        for (size_t x = 0; x < a->experiences.n && !dup; x++)
            dup =
                a->experiences.v[x].title && same_key(c->t, r.ts, r.te, a->experiences.v[x].title);
        if (dup)
            continue;
        img_experience_t *ex = IMG_VEC_PUSH(a->arena, &a->experiences);
        set_title(a, ex, c->t, r.ts, r.te);
        if (r.ce > r.cs)
            set_company(a, ex, c->t, r.cs, r.ce);
        ex->span_start = c->u[i].s;
        ex->span_end = c->u[i].e;
    }
}

static int cmp_exp(const void *pa, const void *pb)
{
    const img_experience_t *x = pa, *y = pb;
    return (x->span_start > y->span_start) - (x->span_start < y->span_start);
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry_t *x = pa, *y = pb;
    return (x->first > y->first) - (x->first < y->first);
}

void img_resume_parse_experiences(img_analysis_t *analysis, const img_resume_units_t *units)
{
    ctx_t c = {0};
    c.a = analysis;
    c.t = analysis->resume.text;
    c.n = units->n;
    if (!c.n)
        return;
    c.u = img_arena_alloc(analysis->arena, c.n * sizeof(*c.u));
    memcpy(c.u, units->v, c.n * sizeof(*c.u));
    c.in = img_arena_alloc(analysis->arena, c.n * sizeof(*c.in));

    bool explicit = false;
    for (size_t k = 0; k < analysis->sections.n; k++) {
        img_section_kind_t kind = analysis->sections.v[k].kind;
        if (kind == IMG_SEC_EXPERIENCE || kind == IMG_SEC_VOLUNTEER)
            explicit = true;
    }
    /* Units of each section (an inline heading's unit starts at its body). */
    size_t ui = 0;
    typedef struct region {
        size_t r0, r1;
        img_section_kind_t kind;
    } region_t;
    IMG_VEC(region_t) regions = {0};
    for (size_t k = 0; k < analysis->sections.n; k++) {
        const img_section_t *sec = &analysis->sections.v[k];
        while (ui < c.n && c.u[ui].e <= sec->start)
            ui++;
        size_t r0 = ui;
        if (ui < c.n && c.u[ui].s < sec->start)
            c.u[ui].s = sec->start;
        while (ui < c.n && c.u[ui].s < sec->end)
            ui++;
        region_t *rg = IMG_VEC_PUSH(analysis->arena, &regions);
        rg->r0 = r0;
        rg->r1 = ui;
        rg->kind = sec->kind;
    }
    for (size_t i = 0; i < c.n; i++)
        unit_info(&c, i);

    if (explicit && regions.n && regions.v[0].kind == IMG_SEC_NONE)
        headline_entry(&c, regions.v[0].r0, regions.v[0].r1);
    /* Experience sections first (or, without any, the unheaded text); then
     * dated entries elsewhere that plainly name a job title. */
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < regions.n; k++) {
            const region_t *rg = &regions.v[k];
            img_section_kind_t kind = rg->kind;
            bool primary = explicit ? (kind == IMG_SEC_EXPERIENCE || kind == IMG_SEC_VOLUNTEER)
                                    : (kind == IMG_SEC_NONE || kind == IMG_SEC_OTHER);
            bool secondary = !primary && (kind == IMG_SEC_NONE || kind == IMG_SEC_OTHER ||
                                          kind == IMG_SEC_AWARDS || kind == IMG_SEC_EDUCATION ||
                                          kind == IMG_SEC_SUMMARY);
            if (pass == 0 ? !primary : !secondary)
                continue;
            size_t before = c.entries.n;
            dated_entries(&c, rg->r0, rg->r1, explicit && primary);
            for (size_t e = before; e < c.entries.n; e++)
                c.entries.v[e].strict = pass == 1;
            if (explicit && primary)
                dateless_entries(&c, rg->r0, rg->r1);
        }
    }

    if (c.entries.n > 1)
        qsort(c.entries.v, c.entries.n, sizeof(entry_t), cmp_entry);
    for (size_t k = 0; k < c.entries.n; k++) {
        entry_t *en = &c.entries.v[k];
        /* The body runs to the next entry or the end of the entry's section. */
        int end = k + 1 < c.entries.n ? c.entries.v[k + 1].first : (int)c.n;
        for (size_t g = 0; g < regions.n; g++)
            if ((size_t)en->first >= regions.v[g].r0 && (size_t)en->first < regions.v[g].r1 &&
                (int)regions.v[g].r1 < end)
                end = (int)regions.v[g].r1;
        if (!en->headline)
            build_experience(&c, en, end);
    }
    /* The headline last: it only stands when no entry already has its title. */
    for (size_t k = 0; k < c.entries.n; k++)
        if (c.entries.v[k].headline)
            build_experience(&c, &c.entries.v[k], c.entries.v[k].first + 1);
    img_section_kind_t *kinds = img_arena_alloc(analysis->arena, c.n * sizeof(*kinds));
    for (size_t g = 0; g < regions.n; g++)
        for (size_t i = regions.v[g].r0; i < regions.v[g].r1; i++)
            kinds[i] = regions.v[g].kind;
    stated_roles(&c, kinds);
    if (analysis->experiences.n > 1)
        qsort(analysis->experiences.v, analysis->experiences.n, sizeof(img_experience_t), cmp_exp);
}
