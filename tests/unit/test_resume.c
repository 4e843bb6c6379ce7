/*
 * test_resume.c - the resume structure module: sections, date ranges,
 * experiences (layouts, bullets, spans), and the original Imaginator samples.
 */
#include "test_support.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_resume.h"
#include "engine/img_resume_int.h"

/* ---------------------------------------------------------------- helpers */

/* Sections and experiences of text, analysed by hand (no taxonomy needed). */
static img_analysis_t *parse(const char *text, int as_year, int as_month)
{
    img_arena_t *arena = img_arena_new(16 * 1024);
    img_analysis_t *a = img_arena_alloc(arena, sizeof(*a));
    a->arena = arena;
    a->opts.as_of = (img_ym_t){as_year, as_month};
    char err[128];
    if (img_doc_init(&a->resume, "resume", text, strlen(text), 1 << 20, arena, err, sizeof(err)) !=
        IMG_OK)
        fail_msg("doc: %s", err);
    img_resume_sections(a);
    img_resume_experiences(a);
    return a;
}

static void done(img_analysis_t *a)
{
    img_arena_destroy(a->arena);
}

static void assert_slice(const char *text, size_t s, size_t e, const char *want)
{
    char *got = ts_slice(text, s, e);
    assert_string_equal(got, want);
    free(got);
}

/* Every span of every experience is a slice of the text, and strings equal them. */
static void assert_spans(const img_analysis_t *a)
{
    const char *t = a->resume.text;
    for (size_t k = 0; k < a->experiences.n; k++) {
        const img_experience_t *x = &a->experiences.v[k];
        assert_true(x->span_start < x->span_end && x->span_end <= a->resume.len);
        if (x->title)
            assert_slice(t, x->title_start, x->title_end, x->title);
        else
            assert_true(x->title_start == 0 && x->title_end == 0);
        if (x->company)
            assert_slice(t, x->company_start, x->company_end, x->company);
        else
            assert_true(x->company_start == 0 && x->company_end == 0);
        for (size_t b = 0; b < x->bullets.n; b++) {
            const img_span_t *sp = &x->bullets.v[b];
            assert_true(sp->start < sp->end && sp->end <= a->resume.len);
            assert_true(t[sp->start] != ' ' && t[sp->end - 1] != ' ');
            assert_true(t[sp->end - 1] != '\r' && t[sp->end - 1] != '\n');
        }
    }
}

typedef struct want_dates {
    const char *text;
    int fy, fm, ty, tm;
    bool current;
    const char *span; /* the dates as found */
} want_dates_t;

static void check_dates(const want_dates_t *w)
{
    img_ym_t from, to;
    bool cur = false;
    size_t ds, de;
    bool ok = img_resume_find_dates(w->text, 0, strlen(w->text), &from, &to, &cur, &ds, &de);
    if (!ok)
        fail_msg("no dates in \"%s\"", w->text);
    if (from.year != w->fy || from.month != w->fm || to.year != w->ty || to.month != w->tm ||
        cur != w->current)
        fail_msg("\"%s\": got %d-%d..%d-%d current=%d", w->text, from.year, from.month, to.year,
                 to.month, cur);
    assert_slice(w->text, ds, de, w->span);
}

/* ------------------------------------------------------------------ dates */

static void test_date_forms(void **state)
{
    (void)state;
    static const want_dates_t cases[] = {
        {"Jan 2020 – Present", 2020, 1, 0, 0, true, "Jan 2020 – Present"},
        {"2018-2021", 2018, 0, 2021, 0, false, "2018-2021"},
        {"03/2019 - 06/2021", 2019, 3, 2021, 6, false, "03/2019 - 06/2021"},
        {"January 2018 to Present", 2018, 1, 0, 0, true, "January 2018 to Present"},
        {"2019 – now", 2019, 0, 0, 0, true, "2019 – now"},
        {"Engineer (2020-2024)", 2020, 0, 2024, 0, false, "2020-2024"},
        {"September 2017 onwards", 2017, 9, 0, 0, true, "September 2017 onwards"},
        {"Feb 2016 - till date", 2016, 2, 0, 0, true, "Feb 2016 - till date"},
        {"Sept. 2015 – Mar. 2017", 2015, 9, 2017, 3, false, "Sept. 2015 – Mar. 2017"},
        {"2015 to 2017", 2015, 0, 2017, 0, false, "2015 to 2017"},
        {"Since 2019", 2019, 0, 0, 0, true, "Since 2019"},
        {"2016 - Current", 2016, 0, 0, 0, true, "2016 - Current"},
        {"2016 to Now", 2016, 0, 0, 0, true, "2016 to Now"},
        {"Mar 2016 - Today", 2016, 3, 0, 0, true, "Mar 2016 - Today"},
        {"2016 to date", 2016, 0, 0, 0, true, "2016 to date"},
        {"June 2015 to November 2015", 2015, 6, 2015, 11, false, "June 2015 to November 2015"},
        {"Aug 06 - Sept 08", 2006, 8, 2008, 9, false, "Aug 06 - Sept 08"},
        {"1/99 - 1/01", 1999, 1, 2001, 1, false, "1/99 - 1/01"},
        {"2006  Present: Director", 2006, 0, 0, 0, true, "2006  Present"},
        {"Analyst 20072008", 2007, 0, 2008, 0, false, "20072008"},
        {"2016present", 2016, 0, 0, 0, true, "2016present"},
        {"Summer 2002 - Fall 2004", 2002, 0, 2004, 0, false, "Summer 2002 - Fall 2004"},
        {"January to May 2006", 2006, 1, 2006, 5, false, "January to May 2006"},
        {"2018-19", 2018, 0, 2019, 0, false, "2018-19"},
        {"from April 2010 to till date.", 2010, 4, 0, 0, true, "from April 2010 to till date"},
        {"Since: September 1st 2000 Until: September 30 2012", 2000, 9, 2012, 9, false,
         "Since: September 1st 2000 Until: September 30 2012"},
        {"2019-03 - 2021-06", 2019, 3, 2021, 6, false, "2019-03 - 2021-06"},
        {"July 2012 \\xe2\\x80\\x94 August 2014", 2012, 7, 2014, 8, false,
         "July 2012 \\xe2\\x80\\x94 August 2014"},
        {"Duration: May 2010 - till date", 2010, 5, 0, 0, true, "May 2010 - till date"},
        {"20xx - Present", 0, 0, 0, 0, true, "20xx - Present"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        check_dates(&cases[i]);
}

static void test_not_dates(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "(123)345-7890",
        "2123-456789",
        "Python 3.8 and 5+ years",
        "2021 - 2019",
        "Managed 1,400 users",
        "Present the results",
        "in 2019",
        "May I help",
        "Room 1204-1206",
        "",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        img_ym_t f, t;
        bool cur;
        size_t ds, de;
        if (img_resume_find_dates(texts[i], 0, strlen(texts[i]), &f, &t, &cur, &ds, &de))
            fail_msg("dates found in \"%s\"", texts[i]);
    }
}

static void test_dates_bounded(void **state)
{
    (void)state;
    /* The scan stays inside [start, end). */
    const char *t = "Acme 2018 - 2020 and 2021 - 2022";
    img_ym_t f, to;
    bool cur;
    size_t ds, de;
    assert_true(img_resume_find_dates(t, 17, strlen(t), &f, &to, &cur, &ds, &de));
    assert_int_equal(f.year, 2021);
    assert_int_equal(to.year, 2022);
    assert_false(img_resume_find_dates(t, 0, 9, &f, &to, &cur, &ds, &de));
}

/* --------------------------------------------------------------- sections */

static void test_sections(void **state)
{
    (void)state;
    const char *t = "Jane Roe\n"
                    "jane@example.com\n"
                    "\n"
                    "PROFESSIONAL SUMMARY\n"
                    "Engineer who ships.\n"
                    "\n"
                    "Work Experience:\n"
                    "Engineer at Acme (2019-2021)\n"
                    "- Built things\n"
                    "\n"
                    "Education\n"
                    "BSc Physics, 2018\n"
                    "Skills: Python, Java\n"
                    "Certifications\n"
                    "AWS Certified Developer\n"
                    "Languages\n"
                    "English\n";
    img_analysis_t *a = parse(t, 2026, 11);
    static const img_section_kind_t kinds[] = {
        IMG_SEC_NONE,   IMG_SEC_SUMMARY,        IMG_SEC_EXPERIENCE, IMG_SEC_EDUCATION,
        IMG_SEC_SKILLS, IMG_SEC_CERTIFICATIONS, IMG_SEC_LANGUAGES};
    assert_int_equal(a->sections.n, 7);
    for (size_t k = 0; k < 7; k++)
        assert_int_equal(a->sections.v[k].kind, kinds[k]);
    const img_section_t *sk = &a->sections.v[4];
    assert_slice(t, sk->heading_start, sk->heading_end, "Skills:");
    assert_slice(t, sk->start, sk->start + 6, "Python"); /* inline body after the colon */
    const img_section_t *ex = &a->sections.v[2];
    assert_slice(t, ex->heading_start, ex->heading_end, "Work Experience:");
    assert_slice(t, ex->start, ex->start + 8, "Engineer");
    assert_int_equal(ex->first_line, 7);
    assert_int_equal(ex->end_line, 10);
    /* section_at: headings and bodies, boundaries, before anything */
    assert_int_equal(img_resume_section_at(a, 0), IMG_SEC_NONE);
    assert_int_equal(img_resume_section_at(a, (size_t)(strstr(t, "Built") - t)),
                     IMG_SEC_EXPERIENCE);
    assert_int_equal(img_resume_section_at(a, ex->heading_start), IMG_SEC_EXPERIENCE);
    assert_int_equal(img_resume_section_at(a, (size_t)(strstr(t, "BSc") - t)), IMG_SEC_EDUCATION);
    assert_int_equal(img_resume_section_at(a, (size_t)(strstr(t, "Java") - t)), IMG_SEC_SKILLS);
    assert_int_equal(img_resume_section_at(a, strlen(t) - 2), IMG_SEC_LANGUAGES);
    assert_int_equal(img_resume_section_at(a, strlen(t) + 10), IMG_SEC_NONE);
    done(a);
}

static void test_heading_variants(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        img_section_kind_t kind;
    } cases[] = {
        {"EXPERIENCE", IMG_SEC_EXPERIENCE},
        {"Professional Experience:", IMG_SEC_EXPERIENCE},
        {"Employment History", IMG_SEC_EXPERIENCE},
        {"Career History", IMG_SEC_EXPERIENCE},
        {"Relevant Experience", IMG_SEC_EXPERIENCE},
        {"WORK HISTORY", IMG_SEC_EXPERIENCE},
        {"Career Experience/Job History", IMG_SEC_EXPERIENCE},
        {"Academic Background", IMG_SEC_EDUCATION},
        {"Qualifications", IMG_SEC_EDUCATION},
        {"Technical Skills", IMG_SEC_SKILLS},
        {"Core Competencies", IMG_SEC_SKILLS},
        {"Key Skills", IMG_SEC_SKILLS},
        {"Areas of Expertise", IMG_SEC_SKILLS},
        {"TECHNOLOGIES", IMG_SEC_SKILLS},
        {"Tools", IMG_SEC_SKILLS},
        {"Profile", IMG_SEC_SUMMARY},
        {"Objective", IMG_SEC_SUMMARY},
        {"About Me", IMG_SEC_SUMMARY},
        {"Summary of Qualifications", IMG_SEC_SUMMARY},
        {"Personal Projects", IMG_SEC_PROJECTS},
        {"Certificates", IMG_SEC_CERTIFICATIONS},
        {"Licenses", IMG_SEC_CERTIFICATIONS},
        {"Honors & Awards", IMG_SEC_AWARDS},
        {"Achievements", IMG_SEC_AWARDS},
        {"Publications", IMG_SEC_PUBLICATIONS},
        {"Volunteer Experience", IMG_SEC_VOLUNTEER},
        {"Interests", IMG_SEC_INTERESTS},
        {"Hobbies", IMG_SEC_INTERESTS},
        {"References", IMG_SEC_REFERENCES},
        {"ADDITIONAL INFORMATION", IMG_SEC_OTHER},
        {"Links", IMG_SEC_OTHER},
        {"SUMMARY____________", IMG_SEC_SUMMARY},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        img_resume_heading_t h;
        const char *s = cases[i].line;
        if (!img_resume_heading(s, strlen(s), 0, strlen(s), false, &h))
            fail_msg("not a heading: %s", s);
        if (h.kind != cases[i].kind)
            fail_msg("%s: kind %d, want %d", s, h.kind, cases[i].kind);
    }
    static const char *const not_headings[] = {
        "Software Engineer",
        "Experience in Oracle Hyperion Products",
        "2 years experience",
        "Python Developer with 3 years experience",
        "Responsibilities:",
        "Project Manager",
        "skills",
        "Role: Developer",
    };
    for (size_t i = 0; i < sizeof(not_headings) / sizeof(not_headings[0]); i++) {
        img_resume_heading_t h;
        const char *s = not_headings[i];
        if (img_resume_heading(s, strlen(s), 0, strlen(s), false, &h))
            fail_msg("taken as a heading: %s", s);
    }
}

static void test_no_headings(void **state)
{
    (void)state;
    const char *t = "Just a paragraph about me.\nAnother line.\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->sections.n, 1);
    assert_int_equal(a->sections.v[0].kind, IMG_SEC_NONE);
    assert_int_equal(a->sections.v[0].start, 0);
    assert_int_equal(a->sections.v[0].end, strlen(t));
    assert_int_equal(a->experiences.n, 0);
    done(a);
}

static void test_lexicon_sorted(void **state)
{
    (void)state;
    assert_true(img_resume_lex_selfcheck());
}

/* ------------------------------------------------------------ experiences */

static const img_experience_t *exp_at(const img_analysis_t *a, size_t k)
{
    if (k >= a->experiences.n)
        fail_msg("only %zu experiences, wanted #%zu", a->experiences.n, k);
    return &a->experiences.v[k];
}

static void assert_exp(const img_experience_t *x, const char *title, const char *company,
                       const char *start, const char *end, bool current)
{
    char s[16], e[16];
    img_ym_format(x->start, s, sizeof(s));
    img_ym_format(x->end, e, sizeof(e));
    if (title)
        assert_non_null(x->title);
    if (title)
        assert_string_equal(x->title, title);
    else
        assert_null(x->title);
    if (company) {
        assert_non_null(x->company);
        assert_string_equal(x->company, company);
    } else {
        assert_null(x->company);
    }
    assert_string_equal(s, start);
    assert_string_equal(e, end);
    assert_int_equal(x->current, current);
}

/* The original Imaginator sample (no headings, "Title — Company" then dates). */
static const char sample_resume[] =
    "Senior Data Engineer — Acme Corp\n"
    "2021 - Present\n"
    "Built data pipelines in Python using AWS (S3, Lambda). Implemented CI/CD with Terraform "
    "and Jenkins. Created REST APIs for data access. Increased ETL throughput by 40%.\n"
    "\n"
    "Machine Learning Intern — Example Labs\n"
    "2020 - 2021\n"
    "Trained and evaluated classification models using scikit-learn and PyTorch. Conducted "
    "feature engineering and A/B testing. Wrote unit tests with pytest.\n"
    "\n"
    "Product Analyst — Widgets Inc\n"
    "2018 - 2020\n"
    "Performed product analytics using SQL and Tableau; presented findings to stakeholders and "
    "helped define roadmap priorities.";

static void check_sample_resume(const char *t)
{
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 3);
    assert_exp(exp_at(a, 0), "Senior Data Engineer", "Acme Corp", "2021", "", true);
    assert_int_equal(exp_at(a, 0)->months,
                     img_ym_months((img_ym_t){2021, 0}, (img_ym_t){2026, 11}));
    assert_exp(exp_at(a, 1), "Machine Learning Intern", "Example Labs", "2020", "2021", false);
    assert_int_equal(exp_at(a, 1)->months, 24);
    assert_exp(exp_at(a, 2), "Product Analyst", "Widgets Inc", "2018", "2020", false);
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(exp_at(a, k)->bullets.n, 1);
        const img_span_t *b = &exp_at(a, k)->bullets.v[0];
        assert_true(strncmp(t + b->start,
                            k == 0   ? "Built"
                            : k == 1 ? "Trained"
                                     : "Performed",
                            4) == 0);
    }
    assert_spans(a);
    done(a);
}

static void test_sample_resume_inline(void **state)
{
    (void)state;
    check_sample_resume(sample_resume);
}

static void test_sample_resume_shared(void **state)
{
    (void)state;
    char *t = ts_shared_file("data/imaginator-original/sample_resume.txt", NULL);
    if (!t)
        skip();
    check_sample_resume(t);
    free(t);
}

static const char basic_case[] =
    "John Doe\nSoftware Engineer with 5 years experience\n\nExperience:\n"
    "Senior Software Engineer at TechCorp (2020-2024)\n"
    "- Led development of microservices architecture using Python and Docker\n"
    "- Implemented CI/CD pipelines reducing deployment time by 40%\n"
    "- Mentored junior developers and conducted code reviews\n\n"
    "Software Engineer at StartupXYZ (2018-2020)\n"
    "- Built RESTful APIs using Node.js and Express\n"
    "- Developed frontend components with React and TypeScript\n"
    "- Collaborated with product team to define requirements\n\n"
    "Skills:\nPython, JavaScript, React, Node.js, Docker, AWS, Git, Agile methodologies";

static void check_basic_case(const char *t)
{
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 2);
    assert_exp(exp_at(a, 0), "Senior Software Engineer", "TechCorp", "2020", "2024", false);
    assert_exp(exp_at(a, 1), "Software Engineer", "StartupXYZ", "2018", "2020", false);
    assert_int_equal(exp_at(a, 0)->months, 60);
    static const char *const bullets[2][3] = {
        {"Led development of microservices architecture using Python and Docker",
         "Implemented CI/CD pipelines reducing deployment time by 40%",
         "Mentored junior developers and conducted code reviews"},
        {"Built RESTful APIs using Node.js and Express",
         "Developed frontend components with React and TypeScript",
         "Collaborated with product team to define requirements"}};
    for (size_t k = 0; k < 2; k++) {
        const img_experience_t *x = exp_at(a, k);
        assert_int_equal(x->bullets.n, 3);
        for (size_t b = 0; b < 3; b++)
            assert_slice(t, x->bullets.v[b].start, x->bullets.v[b].end, bullets[k][b]);
        assert_slice(t, x->span_start, x->span_start + strlen(x->title), x->title);
    }
    /* The experience section ends before "Skills:". */
    assert_true(exp_at(a, 1)->span_end < (size_t)(strstr(t, "Skills:") - t));
    assert_spans(a);
    done(a);
}

static void test_basic_case_inline(void **state)
{
    (void)state;
    check_basic_case(basic_case);
}

static void test_basic_case_shared(void **state)
{
    (void)state;
    char *raw = ts_shared_file("data/imaginator-original/test_data/basic_success_case.json", NULL);
    if (!raw)
        skip();
    json_object *o = json_tokener_parse(raw), *in, *rt;
    assert_non_null(o);
    assert_true(json_object_object_get_ex(o, "input", &in));
    assert_true(json_object_object_get_ex(in, "resume_text", &rt));
    check_basic_case(json_object_get_string(rt));
    json_object_put(o);
    free(raw);
}

static void test_crlf(void **state)
{
    (void)state;
    /* The basic case with CRLF line ends gives the same structure. */
    size_t n = strlen(basic_case);
    char *t = malloc(2 * n + 1), *o = t;
    for (size_t i = 0; i < n; i++) {
        if (basic_case[i] == '\n')
            *o++ = '\r';
        *o++ = basic_case[i];
    }
    *o = '\0';
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 2);
    assert_exp(exp_at(a, 1), "Software Engineer", "StartupXYZ", "2018", "2020", false);
    assert_int_equal(exp_at(a, 1)->bullets.n, 3);
    assert_slice(t, exp_at(a, 1)->bullets.v[2].start, exp_at(a, 1)->bullets.v[2].end,
                 "Collaborated with product team to define requirements");
    assert_spans(a);
    done(a);
    free(t);
}

static void test_bullet_glyphs(void **state)
{
    (void)state;
    const char *t = "EXPERIENCE\n"
                    "Data Analyst, Globex Corporation\n"
                    "Jan 2020 – Present\n"
                    "• Built dashboards\n"
                    "▪ Cleaned data\n"
                    "- Wrote SQL\n"
                    "* Trained analysts\n"
                    "– Presented results\n"
                    "  continued on the next line\n"
                    "EDUCATION\n"
                    "BSc Mathematics\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    const img_experience_t *x = exp_at(a, 0);
    assert_exp(x, "Data Analyst", "Globex Corporation", "2020-01", "", true);
    assert_int_equal(x->months, 83); /* 2020-01 .. 2026-11 inclusive */
    static const char *const want[] = {"Built dashboards", "Cleaned data", "Wrote SQL",
                                       "Trained analysts",
                                       "Presented results\n  continued on the next line"};
    assert_int_equal(x->bullets.n, 5);
    for (size_t b = 0; b < 5; b++)
        assert_slice(t, x->bullets.v[b].start, x->bullets.v[b].end, want[b]);
    assert_spans(a);
    done(a);
}

static void test_layouts(void **state)
{
    (void)state;
    /* Title, Company / dates; Company — Title / dates; Title — Company with
     * a location; Indeed's three lines; date-first; labelled fields. */
    const char *t = "Work Experience\n"
                    "Backend Developer, Initech\n"
                    "03/2019 - 06/2021\n"
                    "- Shipped the billing service\n"
                    "\n"
                    "Globex Corporation — Site Reliability Engineer\n"
                    "2017 to 2019\n"
                    "- Ran the on-call rotation\n"
                    "\n"
                    "QA Engineer — Hooli | Austin, TX\n"
                    "Sept. 2015 – Mar. 2017\n"
                    "- Automated regression tests\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 3);
    assert_exp(exp_at(a, 0), "Backend Developer", "Initech", "2019-03", "2021-06", false);
    assert_int_equal(exp_at(a, 0)->months, 28);
    assert_exp(exp_at(a, 1), "Site Reliability Engineer", "Globex Corporation", "2017", "2019",
               false);
    assert_exp(exp_at(a, 2), "QA Engineer", "Hooli", "2015-09", "2017-03", false);
    assert_non_null(exp_at(a, 2)->location);
    assert_string_equal(exp_at(a, 2)->location, "Austin, TX");
    assert_null(exp_at(a, 0)->location);
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(exp_at(a, k)->bullets.n, 1);
    assert_spans(a);
    done(a);

    const char *indeed = "Meda Cronin\n"
                         "Associate Software Engineer\n"
                         "\n"
                         "Bengaluru, Karnataka - Email me on Indeed: x@example.com\n"
                         "\n"
                         "WORK EXPERIENCE\n"
                         "\n"
                         "JAVA Developer\n"
                         "\n"
                         "INFOSYS LIMITED -  Pune, Maharashtra -\n"
                         "\n"
                         "February 2016 to Present\n"
                         "\n"
                         "Analysing business and system requirements.\n"
                         "\n"
                         "JAVA Intern\n"
                         "\n"
                         "INFOSYS LIMITED -  Mysore, Karnataka -\n"
                         "\n"
                         "June 2015 to November 2015\n"
                         "\n"
                         "Undergone 6 months of internship.\n"
                         "\n"
                         "EDUCATION\n"
                         "\n"
                         "B.E. in ENC\n";
    a = parse(indeed, 2026, 11);
    /* The headline under the name, then the two dated entries. */
    assert_int_equal(a->experiences.n, 3);
    assert_exp(exp_at(a, 0), "Associate Software Engineer", NULL, "", "", false);
    assert_exp(exp_at(a, 1), "JAVA Developer", "INFOSYS LIMITED", "2016-02", "", true);
    assert_string_equal(exp_at(a, 1)->location, "Pune, Maharashtra");
    assert_int_equal(exp_at(a, 1)->months, 130);
    assert_exp(exp_at(a, 2), "JAVA Intern", "INFOSYS LIMITED", "2015-06", "2015-11", false);
    assert_int_equal(exp_at(a, 2)->months, 6);
    assert_int_equal(exp_at(a, 2)->bullets.n, 1);
    assert_spans(a);
    done(a);

    const char *first = "Career Experience/Job History  2004-2007  Fleet Advertising Ltd.  "
                        "Advertiser      Created a variety of ads for brands.   Conducted "
                        "research in the market.  2007-Present  Houlton Advertising Agency  "
                        "Advertiser      Introduced new concepts.  Education  2003-2004  Diploma "
                        "in Ad Making Technique, Ad School";
    a = parse(first, 2026, 11);
    assert_int_equal(a->experiences.n, 2);
    assert_exp(exp_at(a, 0), "Advertiser", "Fleet Advertising Ltd.", "2004", "2007", false);
    assert_exp(exp_at(a, 1), "Advertiser", "Houlton Advertising Agency", "2007", "", true);
    assert_int_equal(exp_at(a, 0)->bullets.n, 2);
    assert_spans(a);
    done(a);

    const char *labels = "Work Experience:\n"
                         "Designation: Digital Advertising Executive\n"
                         "Organization: Violet Advertisers, Phoenix, AZ\n"
                         "Duration: May 2010 - till date\n"
                         "Devise advertising and marketing strategies.\n";
    a = parse(labels, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    assert_exp(exp_at(a, 0), "Digital Advertising Executive", "Violet Advertisers", "2010-05", "",
               true);
    assert_string_equal(exp_at(a, 0)->location, "Phoenix, AZ");
    assert_spans(a);
    done(a);

    const char *comp_first = "PROFESSIONAL EXPERIENCE\n"
                             "Widget Systems Inc., Boston, MA    2007 - 2010\n"
                             "Vice President, Sales\n"
                             "Grew revenue by opening two new markets.\n";
    a = parse(comp_first, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    assert_exp(exp_at(a, 0), "Vice President, Sales", "Widget Systems Inc.", "2007", "2010", false);
    assert_string_equal(exp_at(a, 0)->location, "Boston, MA");
    assert_int_equal(exp_at(a, 0)->bullets.n, 1);
    assert_spans(a);
    done(a);
}

static void test_headline(void **state)
{
    (void)state;
    /* A headline repeating (part of) an entry's title is not a second job. */
    const char *t = "Dana Whitfield\n"
                    "Backend Engineer · Lisbon, Portugal\n"
                    "\n"
                    "EXPERIENCE\n"
                    "Senior Backend Engineer — Finlytics\n"
                    "March 2021 – Present | Lisbon, Portugal\n"
                    "• Designed a payments reconciliation service\n"
                    "\n"
                    "Software Engineer at Parcelbird (2018 - 2021)\n"
                    "- Built REST APIs in Go\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 2);
    assert_exp(exp_at(a, 0), "Senior Backend Engineer", "Finlytics", "2021-03", "", true);
    assert_int_equal(exp_at(a, 0)->months, 69);
    assert_string_equal(exp_at(a, 0)->location, "Lisbon, Portugal");
    assert_exp(exp_at(a, 1), "Software Engineer", "Parcelbird", "2018", "2021", false);
    done(a);

    /* "Title - Company" under the name, naming a job not listed below. */
    const char *u = "Lee Connelly\n"
                    "Staff Engineer - Disney\n"
                    "\n"
                    "WORK EXPERIENCE\n"
                    "\n"
                    "Software Engineer\n"
                    "\n"
                    "Initech -  Hyderabad, Telangana -\n"
                    "\n"
                    "September 2014 to May 2016\n"
                    "\n"
                    "Built services.\n";
    a = parse(u, 2026, 11);
    assert_int_equal(a->experiences.n, 2);
    assert_exp(exp_at(a, 0), "Staff Engineer", "Disney", "", "", false);
    assert_exp(exp_at(a, 1), "Software Engineer", "Initech", "2014-09", "2016-05", false);
    assert_string_equal(exp_at(a, 1)->location, "Hyderabad, Telangana");
    assert_spans(a);
    done(a);
}

static void test_location_conservative(void **state)
{
    (void)state;
    const char *t = "Experience\nProduct Manager at Umbrella (2019 - 2020)\n- Led roadmap\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    assert_null(exp_at(a, 0)->location);
    done(a);
}

static void test_year_precision_and_months(void **state)
{
    (void)state;
    const char *t = "Experience\nTeacher, Lincoln High School\n2019 - Present\n- Taught math\n";
    img_analysis_t *a = parse(t, 2024, 6);
    assert_int_equal(a->experiences.n, 1);
    const img_experience_t *x = exp_at(a, 0);
    assert_int_equal(x->start.month, 0);
    assert_int_equal(x->end.year, 0);
    assert_true(x->current);
    assert_int_equal(x->months, 66); /* 2019-01 .. 2024-06 */
    done(a);
}

static void test_dateless_and_stated_roles(void **state)
{
    (void)state;
    const char *t = "WORK EXPERIENCE\n"
                    "\n"
                    "Associate Software Engineer\n"
                    "\n"
                    "oracle\n"
                    "\n"
                    "• Experience in Hyperion products. (September 2017 onwards)\n"
                    "• Perform automation through python.\n";
    img_analysis_t *a = parse(t, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    assert_exp(exp_at(a, 0), "Associate Software Engineer", "oracle", "2017-09", "", true);
    assert_int_equal(exp_at(a, 0)->bullets.n, 2);
    done(a);

    const char *s = "SUMMARY\n"
                    "• Worked as Operation Analyst for Microsoft Server management team.\n"
                    "SKILLS\nExcel\n";
    a = parse(s, 2026, 11);
    assert_int_equal(a->experiences.n, 1);
    assert_exp(exp_at(a, 0), "Operation Analyst", "Microsoft Server", "", "", false);
    assert_spans(a);
    done(a);
}

static void test_degenerate_inputs(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "x",
        "EXPERIENCE",
        "Skills:",
        "2019 - Present",
        "- x\n*\n",
        "Experience\n2019\n",
        "Engineer at\n(2019-2020)\n",
    };
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        img_analysis_t *a = parse(texts[i], 2026, 11);
        assert_true(a->sections.n >= 1);
        assert_spans(a);
        done(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_date_forms),
        cmocka_unit_test(test_not_dates),
        cmocka_unit_test(test_dates_bounded),
        cmocka_unit_test(test_sections),
        cmocka_unit_test(test_heading_variants),
        cmocka_unit_test(test_no_headings),
        cmocka_unit_test(test_lexicon_sorted),
        cmocka_unit_test(test_sample_resume_inline),
        cmocka_unit_test(test_sample_resume_shared),
        cmocka_unit_test(test_basic_case_inline),
        cmocka_unit_test(test_basic_case_shared),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_bullet_glyphs),
        cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_headline),
        cmocka_unit_test(test_location_conservative),
        cmocka_unit_test(test_year_precision_and_months),
        cmocka_unit_test(test_dateless_and_stated_roles),
        cmocka_unit_test(test_degenerate_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
