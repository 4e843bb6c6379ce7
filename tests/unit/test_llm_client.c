/*
 * The LLM client against the fake provider (tests/fake_llm/fake_llm.py): every
 * scenario of providers.md ends in the outcome the retry rules, the repair
 * rule, the fallback chain and the breaker prescribe, the requests on the wire
 * are what each API demands, and the metering equals the usage the fake
 * reported, priced by the table. Assertions use attempt counts and the fake's
 * request records, never timing.
 */
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "test_support.h"
#include "llm/img_llm.h"
#include "util/img_buf.h"
#include "util/img_log.h"

/* ------------------------------------------------------------ the fake server */

static pid_t g_fake_pid = -1;
static char g_tmpdir[64];
static char g_base[64];    /* http://127.0.0.1:P */
static char g_oa_base[80]; /* http://127.0.0.1:P/v1 */
static img_llm_prices_t *g_prices;

static int python3_on_path(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return 0;
    char *dup = strdup(path), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/python3", d);
        found = access(p, X_OK) == 0;
    }
    free(dup);
    return found;
}

static const char *fake_script_path(void)
{
    static char p[4096];
    const char *src = getenv("IMG_SOURCE_DIR");
    if (!src)
        return NULL;
    snprintf(p, sizeof(p), "%s/tests/fake_llm/fake_llm.py", src);
    return access(p, R_OK) == 0 ? p : NULL;
}

static int start_fake(void **state)
{
    (void)state;
    snprintf(g_tmpdir, sizeof(g_tmpdir), "/tmp/img_llm_test.XXXXXX");
    if (!mkdtemp(g_tmpdir))
        return -1;
    char port_file[128];
    snprintf(port_file, sizeof(port_file), "%s/port", g_tmpdir);
    g_fake_pid = fork();
    if (g_fake_pid < 0)
        return -1;
    if (g_fake_pid == 0) {
        execlp("python3", "python3", fake_script_path(), "--port", "0", "--port-file", port_file,
               (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1500; i++) { /* up to 30 s on a loaded machine */
        FILE *f = fopen(port_file, "r");
        int port = 0;
        if (f) {
            if (fscanf(f, "%d", &port) != 1)
                port = 0;
            fclose(f);
        }
        if (port > 0) {
            snprintf(g_base, sizeof(g_base), "http://127.0.0.1:%d", port);
            snprintf(g_oa_base, sizeof(g_oa_base), "%s/v1", g_base);
            char err[128];
            if (img_llm_prices_new(&g_prices, NULL, err, sizeof(err)) != IMG_OK)
                return -1;
            return 0;
        }
        if (waitpid(g_fake_pid, NULL, WNOHANG) == g_fake_pid) {
            g_fake_pid = -1;
            return -1;
        }
        usleep(20000);
    }
    return -1;
}

static int stop_fake(void **state)
{
    (void)state;
    if (g_fake_pid > 0) {
        kill(g_fake_pid, SIGTERM);
        int st;
        for (int i = 0; i < 150 && waitpid(g_fake_pid, &st, WNOHANG) == 0; i++)
            usleep(20000);
        if (waitpid(g_fake_pid, &st, WNOHANG) == 0) {
            kill(g_fake_pid, SIGKILL);
            waitpid(g_fake_pid, &st, 0);
        }
        g_fake_pid = -1;
    }
    char p[128];
    snprintf(p, sizeof(p), "%s/port", g_tmpdir);
    unlink(p);
    rmdir(g_tmpdir);
    img_llm_prices_destroy(g_prices);
    g_prices = NULL;
    return 0;
}

static size_t collect(char *data, size_t size, size_t nmemb, void *userp)
{
    img_buf_append(userp, data, size * nmemb);
    return size * nmemb;
}

/* A control call to the fake; returns the parsed reply (caller puts it). */
static json_object *fake_call(const char *path, const char *body)
{
    char url[256];
    snprintf(url, sizeof(url), "%s%s", g_base, path);
    img_buf_t out = IMG_BUF_INIT;
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(body));
    }
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK || status != 200)
        fail_msg("fake %s: curl %d status %ld: %s", path, rc, status, out.data ? out.data : "");
    json_object *j = json_tokener_parse(out.data);
    img_buf_free(&out);
    assert_non_null(j);
    return j;
}

static void fake_script(const char *json)
{
    json_object_put(fake_call("/_fake/script", json));
}

static json_object *fake_requests(void)
{
    return fake_call("/_fake/requests", NULL);
}

static int reset_fake(void **state)
{
    (void)state;
    json_object_put(fake_call("/_fake/reset", "{}"));
    return 0;
}

/* Value at a dotted path ("body.messages.0.role"); NULL when absent. */
static json_object *jget(json_object *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof(buf), "%s", path);
    char *save = NULL;
    for (char *k = strtok_r(buf, ".", &save); k && j; k = strtok_r(NULL, ".", &save)) {
        if (json_object_is_type(j, json_type_array)) {
            size_t i = (size_t)atoi(k);
            j = i < json_object_array_length(j) ? json_object_array_get_idx(j, i) : NULL;
        } else if (!json_object_object_get_ex(j, k, &j)) {
            j = NULL;
        }
    }
    return j;
}

static const char *jstr(json_object *j, const char *path)
{
    json_object *v = jget(j, path);
    return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static long jlong(json_object *j, const char *path)
{
    json_object *v = jget(j, path);
    if (!v)
        fail_msg("missing %s", path);
    return (long)json_object_get_int64(v);
}

/* Records of one API, in order. */
static size_t records_of(json_object *recs, const char *api, json_object **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < json_object_array_length(recs); i++) {
        json_object *r = json_object_array_get_idx(recs, i);
        if (!strcmp(jstr(r, "api"), api) && n < max)
            out[n++] = r;
    }
    return n;
}

static size_t count_api(const char *api)
{
    json_object *recs = fake_requests(), *r[512];
    size_t n = records_of(recs, api, r, 512);
    json_object_put(recs);
    return n;
}

/* ------------------------------------------------------------------ the client */

static const char *SCHEMA_TEXT =
    "{\"type\":\"object\",\"additionalProperties\":false,\"required\":[\"summary\",\"skills\"],"
    "\"properties\":{\"summary\":{\"type\":\"string\"},\"skills\":{\"type\":\"array\","
    "\"items\":{\"type\":\"string\"}}}}";

typedef struct copts {
    int timeout_ms, deadline_ms, max_retries, threshold, cooldown_ms;
    const char *openai_model, *anthropic_model, *compat_key;
} copts_t;

static img_llm_t *client(copts_t o)
{
    img_llm_conf_t c;
    memset(&c, 0, sizeof(c));
    c.providers[0] = (img_llm_provider_conf_t){"openai", g_oa_base, "sk-test",
                                               o.openai_model ? o.openai_model : "gpt-4o-mini"};
    c.providers[1] = (img_llm_provider_conf_t){
        "anthropic", g_base, "ak-test", o.anthropic_model ? o.anthropic_model : "claude-haiku-4-5"};
    c.providers[2] =
        (img_llm_provider_conf_t){"openai-compatible", g_oa_base, o.compat_key, "gpt-4o-mini"};
    c.n_providers = 3;
    c.timeout_ms = o.timeout_ms ? o.timeout_ms : 10000;
    c.stage_deadline_ms = o.deadline_ms;
    c.max_retries = o.max_retries ? o.max_retries : 2;
    c.breaker_threshold = o.threshold ? o.threshold : 10;
    c.breaker_cooldown_ms = o.cooldown_ms ? o.cooldown_ms : 60000;
    c.max_tokens = 0; /* the default */
    c.prices = g_prices;
    img_llm_t *llm = NULL;
    char err[256];
    if (img_llm_new(&llm, &c, err, sizeof(err)) != IMG_OK)
        fail_msg("img_llm_new: %s", err);
    return llm;
}

typedef struct res {
    int done;
    json_object *output;
    char provider[32], model[64], request_id[96];
    int attempts;
    img_llm_tokens_t tokens;
    double cost;
    img_llm_failure_t failures[16];
    size_t n_failures;
} res_t;

static void on_done(void *opaque, img_llm_outcome_t *oc)
{
    res_t *r = opaque;
    r->done++;
    r->output = img_llm_outcome_take_output(oc);
    snprintf(r->provider, sizeof(r->provider), "%s", oc->provider);
    snprintf(r->model, sizeof(r->model), "%s", oc->model ? oc->model : "");
    snprintf(r->request_id, sizeof(r->request_id), "%s", oc->request_id);
    r->attempts = oc->attempts;
    r->tokens = oc->tokens;
    r->cost = oc->cost_usd;
    r->n_failures = oc->n_failures;
    for (size_t i = 0; i < oc->n_failures && i < 16; i++) {
        r->failures[i] = oc->failures[i];
        r->failures[i].provider = NULL; /* borrowed: not valid after the callback */
    }
}

static void res_free(res_t *r)
{
    json_object_put(r->output);
    memset(r, 0, sizeof(*r));
}

static const char *const CH_OPENAI[] = {"openai", NULL};
static const char *const CH_ANTHROPIC[] = {"anthropic", NULL};
static const char *const CH_OA[] = {"openai", "anthropic", NULL};
static const char *const CH_AO[] = {"anthropic", "openai", NULL};

static json_object *g_schema;

static img_llm_call_t make_call(const char *const *chain)
{
    if (!g_schema)
        g_schema = json_tokener_parse(SCHEMA_TEXT);
    img_llm_call_t c = {"analysis",
                        "You are a careful resume analyst.",
                        "<resume>Jane Doe, engineer</resume>",
                        "resume_summary",
                        g_schema,
                        0,
                        chain,
                        "req-test"};
    return c;
}

/* Runs one call to completion. */
static void run1(img_llm_t *llm, const img_llm_call_t *call, img_llm_validate_cb v, void *vo,
                 res_t *r)
{
    memset(r, 0, sizeof(*r));
    (void)vo;
    img_llm_run(llm, call, v, on_done, r);
    assert_int_equal(r->done, 0); /* never from img_llm_run() itself */
    img_llm_wait(llm);
    assert_int_equal(r->done, 1);
    assert_int_equal(img_llm_pending(llm), 0);
}

static void assert_tokens_eq(const img_llm_tokens_t *a, const img_llm_tokens_t *b)
{
    assert_int_equal(a->input, b->input);
    assert_int_equal(a->cached, b->cached);
    assert_int_equal(a->cache_write, b->cache_write);
    assert_int_equal(a->output, b->output);
}

/* Tokens as the fake reported them in a record's response_usage. */
static img_llm_tokens_t usage_of(json_object *rec)
{
    img_llm_tokens_t t = {0, 0, 0, 0};
    json_object *u = jget(rec, "response_usage");
    assert_non_null(u);
    if (!strcmp(jstr(rec, "api"), "openai")) {
        t.input = jlong(u, "prompt_tokens");
        t.cached = jlong(u, "prompt_tokens_details.cached_tokens");
        t.output = jlong(u, "completion_tokens");
    } else {
        t.cache_write = jlong(u, "cache_creation_input_tokens");
        t.cached = jlong(u, "cache_read_input_tokens");
        t.input = jlong(u, "input_tokens") + t.cache_write + t.cached;
        t.output = jlong(u, "output_tokens");
    }
    return t;
}

static void add_tokens(img_llm_tokens_t *a, const img_llm_tokens_t *b)
{
    a->input += b->input;
    a->cached += b->cached;
    a->cache_write += b->cache_write;
    a->output += b->output;
}

static void assert_cost(double got, const char *prov, const char *model, const img_llm_tokens_t *t)
{
    double want = img_llm_cost(g_prices, prov, model, t);
    assert_false(isnan(want));
    assert_false(isnan(got));
    assert_true(want > 0);
    assert_true(fabs(got - want) <= 1e-12 * want);
}

/* A system prompt long enough for the providers' prompt caches (>= 1024 tokens). */
static char *long_system(void)
{
    img_buf_t b = IMG_BUF_INIT;
    img_buf_puts(&b, "You are a careful resume analyst. ");
    while (b.len < 6000)
        img_buf_puts(&b, "Quote only what the resume says; never invent employers or numbers. ");
    return img_buf_detach(&b);
}

/* ------------------------------------------------------------------- the tests */

/* OpenAI: headers, strict schema, store:false, max_completion_tokens; tokens
 * and cost exactly as reported, cached tokens on the second call. */
static void test_openai_success(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    img_llm_call_t call = make_call(CH_OPENAI);
    char *sys = long_system();
    call.system = sys;
    res_t r1, r2;
    run1(llm, &call, NULL, NULL, &r1);
    run1(llm, &call, NULL, NULL, &r2);
    assert_non_null(r1.output);
    assert_non_null(jget(r1.output, "summary"));
    assert_string_equal(r1.provider, "openai");
    assert_string_equal(r1.model, "gpt-4o-mini");
    assert_int_equal(r1.attempts, 1);
    assert_int_equal(r1.n_failures, 0);

    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "openai", rec, 4), 2);
    assert_string_equal(jstr(rec[0], "path"), "/v1/chat/completions");
    assert_string_equal(jstr(rec[0], "headers.authorization"), "Bearer sk-test");
    assert_string_equal(jstr(rec[0], "headers.content-type"), "application/json");
    json_object *body = jget(rec[0], "body");
    assert_string_equal(jstr(body, "model"), "gpt-4o-mini");
    assert_int_equal(json_object_array_length(jget(body, "messages")), 2);
    assert_string_equal(jstr(body, "messages.0.role"), "system");
    assert_string_equal(jstr(body, "messages.0.content"), sys);
    assert_string_equal(jstr(body, "messages.1.role"), "user");
    assert_string_equal(jstr(body, "messages.1.content"), call.user);
    assert_string_equal(jstr(body, "response_format.type"), "json_schema");
    assert_string_equal(jstr(body, "response_format.json_schema.name"), "resume_summary");
    assert_true(json_object_get_boolean(jget(body, "response_format.json_schema.strict")));
    assert_true(json_object_equal(jget(body, "response_format.json_schema.schema"), g_schema));
    assert_non_null(jget(body, "store"));
    assert_false(json_object_get_boolean(jget(body, "store")));
    assert_int_equal(jlong(body, "max_completion_tokens"), 4096);
    assert_null(jget(body, "max_tokens"));
    assert_int_equal(jget(rec[0], "status") ? jlong(rec[0], "status") : 0, 200);
    assert_string_equal(r1.request_id, jstr(rec[0], "request_id"));
    assert_string_equal(r2.request_id, jstr(rec[1], "request_id"));

    img_llm_tokens_t t1 = usage_of(rec[0]), t2 = usage_of(rec[1]);
    assert_tokens_eq(&r1.tokens, &t1);
    assert_tokens_eq(&r2.tokens, &t2);
    assert_int_equal(t1.cached, 0);
    assert_true(t2.cached > 0); /* the same system prompt again: read from the cache */
    assert_cost(r1.cost, "openai", "gpt-4o-mini", &t1);
    assert_cost(r2.cost, "openai", "gpt-4o-mini", &t2);
    assert_true(r2.cost < r1.cost);
    json_object_put(recs);
    res_free(&r1);
    res_free(&r2);
    free(sys);
    img_llm_destroy(llm);
}

/* Anthropic: headers, one forced tool, cacheable system block; cache writes
 * then reads metered apart. */
static void test_anthropic_success(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    img_llm_call_t call = make_call(CH_ANTHROPIC);
    char *sys = long_system();
    call.system = sys;
    call.max_tokens = 777;
    res_t r1, r2;
    run1(llm, &call, NULL, NULL, &r1);
    run1(llm, &call, NULL, NULL, &r2);
    assert_non_null(r1.output);
    assert_true(json_object_is_type(jget(r1.output, "skills"), json_type_array));
    assert_string_equal(r1.provider, "anthropic");
    assert_string_equal(r1.model, "claude-haiku-4-5");
    assert_int_equal(r1.attempts, 1);
    assert_int_equal(r1.n_failures, 0);

    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "anthropic", rec, 4), 2);
    assert_string_equal(jstr(rec[0], "path"), "/v1/messages");
    assert_string_equal(jstr(rec[0], "headers.x-api-key"), "ak-test");
    assert_string_equal(jstr(rec[0], "headers.anthropic-version"), "2023-06-01");
    assert_string_equal(jstr(rec[0], "headers.content-type"), "application/json");
    assert_null(jget(rec[0], "headers.authorization"));
    json_object *body = jget(rec[0], "body");
    assert_string_equal(jstr(body, "model"), "claude-haiku-4-5");
    assert_int_equal(jlong(body, "max_tokens"), 777);
    assert_int_equal(json_object_array_length(jget(body, "system")), 1);
    assert_string_equal(jstr(body, "system.0.type"), "text");
    assert_string_equal(jstr(body, "system.0.text"), sys);
    assert_string_equal(jstr(body, "system.0.cache_control.type"), "ephemeral");
    assert_int_equal(json_object_array_length(jget(body, "messages")), 1);
    assert_string_equal(jstr(body, "messages.0.role"), "user");
    assert_int_equal(json_object_array_length(jget(body, "tools")), 1);
    assert_string_equal(jstr(body, "tools.0.name"), "resume_summary");
    assert_true(json_object_equal(jget(body, "tools.0.input_schema"), g_schema));
    assert_string_equal(jstr(body, "tool_choice.type"), "tool");
    assert_string_equal(jstr(body, "tool_choice.name"), "resume_summary");
    assert_string_equal(r1.request_id, jstr(rec[0], "request_id"));

    img_llm_tokens_t t1 = usage_of(rec[0]), t2 = usage_of(rec[1]);
    assert_true(t1.cache_write > 0 && t1.cached == 0);
    assert_true(t2.cached > 0 && t2.cache_write == 0);
    assert_tokens_eq(&r1.tokens, &t1);
    assert_tokens_eq(&r2.tokens, &t2);
    assert_cost(r1.cost, "anthropic", "claude-haiku-4-5", &t1);
    assert_cost(r2.cost, "anthropic", "claude-haiku-4-5", &t2);
    json_object_put(recs);
    res_free(&r1);
    res_free(&r2);
    free(sys);
    img_llm_destroy(llm);
}

static void http_date(char *out, size_t n, int ahead_s)
{
    time_t t = time(NULL) + ahead_s;
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *wd[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *mo[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(out, n, "%s, %02d %s %04d %02d:%02d:%02d GMT", wd[tm.tm_wday], tm.tm_mday,
             mo[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* One 429 with these headers on OpenAI, then the chain openai -> anthropic. */
static void rate_limited(img_llm_t *llm, const char *headers, res_t *r)
{
    char step[512];
    snprintf(step, sizeof(step),
             "{\"openai\":[{\"kind\":\"status\",\"status\":429,\"headers\":%s}]}", headers);
    reset_fake(NULL);
    fake_script(step);
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, r);
    assert_non_null(r->output);
    assert_true(r->n_failures >= 1);
    assert_int_equal(r->failures[0].status, 429);
    assert_non_null(strstr(r->failures[0].error, "429 rate_limit_exceeded"));
}

/* A short wait is honoured by retrying the same provider; a wait past the
 * stage deadline (3 s) is honoured by not retrying: a backoff would have. */
static void test_429_retry_after(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){.deadline_ms = 3000});
    res_t r;
    char h[160], date[64];

    rate_limited(llm, "{\"retry-after\":\"1\"}", &r); /* seconds */
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(count_api("openai"), 2);
    res_free(&r);

    rate_limited(llm, "{\"retry-after\":\"30\"}", &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 1);
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);

    http_date(date, sizeof(date), 1); /* an HTTP date */
    snprintf(h, sizeof(h), "{\"retry-after\":\"%s\"}", date);
    rate_limited(llm, h, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    res_free(&r);

    http_date(date, sizeof(date), 40);
    snprintf(h, sizeof(h), "{\"retry-after\":\"%s\"}", date);
    rate_limited(llm, h, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);

    rate_limited(llm, "{\"retry-after-ms\":\"10\"}", &r); /* milliseconds */
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    res_free(&r);

    /* retry-after-ms wins over retry-after. */
    rate_limited(llm, "{\"retry-after-ms\":\"20000\",\"retry-after\":\"0\"}", &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);
    rate_limited(llm, "{\"retry-after-ms\":\"10\",\"retry-after\":\"50\"}", &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(count_api("openai"), 2);
    res_free(&r);

    /* x-should-retry: false overrides the status. */
    rate_limited(llm, "{\"x-should-retry\":\"false\",\"retry-after-ms\":\"10\"}", &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);
    img_llm_destroy(llm);
}

/* 529 overloaded (Anthropic) and 503 (OpenAI) are retried on the same provider. */
static void test_overloaded_then_success(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script(
        "{\"anthropic\":[{\"kind\":\"overloaded\",\"headers\":{\"retry-after-ms\":\"10\"}}],"
        "\"openai\":[{\"kind\":\"overloaded\",\"headers\":{\"retry-after-ms\":\"10\"}}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_AO);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.n_failures, 1);
    assert_int_equal(r.failures[0].status, 529);
    assert_non_null(strstr(r.failures[0].error, "529 overloaded_error"));
    res_free(&r);

    call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.failures[0].status, 503);
    res_free(&r);
    img_llm_destroy(llm);
}

/* Three 500s exhaust OpenAI's retries; Anthropic answers. */
static void test_500_fallback(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":500,\"headers\":{\"retry-after-ms\":"
                "\"10\"}},{\"kind\":\"status\",\"status\":500,\"headers\":{\"retry-after-ms\":"
                "\"10\"}},{\"kind\":\"status\",\"status\":500,\"headers\":{\"retry-after-ms\":"
                "\"10\"}}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.n_failures, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(r.failures[i].status, 500);
        assert_non_null(strstr(r.failures[i].error, "500 server_error"));
        assert_int_equal(r.failures[i].tokens.input, 0);
    }
    assert_int_equal(count_api("openai"), 3);
    assert_int_equal(count_api("anthropic"), 1);
    res_free(&r);
    img_llm_destroy(llm);
}

/* 400 and out-of-credit errors move to the next provider without a retry. */
static void test_permanent_next_at_once(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    res_t r;
    img_llm_call_t call = make_call(CH_OA);

    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":400}]}");
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 1);
    assert_int_equal(r.failures[0].status, 400);
    assert_non_null(strstr(r.failures[0].error, "400 invalid_request_error"));
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);

    reset_fake(NULL);
    fake_script("{\"openai\":[{\"kind\":\"quota\"}]}");
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.failures[0].status, 429);
    assert_non_null(strstr(r.failures[0].error, "insufficient_quota"));
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);

    reset_fake(NULL);
    fake_script("{\"anthropic\":[{\"kind\":\"quota\"}]}");
    call = make_call(CH_AO);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.failures[0].status, 400);
    assert_int_equal(count_api("anthropic"), 1);
    res_free(&r);
    img_llm_destroy(llm);
}

/* A truncated reply is billed and repaired once on the same provider; the
 * repair turn carries the cut output and the reason. */
static void test_truncation_repair(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    const char *apis[] = {"openai", "anthropic"};
    for (int k = 0; k < 2; k++) {
        char step[128];
        snprintf(step, sizeof(step), "{\"%s\":[{\"kind\":\"truncate\"}]}", apis[k]);
        reset_fake(NULL);
        fake_script(step);
        img_llm_call_t call = make_call(k == 0 ? CH_OA : CH_AO);
        res_t r;
        run1(llm, &call, NULL, NULL, &r);
        assert_non_null(r.output);
        assert_string_equal(r.provider, apis[k]);
        assert_int_equal(r.attempts, 2);
        assert_int_equal(r.n_failures, 1);
        assert_int_equal(r.failures[0].status, -1);
        assert_non_null(strstr(r.failures[0].error, "truncated"));

        json_object *recs = fake_requests(), *rec[4];
        assert_int_equal(records_of(recs, apis[k], rec, 4), 2);
        img_llm_tokens_t t0 = usage_of(rec[0]), t1 = usage_of(rec[1]), sum = t0;
        add_tokens(&sum, &t1);
        assert_true(t0.output > 0);
        assert_tokens_eq(&r.failures[0].tokens, &t0); /* the truncated attempt is billed */
        assert_tokens_eq(&r.tokens, &sum);            /* the outcome counts both */
        assert_cost(r.failures[0].cost_usd, apis[k], k ? "claude-haiku-4-5" : "gpt-4o-mini", &t0);
        json_object *msgs = jget(rec[1], "body.messages");
        size_t n = json_object_array_length(msgs);
        assert_int_equal(n, k == 0 ? 4 : 3);
        assert_string_equal(jstr(msgs, k == 0 ? "2.role" : "1.role"), "assistant");
        assert_string_equal(jstr(msgs, k == 0 ? "3.role" : "2.role"), "user");
        assert_non_null(strstr(jstr(msgs, k == 0 ? "3.content" : "2.content"), "truncated"));
        if (k == 0) { /* the cut text the model wrote: a strict prefix of the output */
            const char *full = "{\"summary\":\"\",\"skills\":[]}", *cut = jstr(msgs, "2.content");
            assert_true(strlen(cut) > 0 && strlen(cut) < strlen(full));
            assert_memory_equal(cut, full, strlen(cut));
        } else { /* no tool input came back: nothing to quote */
            assert_string_equal(jstr(msgs, "1.content"), "(no output)");
        }
        json_object_put(recs);
        res_free(&r);
    }
    img_llm_destroy(llm);
}

/* A refusal gets one repair, a second refusal moves on. */
static void test_refusal_repair_then_fallback(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script("{\"openai\":[{\"kind\":\"refusal\"},{\"kind\":\"refusal\"}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.attempts, 1);
    assert_int_equal(r.n_failures, 2);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(r.failures[i].status, -1);
        assert_non_null(strstr(r.failures[i].error, "refused"));
        assert_true(r.failures[i].tokens.output > 0);
    }
    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "openai", rec, 4), 2);
    /* The repair quotes the refusal back. */
    assert_string_equal(jstr(rec[1], "body.messages.2.role"), "assistant");
    assert_non_null(strstr(jstr(rec[1], "body.messages.2.content"), "sorry"));
    img_llm_tokens_t t0 = usage_of(rec[0]);
    assert_tokens_eq(&r.failures[0].tokens, &t0);
    assert_int_equal(records_of(recs, "anthropic", rec, 4), 1);
    img_llm_tokens_t ta = usage_of(rec[0]);
    assert_tokens_eq(&r.tokens, &ta); /* the outcome meters only the provider that wrote it */
    json_object_put(recs);
    res_free(&r);

    reset_fake(NULL);
    fake_script("{\"anthropic\":[{\"kind\":\"refusal\"},{\"kind\":\"ok\"}]}");
    call = make_call(CH_AO);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.attempts, 2);
    res_free(&r);
    img_llm_destroy(llm);
}

/* A reply slower than the timeout is a retriable failure; twice with one
 * retry allowed moves to the next provider. */
static void test_slow_timeout(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){.timeout_ms = 500, .max_retries = 1});
    fake_script("{\"openai\":[{\"kind\":\"slow\",\"delay_ms\":3000}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.n_failures, 1);
    assert_int_equal(r.failures[0].status, 0);
    assert_string_equal(r.failures[0].error, "timeout");
    res_free(&r);

    reset_fake(NULL);
    fake_script("{\"openai\":[{\"kind\":\"slow\",\"delay_ms\":3000},{\"kind\":\"slow\","
                "\"delay_ms\":3000}]}");
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 2);
    assert_string_equal(r.failures[1].error, "timeout");
    assert_int_equal(count_api("openai"), 2);
    res_free(&r);
    img_llm_destroy(llm);
}

/* No attempt starts after the stage deadline; the one in flight is cut at it. */
static void test_stage_deadline(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){.timeout_ms = 5000, .deadline_ms = 700});
    fake_script("{\"openai\":[{\"kind\":\"slow\",\"delay_ms\":3000}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_null(r.output);
    assert_string_equal(r.provider, "offline");
    assert_int_equal(r.n_failures, 2);
    assert_string_equal(r.failures[0].error, "timeout");
    assert_string_equal(r.failures[1].error, "stage deadline exceeded");
    assert_int_equal(count_api("openai"), 1);
    assert_int_equal(count_api("anthropic"), 0);
    res_free(&r);
    img_llm_destroy(llm);
}

/* A body cut short, and a gateway's HTML 502, are retried. */
static void test_cut_and_html502(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script("{\"openai\":[{\"kind\":\"cut\"}],\"anthropic\":[{\"kind\":\"cut\"}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.failures[0].status, 0);
    assert_string_equal(r.failures[0].error, "connection cut");
    res_free(&r);
    call = make_call(CH_AO);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.attempts, 2);
    assert_string_equal(r.failures[0].error, "connection cut");
    res_free(&r);

    reset_fake(NULL);
    fake_script("{\"openai\":[{\"kind\":\"html502\",\"headers\":{\"retry-after-ms\":\"10\"}}]}");
    call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.failures[0].status, 502);
    assert_string_equal(r.failures[0].error, "502 non-JSON body");
    res_free(&r);
    img_llm_destroy(llm);
}

/* Chunked replies on both APIs; metering unchanged by the framing. */
static void test_chunked(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script("{\"openai\":[{\"kind\":\"ok\",\"chunked\":true,\"output\":{\"summary\":"
                "\"chunked\",\"skills\":[\"c\"]}}],\"anthropic\":[{\"kind\":\"ok\",\"chunked\":"
                "true}]}");
    res_t r;
    const char *const *chains[] = {CH_OPENAI, CH_ANTHROPIC};
    for (int k = 0; k < 2; k++) {
        img_llm_call_t call = make_call(chains[k]);
        run1(llm, &call, NULL, NULL, &r);
        assert_non_null(r.output);
        assert_int_equal(r.attempts, 1);
        if (k == 0)
            assert_string_equal(jstr(r.output, "summary"), "chunked");
        json_object *recs = fake_requests(), *rec[4];
        assert_int_equal(records_of(recs, k ? "anthropic" : "openai", rec, 4), 1);
        assert_true(json_object_get_boolean(jget(rec[0], "step.chunked")));
        img_llm_tokens_t t = usage_of(rec[0]);
        assert_tokens_eq(&r.tokens, &t);
        json_object_put(recs);
        res_free(&r);
    }
    img_llm_destroy(llm);
}

/* Replies full of fields the client has never heard of, at every level. */
static void test_unknown_fields(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script(
        "{\"openai\":[{\"kind\":\"status\",\"status\":200,\"content_type\":\"application/json\","
        "\"body\":{\"id\":\"x\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
        "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
        "\"{\\\"summary\\\":\\\"s\\\",\\\"skills\\\":[\\\"c\\\"]}\",\"refusal\":null,"
        "\"annotations\":[],\"future_field\":{\"a\":1}},\"logprobs\":null,\"finish_reason\":"
        "\"stop\",\"future\":true}],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,"
        "\"total_tokens\":18,\"prompt_tokens_details\":{\"cached_tokens\":3,\"new_thing\":3},"
        "\"brand_new\":{\"x\":[1,2]}},\"service_tier\":\"default\",\"surprise\":[{\"deep\":"
        "{\"deeper\":null}}]}}],"
        "\"anthropic\":[{\"kind\":\"status\",\"status\":200,\"content_type\":\"application/json\","
        "\"body\":{\"id\":\"m\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\","
        "\"content\":[{\"type\":\"thinking\",\"thinking\":\"hmm\",\"signature\":\"x\"},"
        "{\"type\":\"text\",\"text\":\"Here you go\"},{\"type\":\"tool_use\",\"id\":\"t0\","
        "\"name\":\"other_tool\",\"input\":{}},{\"type\":\"tool_use\",\"id\":\"t1\",\"name\":"
        "\"resume_summary\",\"input\":{\"summary\":\"a\",\"skills\":[]},\"caller\":{\"type\":"
        "\"direct\"}}],\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{"
        "\"input_tokens\":5,\"cache_creation_input_tokens\":2,\"cache_read_input_tokens\":3,"
        "\"output_tokens\":4,\"server_tool_use\":{\"web_search_requests\":0}},"
        "\"context_management\":{\"applied_edits\":[]}}}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OPENAI);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(jstr(r.output, "summary"), "s");
    img_llm_tokens_t want = {11, 3, 0, 7};
    assert_tokens_eq(&r.tokens, &want);
    assert_cost(r.cost, "openai", "gpt-4o-mini", &want);
    res_free(&r);

    call = make_call(CH_ANTHROPIC);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(jstr(r.output, "summary"), "a");
    img_llm_tokens_t wa = {10, 3, 2, 4};
    assert_tokens_eq(&r.tokens, &wa);
    assert_cost(r.cost, "anthropic", "claude-haiku-4-5", &wa);
    res_free(&r);
    img_llm_destroy(llm);
}

/* A reply over 8 MiB is aborted and is a permanent failure. */
static void test_body_cap(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    size_t n = (size_t)9 << 20;
    img_buf_t s = IMG_BUF_INIT;
    img_buf_puts(&s, "{\"openai\":[{\"kind\":\"status\",\"status\":200,\"body\":\"");
    img_buf_reserve(&s, n + 64);
    memset(s.data + s.len, 'a', n);
    s.len += n;
    s.data[s.len] = '\0';
    img_buf_puts(&s, "\"}]}");
    fake_script(s.data);
    img_buf_free(&s);
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 1);
    assert_string_equal(r.failures[0].error, "response over 8 MiB");
    assert_int_equal(count_api("openai"), 1);
    res_free(&r);
    img_llm_destroy(llm);
}

/* Threshold 2: two failures open OpenAI's breaker, calls skip it without a
 * request; after the cool-down one probe goes out: a failed probe opens it
 * again, a good one closes it. */
static void test_breaker(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){.threshold = 2, .cooldown_ms = 1500});
    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":500,\"headers\":{\"retry-after-ms\":"
                "\"10\"}},{\"kind\":\"status\",\"status\":500,\"headers\":{\"retry-after-ms\":"
                "\"10\"}}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    assert_string_equal(img_llm_breaker_of(llm, "openai"), "closed");
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 3);
    assert_int_equal(r.failures[0].status, 500);
    assert_int_equal(r.failures[1].status, 500);
    assert_int_equal(r.failures[2].status, 0);
    assert_string_equal(r.failures[2].error, "circuit open");
    assert_string_equal(img_llm_breaker_of(llm, "openai"), "open");
    assert_string_equal(img_llm_breaker_of(llm, "anthropic"), "closed");
    assert_null(img_llm_breaker_of(llm, "nobody"));
    res_free(&r);

    run1(llm, &call, NULL, NULL, &r); /* refused without a request */
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(r.n_failures, 1);
    assert_string_equal(r.failures[0].error, "circuit open");
    assert_int_equal(count_api("openai"), 2);
    res_free(&r);

    usleep(1600 * 1000); /* past the cool-down */
    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":500}]}");
    run1(llm, &call, NULL, NULL, &r); /* the probe fails: open again, no retry */
    assert_string_equal(r.provider, "anthropic");
    assert_int_equal(count_api("openai"), 3);
    assert_string_equal(r.failures[r.n_failures - 1].error, "circuit open");
    assert_string_equal(img_llm_breaker_of(llm, "openai"), "open");
    res_free(&r);

    usleep(1600 * 1000);
    run1(llm, &call, NULL, NULL, &r); /* the probe succeeds */
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.n_failures, 0);
    assert_int_equal(count_api("openai"), 4);
    assert_string_equal(img_llm_breaker_of(llm, "openai"), "closed");
    res_free(&r);
    img_llm_destroy(llm);
}

/* 200 calls on one client at once, some rate-limited, all complete. */
static void test_concurrent(void **state)
{
    (void)state;
    enum { N = 200, LIMITED = 20 };
    /* Which call meets the 429s depends on arrival order: enough retries that
     * none runs out, and a breaker that a burst of them cannot open. */
    img_llm_t *llm = client((copts_t){.max_retries = LIMITED + 1, .threshold = 1000});
    img_buf_t s = IMG_BUF_INIT;
    img_buf_puts(&s, "{\"openai\":[");
    for (int i = 0; i < LIMITED; i++)
        img_buf_printf(&s,
                       "%s{\"kind\":\"status\",\"status\":429,\"headers\":{\"retry-after-ms\":"
                       "\"10\"}}",
                       i ? "," : "");
    img_buf_puts(&s, "]}");
    fake_script(s.data);
    img_buf_free(&s);
    res_t *r = calloc(N, sizeof(*r));
    img_llm_call_t calls[2] = {make_call(CH_OPENAI), make_call(CH_ANTHROPIC)};
    for (int i = 0; i < N; i++)
        img_llm_run(llm, &calls[i % 2], NULL, on_done, &r[i]);
    assert_int_equal(img_llm_pending(llm), N);
    img_llm_wait(llm);
    assert_int_equal(img_llm_pending(llm), 0);
    int retried = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].done, 1);
        for (size_t k = 0; !r[i].output && k < r[i].n_failures; k++)
            print_message("call %d failure %zu: %s\n", i, k, r[i].failures[k].error);
        assert_non_null(r[i].output);
        assert_string_equal(r[i].provider, i % 2 ? "anthropic" : "openai");
        retried += r[i].attempts - 1;
        res_free(&r[i]);
    }
    assert_int_equal(retried, LIMITED);
    assert_int_equal(count_api("openai"), N / 2 + LIMITED);
    assert_int_equal(count_api("anthropic"), N / 2);
    free(r);
    img_llm_destroy(llm);
}

/* A model missing from the price table costs NAN, failed billed attempts too. */
static void test_unknown_model_cost(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){.openai_model = "fake-model-x"});
    fake_script("{\"openai\":[{\"kind\":\"truncate\"}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OPENAI);
    run1(llm, &call, NULL, NULL, &r);
    assert_non_null(r.output);
    assert_string_equal(r.model, "fake-model-x");
    assert_true(isnan(r.cost));
    assert_true(isnan(r.failures[0].cost_usd));
    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "openai", rec, 4), 2);
    img_llm_tokens_t sum = usage_of(rec[0]), t1 = usage_of(rec[1]);
    add_tokens(&sum, &t1);
    assert_tokens_eq(&r.tokens, &sum); /* tokens are still metered */
    json_object_put(recs);
    res_free(&r);
    img_llm_destroy(llm);
}

/* openai-compatible: max_tokens, Authorization only with a key; priced as openai. */
static void test_openai_compatible(void **state)
{
    (void)state;
    static const char *const chain[] = {"openai-compatible", "anthropic", NULL};
    img_llm_t *llm = client((copts_t){0}); /* no key */
    res_t r;
    img_llm_call_t call = make_call(chain);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "anthropic"); /* the fake demands a key: 401 */
    assert_int_equal(r.failures[0].status, 401);
    assert_string_equal(r.failures[0].error, "401 invalid_request_error"); /* no message */
    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "openai", rec, 4), 1);
    assert_null(jget(rec[0], "headers.authorization"));
    json_object_put(recs);
    res_free(&r);
    img_llm_destroy(llm);

    reset_fake(NULL);
    llm = client((copts_t){.compat_key = "local-key"});
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai-compatible");
    recs = fake_requests();
    assert_int_equal(records_of(recs, "openai", rec, 4), 1);
    assert_string_equal(jstr(rec[0], "headers.authorization"), "Bearer local-key");
    assert_int_equal(jlong(rec[0], "body.max_tokens"), 4096);
    assert_null(jget(rec[0], "body.max_completion_tokens"));
    img_llm_tokens_t t = usage_of(rec[0]);
    assert_tokens_eq(&r.tokens, &t);
    assert_cost(r.cost, "openai", "gpt-4o-mini", &t);
    json_object_put(recs);
    res_free(&r);
    img_llm_destroy(llm);
}

/* "offline" ends the chain; an unconfigured name is a failure, not a crash. */
static void test_offline_chain(void **state)
{
    (void)state;
    static const char *const off[] = {"offline", NULL};
    static const char *const mid[] = {"openai", "offline", "anthropic", NULL};
    static const char *const unk[] = {"mystery", "openai", NULL};
    img_llm_t *llm = client((copts_t){0});
    res_t r;
    img_llm_call_t call = make_call(off);
    run1(llm, &call, NULL, NULL, &r);
    assert_null(r.output);
    assert_string_equal(r.provider, "offline");
    assert_int_equal(r.n_failures, 0);
    res_free(&r);

    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":400}]}");
    call = make_call(mid);
    run1(llm, &call, NULL, NULL, &r);
    assert_null(r.output);
    assert_string_equal(r.provider, "offline");
    assert_int_equal(r.n_failures, 1);
    assert_int_equal(count_api("anthropic"), 0);
    res_free(&r);

    call = make_call(unk);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_string_equal(r.failures[0].error, "provider not configured");
    res_free(&r);
    img_llm_destroy(llm);
}

static int g_validations;

static img_err_t need_summary(void *opaque, json_object *out, char *errstr, size_t errstr_size)
{
    (void)opaque;
    g_validations++;
    const char *s = jstr(out, "summary");
    if (!s || !*s)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "summary must not be empty");
    return IMG_OK;
}

/* The caller's validator and the schema-level object check both trigger the
 * repair; the repair request carries the validator's reason. */
static void test_validation_repair(void **state)
{
    (void)state;
    img_llm_t *llm = client((copts_t){0});
    fake_script("{\"openai\":[{\"kind\":\"ok\"},{\"kind\":\"ok\",\"output\":{\"summary\":"
                "\"fixed\",\"skills\":[]}}]}");
    res_t r;
    img_llm_call_t call = make_call(CH_OA);
    g_validations = 0;
    run1(llm, &call, need_summary, NULL, &r);
    assert_int_equal(g_validations, 2);
    assert_string_equal(r.provider, "openai");
    assert_string_equal(jstr(r.output, "summary"), "fixed");
    assert_int_equal(r.attempts, 2);
    assert_int_equal(r.failures[0].status, -1);
    assert_string_equal(r.failures[0].error, "summary must not be empty");
    json_object *recs = fake_requests(), *rec[4];
    assert_int_equal(records_of(recs, "openai", rec, 4), 2);
    assert_string_equal(jstr(rec[1], "body.messages.2.content"),
                        "{\"summary\":\"\",\"skills\":[]}");
    assert_non_null(strstr(jstr(rec[1], "body.messages.3.content"), "summary must not be empty"));
    img_llm_tokens_t t0 = usage_of(rec[0]), sum = t0, t1 = usage_of(rec[1]);
    add_tokens(&sum, &t1);
    assert_tokens_eq(&r.failures[0].tokens, &t0);
    assert_tokens_eq(&r.tokens, &sum);
    assert_cost(r.cost, "openai", "gpt-4o-mini", &sum);
    json_object_put(recs);
    res_free(&r);

    /* Not an object, twice: repair, then the next provider. */
    reset_fake(NULL);
    fake_script("{\"anthropic\":[{\"kind\":\"invalid\",\"output\":[1,2]},{\"kind\":\"invalid\","
                "\"output\":[1,2]}]}");
    call = make_call(CH_AO);
    run1(llm, &call, NULL, NULL, &r);
    assert_string_equal(r.provider, "openai");
    assert_int_equal(r.n_failures, 2);
    assert_string_equal(r.failures[0].error, "output is not a JSON object");
    assert_int_equal(count_api("anthropic"), 2);
    res_free(&r);
    img_llm_destroy(llm);
}

/* ---------------------------------------------------------- event-loop mode */

typedef struct tloop {
    struct pollfd fds[1024];
    size_t n, max_n;
    int64_t due;
    int timers;
} tloop_t;

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void tl_watch(void *opaque, int fd, int what)
{
    tloop_t *L = opaque;
    size_t i;
    for (i = 0; i < L->n && L->fds[i].fd != fd; i++)
        ;
    if (what == 0) {
        if (i < L->n)
            L->fds[i] = L->fds[--L->n];
        return;
    }
    if (i == L->n) {
        assert_true(L->n < 1024);
        L->n++;
    }
    L->fds[i].fd = fd;
    L->fds[i].events = (short)((what & 1 ? POLLIN : 0) | (what & 2 ? POLLOUT : 0));
    if (L->n > L->max_n)
        L->max_n = L->n;
}

static void tl_timer(void *opaque, long ms)
{
    tloop_t *L = opaque;
    L->due = ms < 0 ? -1 : mono_ms() + ms;
    L->timers++;
}

/* One pass of a tiny poll() loop. */
static void tl_once(img_llm_t *llm, tloop_t *L, int max_wait)
{
    int64_t now = mono_ms();
    int to = L->due < 0 ? max_wait : L->due <= now ? 0 : (int)(L->due - now);
    if (to > max_wait)
        to = max_wait;
    static struct pollfd snap[1024];
    size_t n = L->n;
    memcpy(snap, L->fds, n * sizeof(*snap));
    if (poll(snap, n, to) > 0)
        for (size_t i = 0; i < n; i++)
            if (snap[i].revents)
                img_llm_loop_on_fd(llm, snap[i].fd,
                                   !!(snap[i].revents & (POLLIN | POLLHUP | POLLERR)),
                                   !!(snap[i].revents & (POLLOUT | POLLERR)));
    if (L->due >= 0 && mono_ms() >= L->due) {
        L->due = -1;
        img_llm_loop_on_timer(llm);
    }
}

/* The same state machine driven by an external loop: fds and one timer. */
static void test_loop_mode(void **state)
{
    (void)state;
    enum { N = 40 };
    tloop_t *L = calloc(1, sizeof(*L));
    L->due = -1;
    img_llm_t *llm = client((copts_t){0});
    img_llm_loop_ops_t ops = {L, tl_watch, tl_timer};
    img_llm_loop_attach(llm, &ops);
    fake_script("{\"openai\":[{\"kind\":\"status\",\"status\":429,\"headers\":{\"retry-after-ms\":"
                "\"10\"}},{\"kind\":\"truncate\"},{\"kind\":\"status\",\"status\":500}],"
                "\"anthropic\":[{\"kind\":\"overloaded\",\"headers\":{\"retry-after-ms\":\"10\"}},"
                "{\"kind\":\"cut\"}]}");
    res_t *r = calloc(N, sizeof(*r));
    img_llm_call_t calls[2] = {make_call(CH_OA), make_call(CH_AO)};
    for (int i = 0; i < N; i++)
        img_llm_run(llm, &calls[i % 2], NULL, on_done, &r[i]);
    assert_true(L->due >= 0); /* the loop was asked to wake us */
    for (int i = 0; i < N; i++)
        assert_int_equal(r[i].done, 0);
    while (img_llm_pending(llm))
        tl_once(llm, L, 1000);
    int extra = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(r[i].done, 1);
        assert_non_null(r[i].output);
        extra += (int)r[i].n_failures;
        res_free(&r[i]);
    }
    assert_int_equal(extra, 5); /* one failure per scripted step */
    assert_int_equal(count_api("openai") + count_api("anthropic"), N + 5);
    assert_true(L->max_n > 0);
    assert_true(L->timers > 0);
    free(r);
    img_llm_destroy(llm);
    free(L);
}

/* Destroying a client with calls in flight and queued: no callback, no leak. */
static void test_destroy_in_flight(void **state)
{
    (void)state;
    tloop_t *L = calloc(1, sizeof(*L));
    L->due = -1;
    img_llm_t *llm = client((copts_t){0});
    img_llm_loop_ops_t ops = {L, tl_watch, tl_timer};
    img_llm_loop_attach(llm, &ops);
    fake_script("{\"openai\":[{\"kind\":\"slow\",\"delay_ms\":2000}]}");
    res_t r[2];
    memset(r, 0, sizeof(r));
    img_llm_call_t call = make_call(CH_OPENAI);
    img_llm_run(llm, &call, NULL, on_done, &r[0]);
    for (int i = 0; i < 500 && count_api("openai") < 1; i++)
        tl_once(llm, L, 10);
    assert_int_equal(count_api("openai"), 1);      /* in flight */
    img_llm_run(llm, &call, NULL, on_done, &r[1]); /* queued */
    assert_int_equal(img_llm_pending(llm), 2);
    img_llm_destroy(llm);
    assert_int_equal(r[0].done + r[1].done, 0);
    free(L);
}

int main(void)
{
    if (!getenv("IMG_SOURCE_DIR") || !fake_script_path()) {
        fprintf(stderr, "skip: tests/fake_llm/fake_llm.py not found (IMG_SOURCE_DIR)\n");
        return 77;
    }
    if (!python3_on_path()) {
        fprintf(stderr, "skip: python3 not found\n");
        return 77;
    }
    signal(SIGPIPE, SIG_IGN);
    alarm(900); /* a hung transfer fails the test instead of blocking ctest */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    img_log_setup(IMG_LOG_ERROR, IMG_LOG_LOGFMT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_openai_success, reset_fake),
        cmocka_unit_test_setup(test_anthropic_success, reset_fake),
        cmocka_unit_test_setup(test_429_retry_after, reset_fake),
        cmocka_unit_test_setup(test_overloaded_then_success, reset_fake),
        cmocka_unit_test_setup(test_500_fallback, reset_fake),
        cmocka_unit_test_setup(test_permanent_next_at_once, reset_fake),
        cmocka_unit_test_setup(test_truncation_repair, reset_fake),
        cmocka_unit_test_setup(test_refusal_repair_then_fallback, reset_fake),
        cmocka_unit_test_setup(test_slow_timeout, reset_fake),
        cmocka_unit_test_setup(test_stage_deadline, reset_fake),
        cmocka_unit_test_setup(test_cut_and_html502, reset_fake),
        cmocka_unit_test_setup(test_chunked, reset_fake),
        cmocka_unit_test_setup(test_unknown_fields, reset_fake),
        cmocka_unit_test_setup(test_body_cap, reset_fake),
        cmocka_unit_test_setup(test_breaker, reset_fake),
        cmocka_unit_test_setup(test_concurrent, reset_fake),
        cmocka_unit_test_setup(test_unknown_model_cost, reset_fake),
        cmocka_unit_test_setup(test_openai_compatible, reset_fake),
        cmocka_unit_test_setup(test_offline_chain, reset_fake),
        cmocka_unit_test_setup(test_validation_repair, reset_fake),
        cmocka_unit_test_setup(test_loop_mode, reset_fake),
        cmocka_unit_test_setup(test_destroy_in_flight, reset_fake),
    };
    int rc = cmocka_run_group_tests(tests, start_fake, stop_fake);
    json_object_put(g_schema);
    curl_global_cleanup();
    return rc;
}
