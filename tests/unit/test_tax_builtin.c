/*
 * test_tax_builtin.c - the precompiled built-in taxonomy (tools/img_taxgen.c
 * at build time, img_tax_builtin.c at start-up) is exactly what parsing
 * data/taxonomy/ at run time gives: the same skills, key entries, hash
 * tables and certification index, so every lookup and match is the same.
 * White-box (img_tax_int.h). Skips when IMG_SOURCE_DIR is unset.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_support.h"

#include "engine/img_tax_int.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every .tsv of data/taxonomy/ in name order, each followed by "\n" (as
 * cmake/concat.cmake joins them for the generator); NULL without the tree. */
static char *read_taxonomy(size_t *len)
{
    const char *src = getenv("IMG_SOURCE_DIR");
    char dir[4096], path[8192];
    if (!src)
        return NULL;
    snprintf(dir, sizeof(dir), "%s/data/taxonomy", src);
    DIR *d = opendir(dir);
    if (!d)
        return NULL;
    char *names[64];
    size_t n = 0;
    for (struct dirent *de; (de = readdir(d)) != NULL;) {
        size_t l = strlen(de->d_name);
        if (l > 4 && strcmp(de->d_name + l - 4, ".tsv") == 0 && n < 64)
            names[n++] = strdup(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), cmp_str);
    char *all = NULL;
    *len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t fl;
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "rb");
        assert_non_null(f);
        fseek(f, 0, SEEK_END);
        fl = (size_t)ftell(f);
        fseek(f, 0, SEEK_SET);
        all = realloc(all, *len + fl + 2);
        assert_int_equal(fread(all + *len, 1, fl, f), fl);
        fclose(f);
        *len += fl;
        all[(*len)++] = '\n';
        free(names[i]);
    }
    return all;
}

static bool same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static void test_builtin_equals_parsed(void **state)
{
    size_t len;
    char *tsv = read_taxonomy(&len);
    if (!tsv) {
        print_message("IMG_SOURCE_DIR unset or without data/taxonomy: skipping\n");
        skip();
    }
    img_tax_t *parsed = NULL, *built = NULL;
    char err[512];
    if (img_tax_new_from_tsv(&parsed, tsv, len, err, sizeof(err)) != IMG_OK)
        fail_msg("data/taxonomy: %s", err);
    free(tsv);
    assert_int_equal(img_tax_new_builtin(&built, err, sizeof(err)), IMG_OK);

    assert_true(parsed->n_skills > 3000);
    assert_int_equal(built->n_skills, parsed->n_skills);
    for (size_t i = 0; i < parsed->n_skills; i++) {
        const img_tax_skill_t *p = &parsed->skills[i], *b = &built->skills[i];
        if (!same_str(p->name, b->name) || !same_str(p->group, b->group) ||
            p->category != b->category || p->flags != b->flags || p->n_related != b->n_related ||
            (p->n_related &&
             memcmp(p->related, b->related, p->n_related * sizeof(*p->related)) != 0))
            fail_msg("skill %zu differs: %s / %s", i, p->name, b->name);
    }
    assert_int_equal(built->n_entries, parsed->n_entries);
    for (size_t i = 0; i < parsed->n_entries; i++) {
        const tax_entry_t *p = &parsed->entries[i], *b = &built->entries[i];
        if (!same_str(p->key, b->key) || !same_str(p->surface, b->surface) || p->hash != b->hash ||
            p->skill != b->skill || p->next_form != b->next_form || p->klen != b->klen ||
            p->is_name != b->is_name || p->strict != b->strict)
            fail_msg("entry %zu differs: %s / %s", i, p->surface, b->surface);
    }
    assert_int_equal(built->slot_mask, parsed->slot_mask);
    assert_memory_equal(built->slots, parsed->slots, (parsed->slot_mask + 1) * sizeof(uint32_t));
    assert_int_equal(built->n_prefixes, parsed->n_prefixes);
    assert_int_equal(built->prefix_mask, parsed->prefix_mask);
    assert_memory_equal(built->prefixes, parsed->prefixes,
                        (parsed->prefix_mask + 1) * sizeof(tax_prefix_t));
    assert_int_equal(built->n_cert_skills, parsed->n_cert_skills);
    assert_memory_equal(built->cert_start, parsed->cert_start,
                        (parsed->n_cert_skills + 1) * sizeof(uint32_t));
    size_t n_cert = parsed->cert_start[parsed->n_cert_skills];
    assert_true(n_cert > 0);
    assert_memory_equal(built->cert_ids, parsed->cert_ids, n_cert * sizeof(int));
    assert_int_equal(built->expect_keys, parsed->expect_keys);
    assert_int_equal(built->conflicts, parsed->conflicts);
    assert_int_equal(built->unresolved, parsed->unresolved);
    img_tax_destroy(parsed);
    img_tax_destroy(built);
}

/* The copied tables grow like parsed ones: a loader may add skills and keys. */
static void test_builtin_extends(void **state)
{
    img_tax_t *tax = NULL;
    char err[256];
    assert_int_equal(img_tax_new_builtin(&tax, err, sizeof(err)), IMG_OK);
    size_t before = img_tax_count(tax);
    int docker = img_tax_find(tax, "docker", 6);
    assert_true(docker >= 0);
    char names[3000][16];
    for (int i = 0; i < 3000; i++) {
        snprintf(names[i], sizeof(names[i]), "zq%dtool", i);
        int id = img_tax_add_skill(tax, names[i], IMG_CAT_TOOL, NULL, 0);
        assert_int_equal(img_tax_add_key(tax, names[i], strlen(names[i]), id, true, NULL),
                         TAX_ADD_NEW);
    }
    assert_int_equal(img_tax_count(tax), before + 3000);
    assert_int_equal(img_tax_find(tax, "ZQ2999TOOL", 10), (int)before + 2999);
    assert_int_equal(img_tax_find(tax, "Docker", 6), docker);
    assert_int_equal(img_tax_add_key(tax, "Docker", 6, (int)before, false, NULL), TAX_ADD_NAMED);
    img_tax_destroy(tax);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_builtin_equals_parsed),
        cmocka_unit_test(test_builtin_extends),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
