/*
 * img_suggest_llm.c - the end of criticism when another reviewer (an LLM)
 * scored some suggestions: the offline critic for the rest, then the
 * grounding guard and the duplicate check on all of them, so a reviewer's
 * "keep" can never keep a claim the resume does not support.
 *
 * The repairs mirror img_critic.c: an unsupported figure in a grounded
 * suggestion becomes a placeholder; new skills or credentials proposed as
 * future work in a bridging suggestion wrongly marked grounded become a plan;
 * anything else unsupported is dropped.
 */
#include <ctype.h>
#include <string.h>

#include "img_suggest_int.h"

/* Every unsupported figure of s replaced by a placeholder ("[X%]",
 * "[amount]", "[number]"); the first one replaced goes to *first. */
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

/* Lower-case words of a title, space-separated. */
static char *title_words(img_arena_t *ar, const char *s)
{
    char *o = img_arena_alloc(ar, (s ? strlen(s) : 0) + 2);
    size_t n = 0;
    for (const char *p = s ? s : ""; *p; p++) {
        if (isalnum((unsigned char)*p))
            o[n++] = (char)tolower((unsigned char)*p);
        else if (n && o[n - 1] != ' ')
            o[n++] = ' ';
    }
    while (n && o[n - 1] == ' ')
        n--;
    o[n] = '\0';
    return o;
}

static bool has_word(const char *words, const char *w, size_t k)
{
    for (const char *q = words; *q;) {
        size_t m = strcspn(q, " ");
        if (m == k && strncmp(w, q, k) == 0)
            return true;
        q += m + (q[m] == ' ');
    }
    return false;
}

/* Jaccard similarity of the word sets of two normalised titles, in percent. */
static int word_overlap(const char *x, const char *y)
{
    int inter = 0, nx = 0, ny = 0;
    for (const char *p = x; *p;) {
        size_t k = strcspn(p, " ");
        nx++;
        inter += has_word(y, p, k);
        p += k + (p[k] == ' ');
    }
    for (const char *q = y; *q;) {
        size_t m = strcspn(q, " ");
        ny++;
        q += m + (q[m] == ' ');
    }
    int uni = nx + ny - inter;
    return uni > 0 ? inter * 100 / uni : 100;
}

static bool same_closes(const img_suggestion_t *x, const img_suggestion_t *y)
{
    if (x->closes.n != y->closes.n)
        return false;
    for (size_t i = 0; i < x->closes.n; i++) {
        bool found = false;
        for (size_t j = 0; j < y->closes.n && !found; j++)
            found = x->closes.v[i] == y->closes.v[j];
        if (!found)
            return false;
    }
    return true;
}

/* The offline critic on the suggestions nobody reviewed, in place. */
static void criticize_unreviewed(img_analysis_t *a, const bool *reviewed)
{
    size_t n = a->suggestions.n, k = 0;
    img_suggestion_t *all = a->suggestions.v;
    size_t cap = a->suggestions.cap;
    img_suggestion_t *sub = img_arena_alloc(a->arena, (n + 1) * sizeof(*sub));
    size_t *map = img_arena_alloc(a->arena, (n + 1) * sizeof(*map));
    for (size_t i = 0; i < n; i++)
        if (!reviewed[i]) {
            map[k] = i;
            sub[k++] = all[i];
        }
    if (k == 0)
        return;
    a->suggestions.v = sub;
    a->suggestions.n = k;
    a->suggestions.cap = k;
    img_suggest_criticize(a);
    for (size_t j = 0; j < k; j++)
        all[map[j]] = sub[j];
    a->suggestions.v = all;
    a->suggestions.n = n;
    a->suggestions.cap = cap;
}

/* The guard on one reviewed suggestion: repairs, or drops with the reason. */
static void guard_reviewed(const img_ground_ctx_t *ctx, img_suggestion_t *s)
{
    img_arena_t *ar = ctx->a->arena;
    img_critique_t *c = &s->critique;
    const char *said = img_verdict_name(c->verdict);
    if (!s->title || !*s->title) {
        c->verdict = IMG_VERDICT_DROP;
        c->notes = "Dropped: the suggestion has no title.";
        return;
    }
    img_ground_report_t r;
    img_ground_check(ctx, s, &r);
    const char *revised = NULL;
    if (r.fail == IMG_GF_NUMBER && s->grounding == IMG_GROUND_GROUNDED) {
        /* The only fault is a figure the resume does not state: ask for it instead. */
        const char *first = NULL;
        size_t count = 0;
        img_suggestion_t fixed = *s;
        fixed.title = placeholder_numbers(ctx, s->title, &first, &count);
        fixed.detail = placeholder_numbers(ctx, s->detail, &first, &count);
        img_ground_report_t r2;
        img_ground_check(ctx, &fixed, &r2);
        if (!r2.fail && count) {
            s->title = fixed.title;
            s->detail = fixed.detail;
            r = r2;
            revised = img_arena_printf(
                ar,
                "Revised by the grounding guard: replaced unsupported number \"%s\"%s with "
                "a placeholder.",
                first, count > 1 ? " and others" : "");
        }
    } else if (r.fail && s->grounding == IMG_GROUND_GROUNDED && bridging_kind(s->kind) &&
               !(r.fail & (IMG_GF_INSTRUCTION | IMG_GF_EMPLOYER))) {
        /* New skills or credentials proposed as future work: that is a plan. */
        img_suggestion_t plan = *s;
        plan.grounding = IMG_GROUND_PLAN;
        img_ground_report_t r2;
        img_ground_check(ctx, &plan, &r2);
        if (!r2.fail) {
            revised = img_arena_printf(
                ar, "Revised by the grounding guard: marked as a plan, since %s.", r.why);
            s->grounding = IMG_GROUND_PLAN;
            r = r2;
        }
    }
    if (r.fail) {
        c->notes =
            img_arena_printf(ar, "Dropped by the grounding guard: %s (the reviewer said %s).",
                             r.why ? r.why : "an unsupported claim", said);
        c->verdict = IMG_VERDICT_DROP;
        c->grounding = 0;
        return;
    }
    if (revised) {
        if (c->grounding > 4)
            c->grounding = 4;
        if (c->verdict != IMG_VERDICT_DROP) {
            c->notes =
                c->notes && *c->notes ? img_arena_printf(ar, "%s %s", revised, c->notes) : revised;
            c->verdict = IMG_VERDICT_REVISE;
        }
    }
}

void img_suggest_review(img_analysis_t *analysis, const bool *reviewed)
{
    img_analysis_t *a = analysis;
    img_arena_t *ar = a->arena;
    criticize_unreviewed(a, reviewed);

    img_ground_ctx_t ctx;
    img_ground_ctx_init(&ctx, a);
    for (size_t i = 0; i < a->suggestions.n; i++)
        if (reviewed[i])
            guard_reviewed(&ctx, &a->suggestions.v[i]);

    /* Duplicates across reviewed and unreviewed suggestions, first one wins. */
    char **titles = img_arena_alloc(ar, (a->suggestions.n + 1) * sizeof(char *));
    for (size_t i = 0; i < a->suggestions.n; i++) {
        img_suggestion_t *s = &a->suggestions.v[i];
        titles[i] = title_words(ar, s->title);
        if (s->critique.verdict == IMG_VERDICT_DROP)
            continue;
        for (size_t j = 0; j < i; j++) {
            const img_suggestion_t *o = &a->suggestions.v[j];
            if (o->critique.verdict == IMG_VERDICT_DROP || o->kind != s->kind || !same_closes(o, s))
                continue;
            if (strcmp(titles[i], titles[j]) == 0 || word_overlap(titles[i], titles[j]) >= 75) {
                s->critique.verdict = IMG_VERDICT_DROP;
                s->critique.notes = img_arena_printf(ar, "Dropped: duplicate of %s.", o->id);
                break;
            }
        }
    }
}
