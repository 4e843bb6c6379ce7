/*
 * The database subcommands: imaginator migrate, keys create|list|revoke,
 * status ID and result ID. They read PostgreSQL through img_store.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "img_cli.h"
#include "img_store.h"
#include "pipeline/img_config.h"

#define DB_OPTIONS                                                                                 \
    "  --database-url URL   PostgreSQL URL (default: IMAGINATOR_DATABASE_URL, else\n"              \
    "                       database.url of --config)\n"                                           \
    "  --config FILE        settings file (see imaginator config --dump-config)\n"

static const char migrate_usage[] =
    "usage: imaginator migrate [options]\n"
    "Applies the SQL migrations compiled into this binary (migrations/NNN_name.sql) that the\n"
    "database has not recorded in schema_migrations; safe to run again and from several hosts\n"
    "at once.\n" DB_OPTIONS "  --dir DIR            apply the NNN_name.sql files of DIR instead\n"
    "  --wait SECONDS       keep retrying while the database is unreachable (default 0)\n"
    "exit codes: 0 ok, 64 usage, 69 database unreachable, 70 a migration failed, 78 bad "
    "config\n";

static const char keys_usage[] =
    "usage: imaginator keys create --tenant NAME [--budget-usd X] [options]\n"
    "       imaginator keys list [options]\n"
    "       imaginator keys revoke PREFIX|KEY|- [options]\n"
    "  create   creates the tenant if needed and a new API key; the key is printed once, as\n"
    "           the last line of standard output, and only its SHA-256 is stored\n"
    "  list     one line per key: prefix tenant created_at revoked_at|active\n"
    "  revoke   revokes the key with this 12-character prefix (as listed), or this key\n"
    "           (- reads it from standard input); takes effect on the next request\n"
    "  --tenant NAME        1 to 64 characters of A-Z a-z 0-9 . _ -\n"
    "  --budget-usd X       the tenant's spend cap per UTC calendar month; requests beyond it\n"
    "                       are rejected with budget_exceeded (default: unchanged, none for a\n"
    "                       new tenant)\n" DB_OPTIONS
    "exit codes: 0 ok, 64 usage, 65 bad value, 66 no such key, 69 database unreachable, 70\n"
    "database error, 78 bad config or schema (run imaginator migrate)\n";

static const char status_usage[] =
    "usage: imaginator status ID [options]\n"
    "Prints the request's status: queued, running, succeeded, failed or rejected, followed by\n"
    "the error code when there is one (\"rejected unauthorized\").\n" DB_OPTIONS
    "exit codes: 0 ok, 64 usage, 66 no such request, 69 database unreachable, 70 database\n"
    "error, 78 bad config or schema (run imaginator migrate)\n";

static const char result_usage[] =
    "usage: imaginator result ID [options]\n"
    "Prints the request's result document (imaginator.result.v1) once it is final.\n" DB_OPTIONS
    "  --pretty             indent the JSON\n"
    "exit codes: 0 ok, 64 usage, 66 no such request, 69 database unreachable, 70 database\n"
    "error, 75 not finished yet, 78 bad config or schema (run imaginator migrate)\n";

typedef struct db_opts {
    const char *url, *config, *dir, *tenant, *budget, *wait;
    int pretty;
    int nargs;
    const char *args[2];
} db_opts_t;

/* Sysexits code of a store error. */
static int exit_of(img_err_t err)
{
    switch (err) {
    case IMG_OK:
        return EX_OK;
    case IMG_ERR_RETRIABLE:
        return EX_UNAVAILABLE;
    case IMG_ERR_FATAL:
        return EX_CONFIG;
    default:
        return EX_SOFTWARE;
    }
}

/* Parses the options shared by every database command plus the given extras;
 * positional arguments go to o->args (at most max_args). Returns EX_OK, -1
 * after --help, or EX_USAGE. */
static int parse(const char *cmd, const char *usage, int argc, char **argv, int max_args,
                 db_opts_t *o)
{
    static const struct option opts[] = {{"database-url", required_argument, NULL, 'u'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"dir", required_argument, NULL, 'd'},
                                         {"wait", required_argument, NULL, 'w'},
                                         {"tenant", required_argument, NULL, 't'},
                                         {"budget-usd", required_argument, NULL, 'b'},
                                         {"pretty", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    memset(o, 0, sizeof(*o));
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        /* each command accepts only the options its usage names */
        char name[32] = "";
        for (const struct option *p = opts; p->name; p++)
            if (p->val == c)
                snprintf(name, sizeof(name), "--%s ", p->name);
        if (c != 'h' && c != ':' && c != '?' && (!name[0] || !strstr(usage, name))) {
            img_cli_error(cmd, "option \"%s\" does not apply here; see imaginator %s --help",
                          argv[optind - 1], cmd);
            return EX_USAGE;
        }
        switch (c) {
        case 'u':
            o->url = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'd':
            o->dir = optarg;
            break;
        case 'w':
            o->wait = optarg;
            break;
        case 't':
            o->tenant = optarg;
            break;
        case 'b':
            o->budget = optarg;
            break;
        case 'p':
            o->pretty = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        case ':':
            img_cli_error(cmd, "%s needs a value; see imaginator %s --help", argv[optind - 1], cmd);
            return EX_USAGE;
        default:
            img_cli_error(cmd, "unknown option \"%s\"; see imaginator %s --help", argv[optind - 1],
                          cmd);
            return EX_USAGE;
        }
    }
    for (; optind < argc; optind++) {
        if (o->nargs == max_args) {
            img_cli_error(cmd, "unexpected argument \"%s\"; see imaginator %s --help", argv[optind],
                          cmd);
            return EX_USAGE;
        }
        o->args[o->nargs++] = argv[optind];
    }
    return EX_OK;
}

/* Opens the store named by --database-url, IMAGINATOR_DATABASE_URL or the
 * config file's database.url. */
static int open_store(const char *cmd, const db_opts_t *o, img_store_t **store)
{
    char err[512];
    img_config_t cfg;
    if (img_config_init(&cfg, o->config, err, sizeof(err)) != IMG_OK) {
        img_cli_error(cmd, "%s", err);
        img_config_free(&cfg);
        return EX_CONFIG;
    }
    const char *url = o->url ? o->url : cfg.database_url;
    if (!url || !*url) {
        img_cli_error(cmd, "no database: set IMAGINATOR_DATABASE_URL or pass --database-url URL");
        img_config_free(&cfg);
        return EX_CONFIG;
    }
    img_err_t e = img_store_open(store, url, err, sizeof(err));
    img_config_free(&cfg);
    if (e != IMG_OK) {
        img_cli_error(cmd, "%s", err);
        return exit_of(e);
    }
    return EX_OK;
}

/* A request id as it may be printed in one line: printable, clipped. */
static void printable(char *dst, size_t size, const char *src)
{
    size_t o = 0;
    for (const char *p = src; *p && o + 4 < size; p++)
        dst[o++] = isprint((unsigned char)*p) ? *p : '?';
    if (strlen(src) > o)
        memcpy(dst + o, "...", 3), o += 3;
    dst[o] = '\0';
}

int img_cmd_migrate(int argc, char **argv)
{
    db_opts_t o;
    int rc = parse("migrate", migrate_usage, argc, argv, 0, &o);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    long wait_s = 0;
    if (o.wait) {
        char *end;
        errno = 0;
        wait_s = strtol(o.wait, &end, 10);
        if (errno || *end || wait_s < 0 || wait_s > 3600) {
            img_cli_error("migrate", "--wait: \"%s\" is not a number of seconds from 0 to 3600",
                          o.wait);
            return EX_USAGE;
        }
    }
    char err[512];
    img_store_t *store = NULL;
    int applied = 0, version = 0;
    time_t deadline = time(NULL) + wait_s;
    img_err_t e;
    for (;;) {
        rc = open_store("migrate", &o, &store);
        e = rc == EX_OK ? img_store_migrate(store, o.dir, &applied, err, sizeof(err))
                        : IMG_ERR_RETRIABLE;
        if (e == IMG_OK || (rc != EX_OK && rc != EX_UNAVAILABLE) ||
            (e != IMG_OK && e != IMG_ERR_RETRIABLE) || time(NULL) >= deadline)
            break;
        img_store_close(store);
        store = NULL;
        struct timespec ts = {0, 500000000};
        nanosleep(&ts, NULL);
    }
    if (rc != EX_OK)
        return rc; /* open_store said why */
    if (e != IMG_OK) {
        img_cli_error("migrate", "%s", err);
        img_store_close(store);
        return exit_of(e);
    }
    /* the version only, whether or not it is the one this binary knows */
    if (img_store_schema_check(store, &version, err, sizeof(err)) != IMG_OK && !version)
        version = 0;
    img_store_close(store);
    if (applied)
        printf("applied %d migration%s; schema version %d\n", applied, applied == 1 ? "" : "s",
               version);
    else
        printf("schema up to date at version %d\n", version);
    return EX_OK;
}

static int keys_create(const db_opts_t *o)
{
    double budget = -1;
    if (!o->tenant) {
        img_cli_error("keys", "create needs --tenant NAME; see imaginator keys --help");
        return EX_USAGE;
    }
    if (o->budget) {
        char *end;
        errno = 0;
        budget = strtod(o->budget, &end);
        if (errno || *end || end == o->budget || !isfinite(budget) || budget < 0) {
            img_cli_error("keys", "--budget-usd: \"%s\" is not an amount of USD >= 0", o->budget);
            return EX_USAGE;
        }
    }
    img_store_t *store;
    int rc = open_store("keys", o, &store);
    if (rc != EX_OK)
        return rc;
    char err[512], *key = NULL;
    img_err_t e = img_store_key_create(store, o->tenant, budget, &key, err, sizeof(err));
    img_store_close(store);
    if (e != IMG_OK) {
        img_cli_error("keys", "%s", err);
        return e == IMG_ERR_PERMANENT ? EX_DATAERR : exit_of(e);
    }
    printf("tenant: %s\n", o->tenant);
    if (o->budget)
        printf("budget_usd: %s per month\n", o->budget);
    printf("prefix: %.12s\n", key);
    fputs("imaginator keys: the key below is shown once; only its hash is stored\n", stderr);
    printf("%s\n", key);
    memset(key, 0, strlen(key));
    free(key);
    return EX_OK;
}

static int keys_revoke(const db_opts_t *o)
{
    char line[256];
    const char *arg = o->args[1];
    if (!arg) {
        img_cli_error("keys", "revoke needs a key prefix, a key or -; see imaginator keys --help");
        return EX_USAGE;
    }
    if (!strcmp(arg, "-")) {
        if (!fgets(line, sizeof(line), stdin)) {
            img_cli_error("keys", "revoke -: nothing on standard input");
            return EX_USAGE;
        }
        line[strcspn(line, "\r\n")] = '\0';
        arg = line;
    }
    if (strncmp(arg, "img_", 4) != 0 || (strlen(arg) != 12 && strlen(arg) != 44)) {
        img_cli_error("keys", "revoke: give the 12-character prefix shown by imaginator keys "
                              "list (img_...) or the whole key");
        return EX_USAGE;
    }
    img_store_t *store;
    int rc = open_store("keys", o, &store);
    if (rc != EX_OK)
        return rc;
    char err[512];
    img_err_t e = img_store_key_revoke(store, arg, err, sizeof(err));
    img_store_close(store);
    if (e != IMG_OK) {
        img_cli_error("keys", "%s", err);
        return e == IMG_ERR_PERMANENT ? EX_NOINPUT : exit_of(e);
    }
    printf("revoked %.12s\n", arg);
    memset(line, 0, sizeof(line));
    return EX_OK;
}

int img_cmd_keys(int argc, char **argv)
{
    db_opts_t o;
    int rc = parse("keys", keys_usage, argc, argv, 2, &o);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    const char *action = o.args[0];
    if (!action) {
        img_cli_error("keys", "which action: create, list or revoke? see imaginator keys --help");
        return EX_USAGE;
    }
    if ((o.tenant || o.budget) && strcmp(action, "create") != 0) {
        img_cli_error("keys", "--tenant and --budget-usd belong to keys create");
        return EX_USAGE;
    }
    if (!strcmp(action, "create") || !strcmp(action, "list")) {
        if (o.nargs > 1) {
            img_cli_error("keys", "unexpected argument \"%s\"", o.args[1]);
            return EX_USAGE;
        }
        if (action[0] == 'c')
            return keys_create(&o);
        img_store_t *store;
        if ((rc = open_store("keys", &o, &store)) != EX_OK)
            return rc;
        char err[512];
        img_err_t e = img_store_key_list(store, stdout, err, sizeof(err));
        img_store_close(store);
        if (e != IMG_OK)
            img_cli_error("keys", "%s", err);
        return exit_of(e);
    }
    if (!strcmp(action, "revoke"))
        return keys_revoke(&o);
    img_cli_error("keys", "unknown action \"%s\"; use create, list or revoke", action);
    return EX_USAGE;
}

/* status and result: one request, read from requests. */
static int show(const char *cmd, const char *usage, int argc, char **argv)
{
    db_opts_t o;
    int rc = parse(cmd, usage, argc, argv, 1, &o);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    if (!o.nargs || !*o.args[0]) {
        img_cli_error(cmd, "which request? usage: imaginator %s ID", cmd);
        return EX_USAGE;
    }
    img_store_t *store;
    if ((rc = open_store(cmd, &o, &store)) != EX_OK)
        return rc;
    char err[512], id[96], *status = NULL;
    json_object *result = NULL;
    img_err_t e = img_store_status(store, o.args[0], &status, &result, err, sizeof(err));
    img_store_close(store);
    printable(id, sizeof(id), o.args[0]);
    if (e != IMG_OK) {
        img_cli_error(cmd, "%s", err);
        rc = exit_of(e);
    } else if (!status) {
        img_cli_error(cmd, "no request with id \"%s\"", id);
        rc = EX_NOINPUT;
    } else if (cmd[0] == 's') {
        json_object *error = NULL, *code = NULL;
        if (result && json_object_object_get_ex(result, "error", &error) &&
            json_object_object_get_ex(error, "code", &code) &&
            json_object_is_type(code, json_type_string))
            printf("%s %s\n", status, json_object_get_string(code));
        else
            printf("%s\n", status);
    } else if (!result) {
        img_cli_error(cmd, "request \"%s\" is %s and has no result yet; try again later", id,
                      status);
        rc = EX_TEMPFAIL;
    } else {
        puts(json_object_to_json_string_ext(result, o.pretty ? JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_SPACED
                                                             : JSON_C_TO_STRING_PLAIN));
    }
    free(status);
    json_object_put(result);
    return rc;
}

int img_cmd_status(int argc, char **argv)
{
    return show("status", status_usage, argc, argv);
}

int img_cmd_result(int argc, char **argv)
{
    return show("result", result_usage, argc, argv);
}
