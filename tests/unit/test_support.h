/*
 * test_support.h - shared helpers for the cmocka unit tests.
 */
#ifndef TEST_SUPPORT_H
#define TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "engine/img_engine.h"

/* The built-in taxonomy, built once per test process (never freed). */
const img_tax_t *ts_tax(void);

/* Runs analysis (and generation + criticism when full is non-zero) on two
 * NUL-terminated texts with as_of fixed to as_of ("YYYY-MM"); fails the test
 * on error. Free with img_analysis_destroy(). */
img_analysis_t *ts_analyze(const char *resume, const char *job, const char *as_of, int full);

/* Reads ../shared/<rel> (IMG_SHARED_DIR) into a malloc'd NUL-terminated
 * string; returns NULL when ../shared is absent (the caller skips). */
char *ts_shared_file(const char *rel, size_t *len);

/* The slice text[start..end) as a malloc'd string (for asserts). */
char *ts_slice(const char *text, size_t start, size_t end);

/* Index of the resume skill named `name` (case-insensitive), or -1. */
int ts_skill(const img_analysis_t *a, const char *name);

#endif
