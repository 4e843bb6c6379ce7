/*
 * img_tax_int.h - internals shared by the taxonomy's files (img_tax.c: tables
 * and lookups; img_tax_tsv.c: the built-in TSV; img_tax_ext.c: ESCO and O*NET).
 * Not part of the module's contract: include only from img_tax*.c.
 *
 * Layout: skills live in one malloc'd array (ids are indices); every string
 * (names, keys, surface forms, groups, related lists) lives in tax->arena.
 * Keys map to skills through an open-addressing table of entries; a second
 * table holds the key prefixes at which a match may be extended.
 */
#ifndef IMG_TAX_INT_H
#define IMG_TAX_INT_H

#include <stdint.h>

#include "img_tax.h"

/* Longest key (bytes, without the NUL) a name or alias may have. */
#define IMG_TAX_KEY_MAX 255

/* One (key, skill, surface form). Entries with the same key and skill but a
 * different surface form (for `case` checks) are chained by next_form. */
typedef struct tax_entry {
    const char *key;     /* img_text_key() of surface */
    const char *surface; /* the name or alias as written */
    uint32_t hash;
    int skill;
    int next_form; /* another entry of this key, or -1 */
    uint16_t klen;
    uint8_t is_name; /* surface is the skill's canonical name */
    uint8_t strict;  /* from ESCO / O*NET: the text's words must be the surface's */
} tax_entry_t;

/* A chunk of the key pool. */
typedef struct tax_chunk {
    struct tax_chunk *next;
    char data[];
} tax_chunk_t;

/* A proper prefix of entries[entry].key, len bytes long. */
typedef struct tax_prefix {
    uint32_t hash;
    uint32_t entry1; /* entry index + 1; 0 = empty slot */
    uint32_t len;
} tax_prefix_t;

struct img_tax {
    img_arena_t *arena;
    tax_chunk_t *chunks; /* the key pool */
    char *pool;
    size_t pool_left;
    char *tsv;          /* the TSV copy that names, aliases and groups point into */
    size_t expect_keys; /* a sizing hint for the tables */

    img_tax_skill_t *skills;
    size_t n_skills, cap_skills;
    const char **raw_related; /* per skill: the TSV's related column ('|'-joined) or NULL */

    tax_entry_t *entries;
    size_t n_entries, cap_entries;
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t slot_mask;

    tax_prefix_t *prefixes;
    size_t n_prefixes, prefix_mask;

    /* Certifications per skill (CSR over the skills present when built). */
    uint32_t *cert_start; /* n_cert_skills + 1 offsets */
    int *cert_ids;
    size_t n_cert_skills;

    bool external; /* a loader is adding: new entries are strict */
    /* slots and prefixes are the built-in tables' static arrays (read-only,
     * not freed) until a key is added: img_tax_add_key() copies them first. */
    bool shared_tables;

    size_t conflicts;  /* built-in data: duplicate names, aliases of two skills */
    size_t unresolved; /* built-in data: related names that name no skill */
};

/* Outcome of img_tax_add_key(). */
typedef enum tax_add {
    TAX_ADD_NEW = 0, /* the key now maps to the skill */
    TAX_ADD_SAME,    /* the key already mapped to this skill */
    TAX_ADD_OTHER,   /* the key maps to another skill (*owner); nothing added */
    TAX_ADD_NAMED,   /* the same, and it is that skill's canonical name */
    TAX_ADD_EMPTY,   /* no letters or digits: no key */
    TAX_ADD_LONG     /* longer than IMG_TAX_KEY_MAX */
} tax_add_t;

/* FNV-1a over key bytes, continuing from h (start with TAX_FNV_SEED). */
#define TAX_FNV_SEED 2166136261u
static inline uint32_t tax_fnv(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* img_text_key() of s[0..n) into out (IMG_TAX_KEY_MAX + 2 bytes); a result
 * over IMG_TAX_KEY_MAX means too long. */
size_t img_tax_key(const char *s, size_t n, char *out);
img_tax_t *img_tax_alloc(void);
/* Appends a skill and returns its id. name and group (NULL or "" for none)
 * are NUL-terminated and must live as long as tax (the arena or the TSV
 * copy). Its name is not yet a key: call img_tax_add_key(). */
int img_tax_add_skill(img_tax_t *tax, const char *name, img_category_t cat, const char *group,
                      unsigned flags);
/* Maps the key of surface[0..len) to skill and records the prefixes at which
 * a match of it may be extended. surface is NUL-terminated at len and lives
 * as long as tax (it is kept, not copied). *owner (may be NULL) receives the
 * skill the key maps to when the result is SAME or OTHER. */
tax_add_t img_tax_add_key(img_tax_t *tax, const char *surface, size_t len, int skill, bool is_name,
                          int *owner);
/* Entry index of key[0..klen) or -1. */
int img_tax_lookup(const img_tax_t *tax, const char *key, size_t klen, uint32_t hash);
/* Builds the certification index over the skills present now. */
void img_tax_index_certs(img_tax_t *tax);

/* ---- the built-in taxonomy, precompiled ----
 * tools/img_taxgen.c runs img_tax_new_from_tsv() over data/taxonomy/ at
 * build time and writes the finished tables as C (generated/img_tax_tables.c);
 * img_tax_new_builtin() (img_tax_builtin.c) copies them into a taxonomy, so
 * start-up parses nothing. Strings are offsets into one blob of
 * NUL-terminated strings; TAX_GEN_NONE is a NULL string. */
#define TAX_GEN_NONE UINT32_MAX

typedef struct tax_gen_skill {
    uint32_t name, group;        /* string offsets (group may be TAX_GEN_NONE) */
    uint32_t related, n_related; /* ids at related[related..+n_related) */
    uint8_t category, flags;
} tax_gen_skill_t;

typedef struct tax_gen_entry {
    uint32_t key, surface; /* string offsets */
    uint32_t hash;
    int32_t skill, next_form;
    uint16_t klen;
    uint8_t is_name, strict;
} tax_gen_entry_t;

typedef struct tax_gen {
    const char *strings;
    const tax_gen_skill_t *skills;
    const int *related;
    const tax_gen_entry_t *entries;
    const uint32_t *slots;        /* slot_mask + 1 */
    const tax_prefix_t *prefixes; /* prefix_mask + 1 */
    const uint32_t *cert_start;   /* n_cert_skills + 1 */
    const int *cert_ids;          /* cert_start[n_cert_skills] */
    size_t n_skills, n_entries, slot_mask, n_prefixes, prefix_mask, n_cert_skills;
    size_t expect_keys, conflicts, unresolved;
} tax_gen_t;

/* The tables of data/taxonomy/ (generated/img_tax_tables.c). */
extern const tax_gen_t img_tax_gen_builtin;
/* A new taxonomy over gen's tables (static data: the strings, related ids
 * and hash tables stay there; skills and entries are copied). */
img_tax_t *img_tax_from_gen(const tax_gen_t *gen);

/* Trims ASCII spaces (and tabs, CR) from both ends of s[0..*len); returns the new start. */
static inline const char *img_tax_trim(const char *s, size_t *len)
{
    size_t n = *len;
    while (n && (*s == ' ' || *s == '\t' || *s == '\r')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    *len = n;
    return s;
}

#endif
