/*
 * img_gap_narrative.c - the gap analysis in two to four sentences, written
 * only from the structured result: the score, how many must-haves and
 * nice-to-haves are met, the skills of the met must-haves, the missing
 * must-haves, and partial matches with the related skill that earned them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "img_job.h"
#include "img_job_int.h"
#include "img_skills.h"

typedef struct out {
    char buf[1400];
    size_t n;
} out_t;

static void put(out_t *o, const char *fmt, ...)
{
    if (o->n >= sizeof(o->buf) - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->buf + o->n, sizeof(o->buf) - o->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n += (size_t)k < sizeof(o->buf) - o->n ? (size_t)k : sizeof(o->buf) - 1 - o->n;
}

/* "A", "A and B", "A, B and C", "A, B, C, D and 3 more". */
static void put_list(out_t *o, const char *const *names, size_t n, size_t max)
{
    size_t shown = n > max ? max : n;
    for (size_t i = 0; i < shown; i++) {
        const char *sep = i == 0 ? "" : (i + 1 == shown && n == shown) ? " and " : ", ";
        put(o, "%s%s", sep, names[i]);
    }
    if (n > shown)
        put(o, " and %zu more", n - shown);
}

static bool in_list(const char *const *names, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(names[i], s) == 0)
            return true;
    return false;
}

const char *img_gap_narrative(img_analysis_t *a)
{
    const img_gap_t *gap = &a->gap;
    const img_job_t *job = &a->job;
    out_t o;
    o.n = 0;
    o.buf[0] = '\0';
    if (!job->requirements.n) {
        const char *absent[64];
        size_t nk = 0, na = 0;
        for (size_t i = 0; i < job->skills.n; i++) {
            const img_skill_t *k = &job->skills.v[i];
            if (k->tax_id < 0)
                continue;
            nk++;
            if (img_skills_find(a, k->tax_id) < 0 && na < 64)
                absent[na++] = k->name;
        }
        if (!nk)
            return "The job ad names no requirements or skills that the engine recognises, so "
                   "there is nothing to match and the score is 0.";
        put(&o,
            "Match score %d/100, from the %zu skills the job ad names (it lists no separate "
            "requirements).",
            gap->match_score, nk);
        if (na) {
            put(&o, " Not found in the resume: ");
            put_list(&o, absent, na, 5);
            put(&o, ".");
        } else {
            put(&o, " The resume shows every one of them.");
        }
        return img_arena_strdup(a->arena, o.buf);
    }

    size_t n_must = 0, met_must = 0, n_nice = 0, met_nice = 0;
    const char *met_names[16];
    size_t n_met_names = 0;
    for (size_t i = 0; i < gap->requirements.n; i++) {
        const img_req_result_t *res = &gap->requirements.v[i];
        const img_requirement_t *r = &job->requirements.v[res->req];
        bool met = res->status == IMG_MATCH_MET;
        if (r->kind == IMG_REQ_MUST) {
            n_must++;
            met_must += met;
            for (size_t k = 0; met && k < res->matched.n && n_met_names < 16; k++) {
                const char *name = img_job_skill_name(a, res->matched.v[k]);
                if (!in_list(met_names, n_met_names, name))
                    met_names[n_met_names++] = name;
            }
        } else {
            n_nice++;
            met_nice += met;
        }
    }
    if (n_must) {
        put(&o, "Match score %d/100: %zu of %zu must-have requirements met", gap->match_score,
            met_must, n_must);
        if (n_nice)
            put(&o, ", and %zu of %zu nice-to-haves", met_nice, n_nice);
        put(&o, ".");
    } else {
        put(&o, "Match score %d/100: the ad states no must-haves; %zu of %zu nice-to-haves met.",
            gap->match_score, met_nice, n_nice);
    }
    if (n_met_names) {
        put(&o, " Met must-haves include ");
        put_list(&o, met_names, n_met_names, 4);
        put(&o, ".");
    }
    if (gap->missing_must.n) {
        put(&o, " Missing must-have%s: ", gap->missing_must.n > 1 ? "s" : "");
        put_list(&o, (const char *const *)gap->missing_must.v, gap->missing_must.n, 4);
        put(&o, ".");
    } else if (n_must) {
        put(&o, " No must-have requirement is missing.");
    }
    /* Partial credit earned through a related skill, at most two. */
    size_t shown = 0;
    for (size_t i = 0; i < gap->requirements.n && shown < 2; i++) {
        const img_req_result_t *res = &gap->requirements.v[i];
        if (res->status != IMG_MATCH_PARTIAL || !res->note || !strstr(res->note, " is related to "))
            continue;
        put(&o, shown == 0 ? " Partly covered: %s" : "; %s", res->note);
        shown++;
    }
    if (shown)
        put(&o, ".");
    return img_arena_strdup(a->arena, o.buf);
}
