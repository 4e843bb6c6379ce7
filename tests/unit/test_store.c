/*
 * The PostgreSQL store against a real, throwaway PostgreSQL server (initdb in
 * a temporary directory, a free port, fsync off; as the postgres OS user when
 * run as root). Skips (77) when the PostgreSQL binaries are absent.
 *
 * Invariants proved: migrations are idempotent; keys are stored hashed and
 * authenticate until revoked; a tenant over its monthly budget is refused; a
 * request is claimed once (NEW), re-published when finished (FINISHED, the
 * same result), never overwritten by another payload (CONFLICT), taken over
 * only when its lease expired (BUSY / RESUME with checkpoints and epoch + 1);
 * a worker whose epoch moved on cannot write; finish and reject NOTIFY; the
 * polling view has its columns and statuses; an unreachable database is
 * RETRIABLE and the store reconnects by itself.
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "test_support.h"
#include "img_store.h"
#include "util/img_sha256.h"

/* ---- a throwaway server ------------------------------------------------ */

static struct {
    char bindir[256], dir[64], data[128], log[128], url[128];
    int port;
    bool as_postgres;
    bool started;
} srv;

static img_store_t *store;
static PGconn *raw; /* direct SQL for the checks */
static int first_applied = -1;

static bool find_bindir(void)
{
    const char *env = getenv("PG_BINDIR");
    if (env && *env) {
        snprintf(srv.bindir, sizeof(srv.bindir), "%s", env);
    } else {
        glob_t g;
        int best = -1;
        if (glob("/usr/lib/postgresql/*/bin/pg_ctl", 0, NULL, &g) != 0)
            return false;
        for (size_t i = 0; i < g.gl_pathc; i++) {
            int v = atoi(g.gl_pathv[i] + strlen("/usr/lib/postgresql/"));
            if (v > best) {
                best = v;
                snprintf(srv.bindir, sizeof(srv.bindir), "%.*s",
                         (int)(strlen(g.gl_pathv[i]) - strlen("/pg_ctl")), g.gl_pathv[i]);
            }
        }
        globfree(&g);
    }
    char path[300];
    snprintf(path, sizeof(path), "%s/initdb", srv.bindir);
    if (access(path, X_OK) != 0)
        return false;
    snprintf(path, sizeof(path), "%s/pg_ctl", srv.bindir);
    return access(path, X_OK) == 0;
}

/* Runs bindir/prog with args (NULL-terminated), as postgres when root;
 * output goes to dir/cmd.log. Returns the exit status. */
static int pg_run(const char *prog, const char *const *args)
{
    char exe[300], out[128];
    const char *argv[32];
    int n = 0;
    snprintf(exe, sizeof(exe), "%s/%s", srv.bindir, prog);
    snprintf(out, sizeof(out), "%s/cmd.log", srv.dir);
    if (srv.as_postgres) {
        argv[n++] = "runuser";
        argv[n++] = "-u";
        argv[n++] = "postgres";
        argv[n++] = "--";
    }
    argv[n++] = exe;
    for (; *args && n < 31; args++)
        argv[n++] = *args;
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
            close(fd);
        }
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    socklen_t len = sizeof(a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &len) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    close(fd);
    return ntohs(a.sin_port);
}

static int pg_start(void)
{
    char opts[200];
    snprintf(opts, sizeof(opts), "-p %d -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off",
             srv.port);
    const char *args[] = {"-D", srv.data, "-l", srv.log, "-w", "-t",
                          "60", "-o",     opts, "start", NULL};
    int rc = pg_run("pg_ctl", args);
    srv.started = rc == 0;
    return rc;
}

static int pg_stop(void)
{
    const char *args[] = {"-D", srv.data, "-m", "fast", "-w", "-t", "60", "stop", NULL};
    srv.started = false;
    return pg_run("pg_ctl", args);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void pg_destroy(void)
{
    if (srv.started)
        pg_stop();
    if (srv.dir[0])
        nftw(srv.dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    srv.dir[0] = '\0';
}

static int pg_create(void)
{
    snprintf(srv.dir, sizeof(srv.dir), "/tmp/img-test-store-XXXXXX");
    if (!mkdtemp(srv.dir))
        return -1;
    if (geteuid() == 0) {
        struct passwd *pw = getpwnam("postgres");
        if (!pw || chown(srv.dir, pw->pw_uid, pw->pw_gid) != 0)
            return -1;
        srv.as_postgres = true;
    }
    snprintf(srv.data, sizeof(srv.data), "%s/data", srv.dir);
    snprintf(srv.log, sizeof(srv.log), "%s/pg.log", srv.dir);
    srv.port = free_port();
    snprintf(srv.url, sizeof(srv.url), "postgresql://imaginator@127.0.0.1:%d/postgres", srv.port);
    const char *initdb[] = {"-D",           srv.data, "-U",   "imaginator",
                            "--auth=trust", "-E",     "UTF8", "--locale=C.UTF-8",
                            "--no-sync",    NULL};
    if (srv.port <= 0 || pg_run("initdb", initdb) != 0 || pg_start() != 0) {
        fprintf(stderr, "test_store: could not start PostgreSQL; see %s/cmd.log and %s\n", srv.dir,
                srv.log);
        return -1;
    }
    return 0;
}

/* ---- helpers ----------------------------------------------------------- */

/* The first value of a query on the raw connection (malloc'd; NULL = no row
 * or SQL NULL); fails the test on a database error. */
static char *sql1(const char *sql)
{
    if (PQstatus(raw) != CONNECTION_OK)
        PQreset(raw);
    PGresult *r = PQexec(raw, sql);
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
        char msg[300];
        snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
        PQclear(r);
        fail_msg("SQL failed: %s: %s", sql, msg);
    }
    char *v = st == PGRES_TUPLES_OK && PQntuples(r) > 0 && !PQgetisnull(r, 0, 0)
                  ? strdup(PQgetvalue(r, 0, 0))
                  : NULL;
    PQclear(r);
    return v;
}

static void assert_sql(const char *sql, const char *want)
{
    char *v = sql1(sql);
    if (!want) {
        if (v)
            fail_msg("%s: got %s, wanted NULL", sql, v);
    } else {
        if (!v)
            fail_msg("%s: got NULL, wanted %s", sql, want);
        if (strcmp(v, want) != 0) {
            char got[200];
            snprintf(got, sizeof(got), "%s", v);
            free(v);
            fail_msg("%s: got \"%s\", wanted \"%s\"", sql, got, want);
        }
    }
    free(v);
}

#define OK(call)                                                                                   \
    do {                                                                                           \
        char e_[512] = "";                                                                         \
        img_err_t rc_ = (call);                                                                    \
        if (rc_ != IMG_OK)                                                                         \
            fail_msg("%s: %s", #call, e_);                                                         \
    } while (0)
#define ERR e_, sizeof(e_)

static char *new_key(const char *tenant, double budget)
{
    char *key = NULL;
    OK(img_store_key_create(store, tenant, budget, &key, ERR));
    assert_non_null(key);
    return key;
}

static img_auth_t auth(const char *key, char **tenant)
{
    img_auth_t a = IMG_AUTH_OK;
    char *t = NULL;
    OK(img_store_authenticate(store, key, &a, &t, ERR));
    if (tenant)
        *tenant = t;
    else
        free(t);
    return a;
}

static img_claim_in_t claim_in(const char *id, const char *owner, const char *payload)
{
    static char hex[65];
    img_sha256_hex(payload, strlen(payload), hex);
    img_claim_in_t in = {.request_id = id,
                         .tenant = "t-req",
                         .payload_sha256 = hex,
                         .input = NULL,
                         .topic = "imaginator.requests",
                         .partition = 3,
                         .offset = 42,
                         .owner = owner,
                         .lease_ms = 60000};
    return in;
}

static img_claim_out_t claim(const char *id, const char *owner, const char *payload)
{
    img_claim_in_t in = claim_in(id, owner, payload);
    json_object *input = json_tokener_parse("{\"resume\":\"r\",\"job\":\"j\"}");
    in.input = input;
    img_claim_out_t out;
    OK(img_store_claim(store, &in, &out, ERR));
    json_object_put(input);
    return out;
}

static json_object *result_doc(const char *id, const char *status)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "schema", json_object_new_string("imaginator.result.v1"));
    json_object_object_add(o, "request_id", json_object_new_string(id));
    json_object_object_add(o, "status", json_object_new_string(status));
    json_object_object_add(o, "score", json_object_new_int(77));
    return o;
}

static bool checkpoint(const char *id, int64_t epoch, const char *stage, const char *text)
{
    json_object *out = json_object_new_object();
    json_object_object_add(out, "text", json_object_new_string(text));
    img_checkpoint_t cp = {.stage = stage,
                           .output = out,
                           .provider = "anthropic",
                           .model = "claude-haiku-4-5",
                           .input_tokens = 100,
                           .output_tokens = 20,
                           .cached_tokens = 5,
                           .cost_usd = 0.00125,
                           .latency_ms = 812.5,
                           .attempts = 2};
    bool fenced = true;
    OK(img_store_checkpoint(store, id, epoch, &cp, &fenced, ERR));
    json_object_put(out);
    return fenced;
}

static bool finish(const char *id, int64_t epoch, const char *status)
{
    json_object *doc = result_doc(id, status);
    bool fenced = true;
    OK(img_store_finish(store, id, epoch, status, doc,
                        strcmp(status, "failed") ? NULL : "provider_unavailable",
                        strcmp(status, "failed") ? NULL : "every provider failed", &fenced, ERR));
    json_object_put(doc);
    return fenced;
}

static const char *plain(json_object *o)
{
    return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
}

/* ---- tests ------------------------------------------------------------- */

static void test_migrate_twice(void **state)
{
    (void)state;
    assert_true(first_applied >= 1);
    int applied = -1;
    OK(img_store_migrate(store, NULL, &applied, ERR));
    assert_int_equal(applied, 0);
    int version = 0;
    OK(img_store_schema_check(store, &version, ERR));
    assert_int_equal(version, img_store_schema_latest());
    char want[16];
    snprintf(want, sizeof(want), "%d", img_store_schema_latest());
    assert_sql("SELECT max(version) FROM schema_migrations", want);
    assert_sql("SELECT count(*) = count(DISTINCT version) FROM schema_migrations", "t");
}

static void test_keys(void **state)
{
    (void)state;
    char *key = new_key("t-keys", -1), *tenant = NULL;
    assert_int_equal(strlen(key), 44);
    assert_memory_equal(key, "img_", 4);
    char sql[300], hex[65], prefix[13];
    snprintf(prefix, sizeof(prefix), "%.12s", key);
    img_sha256_hex(key, strlen(key), hex);
    snprintf(sql, sizeof(sql), "SELECT encode(key_hash, 'hex') FROM api_keys WHERE prefix = '%s'",
             prefix);
    assert_sql(sql, hex);
    assert_sql("SELECT budget_usd FROM tenants WHERE name = 't-keys'", NULL);

    assert_int_equal(auth(key, &tenant), IMG_AUTH_OK);
    assert_string_equal(tenant, "t-keys");
    free(tenant);

    /* the right prefix with another secret part, and well-formed strangers */
    char forged[45];
    memcpy(forged, key, 45);
    forged[43] = forged[43] == 'A' ? 'B' : 'A';
    assert_int_equal(auth(forged, NULL), IMG_AUTH_UNKNOWN);
    assert_int_equal(auth("img_0123456789012345678901234567890123456789", NULL), IMG_AUTH_UNKNOWN);
    assert_int_equal(auth("foo", NULL), IMG_AUTH_UNKNOWN);
    assert_int_equal(auth("", NULL), IMG_AUTH_UNKNOWN);
    assert_int_equal(auth(NULL, NULL), IMG_AUTH_UNKNOWN);

    /* the listing shows the prefix, never the key */
    char *listing = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&listing, &len);
    OK(img_store_key_list(store, f, ERR));
    fclose(f);
    assert_non_null(strstr(listing, prefix));
    assert_null(strstr(listing, key));
    free(listing);

    OK(img_store_key_revoke(store, prefix, ERR));
    tenant = (char *)"sentinel";
    assert_int_equal(auth(key, &tenant), IMG_AUTH_REVOKED);
    assert_null(tenant);
    OK(img_store_key_revoke(store, prefix, ERR)); /* again: not an error */

    /* revoking by the whole key */
    char *key2 = new_key("t-keys", -1);
    assert_int_equal(auth(key2, NULL), IMG_AUTH_OK);
    OK(img_store_key_revoke(store, key2, ERR));
    assert_int_equal(auth(key2, NULL), IMG_AUTH_REVOKED);

    char err[256];
    assert_int_equal(img_store_key_revoke(store, "img_zzzzzzzz", err, sizeof(err)),
                     IMG_ERR_PERMANENT);
    assert_int_equal(img_store_key_revoke(store, "nonsense", err, sizeof(err)), IMG_ERR_PERMANENT);
    char *none = (char *)"sentinel";
    assert_int_equal(img_store_key_create(store, "bad tenant", -1, &none, err, sizeof(err)),
                     IMG_ERR_PERMANENT);
    assert_null(none);
    free(key);
    free(key2);
}

static void usage1(const char *tenant, double cost, int status)
{
    img_usage_event_t ev = {.stage = "analysis",
                            .provider = "openai",
                            .model = "gpt-4.1-mini",
                            .status = status,
                            .error = status == 200 ? NULL : "HTTP 503",
                            .input_tokens = 1000,
                            .output_tokens = 100,
                            .cost_usd = cost};
    OK(img_store_usage(store, "budget-req", tenant, &ev, 1, ERR));
}

static void test_budget(void **state)
{
    (void)state;
    char *key = new_key("t-budget", 1.0), *tenant = NULL;
    assert_sql("SELECT budget_usd FROM tenants WHERE name = 't-budget'", "1");
    assert_int_equal(auth(key, NULL), IMG_AUTH_OK);
    usage1("t-budget", 0.6, 200);
    usage1("t-budget", NAN, 503); /* a failed attempt with no price: recorded, costs nothing */
    usage1("t-budget", 0.3, 200);
    usage1("t-other", 5.0, 200); /* another tenant's spend does not count */
    assert_int_equal(auth(key, NULL), IMG_AUTH_OK);
    assert_sql("SELECT count(*) FROM usage_events u JOIN tenants t USING (tenant_id)"
               " WHERE t.name = 't-budget' AND u.cost_usd IS NULL AND u.http_status = 503"
               " AND u.error = 'HTTP 503'",
               "1");
    usage1("t-budget", 0.1, 200);
    assert_int_equal(auth(key, &tenant), IMG_AUTH_OVER_BUDGET);
    assert_string_equal(tenant, "t-budget");
    free(tenant);

    /* last month's spend is not this month's */
    free(sql1("UPDATE usage_events SET created_at = date_trunc('month', now(), 'UTC')"
              " - interval '1 hour' WHERE tenant_id = (SELECT tenant_id FROM tenants"
              " WHERE name = 't-budget')"));
    assert_int_equal(auth(key, NULL), IMG_AUTH_OK);
    usage1("t-budget", 0.5, 200);
    assert_int_equal(auth(key, NULL), IMG_AUTH_OK);

    /* a new key with a budget updates the tenant's budget; none leaves it */
    char *key2 = new_key("t-budget", 0.25);
    assert_int_equal(auth(key, NULL), IMG_AUTH_OVER_BUDGET);
    free(new_key("t-budget", -1));
    assert_sql("SELECT budget_usd FROM tenants WHERE name = 't-budget'", "0.25");
    free(key);
    free(key2);
}

static void test_claim_finish_republish(void **state)
{
    (void)state;
    free(new_key("t-req", -1));
    img_claim_out_t out = claim("req-1", "worker-a", "payload-1");
    assert_int_equal(out.claim, IMG_CLAIM_NEW);
    assert_int_equal(out.epoch, 1);
    assert_int_equal(out.attempts, 1);
    assert_null(out.result);
    img_claim_out_clear(&out);
    assert_sql("SELECT status || ' ' || lease_owner || ' ' || kafka_partition || ' ' ||"
               " kafka_offset || ' ' || (input->>'job') FROM requests WHERE request_id = 'req-1'",
               "running worker-a 3 42 j");

    assert_false(checkpoint("req-1", 1, "analysis", "a"));
    assert_false(finish("req-1", 1, "succeeded"));
    assert_sql("SELECT status || ' ' || (lease_owner IS NULL) FROM requests"
               " WHERE request_id = 'req-1'",
               "succeeded true");

    /* redelivered: the stored result, never a new run */
    out = claim("req-1", "worker-b", "payload-1");
    assert_int_equal(out.claim, IMG_CLAIM_FINISHED);
    assert_non_null(out.result);
    json_object *want = result_doc("req-1", "succeeded");
    assert_string_equal(plain(out.result), plain(want));
    json_object_put(want);
    assert_int_equal(out.attempts, 1);
    img_claim_out_clear(&out);
    assert_sql("SELECT lease_epoch FROM requests WHERE request_id = 'req-1'", "1");

    char *status = NULL;
    json_object *res = NULL;
    OK(img_store_status(store, "req-1", &status, &res, ERR));
    assert_string_equal(status, "succeeded");
    assert_non_null(res);
    free(status);
    json_object_put(res);
    OK(img_store_status(store, "req-missing", &status, &res, ERR));
    assert_null(status);
    assert_null(res);
}

static void test_conflict(void **state)
{
    (void)state;
    img_claim_out_t out = claim("req-c", "worker-a", "payload-1");
    assert_int_equal(out.claim, IMG_CLAIM_NEW);
    img_claim_out_clear(&out);
    char *before = sql1("SELECT payload_sha256 FROM requests WHERE request_id = 'req-c'");

    out = claim("req-c", "worker-b", "payload-2");
    assert_int_equal(out.claim, IMG_CLAIM_CONFLICT);
    assert_null(out.result);
    img_claim_out_clear(&out);
    assert_false(finish("req-c", 1, "succeeded"));
    out = claim("req-c", "worker-a", "payload-2");
    assert_int_equal(out.claim, IMG_CLAIM_CONFLICT);
    img_claim_out_clear(&out);

    char *after = sql1("SELECT payload_sha256 FROM requests WHERE request_id = 'req-c'");
    assert_string_equal(before, after);
    assert_sql("SELECT lease_epoch || ' ' || attempts FROM requests WHERE request_id = 'req-c'",
               "1 1");
    free(before);
    free(after);
}

static void test_resume_busy_fencing(void **state)
{
    (void)state;
    img_claim_out_t a = claim("req-r", "worker-a", "payload-r");
    assert_int_equal(a.claim, IMG_CLAIM_NEW);
    int64_t ea = a.epoch;
    img_claim_out_clear(&a);
    assert_false(checkpoint("req-r", ea, "analysis", "from a"));

    /* the lease is live: another worker must wait */
    img_claim_out_t b = claim("req-r", "worker-b", "payload-r");
    assert_int_equal(b.claim, IMG_CLAIM_BUSY);
    img_claim_out_clear(&b);

    /* the lease ran out (worker a stalled): b takes over after the checkpoint */
    free(sql1("UPDATE requests SET lease_expires_at = now() - interval '1 second'"
              " WHERE request_id = 'req-r'"));
    b = claim("req-r", "worker-b", "payload-r");
    assert_int_equal(b.claim, IMG_CLAIM_RESUME);
    assert_int_equal(b.epoch, ea + 1);
    assert_int_equal(b.attempts, 2);
    assert_non_null(b.checkpoints);
    json_object *an = NULL, *text = NULL, *meta = NULL, *v = NULL;
    assert_true(json_object_object_get_ex(b.checkpoints, "analysis", &an));
    assert_true(json_object_object_get_ex(an, "text", &text));
    assert_string_equal(json_object_get_string(text), "from a");
    assert_false(json_object_object_get_ex(b.checkpoints, "generation", NULL));
    assert_true(json_object_object_get_ex(b.checkpoint_meta, "analysis", &meta));
    assert_true(json_object_object_get_ex(meta, "provider", &v));
    assert_string_equal(json_object_get_string(v), "anthropic");
    assert_true(json_object_object_get_ex(meta, "input_tokens", &v));
    assert_int_equal(json_object_get_int64(v), 100);
    assert_true(json_object_object_get_ex(meta, "cost_usd", &v));
    assert_true(fabs(json_object_get_double(v) - 0.00125) < 1e-12);
    int64_t eb = b.epoch;
    img_claim_out_clear(&b);

    /* worker a wakes up: every write of its epoch is refused */
    assert_true(checkpoint("req-r", ea, "generation", "late a"));
    assert_sql("SELECT count(*) FROM stage_checkpoints WHERE request_id = 'req-r'"
               " AND stage = 'generation'",
               "0");
    assert_true(checkpoint("req-r", ea, "analysis", "late a"));
    assert_sql("SELECT output->>'text' FROM stage_checkpoints WHERE request_id = 'req-r'"
               " AND stage = 'analysis'",
               "from a");
    char err[256];
    assert_int_equal(img_store_renew(store, "req-r", ea, 60000, err, sizeof(err)),
                     IMG_ERR_PERMANENT);
    assert_non_null(strstr(err, "fenced"));
    assert_true(finish("req-r", ea, "succeeded"));
    assert_sql("SELECT status FROM requests WHERE request_id = 'req-r'", "running");

    /* worker b goes on */
    OK(img_store_renew(store, "req-r", eb, 60000, ERR));
    assert_false(checkpoint("req-r", eb, "generation", "from b"));
    assert_sql("SELECT request_attempt || ' ' || lease_epoch FROM stage_checkpoints"
               " WHERE request_id = 'req-r' AND stage = 'generation'",
               "2 2");
    assert_false(finish("req-r", eb, "failed"));
    assert_false(finish("req-r", eb, "failed")); /* a retried finish is not fenced */
    assert_true(finish("req-r", ea, "succeeded"));
    assert_sql("SELECT status || ' ' || error_code FROM requests WHERE request_id = 'req-r'",
               "failed provider_unavailable");

    /* the same owner claiming again (its own redelivery) gets a new epoch */
    img_claim_out_t s1 = claim("req-s", "worker-a", "payload-s");
    img_claim_out_t s2 = claim("req-s", "worker-a", "payload-s");
    assert_int_equal(s1.claim, IMG_CLAIM_NEW);
    assert_int_equal(s2.claim, IMG_CLAIM_RESUME);
    assert_int_equal(s2.epoch, s1.epoch + 1);
    assert_non_null(s2.checkpoints);
    assert_int_equal(json_object_object_length(s2.checkpoints), 0);
    assert_true(checkpoint("req-s", s1.epoch, "analysis", "x"));
    img_claim_out_clear(&s1);
    img_claim_out_clear(&s2);
}

/* Waits up to 10 s for a notification on the listening connection. */
static char *wait_notify(PGconn *listen)
{
    for (int i = 0; i < 100; i++) {
        PQconsumeInput(listen);
        PGnotify *n = PQnotifies(listen);
        if (n) {
            char *payload = strdup(n->extra);
            assert_string_equal(n->relname, "imaginator_results");
            PQfreemem(n);
            return payload;
        }
        struct pollfd p = {PQsocket(listen), POLLIN, 0};
        poll(&p, 1, 100);
    }
    return NULL;
}

static void test_notify(void **state)
{
    (void)state;
    PGconn *listen = PQconnectdb(srv.url);
    assert_int_equal(PQstatus(listen), CONNECTION_OK);
    PQclear(PQexec(listen, "LISTEN imaginator_results"));

    img_claim_out_t out = claim("req-n", "worker-a", "payload-n");
    assert_int_equal(out.claim, IMG_CLAIM_NEW);
    assert_false(finish("req-n", out.epoch, "succeeded"));
    img_claim_out_clear(&out);
    char *payload = wait_notify(listen);
    assert_non_null(payload);
    assert_string_equal(payload, "req-n");
    free(payload);

    json_object *doc = result_doc("req-n2", "rejected");
    OK(img_store_reject(store, "req-n2", NULL, doc, "unauthorized", "missing API key",
                        "imaginator.requests", 0, 7, ERR));
    payload = wait_notify(listen);
    assert_non_null(payload);
    assert_string_equal(payload, "req-n2");
    free(payload);
    /* a fenced finish and a reject of an existing id stay silent */
    OK(img_store_reject(store, "req-n2", NULL, doc, "unauthorized", "again", "imaginator.requests",
                        0, 8, ERR));
    assert_true(finish("req-n", 99, "succeeded"));
    json_object_put(doc);
    PQclear(PQexec(listen, "SELECT 1"));
    PQconsumeInput(listen);
    PGnotify *n = PQnotifies(listen);
    assert_null(n);
    PQfinish(listen);
}

static void test_reject_and_view(void **state)
{
    (void)state;
    json_object *doc = result_doc("req-v-rej", "rejected");
    OK(img_store_reject(store, "req-v-rej", "t-req", doc, "budget_exceeded", "over budget",
                        "imaginator.requests", 1, 9, ERR));
    OK(img_store_reject(store, "req-v-rej", NULL, doc, "unauthorized", "other", NULL, -1, -1, ERR));
    json_object_put(doc);
    assert_sql("SELECT error_message FROM requests WHERE request_id = 'req-v-rej'", "over budget");
    /* rejecting an id another payload is running never touches that row */
    img_claim_out_t out = claim("req-v-run", "worker-a", "payload-v");
    img_claim_out_clear(&out);
    doc = result_doc("req-v-run", "rejected");
    OK(img_store_reject(store, "req-v-run", NULL, doc, "conflict", "different payload",
                        "imaginator.requests", 1, 10, ERR));
    json_object_put(doc);
    /* a rejected id redelivered is finished: re-published, not run */
    out = claim("req-v-rej", "worker-a", "payload-x");
    assert_int_equal(out.claim, IMG_CLAIM_FINISHED);
    assert_non_null(out.result);
    img_claim_out_clear(&out);

    PGresult *r = PQexec(raw, "SELECT * FROM analysis_results LIMIT 0");
    assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
    static const char *const cols[] = {"request_id", "tenant",      "status",      "result",
                                       "error",      "received_at", "completed_at"};
    assert_int_equal(PQnfields(r), 7);
    for (int i = 0; i < 7; i++)
        assert_string_equal(PQfname(r, i), cols[i]);
    PQclear(r);

    assert_sql("SELECT status || ' ' || tenant || ' ' || (error->>'code') || ' ' ||"
               " (result->>'status') || ' ' || (completed_at IS NOT NULL)"
               " FROM analysis_results WHERE request_id = 'req-v-rej'",
               "rejected t-req budget_exceeded rejected true");
    assert_sql("SELECT status || ' ' || tenant || ' ' || (result IS NULL) || ' ' ||"
               " (error IS NULL) || ' ' || (completed_at IS NULL)"
               " FROM analysis_results WHERE request_id = 'req-v-run'",
               "running t-req true true true");
    assert_sql("SELECT status || ' ' || (error IS NULL) || ' ' || (result->>'score')"
               " FROM analysis_results WHERE request_id = 'req-1'",
               "succeeded true 77");
    assert_sql("SELECT status || ' ' || (error->>'code') || ' ' || (error->>'message')"
               " FROM analysis_results WHERE request_id = 'req-r'",
               "failed provider_unavailable every provider failed");
    assert_sql("SELECT string_agg(DISTINCT status, ',' ORDER BY status) FROM analysis_results",
               "failed,rejected,running,succeeded");
}

static void test_dead_letter(void **state)
{
    (void)state;
    char value[3000];
    for (size_t i = 0; i < sizeof(value); i++)
        value[i] = (char)('a' + i % 26);
    const char *key = "img_AbCdEfGh0123456789012345678901234567890X";
    memcpy(value + 10, key, strlen(key));
    OK(img_store_dead_letter(store, "imaginator.requests", 2, 1000, "bad_json",
                             "unexpected end of input", value, sizeof(value), ERR));
    assert_sql("SELECT octet_length(value_head) || ' ' || value_size || ' ' || reason_code ||"
               " ' ' || reason FROM dead_letters WHERE kafka_partition = 2 AND kafka_offset = 1000",
               "1024 3000 bad_json unexpected end of input");
    /* the first bytes, the key masked after its display prefix */
    char want[1025];
    memcpy(want, value, 1024);
    memset(want + 10 + 12, '*', strlen(key) - 12);
    want[1024] = '\0';
    char *head = sql1("SELECT convert_from(value_head, 'UTF8') FROM dead_letters"
                      " WHERE kafka_partition = 2 AND kafka_offset = 1000");
    assert_non_null(head);
    assert_string_equal(head, want);
    assert_null(strstr(head, key));
    assert_non_null(strstr(head, "img_AbCdEfGh*"));
    free(head);

    /* small and binary values are kept whole; a redelivery is one row */
    const unsigned char bin[] = {0x00, 0xff, 0xc3, 0x28, 0x0a};
    OK(img_store_dead_letter(store, "imaginator.requests", 2, 1001, "bad_utf8", NULL, bin,
                             sizeof(bin), ERR));
    OK(img_store_dead_letter(store, "imaginator.requests", 2, 1001, "bad_utf8", NULL, bin,
                             sizeof(bin), ERR));
    assert_sql("SELECT encode(value_head, 'hex') || ' ' || value_size || ' ' || count(*) OVER ()"
               " FROM dead_letters WHERE kafka_partition = 2 AND kafka_offset = 1001",
               "00ffc3280a 5 1");
}

static void test_old_schema_is_fatal(void **state)
{
    (void)state;
    free(sql1("CREATE DATABASE empty_db"));
    char url[160], err[512];
    snprintf(url, sizeof(url), "postgresql://imaginator@127.0.0.1:%d/empty_db", srv.port);
    img_store_t *empty = NULL;
    OK(img_store_open(&empty, url, ERR));
    char *status = NULL;
    assert_int_equal(img_store_status(empty, "x", &status, NULL, err, sizeof(err)), IMG_ERR_FATAL);
    assert_non_null(strstr(err, "imaginator migrate"));
    assert_int_equal(img_store_schema_check(empty, NULL, err, sizeof(err)), IMG_ERR_FATAL);
    img_store_close(empty);
    assert_int_equal(img_store_open(&empty, "postgresql://[bad", err, sizeof(err)), IMG_ERR_FATAL);
    assert_null(empty);
    assert_int_equal(img_store_open(&empty, NULL, err, sizeof(err)), IMG_ERR_FATAL);
}

static void test_database_down(void **state)
{
    (void)state;
    char err[512], *status = NULL;
    OK(img_store_status(store, "req-1", &status, NULL, ERR));
    free(status);
    status = NULL;

    assert_int_equal(pg_stop(), 0);
    /* the broken connection, then a failed reconnect: retriable both times */
    assert_int_equal(img_store_status(store, "req-1", &status, NULL, err, sizeof(err)),
                     IMG_ERR_RETRIABLE);
    assert_null(status);
    assert_int_equal(img_store_status(store, "req-1", &status, NULL, err, sizeof(err)),
                     IMG_ERR_RETRIABLE);
    img_claim_in_t in = claim_in("req-down", "worker-a", "p");
    img_claim_out_t out;
    assert_int_equal(img_store_claim(store, &in, &out, err, sizeof(err)), IMG_ERR_RETRIABLE);
    assert_null(out.checkpoints);
    img_store_t *other = (img_store_t *)1;
    assert_int_equal(img_store_open(&other, srv.url, err, sizeof(err)), IMG_ERR_RETRIABLE);
    assert_null(other);

    assert_int_equal(pg_start(), 0);
    OK(img_store_status(store, "req-1", &status, NULL, ERR));
    assert_string_equal(status, "succeeded");
    free(status);
    out = claim("req-down", "worker-a", "p");
    assert_int_equal(out.claim, IMG_CLAIM_NEW);
    img_claim_out_clear(&out);
}

/* ---- setup ------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    if (pg_create() != 0)
        return -1;
    char err[512];
    if (img_store_open(&store, srv.url, err, sizeof(err)) != IMG_OK ||
        img_store_migrate(store, NULL, &first_applied, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "test_store: %s\n", err);
        return -1;
    }
    raw = PQconnectdb(srv.url);
    return PQstatus(raw) == CONNECTION_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    img_store_close(store);
    store = NULL;
    PQfinish(raw);
    raw = NULL;
    pg_destroy();
    return 0;
}

int main(void)
{
    if (!find_bindir()) {
        fprintf(stderr, "test_store: skipped: no PostgreSQL binaries (/usr/lib/postgresql/*/bin; "
                        "apt-get install postgresql)\n");
        return 77;
    }
    if (geteuid() == 0 && !getpwnam("postgres")) {
        fprintf(stderr, "test_store: skipped: running as root without a postgres user\n");
        return 77;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_migrate_twice), cmocka_unit_test(test_keys),
        cmocka_unit_test(test_budget),        cmocka_unit_test(test_claim_finish_republish),
        cmocka_unit_test(test_conflict),      cmocka_unit_test(test_resume_busy_fencing),
        cmocka_unit_test(test_notify),        cmocka_unit_test(test_reject_and_view),
        cmocka_unit_test(test_dead_letter),   cmocka_unit_test(test_old_schema_is_fatal),
        cmocka_unit_test(test_database_down),
    };
    atexit(pg_destroy);
    return cmocka_run_group_tests(tests, setup, teardown);
}
