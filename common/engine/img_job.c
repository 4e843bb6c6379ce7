/*
 * img_job.c - parsing a job ad: sections, requirements, job.skills, years,
 * education, seniority and domain.
 *
 * Sections come from headings (a short line ending in ':', a known heading
 * phrase such as "Nice to have" or "What You'll Do", Markdown '#' or bold,
 * an all-caps line, an inline "Requirements: ..."). Each bullet or sentence
 * under a requirements-like heading is one requirement; under "Nice to
 * have" / "Preferred" / "Bonus" it is nice-to-have, and any line with "a
 * plus", "preferred", "bonus", "desirable", "ideally"... is nice whatever
 * its heading. Responsibilities ("What you'll do") are NOT requirements:
 * their skills go to job.skills with medium confidence only, so duties never
 * show up as gaps. Benefits, "About us", equal-opportunity and pay text are
 * skipped, and so is every EEO, benefits, pay or visa-sponsorship sentence
 * wherever it stands. An ad with no requirements heading at all takes its
 * requirements from the sentences that carry a requirement cue (years,
 * a degree, a skill, "experience with", "required", "a plus"...), except
 * duties ("you will be responsible for").
 *
 * Requirement skills are the taxonomy mentions inside the requirement, in
 * alternative groups (requirement.groups): mentions joined only by
 * connectors form a run; a run is one group of alternatives when joined by
 * "or" / "and/or" / "nor", by '/' within one family ("AWS/GCP"), introduced
 * by "such as" / "e.g." / "like" / "one of", or followed by "or similar" /
 * "or other X"; otherwise each skill is its own group (all of them are
 * asked). An umbrella skill that introduces its examples ("cloud platforms
 * (AWS, Azure, or GCP)", "version control systems such as Git") stands for
 * them and is left out of requirement.skills (job.skills keeps it).
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "img_extract.h"
#include "img_job.h"
#include "img_job_int.h"

typedef struct blk {
    size_t start, end; /* content: one line, or wrapped lines joined */
    img_job_sec_t kind;
    bool list; /* under a skills-list heading ("Tech stack") */
    bool bullet;
    unsigned section; /* ordinal of the heading above */
    size_t last_line; /* for continuation */
} blk_t;

typedef struct jctx {
    img_analysis_t *a;
    const img_doc_t *doc;
    const char *t;
    IMG_VEC(blk_t) blocks;
    img_mention_t *m; /* skill mentions of the whole ad, in order */
    size_t nm;
    bool heading_mode;      /* the ad has requirements headings */
    int edu_must, edu_nice; /* lowest accepted degree level of the first such requirement */
} jctx_t;

/* ---- headings ---- */

static size_t count_words(const char *norm)
{
    size_t n = 0;
    for (const char *p = norm; *p; p++)
        if (*p != ' ' && (p == norm || p[-1] == ' '))
            n++;
    return n;
}

/* Every word of four letters or more starts with a capital (short words may not). */
static bool title_case(const char *t, size_t s, size_t e)
{
    size_t p = s;
    while (p < e) {
        while (p < e && !isalpha((unsigned char)t[p]))
            p++;
        size_t w = p;
        while (p < e && isalpha((unsigned char)t[p]))
            p++;
        if (p - w >= 4 && islower((unsigned char)t[w]))
            return false;
    }
    return true;
}

static bool all_caps(const char *t, size_t s, size_t e)
{
    size_t letters = 0;
    for (size_t p = s; p < e; p++) {
        if (islower((unsigned char)t[p]))
            return false;
        if (isupper((unsigned char)t[p]))
            letters++;
    }
    return letters >= 3;
}

static bool first_upper(const char *t, size_t s, size_t e)
{
    for (size_t p = s; p < e; p++)
        if (isalpha((unsigned char)t[p]))
            return isupper((unsigned char)t[p]);
    return false;
}

/* First mention of the whole ad starting at or after pos. */
static size_t mention_at(const jctx_t *c, size_t pos)
{
    size_t lo = 0, hi = c->nm;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (c->m[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* A skill named in text[s..e): asked only of a few would-be headings, before
 * the ad's mentions are known. */
static bool has_mention(jctx_t *c, size_t s, size_t e)
{
    img_mention_t *m;
    return img_extract_mentions(c->a->tax, c->doc, s, e, 0, c->a->arena, &m) > 0;
}

static bool skipped_kind(img_job_sec_t k)
{
    return k == IMG_JOB_SEC_BENEFITS || k == IMG_JOB_SEC_ABOUT || k == IMG_JOB_SEC_EEO;
}

/* The extractor runs once per stretch of blocks worth reading (benefits,
 * "About us" and EEO text are never read), plus once over the title line. */
static void extract_mentions(jctx_t *c, long title_line)
{
    img_analysis_t *a = c->a;
    IMG_VEC(img_mention_t) all = {0};
    size_t b = 0;
    bool title_done = title_line < 0;
    while (b < c->blocks.n || !title_done) {
        size_t s, e;
        unsigned flags = 0;
        if (!title_done &&
            (b >= c->blocks.n || c->doc->lines[title_line].start < c->blocks.v[b].start)) {
            s = c->doc->lines[title_line].start;
            e = c->doc->lines[title_line].end;
            title_done = true;
        } else if (skipped_kind(c->blocks.v[b].kind) || c->blocks.v[b].list) {
            /* Lists are read apart, with IMG_EXTRACT_LIST (do_blocks). */
            b++;
            continue;
        } else {
            s = c->blocks.v[b].start;
            e = c->blocks.v[b].end;
            b++;
            while (b < c->blocks.n && !skipped_kind(c->blocks.v[b].kind) && !c->blocks.v[b].list &&
                   (title_done || c->doc->lines[title_line].start > c->blocks.v[b].start))
                e = c->blocks.v[b++].end;
        }
        img_mention_t *m;
        size_t n = img_extract_mentions(a->tax, c->doc, s, e, flags, a->arena, &m);
        for (size_t k = 0; k < n; k++)
            *IMG_VEC_PUSH(a->arena, &all) = m[k];
    }
    c->m = all.v;
    c->nm = all.n;
}

/* Whether line i is a heading. Fills *kind (-1 when the words name no known
 * kind), *list, and *rest: where content starts after an inline heading
 * ("Requirements: 5+ years of Go"), 0 when the whole line is the heading. */
static bool line_heading(jctx_t *c, size_t i, int *kind, bool *list, size_t *rest)
{
    const img_line_t *ln = &c->doc->lines[i];
    const char *t = c->t;
    size_t s = ln->start, e = ln->end;
    *rest = 0;
    *list = false;
    bool md = t[s] == '#';
    bool bold = e - s > 4 && t[s] == '*' && t[s + 1] == '*' && t[e - 1] == '*' && t[e - 2] == '*';
    size_t ce = e;
    while (ce > s && (t[ce - 1] == '*' || t[ce - 1] == '_' || t[ce - 1] == ' ' || t[ce - 1] == '#'))
        ce--;
    if (ce == s)
        return false;
    bool colon = t[ce - 1] == ':';
    bool ellipsis = (ce - s >= 3 && memcmp(t + ce - 3, "...", 3) == 0) ||
                    (ce - s >= 3 && memcmp(t + ce - 3, "\xe2\x80\xa6", 3) == 0);
    char last = t[ce - 1];
    bool stop =
        (last == '.' && !ellipsis) || last == '!' || last == '?' || last == ';' || last == ',';
    char *norm = img_job_norm(c->a->arena, t, s, e, NULL);
    size_t nw = count_words(norm);
    bool weak = false;
    if (nw == 0)
        return false;
    /* Only a short line can be a heading (an inline one is judged apart). */
    bool maybe = ln->bullet ? colon : (nw <= 10 || md || bold);
    *kind = maybe ? img_job_heading_kind(norm, &weak) : -1;
    if (*kind >= 0)
        *list = img_job_heading_is_list(norm);
    if (ln->bullet)
        return colon && *kind >= 0 && nw <= 4;
    if (md || bold)
        return nw <= 10;
    if (colon && nw <= 8)
        return true;
    if (!stop && ellipsis && nw <= 7)
        return true;
    /* Inline: "Nice to have: Kubernetes, Terraform". */
    const char *cp = memchr(t + s, ':', e - s);
    if (cp) {
        size_t cpos = (size_t)(cp - t);
        char *pre = img_job_norm(c->a->arena, t, s, cpos, NULL);
        size_t pw = count_words(pre);
        bool pweak = false;
        int pk = img_job_heading_kind(pre, &pweak);
        size_t r = cpos + 1;
        while (r < e && (t[r] == ' ' || t[r] == '\t'))
            r++;
        if (pk >= 0 && pw >= 1 && pw <= 5 && r < e && (!pweak || title_case(t, s, cpos))) {
            *kind = pk;
            *list = img_job_heading_is_list(pre);
            *rest = r;
            return true;
        }
    }
    if (!stop && *kind >= 0 && nw <= 6 && first_upper(t, s, e)) {
        if (!weak || (nw <= 3 && title_case(t, s, e) && !has_mention(c, s, e)))
            return true;
    }
    if (!stop && nw <= 6 && all_caps(t, s, e) && !has_mention(c, s, e))
        return true;
    return false;
}

/* ---- blocks ---- */

static bool terminal(char ch)
{
    return ch == '.' || ch == '!' || ch == '?' || ch == ':' || ch == ';';
}

static void build_blocks(jctx_t *c, long title_line)
{
    const img_doc_t *doc = c->doc;
    const char *t = c->t;
    img_job_sec_t cur = IMG_JOB_SEC_INTRO;
    bool cur_list = false;
    unsigned section = 0;
    blk_t *open = NULL;
    bool prev_blank = true;
    for (size_t i = 0; i < doc->n_lines; i++) {
        const img_line_t *ln = &doc->lines[i];
        if ((long)i == title_line || ln->blank) {
            open = NULL;
            prev_blank = true;
            continue;
        }
        int kind;
        bool list;
        size_t rest;
        if (line_heading(c, i, &kind, &list, &rest)) {
            if (kind == IMG_JOB_SEC_CONTINUE) {
                /* "In addition:" - the previous kind goes on */
            } else if (kind < 0) {
                /* An unknown heading: a sentence-like lead-in inside a list of
                 * requirements ("You will bring the following:") keeps the kind. */
                bool lead_in = (cur == IMG_JOB_SEC_MUST || cur == IMG_JOB_SEC_NICE ||
                                cur == IMG_JOB_SEC_RESP) &&
                               !title_case(t, ln->start, ln->end);
                if (!lead_in) {
                    cur = IMG_JOB_SEC_OTHER;
                    cur_list = false;
                }
            } else {
                cur = (img_job_sec_t)kind;
                cur_list = list;
            }
            section++;
            open = NULL;
            prev_blank = false;
            if (rest) {
                open = IMG_VEC_PUSH(c->a->arena, &c->blocks);
                *open = (blk_t){rest, ln->end, cur, cur_list, false, section, i};
            }
            continue;
        }
        if (open && !prev_blank && !ln->bullet) {
            const img_line_t *pl = &doc->lines[open->last_line];
            unsigned char first = (unsigned char)t[ln->start];
            bool cont = islower(first) || (open->bullet && ln->indent > pl->indent) ||
                        (!open->bullet && !terminal(t[pl->end - 1]) && pl->end - pl->start >= 50);
            if (cont) {
                open->end = ln->end;
                open->last_line = i;
                prev_blank = false;
                continue;
            }
        }
        open = IMG_VEC_PUSH(c->a->arena, &c->blocks);
        *open = (blk_t){ln->start, ln->end, cur, cur_list, ln->bullet, section, i};
        prev_blank = false;
    }
    for (size_t b = 0; b < c->blocks.n; b++)
        if (c->blocks.v[b].kind == IMG_JOB_SEC_MUST || c->blocks.v[b].kind == IMG_JOB_SEC_NICE)
            c->heading_mode = true;
}

/* ---- job.skills ---- */

static img_skill_t *find_job_skill(img_job_t *job, int id, const char *name)
{
    for (size_t i = 0; i < job->skills.n; i++) {
        img_skill_t *k = &job->skills.v[i];
        if (id >= 0 ? k->tax_id == id : (k->tax_id < 0 && strcasecmp(k->name, name) == 0))
            return k;
    }
    return NULL;
}

static void add_job_skill(jctx_t *c, int id, const char *name, size_t s, size_t e, bool high)
{
    img_job_t *job = &c->a->job;
    img_skill_t *k = find_job_skill(job, id, name);
    if (!k) {
        k = IMG_VEC_PUSH(c->a->arena, &job->skills);
        const img_tax_skill_t *ts = id >= 0 ? img_tax_get(c->a->tax, id) : NULL;
        k->tax_id = id;
        k->name = ts && ts->name ? ts->name : name ? name : img_job_skill_name(c->a, id);
        k->category = ts ? ts->category : IMG_CAT_HARD;
        k->confidence = IMG_CONF_MEDIUM;
        k->score = 0.6;
    }
    if (high) {
        k->confidence = IMG_CONF_HIGH;
        k->score = 1.0;
    }
    if (k->evidence.n < 8) {
        img_evidence_t *ev = IMG_VEC_PUSH(c->a->arena, &k->evidence);
        ev->section = "job";
        ev->start = s;
        ev->end = e;
    }
}

/* ---- requirement skills and alternatives ---- */

/* The text between two mentions joins them into one list ("A, B, or C",
 * "A and B", "A/B"). Sets *or_word and *slash. Brackets, sentence
 * punctuation and any other word break the list. */
static bool connector_gap(const char *t, size_t a, size_t b, bool *or_word, bool *slash)
{
    if (b < a || b - a > 24)
        return false;
    size_t p = a;
    while (p < b) {
        char ch = t[p];
        if (isalpha((unsigned char)ch)) {
            size_t w = p;
            while (p < b && isalpha((unsigned char)t[p]))
                p++;
            if (img_text_ieq(t, w, p, "or") || img_text_ieq(t, w, p, "nor") ||
                img_text_ieq(t, w, p, "either"))
                *or_word = true;
            else if (!img_text_ieq(t, w, p, "and") && !img_text_ieq(t, w, p, "as") &&
                     !img_text_ieq(t, w, p, "well") && !img_text_ieq(t, w, p, "plus"))
                return false;
            continue;
        }
        if (ch == '/')
            *slash = true;
        else if (ch != ' ' && ch != ',' && ch != '&' && ch != '+' && ch != '\t')
            return false;
        p++;
    }
    return true;
}

static bool same_family(const img_tax_t *tax, int x, int y)
{
    const img_tax_skill_t *a = img_tax_get(tax, x), *b = img_tax_get(tax, y);
    return a && b && a->group && b->group && strcmp(a->group, b->group) == 0;
}

/* "such as", "e.g.", "like", "one of" right before a list. */
static bool or_cue_before(jctx_t *c, size_t s, size_t at)
{
    static const char *const cues[] = {"such as",      "e g",    "eg",     "like",   "for example",
                                       "for instance", "one of", "any of", "either", NULL};
    size_t from = at > s + 30 ? at - 30 : s;
    size_t len;
    char *norm = img_job_norm(c->a->arena, c->t, from, at, &len);
    for (int k = 0; cues[k]; k++) {
        size_t cl = strlen(cues[k]);
        long pos = img_job_find(norm, cues[k]);
        if (pos >= 0 && (size_t)pos + cl == len)
            return true;
    }
    return false;
}

/* "or similar", "or equivalent" right after a list. */
static bool or_cue_after(jctx_t *c, size_t at, size_t e)
{
    static const char *const cues[] = {"^or similar",    "^or equivalent",   "^or other",
                                       "^or comparable", "^or related",      "^or another",
                                       "^or any",        "^or alternative*", NULL};
    size_t to = at + 30 < e ? at + 30 : e;
    char *norm = img_job_norm(c->a->arena, c->t, at, to, NULL);
    return img_job_find_any(norm, cues) >= 0;
}

/* The gap reads "or other", "or similar", "or equivalent", "or any" and at
 * most two more words. */
static bool or_other_gap(jctx_t *c, size_t a, size_t b)
{
    static const char *const cues[] = {"^or other", "^or similar", "^or equivalent",
                                       "^or any",   "^or another", "^or comparable",
                                       NULL};
    if (b < a || b - a > 40 || memchr(c->t + a, '.', b - a) || memchr(c->t + a, ';', b - a))
        return false;
    char *norm = img_job_norm(c->a->arena, c->t, a, b, NULL);
    return img_job_find_any(norm, cues) >= 0 && count_words(norm) <= 4;
}

/* An umbrella skill introducing its examples: "cloud platforms (AWS, Azure,
 * or GCP)", "version control systems such as Git". The gap after mention i
 * holds only category nouns and a bracket, colon or example cue, and the
 * umbrella relates to the first example. */
static bool umbrella(jctx_t *c, const img_mention_t *m, size_t n, size_t i)
{
    static const char *const fill[] = {"platform",
                                       "platforms",
                                       "technology",
                                       "technologies",
                                       "system",
                                       "systems",
                                       "tool",
                                       "tools",
                                       "tooling",
                                       "framework",
                                       "frameworks",
                                       "language",
                                       "languages",
                                       "database",
                                       "databases",
                                       "service",
                                       "services",
                                       "solution",
                                       "solutions",
                                       "stack",
                                       "stacks",
                                       "environment",
                                       "environments",
                                       "software",
                                       "practices",
                                       "methodologies",
                                       "concepts",
                                       "providers",
                                       "libraries",
                                       "engines",
                                       "development",
                                       "management",
                                       "administration",
                                       "design",
                                       "implementation",
                                       "experience",
                                       "skills",
                                       "expertise",
                                       "knowledge",
                                       "engineering",
                                       "work",
                                       "such",
                                       "as",
                                       "e",
                                       "g",
                                       "eg",
                                       "like",
                                       "including",
                                       "especially",
                                       "for",
                                       "example",
                                       "instance",
                                       "i",
                                       NULL};
    if (i + 1 >= n)
        return false;
    size_t a = m[i].end, b = m[i + 1].start;
    if (b < a || b - a > 40)
        return false;
    bool cue = false, comma = false;
    for (size_t p = a; p < b; p++) {
        char ch = c->t[p];
        if (ch == '(' || ch == ':')
            cue = true;
        else if (ch == ',')
            comma = true; /* allowed before "e.g." / "such as" only, see below */
        else if (ch == '.' || ch == ';' || ch == ')')
            if (!(ch == '.' && p > a && (c->t[p - 1] == 'e' || c->t[p - 1] == 'g')))
                return false;
    }
    char *norm = img_job_norm(c->a->arena, c->t, a, b, NULL);
    for (const char *p = norm; *p;) {
        const char *w = p;
        while (*p && *p != ' ')
            p++;
        size_t l = (size_t)(p - w);
        bool ok = false;
        for (int k = 0; fill[k] && !ok; k++)
            ok = strlen(fill[k]) == l && memcmp(fill[k], w, l) == 0;
        if (!ok)
            return false;
        if (*p)
            p++;
    }
    bool words = img_job_find(norm, "such as") >= 0 || img_job_find(norm, "e g") >= 0 ||
                 img_job_find(norm, "eg") >= 0 || img_job_find(norm, "like") >= 0 ||
                 img_job_find(norm, "including") >= 0 || img_job_find(norm, "especially") >= 0 ||
                 img_job_find(norm, "for example") >= 0;
    if ((!cue && !words) || (comma && !words))
        return false;
    int u = m[i].skill, x = m[i + 1].skill;
    if (u == x)
        return false;
    if (img_tax_related(c->a->tax, u, x) || same_family(c->a->tax, u, x))
        return true;
    /* A discipline with named products in brackets: "Database management
     * (PostgreSQL or MongoDB)". */
    const img_tax_skill_t *us = img_tax_get(c->a->tax, u), *xs = img_tax_get(c->a->tax, x);
    return cue && us && xs && us->category != IMG_CAT_TOOL && xs->category == IMG_CAT_TOOL &&
           memchr(c->t + a, '(', b - a) != NULL;
}

static void req_skills(jctx_t *c, img_requirement_t *r, const img_mention_t *all, size_t n_all)
{
    img_arena_t *arena = c->a->arena;
    /* An umbrella stands for its examples, which become the skills. */
    img_mention_t *m = img_arena_alloc(arena, (n_all + 1) * sizeof(*m));
    size_t n = 0;
    for (size_t k = 0; k < n_all; k++)
        if (!umbrella(c, all, n_all, k))
            m[n++] = all[k];
    size_t i = 0;
    int next_group = 0;
    while (i < n) {
        /* One run: mentions joined by connectors only. */
        size_t j = i + 1;
        bool or_word = false, slash = false, slash_family = true;
        while (j < n) {
            bool ow = false, sl = false;
            if (!connector_gap(c->t, m[j - 1].end, m[j].start, &ow, &sl)) {
                /* "Terraform or other infrastructure-as-code tools": the
                 * class named after "or other" is one more alternative. */
                if (!or_other_gap(c, m[j - 1].end, m[j].start))
                    break;
                ow = true;
            }
            or_word |= ow;
            if (sl) {
                slash = true;
                slash_family &= same_family(c->a->tax, m[j - 1].skill, m[j].skill);
            }
            j++;
        }
        bool alt = or_word || (slash && slash_family) || or_cue_before(c, r->start, m[i].start) ||
                   or_cue_after(c, m[j - 1].end, r->end);
        int run_group = next_group;
        if (alt)
            next_group++;
        for (size_t k = i; k < j; k++) {
            bool dup = false;
            for (size_t q = 0; q < r->skills.n && !dup; q++)
                dup = r->skills.v[q] == m[k].skill;
            if (dup)
                continue;
            *IMG_VEC_PUSH(arena, &r->skills) = m[k].skill;
            *IMG_VEC_PUSH(arena, &r->groups) = alt ? run_group : next_group++;
        }
        i = j;
    }
    r->any_of = false;
    if (r->skills.n >= 2) {
        r->any_of = true;
        for (size_t q = 1; q < r->groups.n; q++)
            if (r->groups.v[q] != r->groups.v[0])
                r->any_of = false;
    }
}

/* ---- sentences ---- */

static void add_requirement(jctx_t *c, size_t s, size_t e, const char *norm, img_req_kind_t kind,
                            const img_mention_t *m, size_t n)
{
    img_analysis_t *a = c->a;
    img_requirement_t *r = IMG_VEC_PUSH(a->arena, &a->job.requirements);
    snprintf(r->id, sizeof(r->id), "R%zu", a->job.requirements.n);
    r->start = s;
    r->end = e;
    r->kind = kind;
    r->years = img_job_years(norm);
    int dmin = 0;
    r->education = img_job_degree(norm, false, &dmin, NULL);
    if (r->education && dmin >= IMG_DEG_BACHELOR) {
        int *slot = kind == IMG_REQ_MUST ? &c->edu_must : &c->edu_nice;
        if (!*slot)
            *slot = dmin;
    }
    req_skills(c, r, m, n);
    for (size_t k = 0; k < n; k++)
        add_job_skill(c, m[k].skill, NULL, m[k].start, m[k].end, kind == IMG_REQ_MUST);
    if (!r->skills.n && !r->years && !r->education) {
        /* Uncatalogued: keep its skill phrases in job.skills by name. */
        img_span_t *ph;
        size_t np = img_extract_phrases(a->tax, c->doc, s, e, 0, a->arena, &ph);
        for (size_t k = 0; k < np; k++) {
            if (ph[k].end <= ph[k].start)
                continue;
            char *name = img_arena_strndup(a->arena, c->t + ph[k].start, ph[k].end - ph[k].start);
            add_job_skill(c, -1, name, ph[k].start, ph[k].end, kind == IMG_REQ_MUST);
        }
    }
}

static void do_sentence(jctx_t *c, const blk_t *b, size_t s, size_t e, const img_mention_t *m,
                        size_t n, int *sub_kind)
{
    char *norm = img_job_norm(c->a->arena, c->t, s, e, NULL);
    if (!*norm || img_job_is_boilerplate(norm))
        return;
    img_job_sec_t sec = b->kind;
    /* A lead-in inside a list ("Bonus points for:", "Technical skills:"). */
    if (c->t[e - 1] == ':' && count_words(norm) <= 6) {
        int k = img_job_heading_kind(norm, NULL);
        if (k == IMG_JOB_SEC_MUST || k == IMG_JOB_SEC_NICE)
            *sub_kind = k;
        return;
    }
    if (*sub_kind >= 0 && (sec == IMG_JOB_SEC_MUST || sec == IMG_JOB_SEC_NICE))
        sec = (img_job_sec_t)*sub_kind;
    bool is_req;
    if (c->heading_mode) {
        is_req = sec == IMG_JOB_SEC_MUST || sec == IMG_JOB_SEC_NICE;
    } else {
        is_req = (sec == IMG_JOB_SEC_INTRO || sec == IMG_JOB_SEC_OTHER) &&
                 !img_job_is_duty_cue(norm) &&
                 (n > 0 || img_job_is_requirement_cue(norm) || img_job_years(norm) > 0 ||
                  img_job_degree(norm, false, NULL, NULL));
    }
    if (!is_req) {
        for (size_t k = 0; k < n; k++)
            add_job_skill(c, m[k].skill, NULL, m[k].start, m[k].end, false);
        return;
    }
    img_req_kind_t kind = sec == IMG_JOB_SEC_NICE ? IMG_REQ_NICE : IMG_REQ_MUST;
    if (img_job_is_nice_cue(norm))
        kind = IMG_REQ_NICE;
    else if (kind == IMG_REQ_NICE && img_job_is_must_cue(norm))
        kind = IMG_REQ_MUST;
    add_requirement(c, s, e, norm, kind, m, n);
}

static bool space_byte(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

static void do_blocks(jctx_t *c)
{
    static img_mention_t no_mentions[1]; /* never written: every count against it is 0 */
    img_analysis_t *a = c->a;
    int sub_kind = -1;
    unsigned section = (unsigned)-1;
    for (size_t bi = 0; bi < c->blocks.n; bi++) {
        const blk_t *b = &c->blocks.v[bi];
        if (b->section != section) {
            section = b->section;
            sub_kind = -1;
        }
        if (b->kind == IMG_JOB_SEC_BENEFITS || b->kind == IMG_JOB_SEC_ABOUT ||
            b->kind == IMG_JOB_SEC_EEO)
            continue;
        img_mention_t *m;
        size_t nm;
        if (b->list) {
            /* A skills list: ambiguous words count here. */
            nm = img_extract_mentions(a->tax, c->doc, b->start, b->end, IMG_EXTRACT_LIST, a->arena,
                                      &m);
        } else {
            size_t k = mention_at(c, b->start), q = k;
            while (q < c->nm && c->m[q].end <= b->end)
                q++;
            m = c->m ? c->m + k : NULL;
            nm = q - k;
        }
        if (!m) /* no mention at all: m + 0 on a null pointer is undefined */
            m = no_mentions;
        size_t mi = 0, p = b->start;
        while (p < b->end) {
            while (p < b->end && space_byte(c->t[p]))
                p++;
            if (p >= b->end)
                break;
            size_t se = img_job_sentence_end(c->t, p, b->end);
            size_t s = p, e = se;
            p = se;
            while (e > s && (space_byte(c->t[e - 1]) || c->t[e - 1] == ';' || c->t[e - 1] == ','))
                e--;
            while (mi < nm && m[mi].start < s)
                mi++;
            size_t mj = mi;
            while (mj < nm && m[mj].end <= e)
                mj++;
            if (e > s)
                do_sentence(c, b, s, e, m + mi, mj - mi, &sub_kind);
            mi = mj;
        }
    }
}

/* ---- the rest of the job ---- */

static void job_domain(jctx_t *c)
{
    img_analysis_t *a = c->a;
    img_job_dom_t d;
    memset(&d, 0, sizeof(d));
    if (a->job.title)
        img_job_dom_title(&d, img_job_norm(a->arena, a->job.title, 0, strlen(a->job.title), NULL),
                          3.0);
    for (size_t i = 0; i < a->job.skills.n; i++) {
        const img_skill_t *k = &a->job.skills.v[i];
        img_job_dom_skill(&d, a->tax, k->tax_id, k->confidence == IMG_CONF_HIGH ? 1.0 : 0.5);
    }
    a->job.domain = img_job_dom_best(&d);
}

void img_job_parse(img_analysis_t *analysis)
{
    jctx_t c;
    memset(&c, 0, sizeof(c));
    c.a = analysis;
    c.doc = &analysis->job_doc;
    c.t = analysis->job_doc.text;
    img_job_t *job = &analysis->job;
    if (!c.doc->n_lines || !c.t)
        return;

    long title_line = img_job_title(analysis);
    build_blocks(&c, title_line);
    extract_mentions(&c, title_line);
    if (title_line >= 0) {
        /* Skills in the title line count as the job's core. */
        const img_line_t *ln = &c.doc->lines[title_line];
        for (size_t k = mention_at(&c, ln->start); k < c.nm && c.m[k].end <= ln->end; k++)
            add_job_skill(&c, c.m[k].skill, NULL, c.m[k].start, c.m[k].end, true);
    }
    do_blocks(&c);

    for (size_t i = 0; i < job->requirements.n; i++)
        if (job->requirements.v[i].years > job->years_required)
            job->years_required = job->requirements.v[i].years;
    job->education = img_job_degree_name(c.edu_must ? c.edu_must : c.edu_nice);
    const char *tn =
        job->title ? img_job_norm(analysis->arena, job->title, 0, strlen(job->title), NULL) : NULL;
    job->seniority = img_job_seniority(tn, job->years_required);
    job_domain(&c);
}
