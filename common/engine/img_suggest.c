/*
 * img_suggest.c - generation: bridging plans for every missing or partial
 * requirement (project brief, certification, course, experience to seek),
 * then keyword suggestions and grounded bullet rewrites
 * (img_suggest_rewrite.c). Criticism is in img_critic.c, the grounding
 * guard in img_ground.c.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "img_suggest_int.h"

#define MAX_SUGGESTIONS 12
#define MAX_KEYWORDS 2
#define MIN_KEYWORDS 1
#define MAX_REWRITES 4
#define MIN_REWRITES 2
#define MAX_PROJECT_SKILLS 3

/* ---- generation of bridging plans ---- */

typedef struct cand {
    img_suggestion_t s;
    int rank;        /* position of its first requirement in priority order */
    int pass;        /* 0 primary, 1 secondary */
    int tier;        /* selection order: must primaries, must secondaries, nice... */
    const char *edu; /* the degree level of an education plan, else NULL */
} cand_t;

typedef struct gen {
    img_analysis_t *a;
    IMG_VEC(cand_t) cands;
    IMG_VEC(int) planned_skill; /* taxonomy ids with a primary plan */
    IMG_VEC(int) planned_cand;  /* ... and the index of that plan in cands */
    IMG_VEC(int) certs;         /* certification ids already proposed */
    int tmpl_id[16];            /* a small cache of img_suggest_tmpl_for() by skill */
    const img_sugg_tmpl_t *tmpl[16];
    size_t n_tmpl;
} gen_t;

/* The template of taxonomy skill id (cached: the lookup scans every family). */
static const img_sugg_tmpl_t *tmpl_of(gen_t *g, int id)
{
    for (size_t i = 0; i < g->n_tmpl; i++)
        if (g->tmpl_id[i] == id)
            return g->tmpl[i];
    const img_tax_skill_t *sk = img_tax_get(g->a->tax, id);
    const img_sugg_tmpl_t *t = img_suggest_tmpl_for(sk, NULL, sk ? sk->category : IMG_CAT_HARD);
    size_t slot = g->n_tmpl < 16 ? g->n_tmpl++ : (size_t)id % 16;
    g->tmpl_id[slot] = id;
    g->tmpl[slot] = t;
    return t;
}

static void add_close(img_arena_t *arena, img_suggestion_t *s, int req)
{
    for (size_t i = 0; i < s->closes.n; i++)
        if (s->closes.v[i] == req)
            return;
    *IMG_VEC_PUSH(arena, &s->closes) = req;
}

static cand_t *new_cand(gen_t *g, img_sugg_kind_t kind, int req, int rank, int pass, bool nice)
{
    cand_t *c = IMG_VEC_PUSH(g->a->arena, &g->cands);
    c->s.kind = kind;
    c->s.grounding = IMG_GROUND_PLAN;
    c->rank = rank;
    c->pass = pass;
    c->tier = (nice ? 2 : 0) + pass;
    add_close(g->a->arena, &c->s, req);
    return c;
}

/* "A", "A and B", "A, B and C". */
static const char *join_names(img_arena_t *arena, const char **names, size_t n)
{
    if (n == 0)
        return "";
    const char *s = names[0];
    for (size_t i = 1; i < n; i++)
        s = IMG_SUGG_CAT(arena, s, i + 1 == n ? " and " : ", ", names[i]);
    return s;
}

static bool strip_prefix(const char **p, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    if ((size_t)(end - *p) >= n && strncasecmp(*p, prefix, n) == 0) {
        *p += n;
        return true;
    }
    return false;
}

/* A short topic phrase from the requirement's text: cue words, "5+ years
 * of" and trailing punctuation removed. */
static const char *req_topic(img_analysis_t *a, const img_requirement_t *r)
{
    static const char *cues[] = {"hands-on experience with ",
                                 "hands-on experience in ",
                                 "professional experience in ",
                                 "professional experience with ",
                                 "experience with ",
                                 "experience in ",
                                 "experience of ",
                                 "working knowledge of ",
                                 "proficiency in ",
                                 "proficiency with ",
                                 "proficient in ",
                                 "proficient with ",
                                 "knowledge of ",
                                 "understanding of ",
                                 "familiarity with ",
                                 "expertise in ",
                                 "expertise with ",
                                 "background in ",
                                 "ability to ",
                                 "skills in ",
                                 "strong ",
                                 "solid ",
                                 "excellent ",
                                 "good ",
                                 "proven ",
                                 "deep ",
                                 "demonstrated ",
                                 "outstanding ",
                                 "exceptional ",
                                 "a ",
                                 "an ",
                                 "the ",
                                 "of ",
                                 "in ",
                                 "with "};
    if (!a->job_doc.text || r->end <= r->start || r->end > a->job_doc.len)
        return "this requirement";
    const char *p = a->job_doc.text + r->start, *e = a->job_doc.text + r->end;
    while (p < e && (isspace((unsigned char)*p) || *p == '-' || *p == '*'))
        p++;
    for (bool again = true; again;) {
        again = false;
        /* "5+ years of", "3-5 years' ", "two years of" */
        const char *q = p;
        while (q < e && (isdigit((unsigned char)*q) || *q == '+' || *q == '-'))
            q++;
        if (q > p) {
            while (q < e && *q == ' ')
                q++;
            if (strip_prefix(&q, e, "years") || strip_prefix(&q, e, "year") ||
                strip_prefix(&q, e, "yrs")) {
                while (q < e && (*q == '\'' || *q == '+' || *q == ' ' || *q == ','))
                    q++;
                p = q;
                again = true;
            }
        }
        for (size_t i = 0; i < sizeof(cues) / sizeof(cues[0]); i++)
            if (strip_prefix(&p, e, cues[i]))
                again = true;
    }
    /* trailing punctuation and filler nouns: "teamwork skills", "CI/CD pipeline experience" */
    static const char *tails[] = {
        " experience", " skills",    " skill",       " knowledge", " background", " abilities",
        " ability",    " expertise", " proficiency", " required",  " preferred",  " is a plus",
        " a plus",     " desired",   " is required", " strongly",  " highly",     " is"};
    for (bool again = true; again;) {
        again = false;
        while (e > p && (isspace((unsigned char)e[-1]) || strchr(".;:,!", e[-1]))) {
            e--;
            again = true;
        }
        for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
            size_t n = strlen(tails[i]);
            if ((size_t)(e - p) > n + 2 && strncasecmp(e - n, tails[i], n) == 0) {
                e -= n;
                again = true;
            }
        }
    }
    if (e <= p)
        return "this requirement";
    size_t n = (size_t)(e - p);
    if (n > 60) { /* cut at a word */
        size_t cut = 60;
        while (cut > 20 && p[cut] != ' ')
            cut--;
        n = cut;
    }
    char *s = img_arena_strndup(a->arena, p, n);
    if (n > 1 && isupper((unsigned char)s[0]) && !isupper((unsigned char)s[1]))
        s[0] = (char)tolower((unsigned char)s[0]);
    return s;
}

static const char *plan_project(gen_t *g, const img_sugg_tmpl_t *t, const char *skills,
                                const char *building_on, cand_t *c)
{
    img_arena_t *ar = g->a->arena;
    const char *deliv = img_suggest_fill(ar, t->deliverable, skills);
    /* "Build <deliverable> with <skills>", unless the deliverable names them already */
    c->s.title = strstr(t->deliverable, "{s}")
                     ? IMG_SUGG_CAT(ar, "Build ", deliv)
                     : IMG_SUGG_CAT(ar, "Build ", deliv, " with ", skills);
    static const char *const num[] = {"1) ", "; 2) ", "; 3) ", "; 4) "};
    const char *st[4] = {"", "", "", ""}, *nu[4] = {"", "", "", ""};
    for (int i = 0; i < 4 && t->steps[i]; i++) {
        nu[i] = num[i];
        st[i] = img_suggest_fill(ar, t->steps[i], skills);
    }
    const char *practise =
        building_on ? IMG_SUGG_CAT(ar, skills, ", building on your ", building_on, " experience")
                    : skills;
    c->s.detail =
        IMG_SUGG_CAT(ar, "Plan: build ", deliv, " as a portfolio project. Scope: ", nu[0], st[0],
                     nu[1], st[1], nu[2], st[2], nu[3], st[3], ". Skills practised: ", practise,
                     ". Show it: ", img_suggest_fill(ar, t->show, skills),
                     ". Add it to your resume as a project once it is done.");
    c->s.effort = t->effort;
    return c->s.title;
}

static void plan_cert(gen_t *g, int cert, const char *skill, cand_t *c)
{
    img_arena_t *ar = g->a->arena;
    const char *name = img_suggest_skill_name(g->a, cert);
    bool has_word = false;
    for (const char *q = name; *q && !has_word; q++)
        has_word = strncasecmp(q, "certif", 6) == 0;
    c->s.title = IMG_SUGG_CAT(ar, "Earn the ", name, has_word ? " credential" : " certification");
    c->s.detail = IMG_SUGG_CAT(
        ar, "Plan: prepare for the ", name, " exam to show ", skill,
        " with a recognised credential. Steps: 1) read the official exam objectives; 2) practise "
        "each objective on real material in ",
        skill,
        " (a lab, a case study or a piece of your own work); 3) take timed practice exams until "
        "you pass them comfortably; 4) book the exam. List it under Certifications only once "
        "you hold it.");
    c->s.effort = "4-8 weeks of study";
    *IMG_VEC_PUSH(ar, &g->certs) = cert;
}

static void plan_course(gen_t *g, const img_sugg_tmpl_t *t, const char *skill, cand_t *c)
{
    img_arena_t *ar = g->a->arena;
    const char *topics = img_suggest_fill(ar, t->topics, skill);
    c->s.title = IMG_SUGG_CAT(ar, "Take a hands-on course on ", skill, " covering ", topics);
    c->s.detail = IMG_SUGG_CAT(
        ar,
        "Plan: choose a course with graded, hands-on exercises (the vendor's own training, a "
        "university extension course or an online course) that covers ",
        topics,
        ". Work through every exercise, finish with a capstone you can link, and set aside three "
        "to five hours a week. List it under Courses once completed.");
    c->s.effort = t->primary == IMG_SUGG_COURSE && t->effort ? t->effort : "4-6 weeks";
}

static void plan_experience(gen_t *g, const img_sugg_tmpl_t *t, const char *skill, cand_t *c)
{
    img_arena_t *ar = g->a->arena;
    c->s.title = img_suggest_fill(ar, t->exp_title, skill);
    c->s.detail = IMG_SUGG_CAT(ar, img_suggest_fill(ar, t->exp_detail, skill),
                               " It answers the job's ask for ", skill, ".");
    c->s.effort = t->exp_effort;
}

/* Index in cands of the primary plan for skill id, or -1. */
static int planned(const gen_t *g, int id)
{
    for (size_t i = 0; i < g->planned_skill.n; i++)
        if (g->planned_skill.v[i] == id)
            return g->planned_cand.v[i];
    return -1;
}

static void mark_planned(gen_t *g, int id, size_t cand)
{
    *IMG_VEC_PUSH(g->a->arena, &g->planned_skill) = id;
    *IMG_VEC_PUSH(g->a->arena, &g->planned_cand) = (int)cand;
}

static bool cert_proposed(const gen_t *g, int id)
{
    for (size_t i = 0; i < g->certs.n; i++)
        if (g->certs.v[i] == id)
            return true;
    return false;
}

/* True if certification cert fits this job: one of the skills it certifies
 * is named by the job or held by the candidate, or is related to one that
 * is. (An ambiguous alias such as "AWS certification" can name a welding
 * credential in an ad for a cloud engineer.) */
static bool cert_fits(const img_analysis_t *a, int cert)
{
    const img_tax_skill_t *c = img_tax_get(a->tax, cert);
    if (!c || c->n_related == 0)
        return true;
    for (size_t i = 0; i < c->n_related; i++) {
        int id = c->related[i];
        if (img_suggest_inventory_find(a, id) >= 0)
            return true;
        for (size_t k = 0; k < a->job.skills.n; k++)
            if (a->job.skills.v[k].tax_id == id ||
                (a->job.skills.v[k].tax_id >= 0 && a->job.skills.v[k].tax_id != cert &&
                 img_tax_related(a->tax, id, a->job.skills.v[k].tax_id)))
                return true;
        for (size_t k = 0; k < a->skills.n; k++)
            if (a->skills.v[k].tax_id >= 0 && img_tax_related(a->tax, id, a->skills.v[k].tax_id))
                return true;
    }
    return false;
}

/* A certification for skill that the resume does not already hold, or -1. */
static int cert_for(const gen_t *g, int skill)
{
    int certs[8];
    size_t n = g->a->tax ? img_tax_certs_for(g->a->tax, skill, certs, 8) : 0;
    for (size_t i = 0; i < n; i++)
        if (img_suggest_inventory_find(g->a, certs[i]) < 0 &&
            img_suggest_skill_name(g->a, certs[i]))
            return certs[i];
    return -1;
}

/* Alternative group of skill id in requirement r ("A or B" share one), or a
 * number of its own when r does not name it. */
static int group_of(const img_requirement_t *r, int id)
{
    for (size_t k = 0; k < r->skills.n; k++)
        if (r->skills.v[k] == id)
            return r->any_of ? 0 : k < r->groups.n ? r->groups.v[k] : (int)k;
    return 1000 + id;
}

/* An umbrella term ("Containerization", "Cloud Computing"): no family of its
 * own, a technique or domain, and related to a concrete skill r also names. */
static bool umbrella(const img_analysis_t *a, const img_requirement_t *r, int id)
{
    const img_tax_skill_t *sk = img_tax_get(a->tax, id);
    if (!sk || sk->group || (sk->category != IMG_CAT_HARD && sk->category != IMG_CAT_DOMAIN))
        return false;
    for (size_t k = 0; k < r->skills.n; k++) {
        const img_tax_skill_t *o = img_tax_get(a->tax, r->skills.v[k]);
        if (r->skills.v[k] != id && o && o->group && img_tax_related(a->tax, id, r->skills.v[k]))
            return true;
    }
    return false;
}

/* Skills the requirement still needs: the gap's missing ids, else the
 * requirement's skills absent from the inventory; one per group of
 * alternatives (preferably one related to something the resume has), and
 * no umbrella term when the resume shows, or a plan targets, a concrete
 * skill under it. */
static size_t targets(const img_analysis_t *a, const img_req_result_t *res,
                      const img_requirement_t *r, int *out, size_t max)
{
    int cand[16];
    size_t nc = 0, n = 0;
    for (size_t i = 0; i < res->missing.n && nc < 16; i++)
        cand[nc++] = res->missing.v[i];
    if (nc == 0)
        for (size_t i = 0; i < r->skills.n && nc < 16; i++)
            if (img_suggest_inventory_find(a, r->skills.v[i]) < 0)
                cand[nc++] = r->skills.v[i];
    for (size_t i = 0; i < nc && n < max; i++) {
        int id = cand[i], grp = group_of(r, id);
        if (!img_suggest_skill_name(a, id) || img_suggest_inventory_find(a, id) >= 0)
            continue;
        bool skip = false;
        for (size_t k = 0; k < r->skills.n && !skip; k++) /* group already satisfied */
            skip = group_of(r, r->skills.v[k]) == grp &&
                   img_suggest_inventory_find(a, r->skills.v[k]) >= 0;
        for (size_t k = 0; k < n && !skip; k++) { /* an alternative already chosen */
            if (out[k] == id)
                skip = true;
            else if (group_of(r, out[k]) == grp) {
                /* prefer an alternative related to what the resume has */
                bool better = false;
                for (size_t q = 0; q < a->skills.n && !better; q++)
                    better = a->skills.v[q].tax_id >= 0 &&
                             img_tax_related(a->tax, id, a->skills.v[q].tax_id);
                if (better && out[k] == cand[0] && i > 0)
                    out[k] = id;
                skip = true;
            }
        }
        if (!skip && umbrella(a, r, id))
            for (size_t k = 0; k < r->skills.n && !skip; k++) /* shown through a concrete skill */
                skip = r->skills.v[k] != id && img_tax_related(a->tax, id, r->skills.v[k]) &&
                       img_suggest_inventory_find(a, r->skills.v[k]) >= 0;
        if (!skip)
            out[n++] = id;
    }
    /* An umbrella next to a concrete target: the concrete plan covers it. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        bool drop = false;
        if (umbrella(a, r, out[i]))
            for (size_t k = 0; k < n && !drop; k++)
                drop = k != i && !umbrella(a, r, out[k]) && img_tax_related(a->tax, out[i], out[k]);
        if (!drop)
            out[kept++] = out[i];
    }
    return kept;
}

/* Names of matched (related) skills the resume has, for "building on". */
static const char *building_on(const img_analysis_t *a, const img_req_result_t *res)
{
    const char *names[2];
    size_t n = 0;
    for (size_t i = 0; i < res->matched.n && n < 2; i++) {
        int k = img_suggest_inventory_find(a, res->matched.v[i]);
        if (k >= 0 && (n == 0 || strcmp(names[0], a->skills.v[k].name) != 0))
            names[n++] = a->skills.v[k].name;
    }
    return n ? join_names(a->arena, names, n) : NULL;
}

/* True if low contains w as a whole word. */
static bool has_word(const char *low, const char *w)
{
    size_t n = strlen(w);
    for (const char *p = strstr(low, w); p; p = strstr(p + 1, w))
        if ((p == low || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
            return true;
    return false;
}

/* Plans for a requirement that names no skill the engine can target. */
static void plan_phrase(gen_t *g, int gi, int rank)
{
    img_analysis_t *a = g->a;
    const img_req_result_t *res = &a->gap.requirements.v[gi];
    const img_requirement_t *r = &a->job.requirements.v[res->req];
    bool nice = r->kind == IMG_REQ_NICE;
    img_arena_t *ar = a->arena;
    const char *topic = req_topic(a, r);
    if (r->education) {
        /* the level this requirement asks for, from its own words */
        char low[160];
        size_t n = r->end - r->start < sizeof(low) - 1 ? r->end - r->start : sizeof(low) - 1;
        for (size_t i = 0; i < n; i++)
            low[i] = (char)tolower((unsigned char)a->job_doc.text[r->start + i]);
        low[n] = '\0';
        const char *lvl = a->job.education ? a->job.education : "";
        if (strstr(low, "phd") || strstr(low, "ph.d") || strstr(low, "doctor"))
            lvl = "phd";
        else if (strstr(low, "master") || strstr(low, "msc") || strstr(low, "mba"))
            lvl = "master";
        else if (strstr(low, "bachelor") || strstr(low, "b.s.") || strstr(low, "b.a.") ||
                 strstr(low, "undergraduate"))
            lvl = "bachelor";
        else if (strstr(low, "high school") || has_word(low, "ged") || strstr(low, "diploma"))
            lvl = "school";
        /* one plan per level: a second requirement at the same level joins it */
        for (size_t i = 0; i < g->cands.n; i++)
            if (g->cands.v[i].edu && strcmp(g->cands.v[i].edu, lvl) == 0) {
                add_close(ar, &g->cands.v[i].s, res->req);
                return;
            }
        cand_t *c = new_cand(g, IMG_SUGG_COURSE, res->req, rank, 0, nice);
        c->edu = lvl;
        if (strcmp(lvl, "school") == 0) {
            c->s.title = img_arena_strdup(
                ar, "List your high school diploma or GED under Education, or plan to earn one");
            c->s.detail = img_arena_strdup(
                ar, "Plan: 1) if you hold a high school diploma or an equivalent (GED), add it to "
                    "your Education section with the year; 2) if you do not, find an adult "
                    "education centre or an accredited online programme that prepares for the "
                    "GED tests; 3) book the tests once the practice scores are good.");
            c->s.effort = "an hour to list it; a few months to earn it";
            return;
        }
        const char *degree = strcmp(lvl, "phd") == 0        ? "a doctoral"
                             : strcmp(lvl, "master") == 0   ? "a master's"
                             : strcmp(lvl, "bachelor") == 0 ? "a bachelor's"
                                                            : "the required";
        c->s.title = img_arena_printf(
            ar, "Compare accredited part-time routes to %s degree in a relevant field", degree);
        c->s.detail = img_arena_printf(
            ar,
            "Plan: the job lists %s degree. 1) If your experience is equivalent, say so plainly "
            "in your summary and cover letter; 2) otherwise compare part-time or online "
            "accredited programmes (cost, length, entry requirements); 3) check which of your "
            "past courses could count toward one.",
            degree);
        c->s.effort = "several years part-time";
        return;
    }
    if (r->years > 0 && r->skills.n == 0) {
        cand_t *c = new_cand(g, IMG_SUGG_EXPERIENCE, res->req, rank, 0, nice);
        c->s.title =
            img_arena_printf(ar, "Seek broader %s responsibility in your current role", topic);
        c->s.detail = img_arena_printf(
            ar,
            "Plan: the job asks for more years of %s than your resume shows, and years cannot be "
            "rushed. 1) Ask to own a larger piece of %s work (a feature, a migration, an "
            "internal tool); 2) keep notes on its scope and outcome for a future bullet; 3) make "
            "sure every role on your resume shows its dates, so all the years you have count.",
            topic, topic);
        c->s.effort = "ongoing, alongside your role";
        return;
    }
    const img_sugg_tmpl_t *t = img_suggest_tmpl_for_phrase(topic);
    cand_t *c = new_cand(g, t->primary, res->req, rank, 0, nice);
    if (t->primary == IMG_SUGG_EXPERIENCE)
        plan_experience(g, t, topic, c);
    else
        plan_project(g, t, topic, NULL, c);
    c = new_cand(g, IMG_SUGG_COURSE, res->req, rank, 1, nice);
    plan_course(g, t, topic, c);
}

/* "Take on deeper <skill> work": the skill is there, the years or depth are not. */
static void plan_depth(gen_t *g, const img_req_result_t *res, int id, int rank, bool nice)
{
    img_arena_t *ar = g->a->arena;
    const char *name = img_suggest_skill_name(g->a, id);
    int prev = planned(g, id);
    if (prev >= 0) {
        add_close(ar, &g->cands.v[prev].s, res->req);
        return;
    }
    cand_t *c = new_cand(g, IMG_SUGG_EXPERIENCE, res->req, rank, 0, nice);
    c->s.title = img_arena_printf(ar, "Take on deeper %s work in your current role", name);
    c->s.detail = img_arena_printf(
        ar,
        "Plan: the job asks for more depth in %s than your resume shows. Ask to own a larger "
        "piece of your team's %s work (a feature, a migration or an on-call rotation), keep "
        "notes on its scope and outcome, and turn them into a bullet once it is done.",
        name, name);
    c->s.effort = "3-6 months, alongside your role";
    mark_planned(g, id, g->cands.n - 1);
    int cert = cert_for(g, id);
    if (cert >= 0 && !cert_proposed(g, cert)) {
        c = new_cand(g, IMG_SUGG_CERTIFICATION, res->req, rank, 1, nice);
        plan_cert(g, cert, name, c);
    }
}

/* The primary plan for same-family skills ids[0..k) under template t. */
static void plan_primary(gen_t *g, const img_req_result_t *res, const img_sugg_tmpl_t *t,
                         const int *ids, size_t k, int rank, bool nice)
{
    img_analysis_t *a = g->a;
    const char *names[MAX_PROJECT_SKILLS];
    for (size_t i = 0; i < k; i++)
        names[i] = img_suggest_skill_name(a, ids[i]);
    const char *skills = join_names(a->arena, names, k);
    cand_t *c = new_cand(g, t->primary, res->req, rank, 0, nice);
    if (t->primary == IMG_SUGG_PROJECT)
        plan_project(g, t, skills, res->status == IMG_MATCH_PARTIAL ? building_on(a, res) : NULL,
                     c);
    else if (t->primary == IMG_SUGG_EXPERIENCE)
        plan_experience(g, t, skills, c);
    else
        plan_course(g, t, skills, c);
    for (size_t i = 0; i < k; i++)
        mark_planned(g, ids[i], g->cands.n - 1);
}

static void plan_requirement(gen_t *g, int gi, int rank)
{
    img_analysis_t *a = g->a;
    img_arena_t *ar = a->arena;
    const img_req_result_t *res = &a->gap.requirements.v[gi];
    const img_requirement_t *r = &a->job.requirements.v[res->req];
    bool nice = r->kind == IMG_REQ_NICE;
    int ids[8];
    size_t n = targets(a, res, r, ids, 8);

    if (r->skills.n == 0 || r->education)
        return plan_phrase(g, gi, rank);
    if (n == 0) {
        /* Every skill (or an instance of it) is there: only years can be short. */
        if (r->years > 0) {
            int id = r->skills.v[0];
            for (size_t k = 0; k < r->skills.n; k++)
                if (img_suggest_inventory_find(a, r->skills.v[k]) >= 0) {
                    id = r->skills.v[k];
                    break;
                }
            if (img_suggest_skill_name(a, id))
                plan_depth(g, res, id, rank, nice);
        }
        return;
    }
    if (r->years > 0 && res->status == IMG_MATCH_PARTIAL) {
        /* "4+ years of software development": a discipline, not a tool to learn. */
        bool tool = false;
        for (size_t i = 0; i < n; i++)
            tool |= img_tax_get(a->tax, ids[i])->category == IMG_CAT_TOOL;
        if (!tool)
            return plan_depth(g, res, ids[0], rank, nice);
    }

    /* Skills already planned for an earlier requirement: that plan closes this one too. */
    size_t fresh = 0;
    for (size_t i = 0; i < n; i++) {
        int prev = planned(g, ids[i]);
        if (prev >= 0)
            add_close(ar, &g->cands.v[prev].s, res->req);
        else
            ids[fresh++] = ids[i];
    }
    n = fresh;
    if (n == 0)
        return;

    /* Certifications the requirement names: earn them. */
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        const img_tax_skill_t *sk = img_tax_get(a->tax, ids[i]);
        if (sk->category != IMG_CAT_CERTIFICATION) {
            ids[kept++] = ids[i];
            continue;
        }
        if (cert_proposed(g, ids[i]) || !cert_fits(a, ids[i]))
            continue;
        const char *skill = sk->n_related ? img_suggest_skill_name(a, sk->related[0]) : NULL;
        cand_t *c = new_cand(g, IMG_SUGG_CERTIFICATION, res->req, rank, 0, nice);
        plan_cert(g, ids[i], skill ? skill : "the skills it certifies", c);
        mark_planned(g, ids[i], g->cands.n - 1);
    }
    n = kept;
    if (n == 0)
        return;

    /* One primary per skill family (at most two), same-family skills together. */
    const img_sugg_tmpl_t *first_t = NULL;
    int first_ids[MAX_PROJECT_SKILLS];
    size_t first_k = 0;
    bool used[8] = {false};
    for (int fam = 0; fam < 2; fam++) {
        size_t lead = 0;
        while (lead < n && used[lead])
            lead++;
        if (lead == n)
            break;
        const img_sugg_tmpl_t *t = tmpl_of(g, ids[lead]);
        int same[MAX_PROJECT_SKILLS];
        size_t k = 0;
        for (size_t i = lead; i < n; i++) {
            if (used[i] || tmpl_of(g, ids[i]) != t)
                continue;
            used[i] = true;
            if (k < MAX_PROJECT_SKILLS)
                same[k++] = ids[i];
        }
        plan_primary(g, res, t, same, k, rank, nice);
        if (!first_t) {
            first_t = t;
            memcpy(first_ids, same, k * sizeof(int));
            first_k = k;
        }
    }

    /* Secondary: a well-known certification, else a course, or for a
     * language or a domain an experience to seek. */
    for (size_t i = 0; i < first_k; i++) {
        int cert = cert_for(g, first_ids[i]);
        if (cert >= 0 && !cert_proposed(g, cert)) {
            cand_t *c = new_cand(g, IMG_SUGG_CERTIFICATION, res->req, rank, 1, nice);
            plan_cert(g, cert, img_suggest_skill_name(a, first_ids[i]), c);
            return;
        }
    }
    const char *name = img_suggest_skill_name(a, first_ids[0]);
    if (first_t->primary != IMG_SUGG_EXPERIENCE && first_t->exp_title) {
        /* a language or a domain: an experience to seek (a course, for a domain, is
         * already inside the case study's reading) */
        cand_t *c = new_cand(g, IMG_SUGG_EXPERIENCE, res->req, rank, 1, nice);
        plan_experience(g, first_t, name, c);
    } else {
        cand_t *c = new_cand(g, IMG_SUGG_COURSE, res->req, rank, 1, nice);
        plan_course(g, first_t, name, c);
    }
}

/* Priority order of gap results x and y: must before nice, missing before
 * partial, heavier first, then order of appearance. */
static int cmp_priority(const img_analysis_t *a, int x, int y)
{
    const img_req_result_t *ra = &a->gap.requirements.v[x], *rb = &a->gap.requirements.v[y];
    int ka = (int)a->job.requirements.v[ra->req].kind,
        kb = (int)a->job.requirements.v[rb->req].kind;
    if (ka != kb)
        return ka - kb;
    int sa = ra->status == IMG_MATCH_MISSING ? 0 : ra->status == IMG_MATCH_PARTIAL ? 1 : 2;
    int sb = rb->status == IMG_MATCH_MISSING ? 0 : rb->status == IMG_MATCH_PARTIAL ? 1 : 2;
    if (sa != sb)
        return sa - sb;
    if (ra->weight != rb->weight)
        return ra->weight > rb->weight ? -1 : 1;
    return x - y;
}

static int cmp_select(const cand_t *a, const cand_t *b)
{
    return a->tier != b->tier ? a->tier - b->tier : a->rank - b->rank;
}

static int cmp_output(const cand_t *a, const cand_t *b)
{
    return a->rank != b->rank ? a->rank - b->rank : a->pass - b->pass;
}

/* Stable merge sort of gap result indices: a job ad may hold thousands of
 * requirements, so no insertion sort here (qsort has no context argument). */
static void sort_priority(const img_analysis_t *a, int *v, size_t n)
{
    if (n < 2)
        return;
    int *tmp = img_arena_alloc(a->arena, n * sizeof(*tmp)), *src = v, *dst = tmp;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                dst[k++] = cmp_priority(a, src[j], src[i]) < 0 ? src[j++] : src[i++];
            while (i < mid)
                dst[k++] = src[i++];
            while (j < hi)
                dst[k++] = src[j++];
        }
        int *t = src;
        src = dst;
        dst = t;
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
}

/* Stable insertion sort: one candidate per planned skill, so the list is short. */
static void sort_cands(cand_t *v, size_t n, int (*cmp)(const cand_t *, const cand_t *))
{
    for (size_t i = 1; i < n; i++) {
        cand_t x = v[i];
        size_t j = i;
        for (; j > 0 && cmp(&v[j - 1], &x) > 0; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

void img_suggest_generate(img_analysis_t *analysis)
{
    img_analysis_t *a = analysis;
    img_arena_t *ar = a->arena;
    a->suggestions.n = 0;

    /* Valid gap results in priority order. */
    int *order = img_arena_alloc(ar, (a->gap.requirements.n + 1) * sizeof(int));
    size_t n_order = 0;
    for (size_t i = 0; i < a->gap.requirements.n; i++) {
        int req = a->gap.requirements.v[i].req;
        if (req >= 0 && (size_t)req < a->job.requirements.n)
            order[n_order++] = (int)i;
    }
    sort_priority(a, order, n_order);

    gen_t g = {.a = a};
    int rank = 0;
    for (size_t i = 0; i < n_order; i++) {
        const img_req_result_t *res = &a->gap.requirements.v[order[i]];
        if (res->status == IMG_MATCH_MET)
            continue;
        plan_requirement(&g, order[i], rank++);
    }

    img_sugg_vec_t kw = {0}, rw = {0};
    img_suggest_keywords(a, order, n_order, MAX_KEYWORDS, &kw);
    img_suggest_rewrites(a, MAX_REWRITES, &rw);

    /* Budget: bridging plans first; rewrites give way down to MIN_REWRITES and
     * keywords down to MIN_KEYWORDS before any bridging plan is cut. */
    size_t nb = g.cands.n, n_kw = kw.n, n_rw = rw.n;
    size_t min_rw = n_rw < MIN_REWRITES ? n_rw : MIN_REWRITES;
    size_t min_kw = n_kw < MIN_KEYWORDS ? n_kw : MIN_KEYWORDS;
    while (nb + n_kw + n_rw > MAX_SUGGESTIONS && n_rw > min_rw)
        n_rw--;
    while (nb + n_kw + n_rw > MAX_SUGGESTIONS && n_kw > min_kw)
        n_kw--;
    if (nb + n_kw + n_rw > MAX_SUGGESTIONS)
        nb = MAX_SUGGESTIONS - n_kw - n_rw;
    sort_cands(g.cands.v, g.cands.n, cmp_select);
    sort_cands(g.cands.v, nb, cmp_output);
    for (size_t i = 0; i < nb; i++)
        *IMG_VEC_PUSH(ar, &a->suggestions) = g.cands.v[i].s;
    for (size_t i = 0; i < n_kw; i++)
        *IMG_VEC_PUSH(ar, &a->suggestions) = kw.v[i];
    for (size_t i = 0; i < n_rw; i++)
        *IMG_VEC_PUSH(ar, &a->suggestions) = rw.v[i];
    for (size_t i = 0; i < a->suggestions.n; i++)
        snprintf(a->suggestions.v[i].id, sizeof(a->suggestions.v[i].id), "S%u",
                 (unsigned)(i + 1) % 1000000u);
}
