/*
 * img_conf.h - configuration as a table.
 *
 * One declarative table (key, type, field offset, bounds, default, env, doc)
 * drives parsing of `key = value` files, environment overrides, --dump-config
 * and the generated docs/CONFIG.md. Errors name `path:line: reason`.
 *
 * Ownership: string values are malloc'd into the target struct; free them with
 * img_conf_free(). The table itself is static and borrowed.
 */
#ifndef IMG_CONF_H
#define IMG_CONF_H

#include <stddef.h>
#include <stdio.h>

#include "img_err.h"

typedef enum img_conf_type {
    IMG_CONF_STR,
    IMG_CONF_INT,    /* int */
    IMG_CONF_DOUBLE, /* double */
    IMG_CONF_BOOL,   /* int 0/1: true/false/yes/no/on/off/1/0 */
    IMG_CONF_SIZE,   /* size_t, bytes; suffixes K, M, G (binary) */
    IMG_CONF_MS      /* int milliseconds; suffixes ms, s, m, h */
} img_conf_type_t;

typedef struct img_conf_entry {
    const char *key; /* "engine.max_document_bytes" */
    img_conf_type_t type;
    size_t offset;   /* offsetof(struct, field) */
    double min, max; /* bounds for numbers (ignored when min == max) */
    const char *def; /* default as it would be written in a file; NULL = unset */
    const char *env; /* environment variable that overrides it, or NULL */
    int secret;      /* 1: never printed by dump */
    const char *doc; /* one sentence */
} img_conf_entry_t;

/* Called for keys under a pass-through prefix (e.g. "kafka."); return IMG_OK to accept. */
typedef img_err_t (*img_conf_passthrough_cb)(void *opaque, const char *key, const char *value,
                                             char *errstr, size_t errstr_size);

typedef struct img_conf_table {
    const img_conf_entry_t *entries;
    size_t n_entries;
    const char *passthrough_prefix; /* or NULL */
    img_conf_passthrough_cb passthrough;
    void *passthrough_opaque;
} img_conf_table_t;

/* Sets every field to its default. */
img_err_t img_conf_defaults(const img_conf_table_t *t, void *cfg, char *errstr,
                            size_t errstr_size) IMG_WUR;
/* Sets one key from its textual value; unknown keys and bad values are permanent errors. */
img_err_t img_conf_set(const img_conf_table_t *t, void *cfg, const char *key, const char *value,
                       char *errstr, size_t errstr_size) IMG_WUR;
/* Reads a `key = value` file (# comments, blank lines); errors say `path:line: reason`. */
img_err_t img_conf_load_file(const img_conf_table_t *t, void *cfg, const char *path, char *errstr,
                             size_t errstr_size) IMG_WUR;
/* Applies every entry's environment variable that is set and non-empty. */
img_err_t img_conf_load_env(const img_conf_table_t *t, void *cfg, char *errstr,
                            size_t errstr_size) IMG_WUR;
/* Prints `key = default  # doc` for every entry. */
void img_conf_dump(const img_conf_table_t *t, const void *cfg, FILE *out);
/* Prints the Markdown reference (docs/CONFIG.md). */
void img_conf_markdown(const img_conf_table_t *t, FILE *out);
void img_conf_free(const img_conf_table_t *t, void *cfg);

#endif
