/*
 * Every input the fuzz campaign kept replays cleanly: each file of
 * tests/fuzz/corpus/<target>/ (the seeds) and tests/fuzz/regressions/<target>/
 * (inputs that once crashed, leaked, hit undefined behaviour or timed out)
 * goes through the fuzz target's own entry point (tests/fuzz/fuzz_entry.c),
 * which checks the invariants any input must keep. Under IMG_SANITIZE=ON this
 * is the fuzzers' ASan/UBSan replay on every CI run.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "fuzz_entry.h"

static const char *source_dir(void)
{
    const char *dir = getenv("IMG_SOURCE_DIR");
    return dir ? dir : ".";
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads path into a buffer of exactly its size, so reading past the end is
 * an ASan error here as it is under libFuzzer. */
static uint8_t *read_exact(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *data = malloc(n > 0 ? (size_t)n : 1);
    if (n > 0 && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = n > 0 ? (size_t)n : 0;
    return data;
}

/* Feeds every regular file of <source>/tests/fuzz/<kind>/<target> to run;
 * returns how many (0 when the directory is absent). */
static size_t replay_dir(const fuzz_target_t *t, const char *kind)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/%s/%s", source_dir(), kind, t->name);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "README.md"))
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            names = realloc(names, cap * sizeof(*names));
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        char path[8192];
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        size_t size = 0;
        uint8_t *data = read_exact(path, &size);
        if (!data)
            fail_msg("cannot read %s", path);
        print_message("fuzz replay %s/%s/%s (%zu bytes)\n", kind, t->name, names[i], size);
        t->run(data, size);
        free(data);
        free(names[i]);
    }
    free(names);
    return n;
}

static void test_target(void **state)
{
    const fuzz_target_t *t = *state;
    /* Every target ships a seed corpus: an empty replay would prove nothing. */
    size_t seeds = replay_dir(t, "corpus");
    if (seeds == 0)
        fail_msg("no seed corpus in tests/fuzz/corpus/%s", t->name);
    (void)replay_dir(t, "regressions");
}

/* Inputs that are not in any file: the empty input and a lone byte per selector. */
static void test_edge_inputs(void **state)
{
    (void)state;
    for (const fuzz_target_t *t = fuzz_targets; t->name; t++) {
        uint8_t *none = malloc(1);
        t->run(none, 0);
        free(none);
        for (unsigned b = 0; b < 16; b++) {
            uint8_t *one = malloc(1);
            one[0] = (uint8_t)b;
            t->run(one, 1);
            free(one);
        }
    }
}

int main(void)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus", source_dir());
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "no %s: set IMG_SOURCE_DIR (ctest does)\n", dir);
        return 77;
    }
    closedir(d);
    if (fuzz_entry_init(source_dir()) != 0)
        return 1;
    struct CMUnitTest tests[16];
    size_t n = 0;
    for (const fuzz_target_t *t = fuzz_targets; t->name && n < 15; t++) {
        struct CMUnitTest c = {t->name, test_target, NULL, NULL, (void *)t};
        tests[n++] = c;
    }
    struct CMUnitTest edge = cmocka_unit_test(test_edge_inputs);
    tests[n++] = edge;
    return _cmocka_run_group_tests("fuzz_regressions", tests, n, NULL, NULL);
}
