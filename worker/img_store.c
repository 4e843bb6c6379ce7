/*
 * The PostgreSQL store: connection, error classification, transactions and
 * the polling helper. Requests: img_store_req.c; keys: img_store_keys.c;
 * migrations: img_store_migrate.c.
 */
#include "img_store_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JSON_DEPTH 256

/* libpq's notices (e.g. "relation exists, skipping") are not ours to print. */
static void quiet_notices(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* Copies src into dst as one line: whitespace runs become one space. */
static void one_line(char *dst, size_t size, const char *src)
{
    size_t o = 0;
    bool space = false;
    if (!size)
        return;
    for (const char *p = src ? src : ""; *p && o + 1 < size; p++) {
        if (isspace((unsigned char)*p)) {
            space = o > 0;
            continue;
        }
        if (space && o + 2 < size)
            dst[o++] = ' ';
        space = false;
        dst[o++] = *p;
    }
    dst[o] = '\0';
}

static img_err_t connect_now(img_store_t *s, char *errstr, size_t errstr_size)
{
    /* Later keywords override the URL's: connect_timeout and application_name
     * come first so that a URL may set its own. */
    static const char *const keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {"5", "imaginator", s->url, NULL};
    if (s->pg)
        PQfinish(s->pg);
    s->pg = PQconnectdbParams(keys, vals, 1);
    if (!s->pg)
        return img_err_set(IMG_ERR_RETRIABLE, errstr, errstr_size,
                           "database: out of memory connecting");
    if (PQstatus(s->pg) != CONNECTION_OK) {
        char msg[400];
        one_line(msg, sizeof(msg), PQerrorMessage(s->pg));
        PQfinish(s->pg);
        s->pg = NULL;
        s->broken = true;
        return img_err_set(IMG_ERR_RETRIABLE, errstr, errstr_size, "database unreachable: %s", msg);
    }
    PQsetNoticeProcessor(s->pg, quiet_notices, NULL);
    s->broken = false;
    return IMG_OK;
}

img_err_t img_store_open(img_store_t **out, const char *url, char *errstr, size_t errstr_size)
{
    *out = NULL;
    if (!url || !*url)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                           "no database URL (set IMAGINATOR_DATABASE_URL or database.url)");
    char *perr = NULL;
    PQconninfoOption *opts = PQconninfoParse(url, &perr);
    if (!opts) {
        char msg[300];
        one_line(msg, sizeof(msg), perr ? perr : "out of memory");
        PQfreemem(perr);
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "invalid database URL: %s", msg);
    }
    PQconninfoFree(opts);
    img_store_t *s = calloc(1, sizeof(*s));
    if (!s || !(s->url = strdup(url))) {
        free(s);
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
    }
    img_err_t err = connect_now(s, errstr, errstr_size);
    if (err != IMG_OK) {
        img_store_close(s);
        return err;
    }
    *out = s;
    return IMG_OK;
}

void img_store_close(img_store_t *store)
{
    if (!store)
        return;
    if (store->pg)
        PQfinish(store->pg);
    if (store->url) {
        /* the URL may carry a password: do not leave it in freed memory */
        memset(store->url, 0, strlen(store->url));
        free(store->url);
    }
    free(store);
}

img_err_t img_store_ready(img_store_t *s, char *errstr, size_t errstr_size)
{
    if (s->pg && !s->broken && PQstatus(s->pg) == CONNECTION_OK)
        return IMG_OK;
    return connect_now(s, errstr, errstr_size);
}

static bool state_is(const char *state, const char *want)
{
    return state && !strcmp(state, want);
}

img_err_t img_store_classify(img_store_t *s, PGresult *res, const char *what, char *errstr,
                             size_t errstr_size)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    char msg[400];
    /* The primary message never carries row values (those are in DETAIL),
     * so no resume text or key ends up in errstr. */
    one_line(msg, sizeof(msg), primary ? primary : PQerrorMessage(s->pg));
    if (!msg[0])
        snprintf(msg, sizeof(msg), "unknown error");
    bool conn_bad = !s->pg || PQstatus(s->pg) != CONNECTION_OK;
    if (conn_bad || (state && !strncmp(state, "08", 2)) || state_is(state, "57P01") ||
        state_is(state, "57P02") || state_is(state, "57P03") || state_is(state, "53300")) {
        s->broken = true;
        return img_err_set(IMG_ERR_RETRIABLE, errstr, errstr_size, "%s: database unavailable: %s",
                           what, msg);
    }
    /* serialization failure, deadlock, lock timeout: the same call may succeed */
    if (state_is(state, "40001") || state_is(state, "40P01") || state_is(state, "55P03"))
        return img_err_set(IMG_ERR_RETRIABLE, errstr, errstr_size, "%s: %s", what, msg);
    if (!s->in_migration &&
        (state_is(state, "42P01") || state_is(state, "42703") || state_is(state, "42883")))
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                           "%s: %s; the database schema is missing or too old: run imaginator "
                           "migrate",
                           what, msg);
    return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: %s", what, msg);
}

img_err_t img_store_exec(img_store_t *s, const char *what, const char *sql, int n,
                         const char *const *vals, const int *lens, const int *fmts, PGresult **res,
                         char *errstr, size_t errstr_size)
{
    if (res)
        *res = NULL;
    img_err_t err = img_store_ready(s, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    PGresult *r =
        n || lens ? PQexecParams(s->pg, sql, n, NULL, vals, lens, fmts, 0) : PQexec(s->pg, sql);
    ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        err = img_store_classify(s, r, what, errstr, errstr_size);
        PQclear(r);
        return err;
    }
    if (res)
        *res = r;
    else
        PQclear(r);
    return IMG_OK;
}

img_err_t img_store_begin(img_store_t *s, char *errstr, size_t errstr_size)
{
    return img_store_exec(s, "begin", "BEGIN", 0, NULL, NULL, NULL, NULL, errstr, errstr_size);
}

img_err_t img_store_commit(img_store_t *s, char *errstr, size_t errstr_size)
{
    return img_store_exec(s, "commit", "COMMIT", 0, NULL, NULL, NULL, NULL, errstr, errstr_size);
}

void img_store_rollback(img_store_t *s)
{
    if (s->pg && !s->broken && PQstatus(s->pg) == CONNECTION_OK &&
        PQtransactionStatus(s->pg) != PQTRANS_IDLE)
        PQclear(PQexec(s->pg, "ROLLBACK"));
}

json_object *img_store_parse_json(const char *text)
{
    json_tokener *tok = json_tokener_new_ex(JSON_DEPTH);
    if (!tok)
        return NULL;
    json_object *obj = json_tokener_parse_ex(tok, text, (int)strlen(text));
    if (json_tokener_get_error(tok) != json_tokener_success) {
        json_object_put(obj);
        obj = NULL;
    }
    json_tokener_free(tok);
    return obj;
}

const char *img_store_num(char *buf, double v)
{
    if (!isfinite(v))
        return NULL;
    /* the shortest text that reads back as the same double: 0.6, not
     * 0.59999999999999998, so that sums of costs add up as people expect */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 40, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

img_err_t img_store_status(img_store_t *store, const char *request_id, char **status_out,
                           json_object **result_out, char *errstr, size_t errstr_size)
{
    *status_out = NULL;
    if (result_out)
        *result_out = NULL;
    PGresult *r;
    const char *vals[] = {request_id};
    img_err_t err =
        img_store_exec(store, "status", "SELECT status, result FROM requests WHERE request_id = $1",
                       1, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    if (PQntuples(r) == 1) {
        *status_out = strdup(PQgetvalue(r, 0, 0));
        if (result_out && !PQgetisnull(r, 0, 1))
            *result_out = img_store_parse_json(PQgetvalue(r, 0, 1));
    }
    PQclear(r);
    return IMG_OK;
}
