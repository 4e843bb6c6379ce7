/*
 * img_critic.c - criticism: scores every suggestion (specificity,
 * actionability, alignment, grounding: 0-5), runs the grounding guard,
 * repairs what can be repaired (an unsupported figure becomes a placeholder;
 * a new-skill suggestion wrongly marked grounded becomes a plan) and gives a
 * verdict with a one-sentence note. Dropped suggestions stay in the list so
 * the result shows why. Works on any suggestion, including LLM-written ones.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "img_suggest_int.h"

/* ---- word lists ---- */

static const char *const imperatives[] = {
    "build",        "earn",       "take",       "complete",  "volunteer",
    "mentor",       "lead",       "add",        "rewrite",   "replace",
    "use",          "list",       "present",    "write",     "join",
    "seek",         "ask",        "contribute", "deploy",    "create",
    "set",          "practise",   "practice",   "study",     "enrol",
    "enroll",       "obtain",     "get",        "pursue",    "run",
    "organise",     "organize",   "design",     "publish",   "document",
    "start",        "move",       "quantify",   "shadow",    "propose",
    "pair",         "attend",     "plan",       "own",       "compare",
    "develop",      "implement",  "prepare",    "apply",     "launch",
    "host",         "teach",      "train",      "learn",     "explore",
    "offer",        "facilitate", "read",       "register",  "schedule",
    "highlight",    "reword",     "rename",     "mention",   "include",
    "emphasise",    "emphasize",  "surface",    "tailor",    "update",
    "automate",     "migrate",    "open",       "configure", "containerise",
    "containerize", "benchmark",  "instrument", "measure",   "refactor",
    "ship",         "try",        "pick",       "choose",    "certify",
    "gain",         "achieve",    "become",     "do",        "make",
    "work",         "focus",      "consider",   NULL};

static const char *const deliverables[] = {
    "app",         "application",   "api",          "dashboard",      "pipeline",
    "repository",  "repo",          "cluster",      "report",         "demo",
    "notebook",    "service",       "tool",         "exam",           "course",
    "capstone",    "certification", "bullet",       "skills section", "placeholder",
    "project",     "talk",          "post",         "guide",          "case study",
    "deployment",  "portfolio",     "readme",       "write-up",       "prototype",
    "schema",      "suite",         "pull request", "credential",     "initiative",
    "meetup",      "presentation",  "post-mortem",  "tracker",        "manifests",
    "environment", "degree",        "programme",    "program",        NULL};

static const char *const show_words[] = {"readme",
                                         "repository",
                                         "repo",
                                         "demo",
                                         "resume",
                                         "skills section",
                                         "exam",
                                         "portfolio",
                                         "link",
                                         "placeholder",
                                         "list it",
                                         "bullet",
                                         "pull request",
                                         "certifications",
                                         "courses",
                                         "write-up",
                                         "post-mortem",
                                         "log",
                                         NULL};

static const char *const next_step_words[] = {"plan:", "steps:", "scope:", "suggested:", "then ",
                                              "once ", "first",  "1)",     "start ",     NULL};

static const char *const vague_phrases[] = {"improve your skills",
                                            "improve skills",
                                            "improve your knowledge",
                                            "learn more",
                                            "various",
                                            "etc",
                                            "some things",
                                            "stuff",
                                            "get better",
                                            "familiarize yourself",
                                            "familiarise yourself",
                                            "brush up",
                                            "look into",
                                            "consider learning",
                                            "work on your",
                                            "be more",
                                            "try to",
                                            "and so on",
                                            "general knowledge",
                                            "as needed",
                                            "gain experience",
                                            "keep learning",
                                            "stay up to date",
                                            "in general",
                                            NULL};

/* Lower-case copy for phrase searches. */
static char *lower(img_arena_t *ar, const char *s)
{
    char *o = img_arena_strdup(ar, s ? s : "");
    for (char *p = o; *p; p++)
        *p = img_sg_lower((unsigned char)*p);
    return o;
}

/* Cue phrases found in a suggestion's lower-case text. */
typedef struct cues {
    bool deliverable, show, next;
    int vague; /* distinct vague phrases, up to 3 */
} cues_t;

/* One pass over the word starts of low, each of the four lists bucketed by
 * first byte; a phrase matches at a word start and may take a plural 's'. */
static cues_t scan_cues(const char *low)
{
    static const char *const *const lists[4] = {deliverables, show_words, next_step_words,
                                                vague_phrases};
    int16_t first[4][128], next[4][64];
    uint8_t len[4][64];
    memset(first, -1, sizeof(first));
    for (int l = 0; l < 4; l++) {
        size_t n = 0;
        while (lists[l][n] && n < 64)
            n++;
        for (size_t i = n; i-- > 0;) {
            unsigned char c = (unsigned char)lists[l][i][0] & 0x7f;
            len[l][i] = (uint8_t)strlen(lists[l][i]);
            next[l][i] = first[l][c];
            first[l][c] = (int16_t)i;
        }
    }
    cues_t cu = {0};
    uint64_t vague_seen = 0;
    for (const char *p = low; *p;) {
        /* to the next word start; every cue starts with a letter or digit */
        while (*p && !img_sg_alnum((unsigned char)*p))
            p++;
        const char *w0 = p;
        while (img_sg_alnum((unsigned char)*p))
            p++;
        if (w0 == p)
            break;
        unsigned char ch = (unsigned char)*w0;
        for (int l = 0; l < 4; l++) {
            if ((l == 0 && cu.deliverable) || (l == 1 && cu.show) || (l == 2 && cu.next) ||
                (l == 3 && cu.vague >= 3))
                continue;
            for (int i = first[l][ch]; i >= 0; i = next[l][i]) {
                size_t k = len[l][i];
                const char *w = lists[l][i];
                if (strncmp(w0, w, k) != 0)
                    continue;
                if (img_sg_alnum((unsigned char)w0[k]) && img_sg_alnum((unsigned char)w[k - 1]) &&
                    w0[k] != 's')
                    continue;
                if (l == 0)
                    cu.deliverable = true;
                else if (l == 1)
                    cu.show = true;
                else if (l == 2)
                    cu.next = true;
                else if (!((vague_seen >> i) & 1u)) {
                    vague_seen |= (uint64_t)1 << i;
                    cu.vague++;
                }
                break;
            }
        }
    }
    return cu;
}

static bool first_word_in(const char *s, const char *const *list)
{
    while (*s && !img_sg_alpha((unsigned char)*s))
        s++;
    size_t n = 0;
    while (img_sg_alpha((unsigned char)s[n]))
        n++;
    for (size_t i = 0; list[i]; i++)
        if (strlen(list[i]) == n && strncasecmp(s, list[i], n) == 0)
            return true;
    return false;
}

/* ---- repairs ---- */

/* Replaces every unsupported figure in s with a placeholder ("[X%]",
 * "[amount]", "[number]"); returns the new string and the first figure
 * replaced in *first (or leaves it). */
static const char *placeholder_numbers(const img_ground_ctx_t *ctx, const char *s,
                                       const char **first, size_t *count)
{
    if (!s)
        return s;
    img_arena_t *ar = ctx->a->arena;
    size_t len = strlen(s), pos = 0, st, en, last = 0;
    char norm[32];
    const char *out = "";
    bool changed = false;
    while (img_ground_next_number(s, len, &pos, &st, &en, norm, sizeof(norm))) {
        if (norm[0] && img_ground_number_supported(ctx, norm))
            continue;
        const char *ph = s[en - 1] == '%'                                 ? "[X%]"
                         : (s[st] == '$' || (unsigned char)s[st] >= 0xC2) ? "[amount]"
                                                                          : "[number]";
        if (!*first)
            *first = img_arena_strndup(ar, s + st, en - st);
        out = img_arena_printf(ar, "%s%.*s%s", out, (int)(st - last), s + last, ph);
        last = en;
        changed = true;
        (*count)++;
    }
    return changed ? img_arena_printf(ar, "%s%s", out, s + last) : s;
}

static bool bridging_kind(img_sugg_kind_t k)
{
    return k == IMG_SUGG_PROJECT || k == IMG_SUGG_CERTIFICATION || k == IMG_SUGG_COURSE ||
           k == IMG_SUGG_EXPERIENCE;
}

/* ---- scores ---- */

static int clamp5(int v)
{
    return v < 0 ? 0 : v > 5 ? 5 : v;
}

/* Whole-word occurrence of lower-case w in lower-case low: its offset, or -1. */
static long find_word(const char *low, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(low, w); p; p = strstr(p + 1, w)) {
        bool start_ok = p == low || !img_sg_alnum((unsigned char)p[-1]);
        bool end_ok = !img_sg_alnum((unsigned char)p[n]) || p[n] == 's';
        if (start_ok && end_ok)
            return (long)(p - low);
    }
    return -1;
}

/* What the text names: skills of the requirements it closes (by their
 * canonical names, cheap enough for every suggestion) and, for grounded
 * suggestions, every taxonomy skill the guard's extractor found. */
typedef struct named {
    int skills;    /* distinct skills named */
    bool in_title; /* one of them in the title */
    bool closed;   /* one of them belongs to a requirement it closes */
} named_t;

static void add_id(int *ids, size_t *n, size_t cap, int id)
{
    for (size_t i = 0; i < *n; i++)
        if (ids[i] == id)
            return;
    if (*n < cap)
        ids[(*n)++] = id;
}

static named_t find_named(const img_analysis_t *a, const img_suggestion_t *s,
                          const img_ground_report_t *r)
{
    named_t nm = {0};
    int ids[48];
    size_t n = 0;
    for (size_t i = 0; i < s->closes.n; i++) {
        int q = s->closes.v[i];
        if (q < 0 || (size_t)q >= a->job.requirements.n)
            continue;
        const img_requirement_t *req = &a->job.requirements.v[q];
        for (size_t k = 0; k < req->skills.n; k++)
            add_id(ids, &n, 48, req->skills.v[k]);
        /* img_gap writes one result per requirement, in order: look there
         * first; a scan per closed requirement is quadratic on long ads. */
        size_t g0 = 0, g1 = a->gap.requirements.n;
        if ((size_t)q < g1 && a->gap.requirements.v[q].req == q) {
            g0 = (size_t)q;
            g1 = g0 + 1;
        }
        for (size_t g = g0; g < g1; g++) {
            const img_req_result_t *res = &a->gap.requirements.v[g];
            if (res->req != q)
                continue;
            for (size_t k = 0; k < res->matched.n; k++)
                add_id(ids, &n, 48, res->matched.v[k]);
            for (size_t k = 0; k < res->missing.n; k++)
                add_id(ids, &n, 48, res->missing.v[k]);
        }
    }
    size_t title_len = s->title ? strlen(s->title) : 0;
    char w[128];
    for (size_t i = 0; i < n; i++) {
        const char *name = img_suggest_skill_name(a, ids[i]);
        size_t k = 0;
        for (; name && name[k] && k + 1 < sizeof(w); k++)
            w[k] = img_sg_lower((unsigned char)name[k]);
        w[k] = '\0';
        long at = k ? find_word(r->lower, w) : -1;
        if (at < 0)
            continue;
        nm.skills++;
        nm.closed = true;
        nm.in_title |= (size_t)at < title_len;
    }
    /* grounded: skills the extractor found beyond the requirements' own */
    for (size_t i = 0; i < r->n_mentions; i++) {
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = ids[k] == r->mentions[i].skill;
        for (size_t j = 0; j < i && !seen; j++)
            seen = r->mentions[j].skill == r->mentions[i].skill;
        if (seen)
            continue;
        nm.skills++;
        nm.in_title |= r->mentions[i].start < title_len;
    }
    return nm;
}

static int score_specificity(const img_suggestion_t *s, const cues_t *cu, const named_t *nm,
                             int *vague)
{
    const char *detail = s->detail ? s->detail : "";
    int sc = 0;
    bool quoted = strchr(detail, '"') != NULL;
    sc += nm->skills >= 1 || quoted;
    sc += nm->skills >= 2 || (quoted && nm->skills >= 1);
    /* enumerated steps or a ';'-separated scope */
    int steps = 0;
    for (const char *p = strchr(detail, ';'); p && steps < 2; p = strchr(p + 1, ';'))
        steps++;
    for (const char *p = strchr(detail, ')'); p && steps < 2; p = strchr(p + 1, ')'))
        steps += p > detail && img_sg_digit((unsigned char)p[-1]);
    sc += steps >= 2;
    sc += cu->deliverable;
    sc += strlen(detail) >= 80;
    sc += strchr(detail, '(') != NULL; /* concrete examples in brackets */
    sc += nm->in_title || (s->title && strchr(s->title, '"'));
    *vague = cu->vague;
    return clamp5(clamp5(sc) - *vague);
}

static int score_actionability(const img_suggestion_t *s, const cues_t *cu)
{
    int sc = 0;
    if (s->title && first_word_in(s->title, imperatives))
        sc += 2;
    sc += cu->next;
    sc += s->effort && *s->effort;
    sc += cu->show;
    return clamp5(sc);
}

static int score_alignment(const img_analysis_t *a, const img_suggestion_t *s, const named_t *nm)
{
    int valid = 0;
    bool must = false;
    for (size_t i = 0; i < s->closes.n; i++) {
        int q = s->closes.v[i];
        if (q < 0 || (size_t)q >= a->job.requirements.n)
            continue;
        valid++;
        must |= a->job.requirements.v[q].kind == IMG_REQ_MUST;
    }
    if (valid == 0)
        return 0;
    return clamp5((must ? 4 : 3) + (nm->closed || valid >= 2));
}

/* ---- duplicates ---- */

/* Lower-case words of a title, space-separated, for comparison. */
static char *title_words(img_arena_t *ar, const char *s)
{
    char *o = img_arena_alloc(ar, (s ? strlen(s) : 0) + 2);
    size_t n = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (img_sg_alnum((unsigned char)*p))
            o[n++] = img_sg_lower((unsigned char)*p);
        else if (n && o[n - 1] != ' ')
            o[n++] = ' ';
    }
    while (n && o[n - 1] == ' ')
        n--;
    o[n] = '\0';
    return o;
}

/* Jaccard similarity of the word sets of two normalised titles, in percent. */
static int word_overlap(const char *x, const char *y)
{
    int inter = 0, nx = 0, ny = 0;
    for (const char *p = x; *p;) {
        size_t k = strcspn(p, " ");
        nx++;
        for (const char *q = y; *q;) {
            size_t m = strcspn(q, " ");
            if (m == k && strncmp(p, q, k) == 0) {
                inter++;
                break;
            }
            q += m + (q[m] == ' ');
        }
        p += k + (p[k] == ' ');
    }
    for (const char *q = y; *q;) {
        size_t m = strcspn(q, " ");
        ny++;
        q += m + (q[m] == ' ');
    }
    int uni = nx + ny - inter;
    return uni ? inter * 100 / uni : 100;
}

/* True if both titles quote a term ("Add \"CSS\" ...") and the terms differ:
 * the same sentence about two skills is two suggestions. */
static bool other_quoted_term(const char *x, const char *y)
{
    const char *xa = strchr(x, '"'), *ya = strchr(y, '"');
    const char *xb = xa ? strchr(xa + 1, '"') : NULL, *yb = ya ? strchr(ya + 1, '"') : NULL;
    if (!xb || !yb)
        return false;
    return xb - xa != yb - ya || strncasecmp(xa, ya, (size_t)(xb - xa)) != 0;
}

static bool same_closes(const img_suggestion_t *x, const img_suggestion_t *y)
{
    for (size_t i = 0; i < x->closes.n; i++) {
        bool found = false;
        for (size_t j = 0; j < y->closes.n && !found; j++)
            found = x->closes.v[i] == y->closes.v[j];
        if (!found)
            return false;
    }
    for (size_t j = 0; j < y->closes.n; j++) {
        bool found = false;
        for (size_t i = 0; i < x->closes.n && !found; i++)
            found = x->closes.v[i] == y->closes.v[j];
        if (!found)
            return false;
    }
    return true;
}

/* "R5 (must-have)" / "R5 (must-have) and R9 (nice-to-have)". */
static const char *closes_text(const img_analysis_t *a, const img_suggestion_t *s)
{
    const char *out = "";
    int n = 0;
    for (size_t i = 0; i < s->closes.n && n < 3; i++) {
        int q = s->closes.v[i];
        if (q < 0 || (size_t)q >= a->job.requirements.n)
            continue;
        const img_requirement_t *r = &a->job.requirements.v[q];
        out = IMG_SUGG_CAT(a->arena, out, n ? ", " : "", r->id,
                           r->kind == IMG_REQ_MUST ? " (must-have)" : " (nice-to-have)");
        n++;
    }
    return out;
}

void img_suggest_criticize(img_analysis_t *analysis)
{
    img_analysis_t *a = analysis;
    img_arena_t *ar = a->arena;
    img_ground_ctx_t ctx;
    img_ground_ctx_init(&ctx, a);
    char **titles = img_arena_alloc(ar, (a->suggestions.n + 1) * sizeof(char *));

    for (size_t i = 0; i < a->suggestions.n; i++) {
        img_suggestion_t *s = &a->suggestions.v[i];
        img_critique_t *c = &s->critique;
        memset(c, 0, sizeof(*c));
        titles[i] = title_words(ar, s->title);
        if (!s->title || !*s->title) {
            c->verdict = IMG_VERDICT_DROP;
            c->notes = "Dropped: the suggestion has no title.";
            continue;
        }

        img_ground_report_t r;
        img_ground_check(&ctx, s, &r);
        const char *revised = NULL, *dropped = NULL;
        if (r.fail == IMG_GF_NUMBER && s->grounding == IMG_GROUND_GROUNDED) {
            /* The only fault is a figure the resume does not state: ask for it instead. */
            const char *first = NULL;
            size_t count = 0;
            img_suggestion_t fixed = *s;
            fixed.title = placeholder_numbers(&ctx, s->title, &first, &count);
            fixed.detail = placeholder_numbers(&ctx, s->detail, &first, &count);
            img_ground_report_t r2;
            img_ground_check(&ctx, &fixed, &r2);
            if (!r2.fail && count) {
                s->title = fixed.title;
                s->detail = fixed.detail;
                titles[i] = title_words(ar, s->title);
                r = r2;
                revised = img_arena_printf(
                    ar, "Revised: replaced unsupported number \"%s\"%s with a placeholder.", first,
                    count > 1 ? " and others" : "");
            }
        } else if (r.fail && s->grounding == IMG_GROUND_GROUNDED && bridging_kind(s->kind) &&
                   !(r.fail & (IMG_GF_INSTRUCTION | IMG_GF_EMPLOYER)) &&
                   first_word_in(s->title, imperatives)) {
            /* New skills or credentials proposed as future work: that is a plan. */
            img_suggestion_t plan = *s;
            plan.grounding = IMG_GROUND_PLAN;
            img_ground_report_t r2;
            img_ground_check(&ctx, &plan, &r2);
            if (!r2.fail) {
                revised = img_arena_printf(ar, "Revised: marked as a plan, since %s.", r.why);
                s->grounding = IMG_GROUND_PLAN;
                r = r2;
            }
        }
        if (r.fail)
            dropped = img_arena_printf(ar, "Dropped by the grounding guard: %s.", r.why);

        if (!r.lower) /* the guard stopped early (unreadable text) */
            r.lower = lower(ar, r.text);
        int vague = 0;
        named_t nm = find_named(a, s, &r);
        cues_t cu = scan_cues(r.lower);
        c->specificity = score_specificity(s, &cu, &nm, &vague);
        c->actionability = score_actionability(s, &cu);
        c->alignment = score_alignment(a, s, &nm);
        c->grounding = r.fail ? 0 : revised ? 4 : 5;

        /* Duplicate of an earlier suggestion that was not dropped? */
        size_t dup = (size_t)-1;
        for (size_t j = 0; j < i && dup == (size_t)-1 && !dropped; j++) {
            const img_suggestion_t *o = &a->suggestions.v[j];
            if (o->critique.verdict == IMG_VERDICT_DROP || o->kind != s->kind || !same_closes(o, s))
                continue;
            if (s->has_source && o->has_source) {
                /* two rewrites: the same bullet or not, whatever the titles say */
                if (s->source_start < o->source_end && o->source_start < s->source_end)
                    dup = j;
            } else if (strcmp(titles[i], titles[j]) == 0 ||
                       (word_overlap(titles[i], titles[j]) >= 80 &&
                        !other_quoted_term(s->title, o->title))) {
                dup = j;
            }
        }

        if (dropped) {
            c->verdict = IMG_VERDICT_DROP;
            c->notes = dropped;
        } else if (dup != (size_t)-1) {
            c->verdict = IMG_VERDICT_DROP;
            c->notes = img_arena_printf(ar, "Dropped: duplicate of %s.", a->suggestions.v[dup].id);
        } else if (c->alignment == 0) {
            c->verdict = IMG_VERDICT_DROP;
            c->notes = "Dropped: it closes no requirement of the job.";
        } else if (c->specificity <= 1) {
            c->verdict = IMG_VERDICT_DROP;
            c->notes = vague
                           ? "Dropped: vague wording, with no concrete deliverable, skill or step."
                           : "Dropped: too vague, with no concrete deliverable, skill or step.";
        } else if (revised) {
            c->verdict = IMG_VERDICT_REVISE;
            c->notes = revised;
        } else if (c->specificity <= 2 || c->actionability <= 2 ||
                   c->specificity + c->actionability + c->alignment + c->grounding < 13) {
            c->verdict = IMG_VERDICT_REVISE;
            c->notes = c->specificity <= c->actionability
                           ? "Revise: name the deliverable, the skills and the steps."
                           : "Revise: start with an action and give a next step and an effort.";
        } else {
            c->verdict = IMG_VERDICT_KEEP;
            c->notes =
                s->grounding == IMG_GROUND_GROUNDED
                    ? img_arena_printf(ar, "Keep: grounded in the resume; closes %s.",
                                       closes_text(a, s))
                    : img_arena_printf(ar, "Keep: a specific, actionable plan that closes %s.",
                                       closes_text(a, s));
        }
    }
}
