/*
 * The providers' retry rules, the circuit breaker and the price table: every
 * branch of providers.md's retry section, and cost = reported tokens x table.
 */
#include <math.h>
#include <string.h>

#include "test_support.h"
#include "llm/img_llm_breaker.h"
#include "llm/img_llm_price.h"
#include "llm/img_llm_retry.h"

static img_err_t cls(int status, const char *should, const char *type)
{
    img_llm_failure_info_t f = {status, should, type};
    return img_llm_classify(&f);
}

static void test_classify(void **state)
{
    (void)state;
    int retry[] = {0, 408, 409, 429, 500, 502, 503, 529};
    for (size_t i = 0; i < sizeof(retry) / sizeof(retry[0]); i++)
        assert_int_equal(cls(retry[i], NULL, NULL), IMG_ERR_RETRIABLE);
    int never[] = {400, 401, 403, 404, 413, 422};
    for (size_t i = 0; i < sizeof(never) / sizeof(never[0]); i++)
        assert_int_equal(cls(never[i], NULL, NULL), IMG_ERR_PERMANENT);
    assert_int_equal(cls(429, NULL, "insufficient_quota"), IMG_ERR_PERMANENT);
    assert_int_equal(cls(429, NULL, "rate_limit_exceeded"), IMG_ERR_RETRIABLE);
    assert_int_equal(cls(400, "true", NULL), IMG_ERR_RETRIABLE);
    assert_int_equal(cls(503, "false", NULL), IMG_ERR_PERMANENT);
}

static void test_retry_after(void **state)
{
    (void)state;
    time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
    assert_int_equal(img_llm_retry_after_ms("1500", "30", now), 1500);
    assert_int_equal(img_llm_retry_after_ms(NULL, "2", now), 2000);
    assert_int_equal(img_llm_retry_after_ms(NULL, "0.25", now), 250);
    assert_int_equal(img_llm_retry_after_ms(NULL, "Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
    assert_int_equal(img_llm_retry_after_ms(NULL, "Sun, 06 Nov 1994 08:49:30 GMT", now), 0);
    assert_int_equal(img_llm_retry_after_ms(NULL, "Sun, 06 Nov 1994 08:59:37 GMT", now), -1);
    assert_int_equal(img_llm_retry_after_ms(NULL, "61", now), -1);
    assert_int_equal(img_llm_retry_after_ms(NULL, "-1", now), -1);
    assert_int_equal(img_llm_retry_after_ms("60001", NULL, now), -1);
    assert_int_equal(img_llm_retry_after_ms(NULL, "soon", now), -1);
    assert_int_equal(img_llm_retry_after_ms(NULL, NULL, now), -1);
}

static void test_backoff(void **state)
{
    (void)state;
    uint32_t rng = 42;
    long expect[] = {500, 1000, 2000, 4000, 8000, 8000, 8000};
    for (int r = 1; r <= 7; r++) {
        long ms = img_llm_backoff_ms(r, &rng);
        assert_true(ms <= expect[r - 1]);
        assert_true(ms >= expect[r - 1] * 3 / 4);
    }
}

static void test_breaker(void **state)
{
    (void)state;
    img_llm_breaker_t b;
    img_llm_breaker_init(&b, 3, 1000);
    assert_true(img_llm_breaker_allow(&b, 0));
    img_llm_breaker_failure(&b, 0);
    img_llm_breaker_failure(&b, 0);
    assert_int_equal(b.state, IMG_BREAKER_CLOSED);
    img_llm_breaker_success(&b); /* a success resets the count */
    for (int i = 0; i < 3; i++)
        img_llm_breaker_failure(&b, 100);
    assert_int_equal(b.state, IMG_BREAKER_OPEN);
    assert_false(img_llm_breaker_allow(&b, 500));
    assert_true(img_llm_breaker_allow(&b, 1100)); /* the probe */
    assert_int_equal(b.state, IMG_BREAKER_HALF_OPEN);
    assert_false(img_llm_breaker_allow(&b, 1100)); /* only one probe */
    img_llm_breaker_failure(&b, 1200);             /* probe failed: open again */
    assert_int_equal(b.state, IMG_BREAKER_OPEN);
    assert_false(img_llm_breaker_allow(&b, 2100));
    assert_true(img_llm_breaker_allow(&b, 2200));
    img_llm_breaker_success(&b);
    assert_int_equal(b.state, IMG_BREAKER_CLOSED);
    assert_string_equal(img_llm_breaker_state_name(b.state), "closed");
}

static void test_prices(void **state)
{
    (void)state;
    img_llm_prices_t *p;
    char err[256];
    assert_int_equal(img_llm_prices_new(&p, NULL, err, sizeof(err)), IMG_OK);
    const char *required[][2] = {{"openai", "gpt-4o"},
                                 {"openai", "gpt-4o-mini"},
                                 {"openai", "gpt-4.1"},
                                 {"openai", "gpt-4.1-mini"},
                                 {"anthropic", "claude-sonnet-4-5"},
                                 {"anthropic", "claude-haiku-4-5"},
                                 {"anthropic", "claude-opus-4-1"}};
    for (size_t i = 0; i < 7; i++)
        assert_non_null(img_llm_prices_find(p, required[i][0], required[i][1]));
    assert_non_null(img_llm_prices_find(p, "openai", "gpt-4o-2024-08-06"));
    assert_non_null(img_llm_prices_find(p, "anthropic", "claude-sonnet-4-5-20250929"));
    assert_non_null(img_llm_prices_find(p, "openai-compatible", "gpt-4o-mini"));
    assert_null(img_llm_prices_find(p, "openai", "llama3.1:8b"));

    /* OpenAI: 1000 prompt of which 400 cached, 200 completion on gpt-4o. */
    img_llm_tokens_t t = {1000, 400, 0, 200};
    double c = img_llm_cost(p, "openai", "gpt-4o", &t);
    assert_true(fabs(c - (600 * 2.50 + 400 * 1.25 + 200 * 10.0) / 1e6) < 1e-12);
    /* Anthropic: 100 fresh + 300 read + 50 written, 80 out on claude-sonnet-4-5. */
    img_llm_tokens_t a = {450, 300, 50, 80};
    c = img_llm_cost(p, "anthropic", "claude-sonnet-4-5", &a);
    assert_true(fabs(c - (100 * 3.0 + 300 * 0.30 + 50 * 3.75 + 80 * 15.0) / 1e6) < 1e-12);
    /* Unknown model: no price, never 0. */
    assert_true(isnan(img_llm_cost(p, "openai", "mystery-model", &t)));
    img_llm_prices_destroy(p);

    assert_int_not_equal(
        img_llm_prices_new(&p, "openai\tgpt\t1\tx\t\t2\t2025-01-01\n", err, sizeof(err)), IMG_OK);
    assert_non_null(strstr(err, "line 1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify), cmocka_unit_test(test_retry_after),
        cmocka_unit_test(test_backoff), cmocka_unit_test(test_breaker),
        cmocka_unit_test(test_prices)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
