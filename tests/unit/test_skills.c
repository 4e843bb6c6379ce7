/*
 * test_skills.c - the resume skill inventory: evidence, confidence ordering,
 * months and last use, experience links, upstream merge and bucketing.
 *
 * The analyses are built by hand (sections and experiences set here) so the
 * inventory is tested on its own; one test runs the whole engine.
 */
#include "test_support.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_skills.h"

static const char RESUME[] = "Jane Doe\n"
                             "Summary\n"
                             "Engineer curious about Kubernetes.\n"
                             "Experience\n"
                             "Backend Engineer, Acme (2018-01 - 2019-12)\n"
                             "- Built billing APIs in Python and PostgreSQL\n"
                             "Platform Engineer, Beta (2019-01 - present)\n"
                             "- Automated deployments with Python\n"
                             "Skills\n"
                             "Python, Docker, SQL\n";

/* Byte offset of the first occurrence of s in RESUME. */
static size_t at(const char *s)
{
    const char *p = strstr(RESUME, s);
    if (!p)
        fail_msg("no %s", s);
    return (size_t)(p - RESUME);
}

static void add_section(img_analysis_t *a, img_section_kind_t kind, const char *first,
                        const char *next)
{
    img_section_t *s = IMG_VEC_PUSH(a->arena, &a->sections);
    s->kind = kind;
    s->start = at(first);
    s->end = next ? at(next) : strlen(RESUME);
}

static void add_exp(img_analysis_t *a, const char *head, const char *bullet, int y0, int m0, int y1,
                    int m1, bool current)
{
    img_experience_t *e = IMG_VEC_PUSH(a->arena, &a->experiences);
    e->start.year = y0, e->start.month = m0;
    e->end.year = y1, e->end.month = m1;
    e->current = current;
    img_ym_t end = current ? a->opts.as_of : e->end;
    e->months = img_ym_months(e->start, end);
    e->span_start = at(head);
    e->span_end = at(bullet) + strlen(bullet);
    img_span_t *b = IMG_VEC_PUSH(a->arena, &e->bullets);
    b->start = at(bullet);
    b->end = b->start + strlen(bullet);
}

/* The hand-built analysis of RESUME, as of 2020-06. */
static img_analysis_t *build(double threshold, bool with_sections)
{
    img_arena_t *arena = img_arena_new(16 * 1024);
    img_analysis_t *a = img_arena_alloc(arena, sizeof(*a));
    a->arena = arena;
    a->tax = ts_tax();
    a->opts.as_of.year = 2020;
    a->opts.as_of.month = 6;
    a->opts.confidence_threshold = threshold;
    char err[128];
    assert_int_equal(img_doc_init(&a->resume, "resume", RESUME, strlen(RESUME), 1 << 20, arena, err,
                                  sizeof(err)),
                     IMG_OK);
    if (with_sections) {
        add_section(a, IMG_SEC_CONTACT, "Jane", "Summary");
        add_section(a, IMG_SEC_SUMMARY, "Engineer curious", "Experience");
        add_section(a, IMG_SEC_EXPERIENCE, "Backend", "Skills");
        add_section(a, IMG_SEC_SKILLS, "Python, Docker", NULL);
        add_exp(a, "Backend Engineer", "Built billing APIs in Python and PostgreSQL", 2018, 1, 2019,
                12, false);
        add_exp(a, "Platform Engineer", "Automated deployments with Python", 2019, 1, 0, 0, true);
    }
    img_skills_build(a);
    return a;
}

static const img_skill_t *skill(const img_analysis_t *a, const char *name)
{
    int i = ts_skill(a, name);
    if (i < 0)
        fail_msg("no skill %s in the inventory", name);
    return &a->skills.v[i];
}

static void test_confidence_ordering(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, true);
    const img_skill_t *py = skill(a, "Python"), *dk = skill(a, "Docker"),
                      *k8 = skill(a, "Kubernetes");
    /* used in experience bullets > listed in a skills section > mentioned once */
    assert_true(py->score > dk->score);
    assert_true(dk->score > k8->score);
    assert_int_equal(py->confidence, IMG_CONF_HIGH);
    assert_int_equal(dk->confidence, IMG_CONF_MEDIUM);
    assert_int_equal(k8->confidence, IMG_CONF_LOW);
    for (size_t i = 0; i < a->skills.n; i++) {
        assert_true(a->skills.v[i].score >= 0 && a->skills.v[i].score <= 1);
        if (i)
            assert_true(a->skills.v[i - 1].score >= a->skills.v[i].score);
    }
    assert_string_equal(a->skills.v[0].name, "Python");
    /* PostgreSQL appears in one bullet only, but used beats listed */
    assert_true(skill(a, "PostgreSQL")->score > dk->score);
    img_arena_destroy(a->arena);
}

static void test_evidence(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, true);
    const img_skill_t *py = skill(a, "Python");
    assert_int_equal(py->evidence.n, 3);
    int exp = 0, listed = 0;
    for (size_t i = 0; i < py->evidence.n; i++) {
        const img_evidence_t *e = &py->evidence.v[i];
        char *s = ts_slice(RESUME, e->start, e->end);
        assert_string_equal(s, "Python");
        free(s);
        exp += strcmp(e->section, "experience") == 0;
        listed += strcmp(e->section, "skills") == 0;
    }
    assert_int_equal(exp, 2);
    assert_int_equal(listed, 1);
    const img_skill_t *k8 = skill(a, "Kubernetes");
    assert_int_equal(k8->evidence.n, 1);
    assert_string_equal(k8->evidence.v[0].section, "summary");
    /* nothing from the contact block: "Jane Doe" names no skill anyway, and
     * every skill has evidence */
    for (size_t i = 0; i < a->skills.n; i++) {
        assert_true(a->skills.v[i].evidence.n >= 1);
        assert_false(a->skills.v[i].from_input);
        assert_true(a->skills.v[i].tax_id >= 0);
    }
    img_arena_destroy(a->arena);
}

static void test_months_and_links(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, true);
    const img_skill_t *py = skill(a, "Python");
    /* 2018-01..2019-12 and 2019-01..2020-06 overlap: 30 months, not 24 + 18 */
    assert_int_equal(py->months, 30);
    assert_int_equal(py->last_used.year, 2020);
    assert_int_equal(py->last_used.month, 6);
    const img_skill_t *pg = skill(a, "PostgreSQL");
    assert_int_equal(pg->months, 24);
    assert_int_equal(pg->last_used.year, 2019);
    assert_int_equal(pg->last_used.month, 12);
    assert_int_equal(skill(a, "Docker")->months, 0);
    assert_int_equal(skill(a, "Docker")->last_used.year, 0);
    /* experience.skills point at the inventory */
    const img_experience_t *e0 = &a->experiences.v[0], *e1 = &a->experiences.v[1];
    assert_int_equal(e1->skills.n, 1);
    assert_string_equal(a->skills.v[e1->skills.v[0]].name, "Python");
    bool pg_linked = false, py_linked = false;
    for (size_t k = 0; k < e0->skills.n; k++) {
        const img_skill_t *s = &a->skills.v[e0->skills.v[k]];
        pg_linked = pg_linked || strcmp(s->name, "PostgreSQL") == 0;
        py_linked = py_linked || strcmp(s->name, "Python") == 0;
        /* each linked skill has evidence inside that entry */
        bool inside = false;
        for (size_t q = 0; q < s->evidence.n; q++)
            inside = inside || (s->evidence.v[q].start >= e0->span_start &&
                                s->evidence.v[q].end <= e0->span_end);
        assert_true(inside);
    }
    assert_true(pg_linked && py_linked);
    assert_int_equal(ts_skill(a, "Docker") >= 0, 1);
    for (size_t k = 0; k < e0->skills.n; k++)
        assert_string_not_equal(a->skills.v[e0->skills.v[k]].name, "Docker");
    img_arena_destroy(a->arena);
}

static void test_no_sections(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, false);
    /* the whole resume is read as one region */
    assert_true(ts_skill(a, "Python") >= 0);
    assert_true(ts_skill(a, "Docker") >= 0);
    assert_int_equal(skill(a, "Python")->months, 0);
    img_arena_destroy(a->arena);
}

static void test_find(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, true);
    int id = img_tax_find(ts_tax(), "Docker", 6);
    int i = img_skills_find(a, id);
    assert_true(i >= 0);
    assert_int_equal(a->skills.v[i].tax_id, id);
    assert_int_equal(img_skills_find(a, -1), -1);
    assert_int_equal(img_skills_find(a, img_tax_find(ts_tax(), "React", 5)), -1);
    img_arena_destroy(a->arena);
}

static const img_input_skill_t INPUT[] = {
    {"python", 0.30, NULL},               /* the resume says more (used: high) */
    {"react", 0.72, NULL},                /* known to the taxonomy, not in the resume */
    {"docker", 0.95, "tool"},             /* listed (medium) but upstream is sure */
    {"Quantum Basketry", 0.55, "Domain"}, /* unknown to the taxonomy */
    {"  ", 0.9, NULL},                    /* no name: ignored */
    {"obscure thing", 0.2, NULL},
};

static void test_merge_threshold_07(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.7, true);
    size_t before = a->skills.n;
    img_skills_merge_input(a, INPUT, sizeof(INPUT) / sizeof(INPUT[0]));
    assert_int_equal(a->skills.n, before + 3);
    const img_skill_t *py = skill(a, "Python");
    assert_int_equal(py->confidence, IMG_CONF_HIGH);
    assert_true(py->from_input);
    assert_true(fabs(py->input_confidence - 0.30) < 1e-9);
    assert_int_equal(py->evidence.n, 3);
    const img_skill_t *re = skill(a, "React");
    assert_int_equal(re->confidence, IMG_CONF_HIGH); /* 0.72 >= 0.7 */
    assert_true(re->tax_id >= 0);
    assert_int_equal(re->evidence.n, 0);
    assert_int_equal(skill(a, "Docker")->confidence, IMG_CONF_HIGH);
    const img_skill_t *qb = skill(a, "Quantum Basketry");
    assert_int_equal(qb->tax_id, -1);
    assert_int_equal(qb->category, IMG_CAT_DOMAIN);
    assert_int_equal(qb->confidence, IMG_CONF_MEDIUM); /* 0.55 */
    assert_int_equal(qb->evidence.n, 0);
    assert_true(qb->from_input);
    assert_int_equal(skill(a, "obscure thing")->confidence, IMG_CONF_LOW);
    /* still sorted, and experience links follow the new order */
    for (size_t i = 1; i < a->skills.n; i++)
        assert_true(a->skills.v[i - 1].score >= a->skills.v[i].score);
    const img_experience_t *e1 = &a->experiences.v[1];
    assert_int_equal(e1->skills.n, 1);
    assert_string_equal(a->skills.v[e1->skills.v[0]].name, "Python");
    img_arena_destroy(a->arena);
}

static void test_merge_threshold_09(void **state)
{
    (void)state;
    img_analysis_t *a = build(0.9, true);
    img_skills_merge_input(a, INPUT, sizeof(INPUT) / sizeof(INPUT[0]));
    assert_int_equal(skill(a, "React")->confidence, IMG_CONF_MEDIUM); /* 0.72 < 0.9 */
    assert_int_equal(skill(a, "Docker")->confidence, IMG_CONF_HIGH);  /* 0.95 */
    assert_int_equal(skill(a, "Quantum Basketry")->confidence, IMG_CONF_MEDIUM);
    assert_int_equal(skill(a, "obscure thing")->confidence, IMG_CONF_LOW);
    /* merging twice changes nothing */
    size_t n = a->skills.n;
    img_skills_merge_input(a, INPUT, sizeof(INPUT) / sizeof(INPUT[0]));
    assert_int_equal(a->skills.n, n);
    img_arena_destroy(a->arena);
}

/* The whole engine: sections and experiences from the resume module. */
static void test_engine(void **state)
{
    (void)state;
    const char *resume = "Jane Doe\n"
                         "jane@example.com\n\n"
                         "Experience\n"
                         "Senior Data Engineer, Acme Corp\n"
                         "Jan 2021 - Present\n"
                         "- Built data pipelines in Python on AWS\n"
                         "- Automated deployments with Terraform\n\n"
                         "Skills\n"
                         "Python, Docker, Kubernetes\n";
    img_analysis_t *a = ts_analyze(resume, "We need a Python engineer with Docker.", "2024-06", 0);
    int py = ts_skill(a, "Python"), dk = ts_skill(a, "Docker");
    assert_true(py >= 0 && dk >= 0);
    assert_true(a->skills.v[py].score > a->skills.v[dk].score);
    assert_int_equal(a->skills.v[py].confidence, IMG_CONF_HIGH);
    assert_true(a->skills.v[py].months >= 36);
    assert_int_equal(a->skills.v[py].last_used.year, 2024);
    bool linked = false;
    for (size_t e = 0; e < a->experiences.n; e++)
        for (size_t k = 0; k < a->experiences.v[e].skills.n; k++)
            linked = linked || a->experiences.v[e].skills.v[k] == py;
    assert_true(linked);
    for (size_t i = 0; i < a->skills.n; i++)
        for (size_t k = 0; k < a->skills.v[i].evidence.n; k++) {
            const img_evidence_t *ev = &a->skills.v[i].evidence.v[k];
            assert_true(ev->end <= strlen(resume) && ev->start < ev->end);
        }
    img_analysis_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confidence_ordering),
        cmocka_unit_test(test_evidence),
        cmocka_unit_test(test_months_and_links),
        cmocka_unit_test(test_no_sections),
        cmocka_unit_test(test_find),
        cmocka_unit_test(test_merge_threshold_07),
        cmocka_unit_test(test_merge_threshold_09),
        cmocka_unit_test(test_engine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
