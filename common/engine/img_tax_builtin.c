/*
 * img_tax_builtin.c - the built-in taxonomy from the tables that
 * tools/img_taxgen.c compiled from data/taxonomy/ at build time: start-up
 * copies arrays and turns string offsets into pointers, it parses nothing.
 */
#include "img_tax_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* malloc that aborts (the taxonomy's allocation policy, see img_tax.c). */
static void *xmalloc(size_t n, size_t size)
{
    void *p = malloc(n ? n * size : 1);
    if (!p) {
        fputs("imaginator: out of memory\n", stderr);
        abort();
    }
    return p;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
    void *p = xmalloc(n, size);
    if (n)
        memcpy(p, src, n * size);
    return p;
}

img_tax_t *img_tax_from_gen(const tax_gen_t *gen)
{
    img_tax_t *tax = img_tax_alloc();
    const char *str = gen->strings;
    size_t n = gen->n_skills;

    tax->skills = xmalloc(n, sizeof(*tax->skills));
    tax->raw_related = calloc(n ? n : 1, sizeof(*tax->raw_related));
    if (!tax->raw_related)
        abort();
    for (size_t i = 0; i < n; i++) {
        const tax_gen_skill_t *g = &gen->skills[i];
        img_tax_skill_t *sk = &tax->skills[i];
        sk->name = str + g->name;
        sk->category = (img_category_t)g->category;
        sk->group = g->group == TAX_GEN_NONE ? NULL : str + g->group;
        sk->related = g->n_related ? gen->related + g->related : NULL;
        sk->n_related = g->n_related;
        sk->flags = g->flags;
    }
    tax->n_skills = tax->cap_skills = n;

    n = gen->n_entries;
    tax->entries = xmalloc(n, sizeof(*tax->entries));
    for (size_t i = 0; i < n; i++) {
        const tax_gen_entry_t *g = &gen->entries[i];
        tax_entry_t *e = &tax->entries[i];
        e->key = str + g->key;
        e->surface = str + g->surface;
        e->hash = g->hash;
        e->skill = g->skill;
        e->next_form = g->next_form;
        e->klen = g->klen;
        e->is_name = g->is_name;
        e->strict = g->strict;
    }
    tax->n_entries = tax->cap_entries = n;

    /* The hash tables are used in place until a loader adds a key. */
    tax->slots = (uint32_t *)gen->slots;
    tax->slot_mask = gen->slot_mask;
    tax->prefixes = (tax_prefix_t *)gen->prefixes;
    tax->prefix_mask = gen->prefix_mask;
    tax->n_prefixes = gen->n_prefixes;
    tax->shared_tables = true;
    tax->cert_start = dup_array(gen->cert_start, gen->n_cert_skills + 1, sizeof(uint32_t));
    tax->cert_ids =
        dup_array(gen->cert_ids, gen->cert_start[gen->n_cert_skills], sizeof(*tax->cert_ids));
    tax->n_cert_skills = gen->n_cert_skills;

    tax->expect_keys = gen->expect_keys;
    tax->conflicts = gen->conflicts;
    tax->unresolved = gen->unresolved;
    return tax;
}

img_err_t img_tax_new_builtin(img_tax_t **taxp, char *errstr, size_t errstr_size)
{
    /* The data was checked when it was compiled (a malformed line fails the
     * build with "taxonomy line N: reason"): nothing left to fail here. */
    (void)errstr;
    (void)errstr_size;
    *taxp = img_tax_from_gen(&img_tax_gen_builtin);
    return IMG_OK;
}
