/*
 * test_gap.c - gap analysis, match score, missing lists, narrative and
 * domain insights: first on hand-built analyses (requirements, skills and
 * experiences set directly, so each rule is tested alone), then end to end
 * through ts_analyze() on inline pairs and on the original Imaginator's test
 * cases (skipped when ../shared is absent).
 */
#include "test_support.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_job.h"

/* Taxonomy ids far beyond the built-in taxonomy: names come from the
 * resume's or the job's skills, and nothing is related to anything. */
enum { DOCKER = 900001, K8S, AWS, AZURE, GCP, TERRAFORM };

static int id_of(const char *name);

static img_analysis_t *bare(const char *resume, const char *job)
{
    img_arena_t *arena = img_arena_new(64 * 1024);
    img_analysis_t *a = img_arena_alloc(arena, sizeof(*a));
    a->arena = arena;
    a->tax = ts_tax();
    a->opts.as_of = (img_ym_t){2024, 6};
    a->opts.confidence_threshold = 0.7;
    char err[256];
    assert_int_equal(img_doc_init(&a->resume, "resume", resume, strlen(resume), 1 << 20, arena, err,
                                  sizeof(err)),
                     IMG_OK);
    assert_int_equal(
        img_doc_init(&a->job_doc, "job ad", job, strlen(job), 1 << 20, arena, err, sizeof(err)),
        IMG_OK);
    return a;
}

static size_t offset_of(const char *text, const char *needle)
{
    const char *p = strstr(text, needle);
    if (!p)
        fail_msg("\"%s\" not in the text", needle);
    return (size_t)(p - text);
}

/* A requirement over the job text `needle`; ids[i] in group groups[i]. */
static img_requirement_t *add_req(img_analysis_t *a, const char *needle, img_req_kind_t kind,
                                  const int *ids, const int *groups, size_t n)
{
    img_requirement_t *r = IMG_VEC_PUSH(a->arena, &a->job.requirements);
    snprintf(r->id, sizeof(r->id), "R%zu", a->job.requirements.n);
    r->start = offset_of(a->job_doc.text, needle);
    r->end = r->start + strlen(needle);
    r->kind = kind;
    for (size_t i = 0; i < n; i++) {
        *IMG_VEC_PUSH(a->arena, &r->skills) = ids[i];
        *IMG_VEC_PUSH(a->arena, &r->groups) = groups[i];
    }
    r->any_of = n > 1;
    for (size_t i = 1; i < n; i++)
        if (groups[i] != groups[0])
            r->any_of = false;
    return r;
}

static void name_job_skill(img_analysis_t *a, int id, const char *name, bool high)
{
    img_skill_t *k = IMG_VEC_PUSH(a->arena, &a->job.skills);
    k->tax_id = id;
    k->name = name;
    k->confidence = high ? IMG_CONF_HIGH : IMG_CONF_MEDIUM;
    k->score = high ? 1.0 : 0.6;
}

static img_skill_t *add_skill(img_analysis_t *a, int id, const char *name, const char *ev,
                              const char *section, int months)
{
    img_skill_t *k = IMG_VEC_PUSH(a->arena, &a->skills);
    k->tax_id = id;
    k->name = name;
    k->confidence = IMG_CONF_HIGH;
    k->score = 0.9;
    k->months = months;
    if (ev) {
        img_evidence_t *e = IMG_VEC_PUSH(a->arena, &k->evidence);
        e->section = section;
        e->start = offset_of(a->resume.text, ev);
        e->end = e->start + strlen(ev);
    }
    return k;
}

static void add_exp(img_analysis_t *a, img_ym_t from, img_ym_t to, bool current)
{
    img_experience_t *x = IMG_VEC_PUSH(a->arena, &a->experiences);
    x->start = from;
    x->end = to;
    x->current = current;
    x->months = img_ym_months(from, current ? a->opts.as_of : to);
    x->span_start = 0;
    x->span_end = a->resume.len;
    x->title = "Engineer";
}

static bool has_id(const void *vecp, int id)
{
    const IMG_VEC(int) *vec = vecp;
    for (size_t i = 0; i < vec->n; i++)
        if (vec->v[i] == id)
            return true;
    return false;
}

static bool has_str(const void *vecp, const char *s)
{
    const IMG_VEC(const char *) *vec = vecp;
    for (size_t i = 0; i < vec->n; i++)
        if (strcmp(vec->v[i], s) == 0)
            return true;
    return false;
}

static const char *job_text = "Requirements:\n"
                              "- Docker and Kubernetes\n"
                              "- AWS, Azure or GCP\n"
                              "- 5+ years of experience\n"
                              "Nice to have:\n"
                              "- Terraform\n";
static const char *resume_text = "Skills\nDocker, AWS\n";

static img_analysis_t *hand_built(void)
{
    img_analysis_t *a = bare(resume_text, job_text);
    name_job_skill(a, DOCKER, "Docker", true);
    name_job_skill(a, K8S, "Kubernetes", true);
    name_job_skill(a, AWS, "AWS", true);
    name_job_skill(a, AZURE, "Azure", true);
    name_job_skill(a, GCP, "GCP", true);
    name_job_skill(a, TERRAFORM, "Terraform", false);
    add_req(a, "Docker and Kubernetes", IMG_REQ_MUST, (int[]){DOCKER, K8S}, (int[]){0, 1}, 2);
    add_req(a, "AWS, Azure or GCP", IMG_REQ_MUST, (int[]){AWS, AZURE, GCP}, (int[]){0, 0, 0}, 3);
    add_req(a, "5+ years of experience", IMG_REQ_MUST, NULL, NULL, 0)->years = 5;
    add_req(a, "Terraform", IMG_REQ_NICE, (int[]){TERRAFORM}, (int[]){0}, 1);
    add_skill(a, DOCKER, "Docker", "Docker", "skills", 0);
    add_skill(a, AWS, "AWS", "AWS", "skills", 0);
    add_exp(a, (img_ym_t){2018, 0}, (img_ym_t){2024, 0}, false);
    return a;
}

static void test_statuses_and_score(void **state)
{
    img_analysis_t *a = hand_built();
    img_gap_analyze(a);
    const img_gap_t *g = &a->gap;
    assert_int_equal(g->requirements.n, 4);
    const img_req_result_t *r1 = &g->requirements.v[0], *r2 = &g->requirements.v[1];
    const img_req_result_t *r3 = &g->requirements.v[2], *r4 = &g->requirements.v[3];
    /* All-of with one present: partial, the absent one missing. */
    assert_int_equal(r1->status, IMG_MATCH_PARTIAL);
    assert_true(has_id(&r1->matched, DOCKER));
    assert_true(has_id(&r1->missing, K8S));
    assert_false(has_id(&r1->missing, DOCKER));
    assert_int_equal(r1->evidence.n, 1);
    assert_string_equal(r1->evidence.v[0].section, "skills");
    assert_int_equal(r1->evidence.v[0].start, offset_of(resume_text, "Docker"));
    /* Any-of: one alternative suffices. */
    assert_int_equal(r2->status, IMG_MATCH_MET);
    assert_int_equal(r2->missing.n, 0);
    assert_non_null(strstr(r2->note, "AWS satisfies"));
    /* Years against the union of experience: 2018-01..2024-06 is 78 months. */
    assert_int_equal(r3->status, IMG_MATCH_MET);
    assert_non_null(strstr(r3->note, "about 6.5 years"));
    assert_int_equal(r4->status, IMG_MATCH_MISSING);
    /* Weights: must 2, nice 1. */
    assert_true(r1->weight > r4->weight);
    assert_true(r1->weight == 2.0 && r4->weight == 1.0);
    /* (2*0.5 + 2*1 + 2*1 + 1*0) / 7 */
    assert_int_equal(g->match_score, 71);
    assert_int_equal(g->missing_must.n, 1);
    assert_string_equal(g->missing_must.v[0], "Kubernetes");
    assert_int_equal(g->missing_nice.n, 1);
    assert_string_equal(g->missing_nice.v[0], "Terraform");
    /* The narrative comes from the result. */
    assert_non_null(strstr(g->narrative, "71/100"));
    assert_non_null(strstr(g->narrative, "2 of 3 must-have"));
    assert_non_null(strstr(g->narrative, "Kubernetes"));
    assert_null(strstr(g->narrative, "Terraform experience"));
    img_analysis_destroy(a);
}

static void test_group_all_absent(void **state)
{
    img_analysis_t *a = hand_built();
    a->skills.n = 1; /* Docker only: no cloud at all */
    img_gap_analyze(a);
    assert_int_equal(a->gap.requirements.v[1].status, IMG_MATCH_MISSING);
    assert_true(has_str(&a->gap.missing_must, "AWS or Azure or GCP"));
    assert_false(has_str(&a->gap.missing_must, "AWS"));
    /* (2*0.5 + 0 + 2*1 + 0) / 7 */
    assert_int_equal(a->gap.match_score, 43);
    img_analysis_destroy(a);

    /* Nothing at all: 0, never negative. */
    a = hand_built();
    a->skills.n = 0;
    a->experiences.n = 0;
    img_gap_analyze(a);
    assert_int_equal(a->gap.match_score, 0);
    assert_int_equal(a->gap.requirements.v[2].status, IMG_MATCH_MISSING);
    assert_true(has_str(&a->gap.missing_must, "5+ years of experience"));
    img_analysis_destroy(a);
}

static void test_years(void **state)
{
    const char *job = "Requirements:\n- 5+ years of experience\n- 10+ years of experience\n";
    img_analysis_t *a = bare("Engineer at Foo (2021-2023)\n", job);
    add_req(a, "5+ years", IMG_REQ_MUST, NULL, NULL, 0)->years = 5;
    add_req(a, "10+ years", IMG_REQ_MUST, NULL, NULL, 0)->years = 10;
    add_exp(a, (img_ym_t){2021, 0}, (img_ym_t){2023, 0}, false);
    img_gap_analyze(a);
    /* 36 months: >= 60% of 60 is partial, < 60% of 120 is missing. */
    assert_int_equal(a->gap.requirements.v[0].status, IMG_MATCH_PARTIAL);
    assert_non_null(strstr(a->gap.requirements.v[0].note, "3.0 years"));
    assert_int_equal(a->gap.requirements.v[1].status, IMG_MATCH_MISSING);
    assert_int_equal(a->gap.requirements.v[0].evidence.n, 1);
    assert_string_equal(a->gap.requirements.v[0].evidence.v[0].section, "experience");
    img_analysis_destroy(a);

    /* Overlaps count once; an open end runs to as_of: 2018-01..2021-06 (42)
     * and 2023-01..2024-06 (18) make exactly 5 years. */
    a = bare("x\n", job);
    add_req(a, "5+ years", IMG_REQ_MUST, NULL, NULL, 0)->years = 5;
    add_exp(a, (img_ym_t){2018, 0}, (img_ym_t){2020, 0}, false);
    add_exp(a, (img_ym_t){2020, 0}, (img_ym_t){2021, 6}, false);
    add_exp(a, (img_ym_t){2023, 1}, (img_ym_t){0, 0}, true);
    img_gap_analyze(a);
    assert_int_equal(a->gap.requirements.v[0].status, IMG_MATCH_MET);
    assert_non_null(strstr(a->gap.requirements.v[0].note, "about 5.0 years"));
    img_analysis_destroy(a);

    /* No dated experience: the resume's own "8 years of experience". */
    const char *resume = "Jane Doe\nSoftware engineer with 8 years of experience in Python.\n";
    a = bare(resume, job);
    add_req(a, "5+ years", IMG_REQ_MUST, NULL, NULL, 0)->years = 5;
    img_gap_analyze(a);
    assert_int_equal(a->gap.requirements.v[0].status, IMG_MATCH_MET);
    assert_int_equal(a->gap.requirements.v[0].evidence.n, 1);
    assert_int_equal(a->gap.requirements.v[0].evidence.v[0].start, offset_of(resume, "Software"));
    img_analysis_destroy(a);
}

static void add_section(img_analysis_t *a, img_section_kind_t kind, size_t first, size_t end_line)
{
    img_section_t *s = IMG_VEC_PUSH(a->arena, &a->sections);
    s->kind = kind;
    s->first_line = first;
    s->end_line = end_line;
    s->start = a->resume.lines[first].raw_start;
    s->end = a->resume.lines[end_line - 1].raw_end;
    s->heading_start = s->heading_end = first ? a->resume.lines[first - 1].start : 0;
}

static void test_education(void **state)
{
    const char *job = "Requirements:\n- Master's degree in Computer Science\n"
                      "- Bachelor's degree in Computer Science or related field\n"
                      "- BS in Chemistry\n";
    const char *resume = "Education\nB.S. in Computer Science, State University, 2015\n";
    img_analysis_t *a = bare(resume, job);
    add_req(a, "Master's", IMG_REQ_MUST, NULL, NULL, 0)->education = true;
    add_req(a, "Bachelor's degree in Computer Science or related field", IMG_REQ_MUST, NULL, NULL,
            0)
        ->education = true;
    add_req(a, "BS in Chemistry", IMG_REQ_NICE, (int[]){DOCKER}, (int[]){0}, 1)->education = true;
    name_job_skill(a, DOCKER, "Chemistry", false);
    add_section(a, IMG_SEC_EDUCATION, 1, 2);
    img_gap_analyze(a);
    const img_gap_t *g = &a->gap;
    assert_int_equal(g->requirements.v[0].status, IMG_MATCH_PARTIAL);
    assert_int_equal(g->requirements.v[1].status, IMG_MATCH_MET);
    assert_string_equal(g->requirements.v[1].evidence.v[0].section, "education");
    assert_int_equal(g->requirements.v[1].evidence.v[0].start, offset_of(resume, "B.S."));
    /* A degree in another field: partial; the field is no missing skill. */
    assert_int_equal(g->requirements.v[2].status, IMG_MATCH_PARTIAL);
    assert_false(has_str(&g->missing_nice, "Chemistry"));
    img_analysis_destroy(a);

    /* No education section and no degree anywhere: unknown, partial, not a gap. */
    a = bare("Jane Doe\nEngineer\n", job);
    add_req(a, "Master's", IMG_REQ_MUST, NULL, NULL, 0)->education = true;
    img_gap_analyze(a);
    assert_int_equal(a->gap.requirements.v[0].status, IMG_MATCH_PARTIAL);
    assert_int_equal(a->gap.missing_must.n, 0);
    img_analysis_destroy(a);

    /* An education section without a degree: missing. */
    a = bare("Education\nOnline courses in design\n", job);
    add_req(a, "Master's", IMG_REQ_MUST, NULL, NULL, 0)->education = true;
    add_section(a, IMG_SEC_EDUCATION, 1, 2);
    img_gap_analyze(a);
    assert_int_equal(a->gap.requirements.v[0].status, IMG_MATCH_MISSING);
    assert_int_equal(a->gap.missing_must.n, 1);
    img_analysis_destroy(a);
}

static void test_related_partial(void **state)
{
    /* Any related pair of the taxonomy. */
    const img_tax_t *tax = ts_tax();
    int x = -1, y = -1;
    for (size_t i = 0; i < img_tax_count(tax) && x < 0; i++) {
        const img_tax_skill_t *s = img_tax_get(tax, (int)i);
        if (s->n_related && s->related[0] != (int)i)
            x = (int)i, y = s->related[0];
    }
    if (x < 0)
        skip();
    assert_true(img_tax_related(tax, x, y));
    const char *yname = img_tax_get(tax, y)->name, *xname = img_tax_get(tax, x)->name;
    char resume[256];
    snprintf(resume, sizeof(resume), "Skills\n%s\n", yname);
    img_analysis_t *a = bare(resume, "Requirements:\n- the first skill\n");
    add_req(a, "the first skill", IMG_REQ_MUST, (int[]){x}, (int[]){0}, 1);
    add_skill(a, y, yname, yname, "skills", 0);
    img_gap_analyze(a);
    const img_req_result_t *r = &a->gap.requirements.v[0];
    assert_int_equal(r->status, IMG_MATCH_PARTIAL);
    assert_true(has_id(&r->matched, y));
    assert_true(has_id(&r->missing, x));
    assert_non_null(strstr(r->note, "is related to"));
    assert_int_equal(r->evidence.n, 1);
    assert_true(has_str(&a->gap.missing_must, xname));
    assert_int_equal(a->gap.match_score, 50);
    assert_non_null(strstr(a->gap.narrative, "Partly covered"));
    img_analysis_destroy(a);
}

static void test_title_and_line_evidence(void **state)
{
    /* A discipline named by an experience title, and a two-word skill whose
     * words stand together in one line, count as present. */
    int swe = id_of("Software Engineering"), pm = id_of("Project Management");
    const char *resume = "Experience\nSenior Software Engineer at TechCorp (2020-2024)\n"
                         "- Managed the project plan for the billing migration\n";
    img_analysis_t *a = bare(resume, "Requirements:\n- Software engineering\n"
                                     "- Project management\n");
    add_req(a, "Software engineering", IMG_REQ_MUST, (int[]){swe}, (int[]){0}, 1);
    add_req(a, "Project management", IMG_REQ_MUST, (int[]){pm}, (int[]){0}, 1);
    img_experience_t *x = IMG_VEC_PUSH(a->arena, &a->experiences);
    x->title = "Senior Software Engineer";
    x->start = (img_ym_t){2020, 0};
    x->end = (img_ym_t){2024, 0};
    x->span_start = offset_of(resume, "Senior");
    x->span_end = strlen(resume);
    img_gap_analyze(a);
    const img_req_result_t *r1 = &a->gap.requirements.v[0], *r2 = &a->gap.requirements.v[1];
    assert_int_equal(r1->status, IMG_MATCH_MET);
    assert_int_equal(r1->evidence.v[0].start, offset_of(resume, "Senior"));
    assert_int_equal(r2->status, IMG_MATCH_MET);
    assert_int_equal(r2->evidence.v[0].start, offset_of(resume, "Managed"));
    assert_int_equal(a->gap.match_score, 100);
    img_analysis_destroy(a);

    /* One word alone is the extractor's business: "project" is not enough. */
    a = bare("Experience\n- Led the project\n", "Requirements:\n- Project management\n");
    add_req(a, "Project management", IMG_REQ_MUST, (int[]){pm}, (int[]){0}, 1);
    img_gap_analyze(a);
    assert_int_not_equal(a->gap.requirements.v[0].status, IMG_MATCH_MET);
    img_analysis_destroy(a);
}

static void test_word_overlap(void **state)
{
    const char *job = "Requirements:\n- Strong stakeholder communication skills\n"
                      "- Deep knowledge of quantum chemistry and molecular dynamics simulations "
                      "for industrial catalysts\n";
    const char *resume = "Experience\nAnalyst at Foo (2020-2024)\n"
                         "- Ran stakeholder workshops and wrote communication plans\n";
    img_analysis_t *a = bare(resume, job);
    add_req(a, "Strong stakeholder communication skills", IMG_REQ_MUST, NULL, NULL, 0);
    add_req(a, "Deep knowledge", IMG_REQ_MUST, NULL, NULL, 0)->end = strlen(job) - 1;
    img_gap_analyze(a);
    const img_req_result_t *r = &a->gap.requirements.v[0];
    assert_int_equal(r->status, IMG_MATCH_MET);
    assert_int_equal(r->evidence.n, 1);
    assert_int_equal(r->evidence.v[0].start, offset_of(resume, "Ran stakeholder"));
    assert_int_equal(a->gap.requirements.v[1].status, IMG_MATCH_MISSING);
    /* A long requirement is listed by its text, cut at a word boundary. */
    assert_int_equal(a->gap.missing_must.n, 1);
    const char *m = a->gap.missing_must.v[0];
    assert_true(strncmp(m, "Deep knowledge of quantum chemistry", 35) == 0);
    assert_true(strlen(m) <= 64);
    assert_non_null(strstr(m, "..."));
    assert_true(m[strlen(m) - 4] != ' ');
    img_analysis_destroy(a);
}

static void test_no_requirements(void **state)
{
    img_analysis_t *a = bare("Skills\nDocker\n", "Docker, Kubernetes shop.\n");
    name_job_skill(a, DOCKER, "Docker", true);
    name_job_skill(a, K8S, "Kubernetes", false);
    add_skill(a, DOCKER, "Docker", "Docker", "skills", 0);
    img_gap_analyze(a);
    /* high 2 of (2 + medium 1) */
    assert_int_equal(a->gap.match_score, 67);
    assert_non_null(strstr(a->gap.narrative, "Kubernetes"));
    img_analysis_destroy(a);

    a = bare("Resume\n", "Nothing here.\n");
    img_gap_analyze(a);
    assert_int_equal(a->gap.match_score, 0);
    assert_non_null(a->gap.narrative);
    img_analysis_destroy(a);
}

static void test_insights(void **state)
{
    img_analysis_t *a = hand_built();
    a->job.domain = "cloud";
    img_gap_analyze(a);
    img_insights_build(a);
    const img_insights_t *in = &a->insights;
    assert_string_equal(in->source, "engine");
    assert_string_equal(in->domain, "cloud");
    assert_non_null(in->candidate_domain);
    assert_int_equal(in->priorities.n, 5);
    assert_string_equal(in->priorities.v[0], "Docker");
    assert_string_equal(in->priorities.v[1], "Kubernetes");
    assert_string_equal(in->priorities.v[2], "AWS");
    assert_true(has_str(&in->strengths, "AWS"));
    assert_false(has_str(&in->strengths, "Kubernetes"));
    assert_int_equal(in->gaps.n, 1);
    assert_string_equal(in->gaps.v[0], "Kubernetes");
    assert_true(in->market_alignment > 0.70 && in->market_alignment < 0.72);
    img_analysis_destroy(a);
}

/* ---- end to end ---- */

static const img_req_result_t *result_with(const img_analysis_t *a, const char *needle)
{
    for (size_t i = 0; i < a->gap.requirements.n; i++) {
        const img_requirement_t *r = &a->job.requirements.v[a->gap.requirements.v[i].req];
        char *s = ts_slice(a->job_doc.text, r->start, r->end);
        bool hit = strstr(s, needle) != NULL;
        free(s);
        if (hit)
            return &a->gap.requirements.v[i];
    }
    fail_msg("no requirement contains \"%s\"", needle);
    return NULL;
}

static int id_of(const char *name)
{
    int id = img_tax_find(ts_tax(), name, strlen(name));
    if (id < 0)
        fail_msg("taxonomy has no %s", name);
    return id;
}

static void test_inline_end_to_end(void **state)
{
    const char *resume = "Jane Roe\nBackend Engineer\n\n"
                         "Experience\n"
                         "Backend Engineer at Foo Systems (2019-2024)\n"
                         "- Built billing services in Python and PostgreSQL on AWS\n"
                         "- Packaged every service with Docker\n\n"
                         "Education\nBachelor of Science in Computer Science, 2018\n\n"
                         "Skills\nPython, PostgreSQL, AWS, Docker, Git\n";
    const char *job = "Backend Engineer - Foo Payments\n\n"
                      "Requirements:\n"
                      "- 4+ years of experience with Python\n"
                      "- Experience with Docker and Kubernetes\n"
                      "- AWS or GCP\n"
                      "- Bachelor's degree in Computer Science\n"
                      "Nice to have:\n"
                      "- Terraform\n"
                      "Benefits:\n"
                      "- Health insurance\n";
    img_analysis_t *a = ts_analyze(resume, job, "2024-06", 0);
    assert_int_equal(a->job.requirements.n, 5);
    assert_int_equal(result_with(a, "Python")->status, IMG_MATCH_MET);
    const img_req_result_t *r = result_with(a, "Kubernetes");
    assert_int_equal(r->status, IMG_MATCH_PARTIAL);
    assert_true(has_id(&r->missing, id_of("Kubernetes")));
    assert_true(r->evidence.n >= 1 && r->evidence.n <= 3);
    assert_int_equal(result_with(a, "AWS or GCP")->status, IMG_MATCH_MET);
    assert_int_equal(result_with(a, "Bachelor")->status, IMG_MATCH_MET);
    assert_true(has_str(&a->gap.missing_must, "Kubernetes"));
    assert_true(has_str(&a->gap.missing_nice, "Terraform"));
    assert_true(a->gap.match_score >= 70 && a->gap.match_score <= 90);
    assert_non_null(strstr(a->gap.narrative, "Kubernetes"));
    assert_string_equal(a->insights.domain, "software");
    assert_string_equal(a->insights.gaps.v[0], "Kubernetes");
    img_analysis_destroy(a);
}

/* The analysis of an original test case's resume_text and job_ad, or NULL
 * when ../shared is absent. *root keeps the texts alive: put it after
 * destroying the analysis. */
static img_analysis_t *original_case(const char *name, json_object **rootp)
{
    char rel[256];
    snprintf(rel, sizeof(rel), "data/imaginator-original/test_data/%s.json", name);
    char *text = ts_shared_file(rel, NULL);
    if (!text)
        return NULL;
    json_object *root = json_tokener_parse(text), *input, *resume, *job;
    free(text);
    if (!root || !json_object_object_get_ex(root, "input", &input) ||
        !json_object_object_get_ex(input, "resume_text", &resume) ||
        !json_object_object_get_ex(input, "job_ad", &job))
        fail_msg("%s: unexpected shape", rel);
    *rootp = root;
    return ts_analyze(json_object_get_string(resume), json_object_get_string(job), "2024-06", 0);
}

static void test_basic_success_case(void **state)
{
    json_object *root;
    img_analysis_t *a = original_case("basic_success_case", &root);
    if (!a)
        skip();
    assert_int_equal(result_with(a, "Python and JavaScript")->status, IMG_MATCH_MET);
    assert_int_equal(result_with(a, "React")->status, IMG_MATCH_MET);
    assert_int_equal(result_with(a, "AWS, Azure, or GCP")->status, IMG_MATCH_MET);
    const img_req_result_t *r = result_with(a, "Docker, Kubernetes");
    assert_int_equal(r->status, IMG_MATCH_PARTIAL);
    assert_true(has_id(&r->matched, id_of("Docker")));
    assert_true(has_id(&r->missing, id_of("Kubernetes")));
    assert_int_equal(result_with(a, "4+ years")->status, IMG_MATCH_MET);
    assert_true(has_str(&a->gap.missing_must, "Kubernetes"));
    assert_false(has_str(&a->gap.missing_must, "AWS"));
    assert_false(has_str(&a->gap.missing_must, "Azure"));
    assert_int_equal(a->job.requirements.v[8].kind, IMG_REQ_NICE);
    assert_in_range(a->gap.match_score, 60, 95);
    img_analysis_destroy(a);
    json_object_put(root);
}

static void test_perfect_beats_missing(void **state)
{
    json_object *proot, *mroot;
    img_analysis_t *p = original_case("perfect_match_case", &proot);
    if (!p)
        skip();
    img_analysis_t *m = original_case("missing_skills_case", &mroot);
    assert_non_null(m);
    assert_true(p->gap.match_score >= 80);
    assert_true(m->gap.match_score <= 40);
    assert_true(p->gap.match_score > m->gap.match_score + 30);
    assert_true(p->gap.missing_must.n <= 2);
    assert_true(m->gap.missing_must.n >= 5);
    assert_true(has_str(&m->gap.missing_must, "Python"));
    assert_string_equal(p->job.domain, "cloud");
    assert_string_equal(m->job.domain, "data");
    img_analysis_destroy(p);
    img_analysis_destroy(m);
    json_object_put(proot);
    json_object_put(mroot);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_statuses_and_score),
        cmocka_unit_test(test_group_all_absent),
        cmocka_unit_test(test_years),
        cmocka_unit_test(test_education),
        cmocka_unit_test(test_related_partial),
        cmocka_unit_test(test_title_and_line_evidence),
        cmocka_unit_test(test_word_overlap),
        cmocka_unit_test(test_no_requirements),
        cmocka_unit_test(test_insights),
        cmocka_unit_test(test_inline_end_to_end),
        cmocka_unit_test(test_basic_success_case),
        cmocka_unit_test(test_perfect_beats_missing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
