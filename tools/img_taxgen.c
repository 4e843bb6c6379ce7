/*
 * img_taxgen.c - build-time compiler of the built-in taxonomy.
 *
 * Usage: img_taxgen OUT.c TAXONOMY.tsv
 * Parses TAXONOMY.tsv (every .tsv of data/taxonomy/, joined by CMake) with
 * img_tax_new_from_tsv(), exactly as start-up used to, and writes the
 * finished tables (skills, key entries, key slots, prefix set, certification
 * index) as C source defining img_tax_gen_builtin (see img_tax_int.h).
 * img_tax_new_builtin() then only copies them. Malformed data fails the
 * build with the parser's message ("taxonomy line N: reason"); conflicts and
 * unresolved related names are logged at debug level on stderr and counted
 * in the tables (tests assert both are zero).
 * Exit codes: 0 done, 1 malformed data or an I/O error, 64 usage.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_tax_int.h"
#include "util/img_buf.h"
#include "util/img_log.h"

/* The taxonomy's TSV may not be larger (string offsets are 32-bit). */
#define TAXGEN_MAX_TSV (256u * 1024 * 1024)

/* ---- the string blob: every distinct string once, NUL-terminated ---- */

typedef struct blob {
    char *data;
    size_t len, cap;
    uint32_t *slots; /* offset + 1 of a string, by hash; 0 = empty */
    size_t mask, count;
} blob_t;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) {
        fputs("img_taxgen: out of memory\n", stderr);
        exit(1);
    }
    return q;
}

static uint32_t str_hash(const char *s)
{
    return tax_fnv(TAX_FNV_SEED, s, strlen(s));
}

static void blob_rehash(blob_t *b)
{
    size_t n = b->mask ? (b->mask + 1) * 2 : 1 << 16;
    uint32_t *slots = xrealloc(NULL, n * sizeof(*slots));
    memset(slots, 0, n * sizeof(*slots));
    for (size_t i = 0; b->slots && i <= b->mask; i++)
        if (b->slots[i]) {
            size_t j = str_hash(b->data + b->slots[i] - 1) & (n - 1);
            while (slots[j])
                j = (j + 1) & (n - 1);
            slots[j] = b->slots[i];
        }
    free(b->slots);
    b->slots = slots;
    b->mask = n - 1;
}

/* Offset of s in the blob, adding it if new; TAX_GEN_NONE for NULL. */
static uint32_t blob_add(blob_t *b, const char *s)
{
    if (!s)
        return TAX_GEN_NONE;
    if ((b->count + 1) * 2 > (b->slots ? b->mask + 1 : 0))
        blob_rehash(b);
    size_t j = str_hash(s) & b->mask;
    for (; b->slots[j]; j = (j + 1) & b->mask)
        if (strcmp(b->data + b->slots[j] - 1, s) == 0)
            return b->slots[j] - 1;
    size_t n = strlen(s) + 1;
    if (b->len + n >= TAX_GEN_NONE) {
        fputs("img_taxgen: the taxonomy's strings exceed 4 GiB\n", stderr);
        exit(1);
    }
    if (b->len + n > b->cap) {
        b->cap = b->cap ? b->cap * 2 : 1 << 20;
        while (b->cap < b->len + n)
            b->cap *= 2;
        b->data = xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    uint32_t off = (uint32_t)b->len;
    b->len += n;
    b->slots[j] = off + 1;
    b->count++;
    return off;
}

/* ---- writing C ---- */

/* Writes s as one C string literal (its NUL written as "\0"). Octal escapes
 * always have three digits, so a following digit cannot extend them; '?' is
 * escaped against trigraphs. */
static void put_literal(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\' || *p == '?')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            fprintf(f, "\\%03o", *p);
        else
            fputc(*p, f);
    }
    fputs("\\0\"\n", f);
}

/* Writes n unsigned values, twelve to a line. */
static void put_u32s(FILE *f, const char *decl, const uint32_t *v, size_t n)
{
    fprintf(f, "%s[] = {", decl);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%" PRIu32 ",", i % 12 ? " " : "\n    ", v[i]);
    fputs(n ? "\n};\n\n" : "0};\n\n", f);
}

static void put_ints(FILE *f, const char *decl, const int *v, size_t n)
{
    fprintf(f, "%s[] = {", decl);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%d,", i % 12 ? " " : "\n    ", v[i]);
    fputs(n ? "\n};\n\n" : "0};\n\n", f);
}

static int write_tables(const img_tax_t *tax, const char *out_path)
{
    blob_t b = {0};
    size_t n_rel = 0;
    for (size_t i = 0; i < tax->n_skills; i++)
        n_rel += tax->skills[i].n_related;
    int *related = xrealloc(NULL, n_rel * sizeof(int));
    tax_gen_skill_t *sk = xrealloc(NULL, tax->n_skills * sizeof(*sk));
    tax_gen_entry_t *en = xrealloc(NULL, tax->n_entries * sizeof(*en));
    n_rel = 0;
    for (size_t i = 0; i < tax->n_skills; i++) {
        const img_tax_skill_t *s = &tax->skills[i];
        sk[i].name = blob_add(&b, s->name);
        sk[i].group = blob_add(&b, s->group);
        sk[i].related = (uint32_t)n_rel;
        sk[i].n_related = (uint32_t)s->n_related;
        sk[i].category = (uint8_t)s->category;
        sk[i].flags = (uint8_t)s->flags;
        for (size_t k = 0; k < s->n_related; k++)
            related[n_rel++] = s->related[k];
    }
    for (size_t i = 0; i < tax->n_entries; i++) {
        const tax_entry_t *e = &tax->entries[i];
        en[i].key = blob_add(&b, e->key);
        en[i].surface = blob_add(&b, e->surface);
        en[i].hash = e->hash;
        en[i].skill = e->skill;
        en[i].next_form = e->next_form;
        en[i].klen = e->klen;
        en[i].is_name = e->is_name;
        en[i].strict = e->strict;
    }

    /* Written beside out_path, renamed into place once complete: a failed
     * run leaves no half-written tables for the build to take as current. */
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", out_path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        perror(tmp);
        return 1;
    }
    fputs("/* Generated by tools/img_taxgen.c from data/taxonomy/: do not edit. */\n"
          "#include \"engine/img_tax_int.h\"\n\n",
          f);
    /* Adjacent literals, one per string: C concatenates them into the blob. */
    fputs("static const char strings[] =\n", f);
    for (size_t off = 0; off < b.len; off += strlen(b.data + off) + 1)
        put_literal(f, b.data + off);
    fputs(b.len ? ";\n\n" : "\"\";\n\n", f);

    fputs("static const tax_gen_skill_t skills[] = {\n", f);
    for (size_t i = 0; i < tax->n_skills; i++)
        fprintf(f, "    {%" PRIu32 "u, %" PRIu32 "u, %" PRIu32 ", %" PRIu32 ", %u, %u},\n",
                sk[i].name, sk[i].group, sk[i].related, sk[i].n_related, sk[i].category,
                sk[i].flags);
    fputs(tax->n_skills ? "};\n\n" : "    {0, 0, 0, 0, 0, 0}};\n\n", f);
    put_ints(f, "static const int related", related, n_rel);

    fputs("static const tax_gen_entry_t entries[] = {\n", f);
    for (size_t i = 0; i < tax->n_entries; i++)
        fprintf(f, "    {%" PRIu32 ", %" PRIu32 ", %" PRIu32 "u, %d, %d, %u, %u, %u},\n", en[i].key,
                en[i].surface, en[i].hash, (int)en[i].skill, (int)en[i].next_form, en[i].klen,
                en[i].is_name, en[i].strict);
    fputs(tax->n_entries ? "};\n\n" : "    {0, 0, 0, 0, 0, 0, 0, 0}};\n\n", f);

    /* The hash tables, as the parser left them (mostly empty: designated). */
    size_t n_slots = tax->slots ? tax->slot_mask + 1 : 0;
    fprintf(f, "static const uint32_t slots[%zu] = {", n_slots ? n_slots : 1);
    for (size_t i = 0; i < n_slots; i++)
        if (tax->slots[i])
            fprintf(f, "\n    [%zu] = %" PRIu32 ",", i, tax->slots[i]);
    fputs("\n};\n\n", f);
    size_t n_pfx = tax->prefixes ? tax->prefix_mask + 1 : 0;
    fprintf(f, "static const tax_prefix_t prefixes[%zu] = {", n_pfx ? n_pfx : 1);
    for (size_t i = 0; i < n_pfx; i++)
        if (tax->prefixes[i].entry1)
            fprintf(f, "\n    [%zu] = {%" PRIu32 "u, %" PRIu32 ", %" PRIu32 "},", i,
                    tax->prefixes[i].hash, tax->prefixes[i].entry1, tax->prefixes[i].len);
    fputs("\n};\n\n", f);

    put_u32s(f, "static const uint32_t cert_start", tax->cert_start, tax->n_cert_skills + 1);
    put_ints(f, "static const int cert_ids", tax->cert_ids, tax->cert_start[tax->n_cert_skills]);

    fprintf(f,
            "const tax_gen_t img_tax_gen_builtin = {\n"
            "    strings, skills, related, entries, slots, prefixes, cert_start, cert_ids,\n"
            "    %zu, %zu, %zu, %zu, %zu, %zu,\n"
            "    %zu, %zu, %zu,\n"
            "};\n",
            tax->n_skills, tax->n_entries, n_slots ? tax->slot_mask : 0, tax->n_prefixes,
            n_pfx ? tax->prefix_mask : 0, tax->n_cert_skills, tax->expect_keys, tax->conflicts,
            tax->unresolved);
    int rc = 0;
    if (ferror(f) | fclose(f) || rename(tmp, out_path) != 0) {
        perror(out_path);
        remove(tmp);
        rc = 1;
    }
    free(related);
    free(sk);
    free(en);
    free(b.data);
    free(b.slots);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fputs("usage: img_taxgen OUT.c TAXONOMY.tsv\n", stderr);
        return 64;
    }
    /* Conflicts and unresolved related names name their line at debug level. */
    img_log_setup(IMG_LOG_DEBUG, IMG_LOG_LOGFMT);
    img_buf_t tsv = IMG_BUF_INIT;
    char err[512];
    if (img_buf_read_file(&tsv, argv[2], TAXGEN_MAX_TSV, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "img_taxgen: %s\n", err);
        return 1;
    }
    if (tsv.len > TAXGEN_MAX_TSV) {
        fprintf(stderr, "img_taxgen: %s: larger than %zu bytes\n", argv[2], (size_t)TAXGEN_MAX_TSV);
        img_buf_free(&tsv);
        return 1;
    }
    img_tax_t *tax = NULL;
    img_err_t rc = img_tax_new_from_tsv(&tax, tsv.data ? tsv.data : "", tsv.len, err, sizeof(err));
    img_buf_free(&tsv);
    if (rc != IMG_OK) {
        fprintf(stderr, "img_taxgen: %s: %s\n", argv[2], err);
        return 1;
    }
    int status = write_tables(tax, argv[1]);
    img_tax_destroy(tax);
    return status;
}
