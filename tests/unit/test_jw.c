/*
 * test_jw.c - img_jw writes exactly what json-c prints (compact and pretty)
 * for the same values, and img_jw_format_fixed() exactly what printf's
 * "%.*f" does: the result document's bytes depend on both.
 */
#include <json-c/json.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include "util/img_jw.h"

#define PLAIN (JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PLAIN)
#define PRETTY (JSON_C_TO_STRING_NOSLASHESCAPE | JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED)

static unsigned long long rng = 88172645463325252ull;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng % n);
}

/* Random bytes biased towards the ones that need care. */
static size_t rnd_text(char *out, size_t max)
{
    static const char pick[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f\x80\xc3\xa9 aZ09{}[]:,";
    size_t n = rnd((unsigned)max);
    for (size_t i = 0; i < n; i++)
        out[i] = rnd(3) ? pick[rnd(sizeof(pick))] : (char)rnd(256); /* may be NUL */
    out[n] = '\0';
    return n;
}

/* One random value, written to w and returned as a json-c tree (NULL is null). */
static json_object *gen(img_jw_t *w, int depth)
{
    char text[64], num[600];
    switch (rnd(depth < 5 ? 9 : 6)) {
    case 0:
        img_jw_null(w);
        return NULL;
    case 1: {
        bool b = rnd(2);
        img_jw_bool(w, b);
        return json_object_new_boolean(b);
    }
    case 2: {
        static const long long edge[] = {0, -1, 1, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN};
        long long v = rnd(2) ? edge[rnd(7)] : (long long)rnd(2000000) - 1000000;
        img_jw_int(w, v);
        return json_object_new_int64(v);
    }
    case 3: {
        size_t n = rnd_text(text, sizeof(text) - 1);
        img_jw_string_len(w, text, n);
        return json_object_new_string_len(text, (int)n);
    }
    case 4: {
        rnd_text(text, sizeof(text) - 1); /* a NUL ends it early, for both */
        img_jw_string(w, text);
        return json_object_new_string(text);
    }
    case 5: {
        double v = ((double)rnd(2000001) - 1000000) / pow(10, rnd(8));
        int d = (int)rnd(10);
        img_jw_fixed(w, v, d);
        snprintf(num, sizeof(num), "%.*f", d, v);
        return json_object_new_double_s(v, num);
    }
    case 6:
    case 7: {
        json_object *arr = json_object_new_array();
        img_jw_array_begin(w);
        for (unsigned i = 0, n = rnd(5); i < n; i++)
            json_object_array_add(arr, gen(w, depth + 1));
        img_jw_array_end(w);
        return arr;
    }
    default: {
        json_object *obj = json_object_new_object();
        img_jw_object_begin(w);
        for (unsigned i = 0, n = rnd(5); i < n; i++) {
            char key[32];
            rnd_text(key, 16);
            snprintf(key + strlen(key), 12, "#%u", i); /* distinct keys */
            img_jw_key(w, key);
            json_object_object_add(obj, key, gen(w, depth + 1));
        }
        img_jw_object_end(w);
        return obj;
    }
    }
}

static void test_matches_json_c(void **state)
{
    for (int round = 0; round < 3000; round++) {
        for (int pretty = 0; pretty < 2; pretty++) {
            unsigned long long seed = rng;
            img_buf_t buf = IMG_BUF_INIT;
            img_jw_t w;
            img_buf_puts(&buf, "prefix:");
            img_jw_init(&w, &buf, pretty);
            json_object *doc = gen(&w, 0);
            const char *want =
                doc ? json_object_to_json_string_ext(doc, pretty ? PRETTY : PLAIN) : "null";
            if (buf.len != strlen("prefix:") + strlen(want) ||
                memcmp(buf.data + 7, want, strlen(want)) != 0 || buf.data[buf.len] != '\0')
                fail_msg("round %d (seed %llu, pretty %d):\njson-c: %s\nimg_jw: %s", round, seed,
                         pretty, want, buf.data + 7);
            json_object_put(doc);
            img_buf_free(&buf);
        }
    }
}

static void check_fixed(double v, int d)
{
    char want[600], got[600];
    int wn = snprintf(want, sizeof(want), "%.*f", d, v);
    int gn = img_jw_format_fixed(got, sizeof(got), v, d);
    if (wn != gn || strcmp(want, got) != 0)
        fail_msg("%.17g with %d decimals: printf \"%s\", img_jw \"%s\"", v, d, want, got);
}

static void test_fixed_like_printf(void **state)
{
    static const double edge[] = {0.0,    -0.0,   0.5,    1.5,      2.5,       0.125,  0.375,
                                  1.005,  2.675,  0.045,  -0.0001,  -0.004999, -0.005, 0.995,
                                  0.9999, 999.5,  1e-7,   1e8,      999999999, 1e9,    1e15,
                                  1e300,  -1e300, 5e-324, INFINITY, -INFINITY, NAN};
    for (size_t i = 0; i < sizeof(edge) / sizeof(*edge); i++)
        for (int d = 0; d <= 9; d++)
            check_fixed(edge[i], d);
    for (int i = 0; i < 200000; i++) {
        double v;
        switch (rnd(4)) {
        case 0: /* scores and weights: two decimals on a grid, and near it */
            v = rnd(10001) / 100.0 + (rnd(2) ? 0 : (rnd(2001) - 1000.0) * 1e-9);
            break;
        case 1: /* exact ties on the last decimal */
            v = (rnd(200001) + 0.5) / pow(10, rnd(7));
            break;
        case 2: /* any magnitude */
            v = ldexp((double)rnd(1u << 30), (int)rnd(80) - 60);
            break;
        default:
            v = (double)rnd(1u << 30) / (double)(rnd(1u << 20) + 1);
        }
        if (rnd(2))
            v = -v;
        check_fixed(v, (int)rnd(10));
    }
}

/* Writing appends: the buffer stays NUL-terminated, earlier bytes untouched. */
static void test_appends(void **state)
{
    img_buf_t buf = IMG_BUF_INIT;
    img_jw_t w;
    img_buf_puts(&buf, "x=");
    img_jw_init(&w, &buf, false);
    img_jw_object_begin(&w);
    img_jw_key(&w, "a");
    img_jw_fixed(&w, NAN, 2);
    img_jw_key(&w, "b");
    img_jw_string(&w, NULL);
    IMG_JW_KEY(&w, "c");
    img_jw_fixed(&w, 0.5, 2);
    img_jw_object_end(&w);
    assert_string_equal(buf.data, "x={\"a\":null,\"b\":null,\"c\":0.50}");
    assert_int_equal(buf.len, strlen(buf.data));

    /* A literal key is the same member as img_jw_key(), in either layout. */
    img_buf_clear(&buf);
    img_jw_init(&w, &buf, true);
    img_jw_object_begin(&w);
    IMG_JW_KEY(&w, "k");
    img_jw_array_begin(&w);
    img_jw_array_end(&w);
    img_jw_key(&w, "l");
    img_jw_int(&w, -7);
    img_jw_object_end(&w);
    assert_string_equal(buf.data, "{\n  \"k\": [\n  ],\n  \"l\": -7\n}");
    img_buf_free(&buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_json_c),
        cmocka_unit_test(test_fixed_like_printf),
        cmocka_unit_test(test_appends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
