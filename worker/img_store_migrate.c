/*
 * Schema migrations: migrations/NNN_name.sql, compiled in (one blob with a
 * marker line before each file, see cmake/embed_migrations.cmake) or read
 * from a folder; applied in version order, each in its own transaction under
 * a transaction-level advisory lock, and recorded in schema_migrations.
 */
#include "img_store_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/img_buf.h"
#include "util/img_sha256.h"

/* Written by cmake/embed_migrations.cmake; NUL-terminated. */
extern const char img_store_migrations_data[];

#define MARKER "-- imaginator:migration "
#define MAX_MIGRATION_BYTES (16u << 20)
/* pg_advisory_xact_lock key of `imaginator migrate` ("imgmigr" in ASCII) */
#define MIGRATE_LOCK "27413873418168946"

typedef struct migration {
    int version;
    char name[128];
    char *sql; /* owned */
} migration_t;

typedef struct migration_set {
    migration_t *v;
    size_t n, cap;
} migration_set_t;

static void set_free(migration_set_t *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->v[i].sql);
    free(set->v);
    memset(set, 0, sizeof(*set));
}

/* "001_init.sql" -> version 1, name "init"; false when it is not a migration. */
static bool parse_file_name(const char *file, int *version, char *name, size_t name_size)
{
    size_t len = strlen(file), digits = 0;
    long v = 0;
    while (isdigit((unsigned char)file[digits]) && digits < 9)
        v = v * 10 + (file[digits++] - '0');
    if (!digits || file[digits] != '_' || len < digits + 6 || strcmp(file + len - 4, ".sql"))
        return false;
    size_t n = len - 4 - digits - 1;
    if (n >= name_size)
        n = name_size - 1;
    memcpy(name, file + digits + 1, n);
    name[n] = '\0';
    *version = (int)v;
    return v > 0;
}

static img_err_t set_add(migration_set_t *set, const char *file, const char *sql, size_t len,
                         char *errstr, size_t errstr_size)
{
    migration_t m = {0};
    if (!parse_file_name(file, &m.version, m.name, sizeof(m.name)))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "migration %s: the name must be NNN_name.sql with NNN > 0", file);
    for (size_t i = 0; i < set->n; i++)
        if (set->v[i].version == m.version)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "migration %s: version %d appears twice", file, m.version);
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 8;
        migration_t *v = realloc(set->v, cap * sizeof(*v));
        if (!v)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
        set->v = v;
        set->cap = cap;
    }
    if (!(m.sql = strndup(sql, len)))
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
    set->v[set->n++] = m;
    return IMG_OK;
}

static int by_version(const void *a, const void *b)
{
    const migration_t *x = a, *y = b;
    return (x->version > y->version) - (x->version < y->version);
}

static img_err_t load_builtin(migration_set_t *set, char *errstr, size_t errstr_size)
{
    const char *p = strstr(img_store_migrations_data, MARKER);
    while (p) {
        const char *name = p + strlen(MARKER);
        const char *eol = strchr(name, '\n');
        if (!eol)
            break;
        char file[256];
        size_t n =
            (size_t)(eol - name) < sizeof(file) - 1 ? (size_t)(eol - name) : sizeof(file) - 1;
        memcpy(file, name, n);
        file[n] = '\0';
        const char *body = eol + 1;
        const char *next = strstr(body, "\n" MARKER);
        size_t len = next ? (size_t)(next - body) + 1 : strlen(body);
        img_err_t err = set_add(set, file, body, len, errstr, errstr_size);
        if (err != IMG_OK)
            return err;
        p = next ? next + 1 : NULL;
    }
    return IMG_OK;
}

static img_err_t load_dir(migration_set_t *set, const char *dir, char *errstr, size_t errstr_size)
{
    DIR *d = opendir(dir);
    if (!d)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: %s", dir, strerror(errno));
    img_err_t err = IMG_OK;
    struct dirent *e;
    img_buf_t buf = IMG_BUF_INIT;
    while (err == IMG_OK && (e = readdir(d))) {
        int version;
        char name[128], path[4096];
        if (!parse_file_name(e->d_name, &version, name, sizeof(name)))
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        img_buf_clear(&buf);
        err = img_buf_read_file(&buf, path, MAX_MIGRATION_BYTES, errstr, errstr_size);
        if (err == IMG_OK)
            err = set_add(set, e->d_name, buf.data ? buf.data : "", buf.len, errstr, errstr_size);
    }
    closedir(d);
    img_buf_free(&buf);
    return err;
}

static img_err_t load(migration_set_t *set, const char *dir, char *errstr, size_t errstr_size)
{
    img_err_t err =
        dir ? load_dir(set, dir, errstr, errstr_size) : load_builtin(set, errstr, errstr_size);
    if (err == IMG_OK && !set->n)
        err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "no migrations found in %s",
                          dir ? dir : "the binary");
    if (err == IMG_OK)
        qsort(set->v, set->n, sizeof(set->v[0]), by_version);
    return err;
}

/* Applies one migration unless recorded; *done = true when it ran now. */
static img_err_t apply_one(img_store_t *s, const migration_t *m, bool *done, char *errstr,
                           size_t errstr_size)
{
    char version[16], what[200], sum[IMG_SHA256_HEX_LEN + 1];
    snprintf(version, sizeof(version), "%d", m->version);
    snprintf(what, sizeof(what), "migration %03d_%s", m->version, m->name);
    img_sha256_hex(m->sql, strlen(m->sql), sum);
    const char *vals[] = {version, m->name, sum};
    PGresult *r = NULL;
    *done = false;
    img_err_t err = img_store_begin(s, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    /* The lock serialises concurrent migrators, including the creation of
     * schema_migrations itself; it is released by COMMIT or ROLLBACK. */
    if ((err = img_store_exec(s, "migrate lock", "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK ")",
                              0, NULL, NULL, NULL, NULL, errstr, errstr_size)) != IMG_OK ||
        (err = img_store_exec(s, "schema_migrations",
                              "CREATE TABLE IF NOT EXISTS schema_migrations ("
                              " version integer PRIMARY KEY,"
                              " name text NOT NULL,"
                              " checksum text,"
                              " applied_at timestamptz NOT NULL DEFAULT now())",
                              0, NULL, NULL, NULL, NULL, errstr, errstr_size)) != IMG_OK ||
        (err = img_store_exec(s, "schema_migrations",
                              "SELECT 1 FROM schema_migrations WHERE version = $1::int", 1, vals,
                              NULL, NULL, &r, errstr, errstr_size)) != IMG_OK)
        goto fail;
    if (PQntuples(r) == 0) {
        if ((err = img_store_exec(s, what, m->sql, 0, NULL, NULL, NULL, NULL, errstr,
                                  errstr_size)) != IMG_OK ||
            (err = img_store_exec(s, "schema_migrations",
                                  "INSERT INTO schema_migrations (version, name, checksum)"
                                  " VALUES ($1::int, $2, $3)",
                                  3, vals, NULL, NULL, NULL, errstr, errstr_size)) != IMG_OK)
            goto fail;
        *done = true;
    }
    PQclear(r);
    return img_store_commit(s, errstr, errstr_size);
fail:
    PQclear(r);
    img_store_rollback(s);
    *done = false;
    return err;
}

img_err_t img_store_migrate(img_store_t *store, const char *dir, int *applied, char *errstr,
                            size_t errstr_size)
{
    migration_set_t set = {0};
    *applied = 0;
    img_err_t err = load(&set, dir, errstr, errstr_size);
    store->in_migration = true;
    for (size_t i = 0; err == IMG_OK && i < set.n; i++) {
        bool done;
        err = apply_one(store, &set.v[i], &done, errstr, errstr_size);
        *applied += done;
    }
    store->in_migration = false;
    set_free(&set);
    return err;
}

int img_store_schema_latest(void)
{
    migration_set_t set = {0};
    char err[200];
    int latest = 0;
    if (load(&set, NULL, err, sizeof(err)) == IMG_OK)
        latest = set.v[set.n - 1].version;
    set_free(&set);
    return latest;
}

img_err_t img_store_schema_check(img_store_t *store, int *version, char *errstr, size_t errstr_size)
{
    PGresult *r;
    int have = 0, need = img_store_schema_latest();
    if (version)
        *version = 0;
    img_err_t err = img_store_exec(store, "schema check",
                                   "SELECT coalesce(max(version), 0) FROM schema_migrations", 0,
                                   NULL, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    have = atoi(PQgetvalue(r, 0, 0));
    PQclear(r);
    if (version)
        *version = have;
    if (have < need)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                           "the database schema is at version %d and this binary needs %d: run "
                           "imaginator migrate",
                           have, need);
    return IMG_OK;
}
