/*
 * img_store_int.h - internals shared by the img_store_*.c files: the store,
 * one round trip with error classification, transactions.
 */
#ifndef IMG_STORE_INT_H
#define IMG_STORE_INT_H

#include <libpq-fe.h>
#include <stdbool.h>

#include "img_store.h"

struct img_store {
    PGconn *pg;        /* NULL or broken: reconnected by img_store_ready() */
    char *url;         /* the connection string as given (may hold a password) */
    bool broken;       /* the last call saw the connection fail */
    bool in_migration; /* undefined tables are a migration's bug, not an old schema */
};

/* Connects (again) when there is no healthy connection. RETRIABLE when the
 * database cannot be reached. */
img_err_t img_store_ready(img_store_t *s, char *errstr, size_t errstr_size) IMG_WUR;

/* One statement with text parameters (vals[i] NULL = SQL NULL); lens/fmts may
 * be NULL (all text), else as for PQexecParams. On IMG_OK *res (if res is
 * non-NULL) holds the result (caller PQclear()s); on error nothing is
 * returned, the error is classified and errstr says "what: reason". */
img_err_t img_store_exec(img_store_t *s, const char *what, const char *sql, int n,
                         const char *const *vals, const int *lens, const int *fmts, PGresult **res,
                         char *errstr, size_t errstr_size) IMG_WUR;

/* Classifies a failed result (res may be NULL) into errstr. */
img_err_t img_store_classify(img_store_t *s, PGresult *res, const char *what, char *errstr,
                             size_t errstr_size);

img_err_t img_store_begin(img_store_t *s, char *errstr, size_t errstr_size) IMG_WUR;
img_err_t img_store_commit(img_store_t *s, char *errstr, size_t errstr_size) IMG_WUR;
/* Best effort ROLLBACK after a failure inside a transaction. */
void img_store_rollback(img_store_t *s);

/* Parses stored JSON text (deep documents allowed); NULL on bad text. */
json_object *img_store_parse_json(const char *text);

/* Formats a number for a numeric parameter; returns NULL (SQL NULL) for NAN
 * and infinities. buf needs 40 bytes. */
const char *img_store_num(char *buf, double v);

#endif
