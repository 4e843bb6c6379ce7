/*
 * test_job.c - job ad parsing: headings and must/nice, years, education,
 * boilerplate, title, seniority, domain, requirement skills and their
 * alternatives, job.skills; on inline ads and on the original Imaginator's
 * job ads (skipped when ../shared is absent).
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "engine/img_job.h"

/* An analysis with only the two documents: img_job_parse needs no more. */
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

static img_analysis_t *parse(const char *job)
{
    img_analysis_t *a = bare("Resume", job);
    img_job_parse(a);
    return a;
}

/* The requirement whose text contains needle, or NULL. */
static const img_requirement_t *req_with(const img_analysis_t *a, const char *needle)
{
    for (size_t i = 0; i < a->job.requirements.n; i++) {
        const img_requirement_t *r = &a->job.requirements.v[i];
        char *s = ts_slice(a->job_doc.text, r->start, r->end);
        bool hit = strstr(s, needle) != NULL;
        free(s);
        if (hit)
            return r;
    }
    return NULL;
}

static const img_requirement_t *must_find(const img_analysis_t *a, const char *needle)
{
    const img_requirement_t *r = req_with(a, needle);
    if (!r)
        fail_msg("no requirement contains \"%s\"", needle);
    return r;
}

static int id_of(const char *name)
{
    int id = img_tax_find(ts_tax(), name, strlen(name));
    if (id < 0)
        fail_msg("taxonomy has no %s", name);
    return id;
}

static bool req_has(const img_requirement_t *r, int id)
{
    for (size_t i = 0; i < r->skills.n; i++)
        if (r->skills.v[i] == id)
            return true;
    return false;
}

static int group_of(const img_requirement_t *r, int id)
{
    for (size_t i = 0; i < r->skills.n; i++)
        if (r->skills.v[i] == id)
            return r->groups.v[i];
    fail_msg("skill %d not in requirement", id);
    return -1;
}

static const char *job_inline =
    "Senior Backend Engineer - Acme Robotics (Remote)\n"
    "\n"
    "We are a fast-growing robotics company building the future of logistics.\n"
    "\n"
    "Responsibilities:\n"
    "- Design and build backend services in Go\n"
    "- Mentor other engineers\n"
    "\n"
    "Requirements\n"
    "- 5+ years of professional software development experience\n"
    "- 3-5 years of experience with PostgreSQL\n"
    "- BS/MS in Computer Science or equivalent experience\n"
    "- Experience with Docker and Kubernetes\n"
    "- Knowledge of cloud platforms (AWS, Azure, or GCP)\n"
    "- Terraform experience is a plus\n"
    "- Excellent written communication\n"
    "\n"
    "Nice to have:\n"
    "- Experience with Kafka\n"
    "- At least 2 years with Rust required for the embedded team\n"
    "\n"
    "Benefits:\n"
    "- Competitive salary and equity\n"
    "- 5 weeks of vacation and a Kubernetes training budget\n"
    "\n"
    "Acme is an equal opportunity employer. All qualified applicants will receive "
    "consideration without regard to race, color, religion, sex or national origin.\n";

static void test_sections_and_kinds(void **state)
{
    img_analysis_t *a = parse(job_inline);
    const img_job_t *job = &a->job;
    assert_int_equal(job->requirements.n, 9);
    assert_int_equal(must_find(a, "5+ years")->kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "Docker and Kubernetes")->kind, IMG_REQ_MUST);
    /* "a plus" makes a line nice under a must heading ... */
    assert_int_equal(must_find(a, "Terraform")->kind, IMG_REQ_NICE);
    /* ... a nice heading makes nice ... */
    assert_int_equal(must_find(a, "Kafka")->kind, IMG_REQ_NICE);
    /* ... unless the line itself says required. */
    assert_int_equal(must_find(a, "Rust required")->kind, IMG_REQ_MUST);
    /* Responsibilities, benefits, the intro and EEO text are not requirements. */
    assert_null(req_with(a, "backend services"));
    assert_null(req_with(a, "Mentor"));
    assert_null(req_with(a, "salary"));
    assert_null(req_with(a, "vacation"));
    assert_null(req_with(a, "robotics company"));
    assert_null(req_with(a, "equal opportunity"));
    assert_null(req_with(a, "race"));
    /* Ids in order of appearance. */
    assert_string_equal(job->requirements.v[0].id, "R1");
    assert_string_equal(job->requirements.v[8].id, "R9");
    /* Spans are the requirement text, bullet glyph excluded. */
    char *s = ts_slice(a->job_doc.text, job->requirements.v[0].start, job->requirements.v[0].end);
    assert_string_equal(s, "5+ years of professional software development experience");
    free(s);
    img_analysis_destroy(a);
}

static void test_years_and_education(void **state)
{
    img_analysis_t *a = parse(job_inline);
    assert_int_equal(must_find(a, "5+ years")->years, 5);
    assert_int_equal(must_find(a, "3-5 years")->years, 3);
    assert_int_equal(must_find(a, "At least 2 years")->years, 2);
    assert_int_equal(must_find(a, "Docker and Kubernetes")->years, 0);
    assert_int_equal(a->job.years_required, 5);
    assert_true(must_find(a, "BS/MS")->education);
    assert_false(must_find(a, "5+ years")->education);
    assert_string_equal(a->job.education, "bachelor");
    img_analysis_destroy(a);

    a = parse("Data Analyst\n\nRequirements:\n"
              "- A minimum of 2 years of SQL\n"
              "- Minimum of four years in analytics\n"
              "- Proficiency with MS Office\n"
              "- Must have shipped a product in the last 2 years\n"
              "- PhD or Master's degree in Statistics\n");
    assert_int_equal(must_find(a, "2 years of SQL")->years, 2);
    assert_int_equal(must_find(a, "four years")->years, 4);
    assert_int_equal(must_find(a, "last 2 years")->years, 0);
    assert_false(must_find(a, "MS Office")->education);
    assert_true(must_find(a, "PhD")->education);
    assert_int_equal(a->job.years_required, 4);
    /* The lowest degree the job accepts. */
    assert_string_equal(a->job.education, "master");
    img_analysis_destroy(a);
}

static void test_title_and_seniority(void **state)
{
    img_analysis_t *a = parse(job_inline);
    assert_string_equal(a->job.title, "Senior Backend Engineer");
    assert_string_equal(a->job.seniority, "senior");
    assert_string_equal(a->job.domain, "software");
    img_analysis_destroy(a);

    a = parse("Python Developer position\n\nRequirements:\n- Python programming\n");
    assert_string_equal(a->job.title, "Python Developer");
    img_analysis_destroy(a);

    a = parse("Full job description\nSound Bank is currently seeking a SR Programmer Analyst to "
              "join our team! We offer great benefits.\n\nRequirements:\n- 3+ years of "
              "programming experience\n");
    assert_string_equal(a->job.title, "SR Programmer Analyst");
    assert_string_equal(a->job.seniority, "senior");
    img_analysis_destroy(a);

    a = parse("Job Title: Junior Data Analyst\nLocation: Remote\n\nRequirements:\n- SQL\n");
    assert_string_equal(a->job.title, "Junior Data Analyst");
    assert_string_equal(a->job.seniority, "junior");
    assert_string_equal(a->job.domain, "data");
    img_analysis_destroy(a);

    a = parse("Head of Engineering | Example Corp\n\nWhat you'll bring:\n- 10+ years leading "
              "teams\n");
    assert_string_equal(a->job.title, "Head of Engineering");
    assert_string_equal(a->job.seniority, "executive");
    assert_int_equal(a->job.requirements.n, 1);
    img_analysis_destroy(a);

    /* No seniority word: the years decide; none at all: unknown. */
    a = parse("Registered Nurse\n\nQualifications:\n- 3+ years of clinical experience\n");
    assert_string_equal(a->job.seniority, "mid");
    assert_string_equal(a->job.domain, "healthcare");
    img_analysis_destroy(a);
    a = parse("Accountant\n\nQualifications:\n- Knowledge of bookkeeping\n");
    assert_null(a->job.seniority);
    assert_string_equal(a->job.domain, "finance");
    img_analysis_destroy(a);
}

static void test_headingless_ad(void **state)
{
    img_analysis_t *a =
        parse("We are looking for a Senior Software Engineer with 5+ years of experience in "
              "Python and React. Must have experience with database design and leading "
              "development teams. Strong communication skills and ability to mentor junior "
              "developers required. You will be responsible for our platform.");
    assert_string_equal(a->job.title, "Senior Software Engineer");
    assert_int_equal(a->job.requirements.n, 3);
    assert_int_equal(must_find(a, "5+ years")->years, 5);
    assert_int_equal(must_find(a, "Strong communication")->kind, IMG_REQ_MUST);
    assert_null(req_with(a, "responsible for"));
    img_analysis_destroy(a);

    a = parse("Developer\nPython required");
    assert_string_equal(a->job.title, "Developer");
    assert_int_equal(a->job.requirements.n, 1);
    assert_int_equal(must_find(a, "Python required")->kind, IMG_REQ_MUST);
    img_analysis_destroy(a);

    a = parse("We are looking for a motivated entry-level software engineer to join our team. "
              "Experience with Python or JavaScript is a plus.");
    assert_string_equal(a->job.title, "entry-level software engineer");
    assert_string_equal(a->job.seniority, "junior");
    assert_int_equal(must_find(a, "is a plus")->kind, IMG_REQ_NICE);
    assert_null(req_with(a, "motivated"));
    img_analysis_destroy(a);
}

static void test_heading_forms(void **state)
{
    img_analysis_t *a = parse("Site Reliability Engineer\n\n"
                              "## What you'll do\n"
                              "Keep the lights on.\n"
                              "**Must have**\n"
                              "* Linux administration\n"
                              "* On-call experience, with the ability to stay calm and\n"
                              "  communicate clearly under pressure\n"
                              "PREFERRED QUALIFICATIONS\n"
                              "* Go programming\n"
                              "Nice to have: Prometheus, Grafana\n"
                              "High School Diploma or GED required. Bachelor's degree preferred.\n"
                              "Perks\n"
                              "* Free lunch\n");
    assert_null(req_with(a, "lights"));
    assert_int_equal(must_find(a, "Linux administration")->kind, IMG_REQ_MUST);
    /* A wrapped bullet is one requirement. */
    const img_requirement_t *r = must_find(a, "On-call");
    char *s = ts_slice(a->job_doc.text, r->start, r->end);
    assert_non_null(strstr(s, "under pressure"));
    free(s);
    assert_int_equal(must_find(a, "Go programming")->kind, IMG_REQ_NICE);
    /* Inline heading. */
    r = must_find(a, "Prometheus");
    assert_int_equal(r->kind, IMG_REQ_NICE);
    s = ts_slice(a->job_doc.text, r->start, r->end);
    assert_string_equal(s, "Prometheus, Grafana");
    free(s);
    /* Two sentences on one line, two kinds: "required" wins over the nice heading. */
    assert_int_equal(must_find(a, "GED")->kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "Bachelor")->kind, IMG_REQ_NICE);
    assert_null(req_with(a, "lunch"));
    assert_string_equal(a->job.domain, "cloud");
    img_analysis_destroy(a);

    /* Under a must heading "required" keeps must and "preferred" makes nice. */
    a = parse("Analyst\n\nRequirements:\nHigh School Diploma or GED equivalent required. "
              "Bachelor's degree preferred or equivalent experience.\nIn addition:\nMust be "
              "fluent in Spanish.\nEmployer sponsorship is not available.\nOur Hours:\nOn call "
              "availability required.\n");
    assert_int_equal(must_find(a, "GED")->kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "Bachelor")->kind, IMG_REQ_NICE);
    assert_int_equal(must_find(a, "Spanish")->kind, IMG_REQ_MUST);
    assert_null(req_with(a, "sponsorship"));
    assert_null(req_with(a, "On call"));
    assert_int_equal(a->job.requirements.n, 3);
    img_analysis_destroy(a);

    /* A semicolon ends a clause: two requirements, two kinds. */
    a = parse("Analyst\n\nRequirements:\n- Fluent English; German is a plus\n");
    assert_int_equal(a->job.requirements.n, 2);
    const img_requirement_t *en = must_find(a, "English");
    s = ts_slice(a->job_doc.text, en->start, en->end);
    assert_string_equal(s, "Fluent English");
    free(s);
    assert_int_equal(en->kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "German")->kind, IMG_REQ_NICE);
    img_analysis_destroy(a);
}

/* Needs the taxonomy and the extractor. */
static void test_requirement_skills(void **state)
{
    img_analysis_t *a = parse(job_inline);
    const img_requirement_t *r = must_find(a, "Docker and Kubernetes");
    int docker = id_of("Docker"), k8s = id_of("Kubernetes");
    assert_true(req_has(r, docker));
    assert_true(req_has(r, k8s));
    assert_false(r->any_of);
    assert_int_not_equal(group_of(r, docker), group_of(r, k8s));

    r = must_find(a, "cloud platforms");
    int aws = id_of("AWS"), azure = id_of("Azure"), gcp = id_of("GCP");
    assert_true(req_has(r, aws) && req_has(r, azure) && req_has(r, gcp));
    assert_true(r->any_of);
    assert_int_equal(group_of(r, aws), group_of(r, gcp));

    /* job.skills: deduplicated, in order of first mention, evidence in the job ad. */
    const img_job_t *job = &a->job;
    int pos_docker = -1, pos_aws = -1, n_k8s = 0;
    for (size_t i = 0; i < job->skills.n; i++) {
        const img_skill_t *k = &job->skills.v[i];
        if (k->tax_id == docker)
            pos_docker = (int)i;
        if (k->tax_id == aws)
            pos_aws = (int)i;
        if (k->tax_id == k8s) {
            n_k8s++;
            assert_int_equal(k->confidence, IMG_CONF_HIGH);
            assert_true(k->evidence.n >= 1);
            assert_string_equal(k->evidence.v[0].section, "job");
            char *s = ts_slice(a->job_doc.text, k->evidence.v[0].start, k->evidence.v[0].end);
            assert_string_equal(s, "Kubernetes");
            free(s);
            /* The benefits mention is not evidence. */
            for (size_t e = 0; e < k->evidence.n; e++)
                assert_true(k->evidence.v[e].start <
                            (size_t)(strstr(job_inline, "Benefits") - job_inline));
        }
    }
    assert_int_equal(n_k8s, 1);
    assert_true(pos_docker >= 0 && pos_aws > pos_docker);
    img_analysis_destroy(a);

    a = parse("Engineer\n\nRequirements:\n- Python and cloud (AWS or GCP)\n"
              "- Experience with React or similar frontend frameworks\n"
              "- Frameworks such as Django, Flask\n");
    r = must_find(a, "Python and cloud");
    int py = id_of("Python");
    assert_int_not_equal(group_of(r, py), group_of(r, aws));
    assert_int_equal(group_of(r, aws), group_of(r, gcp));
    assert_false(r->any_of);
    r = must_find(a, "Django");
    assert_true(r->any_of);
    img_analysis_destroy(a);

    /* An umbrella stands for its examples; "or other <class>" is one more choice. */
    a = parse("Engineer\n\nRequirements:\n- Knowledge of cloud platforms (AWS, Azure, or GCP)\n"
              "- Experience with version control systems (Git)\n"
              "- Terraform or other infrastructure-as-code tools\n");
    r = must_find(a, "cloud platforms");
    assert_false(req_has(r, id_of("Cloud Computing")));
    assert_true(req_has(r, aws) && r->any_of);
    r = must_find(a, "version control");
    assert_int_equal(r->skills.n, 1);
    assert_true(req_has(r, id_of("Git")));
    r = must_find(a, "Terraform");
    int tf = id_of("Terraform"), iac = id_of("Infrastructure as Code");
    assert_int_equal(group_of(r, tf), group_of(r, iac));
    /* job.skills still names the umbrella. */
    bool umbrella_listed = false;
    for (size_t i = 0; i < a->job.skills.n; i++)
        umbrella_listed |= a->job.skills.v[i].tax_id == id_of("Cloud Computing");
    assert_true(umbrella_listed);
    img_analysis_destroy(a);
}

/* ---- the original Imaginator's job ads ---- */

static void test_original_sample_job_ad(void **state)
{
    char *job = ts_shared_file("data/imaginator-original/sample_job_ad.txt", NULL);
    if (!job)
        skip();
    img_analysis_t *a = parse(job);
    assert_string_equal(a->job.title, "Senior Full-Stack Developer");
    assert_string_equal(a->job.seniority, "senior");
    assert_string_equal(a->job.domain, "software");
    assert_int_equal(a->job.years_required, 5);
    assert_int_equal(a->job.requirements.n, 9);
    for (size_t i = 0; i < 8; i++)
        assert_int_equal(a->job.requirements.v[i].kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "machine learning integration")->kind, IMG_REQ_NICE);
    assert_null(req_with(a, "Design and implement"));
    assert_null(req_with(a, "insurance"));
    assert_null(req_with(a, "salary"));
    img_analysis_destroy(a);
    free(job);
}

static void test_original_job_ad(void **state)
{
    char *job = ts_shared_file("data/imaginator-original/job_ad.txt", NULL);
    if (!job)
        skip();
    img_analysis_t *a = parse(job);
    assert_string_equal(a->job.title, "SR Programmer Analyst");
    assert_string_equal(a->job.seniority, "senior");
    assert_int_equal(a->job.years_required, 3);
    assert_int_equal(must_find(a, "3+ years")->kind, IMG_REQ_MUST);
    assert_int_equal(must_find(a, "Symitar PowerOn programming or")->kind, IMG_REQ_NICE);
    assert_int_equal(must_find(a, "HTML, CSS")->kind, IMG_REQ_NICE);
    assert_int_equal(must_find(a, "GED")->kind, IMG_REQ_MUST);
    assert_true(must_find(a, "GED")->education);
    assert_int_equal(must_find(a, "Bachelor")->kind, IMG_REQ_NICE);
    assert_string_equal(a->job.education, "bachelor");
    /* Pay, benefits, hours, EEO and the company are not requirements. */
    const char *never[] = {
        "401k",   "salary",  "Tuition", "Equal Opportunity", "race",
        "hybrid", "founded", "On call", "sponsorship",       "PowerOn programming with"};
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        if (req_with(a, never[i]))
            fail_msg("\"%s\" became a requirement", never[i]);
    assert_true(a->job.requirements.n >= 6 && a->job.requirements.n <= 8);
    img_analysis_destroy(a);
    free(job);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sections_and_kinds),     cmocka_unit_test(test_years_and_education),
        cmocka_unit_test(test_title_and_seniority),    cmocka_unit_test(test_headingless_ad),
        cmocka_unit_test(test_heading_forms),          cmocka_unit_test(test_requirement_skills),
        cmocka_unit_test(test_original_sample_job_ad), cmocka_unit_test(test_original_job_ad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
