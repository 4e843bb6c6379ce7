/*
 * test_result.c - the result document written directly (img_result_render())
 * is valid JSON that json-c prints back byte for byte, compact and pretty:
 * the CLI prints the rendered text, the worker the json-c tree of
 * img_result_build(), and both must be the same document.
 */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include "pipeline/img_result.h"

#define PLAIN (JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PLAIN)
#define PRETTY (JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)

static char *source_file(const char *rel)
{
    const char *dir = getenv("IMG_SOURCE_DIR");
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    fclose(f);
    s[got] = '\0';
    return s;
}

/* Rendered text against json-c's printing of the same document, parsed. */
static void check_doc(const img_analysis_t *a, const img_usage_t *u, const char *request_id)
{
    for (int pretty = 0; pretty < 2; pretty++) {
        char *text = img_result_render(a, u, request_id, pretty);
        json_object *doc = json_tokener_parse(text);
        if (!doc)
            fail_msg("the rendered document does not parse:\n%s", text);
        const char *again = json_object_to_json_string_ext(doc, pretty ? PRETTY : PLAIN);
        if (strcmp(text, again) != 0)
            fail_msg("json-c prints it differently (pretty %d):\n%s\n---\n%s", pretty, text, again);
        json_object_put(doc);

        /* img_result_write() appends; img_result_build() is the same document. */
        img_buf_t buf = IMG_BUF_INIT;
        img_buf_puts(&buf, "#");
        img_result_write(&buf, a, u, request_id, pretty);
        assert_string_equal(buf.data + 1, text);
        img_buf_free(&buf);
        json_object *built = img_result_build(a, u, request_id);
        char *s = img_result_to_string(built, pretty);
        assert_string_equal(s, text);
        free(s);
        json_object_put(built);
        free(text);
    }
}

static void test_sample_document(void **state)
{
    char *resume = source_file("data/samples/resume.txt");
    char *job = source_file("data/samples/job.txt");
    if (!resume || !job) {
        free(resume);
        free(job);
        print_message("data/samples not found (IMG_SOURCE_DIR unset?): skipping\n");
        skip();
    }
    img_analysis_t *a = ts_analyze(resume, job, "2026-11", 1);
    assert_true(a->skills.n > 0 && a->suggestions.n > 0);
    img_usage_t u = {0};
    img_usage_offline(&u, a->arena, "analysis", -1);
    img_usage_offline(&u, a->arena, "generation", 12.3456);
    img_stage_usage_t *llm = IMG_VEC_PUSH(a->arena, &u.stages);
    *llm = (img_stage_usage_t){"criticism", "openai", "gpt-x", 2,       1234,
                               567,         89,       NAN,     1500.25, "req \"quoted\"\n"};
    img_usage_failure_t *f = IMG_VEC_PUSH(a->arena, &u.failures);
    *f = (img_usage_failure_t){"criticism", "anthropic", 529, "overloaded\t(retry)"};
    check_doc(a, &u, "req-1");
    check_doc(a, NULL, NULL);

    char *text = img_result_render(a, NULL, NULL, 0);
    assert_non_null(strstr(text, "\"request_id\":null,\"status\":\"succeeded\""));
    assert_non_null(strstr(text, "\"total_cost_usd\":0.000000}}"));
    free(text);
    text = img_result_render(a, &u, "r", 1);
    assert_non_null(strstr(text, "\"cost_usd\": null"));
    assert_non_null(strstr(text, "\"latency_ms\": 12.346"));
    assert_non_null(strstr(text, "\"total_cost_usd\": null"));
    free(text);
    img_analysis_destroy(a);
    free(resume);
    free(job);
}

/* Texts with quotes, backslashes, control characters and non-ASCII bytes. */
static void test_escaping(void **state)
{
    const char *resume = "Jane \"JJ\" Doe\n"
                         "Experience\n"
                         "Senior Engineer \\ Lead at Acme\t(2019 - 2023)\n"
                         "- Built \"fast\" C++ tools with Python \x01 and Go / Rust, caf\xc3\xa9\n"
                         "Skills\n"
                         "Python, C++, \"Go\", Docker\n";
    const char *job = "Engineer \"Platform\"\n"
                      "Requirements:\n"
                      "- 3+ years of Python \\ Go\n"
                      "- Docker\tand Kubernetes\n";
    img_analysis_t *a = ts_analyze(resume, job, "2026-11", 1);
    check_doc(a, NULL, "id \"x\" \\ \x1f");
    img_analysis_destroy(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sample_document),
        cmocka_unit_test(test_escaping),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
