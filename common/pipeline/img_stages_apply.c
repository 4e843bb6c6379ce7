/*
 * img_stages_apply.c - applying a validated model output onto the analysis,
 * the offline stages, and stage outputs (checkpoints) with their restore.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_engine.h"
#include "engine/img_suggest.h"
#include "img_stages_int.h"

#define MAX_INSIGHT_ITEMS 6

/* ---- small parsers ---- */

int img_stages_req_index(const img_analysis_t *a, const char *id)
{
    for (size_t i = 0; id && i < a->job.requirements.n; i++)
        if (!strcmp(a->job.requirements.v[i].id, id))
            return (int)i;
    return -1;
}

int img_stages_sugg_index(const img_analysis_t *a, const char *id)
{
    for (size_t i = 0; id && i < a->suggestions.n; i++)
        if (!strcmp(a->suggestions.v[i].id, id))
            return (int)i;
    return -1;
}

int img_stages_kind_parse(const char *s)
{
    for (int k = IMG_SUGG_PROJECT; s && k <= IMG_SUGG_KEYWORD; k++)
        if (!strcmp(s, img_sugg_kind_name((img_sugg_kind_t)k)))
            return k;
    return -1;
}

int img_stages_grounding_parse(const char *s)
{
    return !s                       ? -1
           : !strcmp(s, "grounded") ? IMG_GROUND_GROUNDED
           : !strcmp(s, "plan")     ? IMG_GROUND_PLAN
                                    : -1;
}

int img_stages_verdict_parse(const char *s)
{
    for (int v = IMG_VERDICT_KEEP; s && v <= IMG_VERDICT_DROP; v++)
        if (!strcmp(s, img_verdict_name((img_verdict_t)v)))
            return v;
    return -1;
}

static json_object *get(json_object *o, const char *key)
{
    json_object *v = NULL;
    json_object_object_get_ex(o, key, &v);
    return v;
}

static const char *get_str(json_object *o, const char *key)
{
    json_object *v = get(o, key);
    return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

/* A trimmed copy in the arena; NULL for NULL or an all-blank string. */
static const char *dup_trim(img_arena_t *ar, const char *s)
{
    if (!s)
        return NULL;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return n ? img_arena_strndup(ar, s, n) : NULL;
}

/* ---- analysis ---- */

/* Replaces the items of vec (an IMG_VEC of strings) with those of arr. */
#define SET_LIST(ar, vec, arr, max)                                                                \
    do {                                                                                           \
        json_object *arr_ = (arr);                                                                 \
        (vec)->n = 0;                                                                              \
        for (size_t i_ = 0; i_ < json_object_array_length(arr_) && (vec)->n < (max); i_++) {       \
            const char *s_ =                                                                       \
                dup_trim((ar), json_object_get_string(json_object_array_get_idx(arr_, i_)));       \
            if (s_)                                                                                \
                *IMG_VEC_PUSH((ar), (vec)) = s_;                                                   \
        }                                                                                          \
    } while (0)

static void apply_analysis(img_analysis_t *a, json_object *out)
{
    img_arena_t *ar = a->arena;
    const char *narrative = dup_trim(ar, get_str(out, "narrative"));
    if (narrative)
        a->gap.narrative = narrative;
    if (a->insights.source && !strcmp(a->insights.source, "input"))
        return; /* the request's own insights win */
    const char *d = dup_trim(ar, get_str(out, "domain"));
    const char *cd = dup_trim(ar, get_str(out, "candidate_domain"));
    if (d)
        a->insights.domain = d;
    if (cd)
        a->insights.candidate_domain = cd;
    SET_LIST(ar, &a->insights.priorities, get(out, "priorities"), MAX_INSIGHT_ITEMS);
    SET_LIST(ar, &a->insights.strengths, get(out, "strengths"), MAX_INSIGHT_ITEMS);
    SET_LIST(ar, &a->insights.gaps, get(out, "gaps"), MAX_INSIGHT_ITEMS);
    SET_LIST(ar, &a->insights.recommendations, get(out, "recommendations"), MAX_INSIGHT_ITEMS);
    a->insights.source = "llm";
}

/* ---- generation ---- */

/* Finds the bullet whose text is `text` (whitespace collapsed; as sent, that
 * is neutralised, or as written); a leading "[E1.B2]" id is accepted and
 * alone suffices. */
static bool locate_bullet(const img_analysis_t *a, const char *text, size_t *start, size_t *end)
{
    size_t tag_x = 0, tag_b = 0;
    int used = 0;
    while (isspace((unsigned char)*text))
        text++;
    if (sscanf(text, "[E%zu.B%zu]%n", &tag_x, &tag_b, &used) == 2 && used > 0) {
        text += used;
    } else if (sscanf(text, "E%zu.B%zu%n", &tag_x, &tag_b, &used) == 2 && used > 0 &&
               (text[used] == '\0' || text[used] == ' ' || text[used] == ':')) {
        text += used;
        if (*text == ':')
            text++;
    } else {
        tag_x = tag_b = 0;
    }
    char *want = img_stages_collapse(text, strlen(text));
    bool found = false;
    for (size_t i = 0; i < a->experiences.n && !found; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        for (size_t k = 0; k < x->bullets.n && !found; k++) {
            const img_span_t *sp = &x->bullets.v[k];
            bool tagged = tag_x == i + 1 && tag_b == k + 1;
            if (tagged && !*want) {
                found = true;
            } else if (*want) {
                char *have = img_stages_collapse(a->resume.text + sp->start, sp->end - sp->start);
                char *sent = img_stage_neutralise(have, strlen(have));
                found = !strcmp(want, have) || !strcmp(want, sent);
                free(have);
                free(sent);
            }
            if (found) {
                *start = sp->start;
                *end = sp->end;
            }
        }
    }
    free(want);
    return found;
}

static void add_close(img_arena_t *ar, img_suggestion_t *s, int req)
{
    for (size_t i = 0; i < s->closes.n; i++)
        if (s->closes.v[i] == req)
            return;
    *IMG_VEC_PUSH(ar, &s->closes) = req;
}

static void apply_generation(img_analysis_t *a, json_object *out)
{
    img_arena_t *ar = a->arena;
    json_object *arr = get(out, "suggestions");
    a->suggestions.n = 0;
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        img_suggestion_t *s = IMG_VEC_PUSH(ar, &a->suggestions);
        snprintf(s->id, sizeof(s->id), "S%zu", a->suggestions.n);
        int kind = img_stages_kind_parse(get_str(o, "kind"));
        s->kind = kind < 0 ? IMG_SUGG_PROJECT : (img_sugg_kind_t)kind;
        s->title = dup_trim(ar, get_str(o, "title"));
        s->detail = dup_trim(ar, get_str(o, "detail"));
        if (!s->detail)
            s->detail = "";
        s->effort = dup_trim(ar, get_str(o, "effort"));
        int g = img_stages_grounding_parse(get_str(o, "grounding"));
        s->grounding = g < 0 ? IMG_GROUND_GROUNDED : (img_grounding_t)g;
        json_object *closes = get(o, "closes");
        for (size_t k = 0; k < json_object_array_length(closes); k++) {
            int r = img_stages_req_index(
                a, json_object_get_string(json_object_array_get_idx(closes, k)));
            if (r >= 0)
                add_close(ar, s, r);
        }
        const char *src = get_str(o, "source_bullet");
        if (s->kind == IMG_SUGG_BULLET_REWRITE && src)
            s->has_source = locate_bullet(a, src, &s->source_start, &s->source_end);
    }
}

/* ---- criticism ---- */

static int score(json_object *o, const char *key)
{
    int v = json_object_get_int(get(o, key));
    return v < 0 ? 0 : v > 5 ? 5 : v;
}

static void apply_criticism(img_analysis_t *a, json_object *out)
{
    img_arena_t *ar = a->arena;
    bool *reviewed = img_arena_alloc(ar, (a->suggestions.n + 1) * sizeof(bool));
    json_object *arr = get(out, "critiques");
    for (size_t i = 0; i < json_object_array_length(arr); i++) {
        json_object *o = json_object_array_get_idx(arr, i);
        int idx = img_stages_sugg_index(a, get_str(o, "id"));
        if (idx < 0 || reviewed[idx])
            continue;
        img_suggestion_t *s = &a->suggestions.v[idx];
        img_critique_t *c = &s->critique;
        c->specificity = score(o, "specificity");
        c->actionability = score(o, "actionability");
        c->alignment = score(o, "alignment");
        c->grounding = score(o, "grounding");
        int v = img_stages_verdict_parse(get_str(o, "verdict"));
        c->verdict = v < 0 ? IMG_VERDICT_REVISE : (img_verdict_t)v;
        c->notes = dup_trim(ar, get_str(o, "notes"));
        if (c->verdict == IMG_VERDICT_REVISE) {
            const char *t = dup_trim(ar, get_str(o, "revised_title"));
            const char *d = dup_trim(ar, get_str(o, "revised_detail"));
            if (t)
                s->title = t;
            if (d)
                s->detail = d;
        }
        reviewed[idx] = true;
    }
    img_suggest_review(a, reviewed);
}

void img_stage_apply(img_stage_t stage, img_analysis_t *a, json_object *output)
{
    switch (stage) {
    case IMG_STAGE_ANALYSIS:
        apply_analysis(a, output);
        break;
    case IMG_STAGE_GENERATION:
        apply_generation(a, output);
        break;
    case IMG_STAGE_CRITICISM:
        apply_criticism(a, output);
        break;
    default:
        break;
    }
}

void img_stage_offline(img_stage_t stage, img_analysis_t *a)
{
    if (stage == IMG_STAGE_GENERATION) {
        a->suggestions.n = 0;
        img_engine_generate(a);
    } else if (stage == IMG_STAGE_CRITICISM) {
        img_engine_criticize(a);
    }
}
