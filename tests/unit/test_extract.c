/*
 * test_extract.c - skill mentions (ambiguity guards, variants, spans) and
 * uncatalogued skill phrases.
 */
#include "test_support.h"

#include <stdlib.h>
#include <string.h>

#include "engine/img_extract.h"
#include "engine/img_extract_int.h"

typedef struct run {
    img_arena_t *arena;
    img_doc_t doc;
    img_mention_t *m;
    size_t n;
    img_span_t *p;
    size_t np;
} run_t;

static void run_text(run_t *r, const char *text, unsigned flags)
{
    char err[256];
    r->arena = img_arena_new(16 * 1024);
    assert_int_equal(
        img_doc_init(&r->doc, "test", text, strlen(text), 1 << 20, r->arena, err, sizeof(err)),
        IMG_OK);
    r->n = img_extract_mentions(ts_tax(), &r->doc, 0, r->doc.len, flags, r->arena, &r->m);
    r->np = img_extract_phrases(ts_tax(), &r->doc, 0, r->doc.len, flags, r->arena, &r->p);
}

static void run_done(run_t *r)
{
    img_arena_destroy(r->arena);
}

/* Taxonomy id of a name, failing the test if the taxonomy lacks it. */
static int id_of(const char *name)
{
    int id = img_tax_find(ts_tax(), name, strlen(name));
    if (id < 0)
        fail_msg("taxonomy has no %s", name);
    return id;
}

/* Number of mentions of skill `name` whose surface text is `surface` (NULL: any). */
static int count(const run_t *r, const char *name, const char *surface)
{
    int id = id_of(name), c = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (r->m[i].skill != id)
            continue;
        if (surface) {
            char *s = ts_slice(r->doc.text, r->m[i].start, r->m[i].end);
            bool eq = strcmp(s, surface) == 0;
            free(s);
            if (!eq)
                continue;
        }
        c++;
    }
    return c;
}

static int mentions(const char *text, unsigned flags, const char *name)
{
    run_t r;
    run_text(&r, text, flags);
    int c = count(&r, name, NULL);
    run_done(&r);
    return c;
}

/* True if some phrase's text equals `want` (or contains it when !exact). */
static bool has_phrase(const run_t *r, const char *want, bool exact)
{
    for (size_t i = 0; i < r->np; i++) {
        char *s = ts_slice(r->doc.text, r->p[i].start, r->p[i].end);
        bool ok = exact ? strcmp(s, want) == 0 : strstr(s, want) != NULL;
        free(s);
        if (ok)
            return true;
    }
    return false;
}

/* True if a phrase or, when the taxonomy knows it, a mention is exactly `want`:
 * phrases leave catalogued names to the mentions. */
static bool found(const run_t *r, const char *want)
{
    if (has_phrase(r, want, true))
        return true;
    for (size_t i = 0; i < r->n; i++) {
        char *s = ts_slice(r->doc.text, r->m[i].start, r->m[i].end);
        bool ok = strcmp(s, want) == 0;
        free(s);
        if (ok)
            return true;
    }
    return false;
}

/* True if a mention or a phrase overlaps the first occurrence of `want`
 * (whether the taxonomy names it or a phrase rule finds it). */
static bool covers(const run_t *r, const char *want)
{
    const char *p = strstr(r->doc.text, want);
    if (!p)
        fail_msg("no %s in the text", want);
    size_t s = (size_t)(p - r->doc.text), e = s + strlen(want);
    for (size_t i = 0; i < r->n; i++)
        if (r->m[i].start < e && s < r->m[i].end)
            return true;
    for (size_t i = 0; i < r->np; i++)
        if (r->p[i].start < e && s < r->p[i].end)
            return true;
    return false;
}

static void test_single_letter(void **state)
{
    (void)state;
    assert_int_equal(mentions("Languages: C, C++, Java", 0, "C"), 1);
    assert_int_equal(mentions("C, C++, Java", IMG_EXTRACT_LIST, "C"), 1);
    assert_int_equal(mentions("She got a grade C in chemistry and moved on.", 0, "C"), 0);
    assert_int_equal(mentions("Grade C, Grade B", 0, "C"), 0);
    /* an initial is not a language */
    assert_int_equal(mentions("Reviewed by J. C. Smith and the team.", 0, "C"), 0);
    assert_int_equal(mentions("Built data pipelines in Python and R for finance.", 0, "R"), 1);
    assert_int_equal(mentions("R scripts for reporting", 0, "R"), 1);
    assert_int_equal(mentions("Please reply with your CV to R Jones.", 0, "R"), 0);
    /* case matters: a lower-case letter is never the skill */
    assert_int_equal(mentions("c, c++, java", 0, "C"), 0);
}

static void test_go_rust_swift(void **state)
{
    (void)state;
    assert_int_equal(mentions("Go, Rust, Python", 0, "Go"), 1);
    assert_int_equal(mentions("Go, Rust, Python", 0, "Rust"), 1);
    assert_int_equal(mentions("We need a go to market plan.", 0, "Go"), 0);
    assert_int_equal(mentions("Go to market with the new product line.", 0, "Go"), 0);
    assert_int_equal(mentions("Backend services written in Go and deployed weekly.", 0, "Go"), 1);
    assert_int_equal(mentions("Senior Swift developer for our iOS app", 0, "Swift"), 1);
    assert_int_equal(mentions("A swift response to customer requests.", 0, "Swift"), 0);
    assert_int_equal(mentions("Removed rust from the old bridge railings.", 0, "Rust"), 0);
}

static void test_java_excel(void **state)
{
    (void)state;
    assert_int_equal(mentions("Spent a year travelling across Java island.", 0, "Java"), 0);
    assert_int_equal(mentions("Java, Python", 0, "Java"), 1);
    assert_int_equal(mentions("Java Indonesia trip, with Python notes", 0, "Java"), 0);
    assert_int_equal(mentions("I excel at building teams.", 0, "Microsoft Excel"), 0);
    assert_int_equal(mentions("Candidates who excel in sales will thrive.", 0, "Microsoft Excel"),
                     0);
    assert_int_equal(mentions("Eager to excel and grow.", 0, "Microsoft Excel"), 0);
    assert_int_equal(mentions("Excel, Word, PowerPoint", IMG_EXTRACT_LIST, "Microsoft Excel"), 1);
    assert_int_equal(mentions("Excel", IMG_EXTRACT_LIST, "Microsoft Excel"), 1);
    assert_int_equal(
        mentions("Exported the reports to Excel and SQL dashboards.", 0, "Microsoft Excel"), 1);
}

static void test_variants(void **state)
{
    (void)state;
    run_t r;
    run_text(&r, "Node.js, NodeJS and node js; C++, C# and .NET", 0);
    assert_int_equal(count(&r, "Node.js", "Node.js"), 1);
    assert_int_equal(count(&r, "Node.js", "NodeJS"), 1);
    assert_int_equal(count(&r, "Node.js", "node js"), 1);
    assert_int_equal(count(&r, "C++", "C++"), 1);
    assert_int_equal(count(&r, "C#", "C#"), 1);
    assert_int_equal(count(&r, ".NET", ".NET"), 1);
    assert_int_equal(count(&r, "C", NULL), 0); /* C++ and C# are not C */
    assert_true(id_of("C++") != id_of("C#") && id_of("C#") != id_of(".NET"));
    run_done(&r);
}

static void test_spans_are_slices(void **state)
{
    (void)state;
    const char *text = "Summary\r\n\xe2\x80\xa2 Built APIs in Python\xc2\xa0"
                       "and Go; ran Docker "
                       "on AWS.\n  - Kubernetes (k8s), PostgreSQL\n";
    run_t r;
    run_text(&r, text, 0);
    assert_true(r.n >= 5);
    size_t prev = 0;
    for (size_t i = 0; i < r.n; i++) {
        assert_true(r.m[i].start < r.m[i].end && r.m[i].end <= strlen(text));
        assert_true(r.m[i].start >= prev); /* left to right, non-overlapping */
        prev = r.m[i].end;
        char *s = ts_slice(text, r.m[i].start, r.m[i].end);
        char key[64], want[64];
        img_text_key(s, 0, strlen(s), key, sizeof(key));
        /* the slice normalises to the skill's name or one of its aliases */
        assert_int_equal(img_tax_find(ts_tax(), s, strlen(s)), r.m[i].skill);
        (void)want;
        assert_int_equal(r.m[i].line, img_doc_line_at(&r.doc, r.m[i].start));
        free(s);
    }
    assert_int_equal(count(&r, "Python", "Python"), 1);
    assert_int_equal(count(&r, "Kubernetes", "k8s"), 1);
    assert_int_equal(count(&r, "Go", "Go"), 1);
    run_done(&r);
}

static void test_region_bounds(void **state)
{
    (void)state;
    const char *text = "Python here. Docker there.";
    img_arena_t *arena = img_arena_new(4096);
    img_doc_t doc;
    char err[128];
    assert_int_equal(img_doc_init(&doc, "t", text, strlen(text), 1 << 20, arena, err, sizeof(err)),
                     IMG_OK);
    img_mention_t *m;
    size_t n = img_extract_mentions(ts_tax(), &doc, 13, strlen(text), 0, arena, &m);
    assert_int_equal(n, 1);
    assert_int_equal(m[0].skill, id_of("Docker"));
    assert_int_equal(m[0].start, 13);
    assert_int_equal(img_extract_mentions(ts_tax(), &doc, 5, 5, 0, arena, &m), 0);
    img_arena_destroy(arena);
}

static void test_phrases(void **state)
{
    (void)state;
    run_t r;
    run_text(&r,
             "Requirements:\n"
             "- Ability to work in a team and communicate with stakeholders\n"
             "- Experience with cloud infrastructure and stakeholder reporting\n"
             "- Excellent communication skills\n"
             "- You are proactive and curious\n"
             "Responsibilities:\n"
             "- Design and develop scalable software for our customers\n",
             IMG_EXTRACT_DOC);
    assert_true(has_phrase(&r, "work in a team", false));
    assert_true(has_phrase(&r, "communicate with stakeholders", false));
    assert_true(found(&r, "cloud infrastructure"));
    assert_true(found(&r, "stakeholder reporting"));
    assert_true(covers(&r, "communication skills"));
    assert_true(found(&r, "proactive"));
    assert_true(found(&r, "curious"));
    assert_true(has_phrase(&r, "develop scalable software", false));
    for (size_t i = 0; i < r.np; i++) {
        /* a phrase is a skill, not a sentence */
        img_token_t *t;
        size_t nt = img_text_tokenize(&r.doc, r.p[i].start, r.p[i].end, r.arena, &t);
        assert_true(nt >= 1 && nt <= 8);
        assert_true(r.p[i].end <= r.doc.len);
        assert_int_equal(img_doc_line_at(&r.doc, r.p[i].start),
                         img_doc_line_at(&r.doc, r.p[i].end - 1));
    }
    assert_false(has_phrase(&r, "Requirements", false));
    run_done(&r);
}

static void test_phrases_skip_noise(void **state)
{
    (void)state;
    const char *text = "What you'll do:\n"
                       "Build reliable data pipelines with Python\n"
                       "Benefits:\n"
                       "Flexible working hours and private health insurance\n"
                       "Develop your career with yearly training budgets\n"
                       "We are a leader in innovative payment solutions.\n";
    run_t r;
    run_text(&r, text, IMG_EXTRACT_DOC);
    assert_true(has_phrase(&r, "Build reliable data pipelines", false));
    size_t benefits = (size_t)(strstr(text, "Benefits:") - text);
    for (size_t i = 0; i < r.np; i++)
        assert_true(r.p[i].start < benefits);
    for (size_t i = 0; i < r.n; i++)
        assert_true(r.m[i].start < benefits);
    assert_int_equal(count(&r, "Python", NULL), 1);
    run_done(&r);
}

static void test_list_items(void **state)
{
    (void)state;
    run_t r;
    run_text(&r, "Data modelling, stakeholder reporting, Python, people management (5 years)",
             IMG_EXTRACT_LIST);
    assert_true(found(&r, "Data modelling"));
    assert_true(found(&r, "people management"));
    assert_false(has_phrase(&r, "5 years", false));
    assert_false(has_phrase(&r, "Python", true)); /* a mention, not a phrase */
    assert_int_equal(count(&r, "Python", NULL), 1);
    run_done(&r);
}

static void test_compounds_and_versions(void **state)
{
    (void)state;
    run_t r;
    run_text(&r, "Programming: C/C++, HTML5/CSS3 and PHP5", 0);
    assert_int_equal(count(&r, "C", "C"), 1);
    assert_int_equal(count(&r, "C++", "C++"), 1);
    assert_int_equal(count(&r, "PHP", "PHP5"), 1);
    for (size_t i = 0; i < r.n; i++) {
        char *s = ts_slice(r.doc.text, r.m[i].start, r.m[i].end);
        assert_null(strchr(s, '/')); /* a part of the compound, not the whole */
        free(s);
    }
    run_done(&r);
    /* a slash between words that are not skills names nothing */
    assert_int_equal(mentions("and/or either/neither", 0, "C"), 0);
}

static void test_resume_phrases(void **state)
{
    (void)state;
    const char *text = "Experience\n"
                       "- Developed a billing platform for retail banks\n"
                       "- Experience in stakeholder reporting and vendor negotiation\n";
    run_t job, cv;
    run_text(&job, text, IMG_EXTRACT_DOC);
    run_text(&cv, text, IMG_EXTRACT_DOC | IMG_EXTRACT_RESUME);
    /* in a job ad a bullet's verb phrase is a responsibility; in a resume it
     * is an achievement, not a skill name */
    assert_true(has_phrase(&job, "Developed a billing platform", false));
    assert_false(has_phrase(&cv, "Developed", false));
    assert_true(covers(&cv, "stakeholder reporting"));
    assert_true(covers(&cv, "vendor negotiation"));
    run_done(&job);
    run_done(&cv);
}

static void test_urls_and_placeholders(void **state)
{
    (void)state;
    run_t r;
    run_text(&r,
             "Profile: https://github.com/jane/python-tools and jane@python.org\n"
             "<ORGANIZATION> is hiring. Skills: Python",
             IMG_EXTRACT_DOC);
    assert_int_equal(count(&r, "Python", NULL), 1);
    size_t at = (size_t)(strstr(r.doc.text, "Skills: Python") - r.doc.text);
    assert_true(r.m[0].start > at);
    for (size_t i = 0; i < r.np; i++) {
        char *s = ts_slice(r.doc.text, r.p[i].start, r.p[i].end);
        assert_null(strstr(s, "github"));
        assert_null(strstr(s, "ORGANIZATION"));
        free(s);
    }
    run_done(&r);
}

static unsigned word(const char *w)
{
    return img_extract_word(w, 0, strlen(w));
}

static void test_lexicon(void **state)
{
    (void)state;
    assert_true(img_extract_lex_size() > 500);
    assert_int_equal(word("develop") & (XW_VERB | XW_ING | XW_ED), XW_VERB);
    assert_int_equal(word("Developing") & (XW_VERB | XW_ING), XW_VERB | XW_ING);
    assert_int_equal(word("planning") & (XW_VERB | XW_ING), XW_VERB | XW_ING);
    assert_int_equal(word("creates") & (XW_VERB | XW_3S), XW_VERB | XW_3S);
    assert_int_equal(word("applied") & (XW_VERB | XW_ED), XW_VERB | XW_ED);
    assert_int_equal(word("applies") & (XW_VERB | XW_3S), XW_VERB | XW_3S);
    assert_true(word("ability") & XW_CUE_TO);
    assert_true(word("experience") & XW_CUE_OBJ);
    assert_true(word("you\xe2\x80\x99ll") & XW_AUX); /* curly apostrophe */
    assert_true(word("quickly") & XW_LY);
    assert_int_equal(word("xyzzy"), 0);
    assert_int_equal(word("string") & XW_VERB, 0); /* not "str" + ing */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_letter),    cmocka_unit_test(test_go_rust_swift),
        cmocka_unit_test(test_java_excel),       cmocka_unit_test(test_variants),
        cmocka_unit_test(test_spans_are_slices), cmocka_unit_test(test_region_bounds),
        cmocka_unit_test(test_phrases),          cmocka_unit_test(test_phrases_skip_noise),
        cmocka_unit_test(test_list_items),       cmocka_unit_test(test_compounds_and_versions),
        cmocka_unit_test(test_resume_phrases),   cmocka_unit_test(test_urls_and_placeholders),
        cmocka_unit_test(test_lexicon),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
