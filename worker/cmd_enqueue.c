/*
 * imaginator enqueue: produces analysis requests (imaginator.request.v1) on the
 * requests topic, for people, scripts and tests.
 *
 *   --resume F --job F   one request from two text files (--count N copies)
 *   --jsonl FILE         one request per line (a JSON object of request fields)
 *   --raw FILE           the file's bytes as one message value, unchecked
 *
 * The producer is idempotent (enable.idempotence=true: librdkafka's retries
 * never duplicate a message); the message key is the request_id, the API key
 * travels in the header `authorization: Bearer <key>` and is never printed.
 * Every message is validated with the worker's own parser before anything is
 * sent (except --raw), so a bad line fails here and not in the dead-letter
 * topic. Standard output lists the delivered request ids in input order as
 * their delivery reports arrive; the command waits for every report.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <librdkafka/rdkafka.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sysexits.h>
#include <time.h>

#include "cmd_enqueue_int.h"
#include "img_cli.h"
#include "img_request.h"
#include "pipeline/img_config.h"
#include "util/img_buf.h"
#include "util/img_utf8.h"

static const char usage[] =
    "usage: imaginator enqueue --resume FILE --job FILE [options]\n"
    "       imaginator enqueue --jsonl FILE [options]\n"
    "       imaginator enqueue --raw FILE [options]\n"
    "Sends analysis requests to the requests topic and prints one request id per line,\n"
    "in input order, once each is delivered (acknowledged by the broker).\n"
    "  --resume FILE        the resume, plain UTF-8 text (- for standard input)\n"
    "  --job FILE           the job ad, plain UTF-8 text (- for standard input)\n"
    "  --jsonl FILE         one request per line: a JSON object with the request's fields\n"
    "                       (resume_text, job_ad, ...); request_id is generated when absent;\n"
    "                       blank lines are skipped; nothing is sent if any line is invalid\n"
    "  --raw FILE           send the file's bytes as one message value, unchecked (tests,\n"
    "                       re-driving dead letters); prints \"TOPIC PARTITION OFFSET\"\n"
    "  --key KEY            the tenant's API key (default: IMAGINATOR_API_KEY); sent in the\n"
    "                       header authorization: Bearer KEY, never printed\n"
    "  --count N            send N requests (default 1); each gets its own generated id,\n"
    "                       unless --request-id is given: then all N carry that id\n"
    "                       (deliberate duplicates)\n"
    "  --request-id ID      the request id (default: req- and 16 random hex digits); with\n"
    "                       --raw, the message key\n"
    "  --providers CHAIN    the request's provider chain (options.providers), e.g.\n"
    "                       anthropic,openai,offline\n"
    "  --as-of YYYY-MM      the request's options.as_of (fixes \"today\")\n"
    "  --topic TOPIC        topic (default: kafka.requests_topic, imaginator.requests)\n"
    "  --brokers LIST       Kafka bootstrap servers (default: IMAGINATOR_BROKERS,\n"
    "                       kafka.brokers)\n"
    "  -X, --kafka KEY=VALUE  a librdkafka property of the producer (TLS, SASL), as\n"
    "                       kafka.KEY in the file\n"
    "  --timeout SECONDS    how long to wait for the broker to acknowledge (default 60)\n"
    "  --config FILE        settings file (kafka.brokers, kafka.*, size limits)\n"
    "exit codes: 0 every message delivered, 64 usage, 65 invalid request data, 66 missing or\n"
    "unreadable file, 69 some message not delivered, 78 bad config\n";

/* ---- options -------------------------------------------------------------- */

static int parse_long(const char *opt, const char *s, long min, long max, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) {
        img_cli_error("enqueue", "%s: \"%s\" is not a number from %ld to %ld", opt, s, min, max);
        return EX_USAGE;
    }
    *out = v;
    return EX_OK;
}

/* Returns EX_OK, -1 after --help, or EX_USAGE. */
static int parse_args(int argc, char **argv, img_enq_opts_t *o)
{
    static const struct option opts[] = {{"resume", required_argument, NULL, 'r'},
                                         {"job", required_argument, NULL, 'j'},
                                         {"jsonl", required_argument, NULL, 'l'},
                                         {"raw", required_argument, NULL, 'R'},
                                         {"key", required_argument, NULL, 'k'},
                                         {"count", required_argument, NULL, 'n'},
                                         {"request-id", required_argument, NULL, 'i'},
                                         {"providers", required_argument, NULL, 'p'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"topic", required_argument, NULL, 't'},
                                         {"timeout", required_argument, NULL, 'T'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"brokers", required_argument, NULL, 'b'},
                                         {"kafka", required_argument, NULL, 'X'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    memset(o, 0, sizeof(*o));
    o->count = 1;
    o->timeout_s = 60;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hX:", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->resume = optarg;
            break;
        case 'j':
            o->job = optarg;
            break;
        case 'l':
            o->jsonl = optarg;
            break;
        case 'R':
            o->raw = optarg;
            break;
        case 'k':
            o->key = optarg;
            break;
        case 'n':
            if (parse_long("--count", optarg, 1, 100000000, &o->count) != EX_OK)
                return EX_USAGE;
            break;
        case 'i':
            o->request_id = optarg;
            break;
        case 'p':
            o->providers = optarg;
            break;
        case 'a':
            o->as_of = optarg;
            break;
        case 't':
            o->topic = optarg;
            break;
        case 'T':
            if (parse_long("--timeout", optarg, 1, 86400, &o->timeout_s) != EX_OK)
                return EX_USAGE;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'b':
            o->brokers = optarg;
            break;
        case 'X':
            if (!strchr(optarg, '=') || optarg[0] == '=' ||
                o->n_props == sizeof(o->props) / sizeof(o->props[0])) {
                img_cli_error("enqueue", "-X needs KEY=VALUE, got \"%s\"", optarg);
                return EX_USAGE;
            }
            o->props[o->n_props++] = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        case ':':
            img_cli_error("enqueue", "option \"%s\" needs a value; see imaginator enqueue --help",
                          argv[optind - 1]);
            return EX_USAGE;
        default:
            img_cli_error("enqueue", "unknown option \"%s\"; see imaginator enqueue --help",
                          argv[optind - 1]);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        img_cli_error("enqueue", "unexpected argument \"%s\"; see imaginator enqueue --help",
                      argv[optind]);
        return EX_USAGE;
    }
    int modes = (o->resume || o->job) + !!o->jsonl + !!o->raw;
    if (modes != 1) {
        img_cli_error("enqueue", "%s; see imaginator enqueue --help",
                      modes ? "give one of --resume/--job, --jsonl or --raw"
                            : "nothing to send: give --resume and --job, --jsonl or --raw");
        return EX_USAGE;
    }
    if ((o->resume || o->job) && !(o->resume && o->job)) {
        img_cli_error("enqueue", "missing %s", o->resume ? "--job FILE" : "--resume FILE");
        return EX_USAGE;
    }
    if (o->resume && o->job && !strcmp(o->resume, "-") && !strcmp(o->job, "-")) {
        img_cli_error("enqueue", "only one of --resume and --job can read standard input");
        return EX_USAGE;
    }
    if (o->jsonl && (o->request_id || o->count != 1 || o->providers || o->as_of)) {
        img_cli_error("enqueue", "--jsonl takes every field from its lines: --request-id, "
                                 "--count, --providers and --as-of do not apply");
        return EX_USAGE;
    }
    if (o->raw && (o->providers || o->as_of)) {
        img_cli_error("enqueue", "--raw sends the file as it is: --providers and --as-of do not "
                                 "apply");
        return EX_USAGE;
    }
    if (o->request_id && !img_request_id_valid(o->request_id, strlen(o->request_id))) {
        img_cli_error("enqueue", "--request-id: 1 to %d characters of A-Z a-z 0-9 . _ : -",
                      IMG_REQUEST_ID_MAX);
        return EX_USAGE;
    }
    return EX_OK;
}

/* A key is 1-256 printable ASCII characters without blanks (what the worker
 * accepts in a Bearer header); the message never quotes it. */
static int key_valid(const char *key)
{
    size_t n = strlen(key);
    if (n < 1 || n > 256)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)key[i] <= 0x20 || (unsigned char)key[i] >= 0x7f)
            return 0;
    return 1;
}

/* "req-" and 16 random hex digits into id[21]. */
static int gen_id(char id[21])
{
    unsigned char r[8];
    size_t got = 0;
    while (got < sizeof(r)) {
        ssize_t k = getrandom(r + got, sizeof(r) - got, 0);
        if (k < 0 && errno != EINTR)
            return -1;
        if (k > 0)
            got += (size_t)k;
    }
    snprintf(id, 21, "req-%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1], r[2], r[3], r[4], r[5],
             r[6], r[7]);
    return 0;
}

/* ---- the three modes ------------------------------------------------------ */

/* Validates a request value with the worker's parser; prints "where: reason". */
static int validate(const char *where, const char *value, size_t len, const img_config_t *cfg)
{
    img_request_t req;
    char err[512];
    img_request_limits_t lim = {cfg->worker_max_message_bytes, cfg->max_document_bytes};
    memset(&req, 0, sizeof(req));
    img_request_reason_t r = img_request_parse(&req, value, len, &lim, err, sizeof(err));
    img_request_clear(&req);
    if (r == IMG_REQ_OK)
        return EX_OK;
    img_cli_error("enqueue", "%s: %s (%s)", where, err, img_request_reason_code(r));
    return EX_DATAERR;
}

static int read_doc(const char *what, const char *path, img_buf_t *buf)
{
    char err[512];
    if (img_buf_read_file(buf, path, (size_t)1 << 30, err, sizeof(err)) != IMG_OK) {
        img_cli_error("enqueue", "%s: %s", what, err);
        return EX_NOINPUT;
    }
    return EX_OK;
}

/* The request object for --resume/--job (*out, caller puts it) with a placeholder
 * request_id that the caller replaces. */
static int build_pair(const img_enq_opts_t *o, json_object **out)
{
    img_buf_t resume = IMG_BUF_INIT, job = IMG_BUF_INIT;
    int rc;
    if ((rc = read_doc("--resume", o->resume, &resume)) != EX_OK ||
        (rc = read_doc("--job", o->job, &job)) != EX_OK) {
        img_buf_free(&resume);
        img_buf_free(&job);
        return rc;
    }
    /* Name the file and the byte in it, not the offset in the message. */
    size_t bad = 0;
    const char *which = NULL;
    if (!img_utf8_valid(resume.data, resume.len, &bad))
        which = "--resume";
    else if (!img_utf8_valid(job.data, job.len, &bad))
        which = "--job";
    if (which) {
        img_cli_error("enqueue", "%s: %s: invalid UTF-8 at byte %zu", which,
                      which[2] == 'r' ? o->resume : o->job, bad);
        img_buf_free(&resume);
        img_buf_free(&job);
        return EX_DATAERR;
    }
    json_object *obj = json_object_new_object();
    json_object_object_add(obj, "schema", json_object_new_string(IMG_REQUEST_SCHEMA));
    json_object_object_add(obj, "request_id", json_object_new_string("-"));
    json_object_object_add(obj, "resume_text",
                           json_object_new_string_len(resume.data, (int)resume.len));
    json_object_object_add(obj, "job_ad", json_object_new_string_len(job.data, (int)job.len));
    img_buf_free(&resume);
    img_buf_free(&job);
    if (o->providers || o->as_of) {
        json_object *opt = json_object_new_object();
        if (o->providers) {
            json_object *arr = json_object_new_array();
            char *copy = strdup(o->providers), *save = NULL;
            for (char *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
                json_object_array_add(arr, json_object_new_string(t));
            free(copy);
            json_object_object_add(opt, "providers", arr);
        }
        if (o->as_of)
            json_object_object_add(opt, "as_of", json_object_new_string(o->as_of));
        json_object_object_add(obj, "options", opt);
    }
    *out = obj;
    return EX_OK;
}

static int run_pair(const img_enq_opts_t *o, const img_config_t *cfg, img_enq_t *q,
                    const char *auth)
{
    json_object *obj = NULL;
    int rc = build_pair(o, &obj);
    if (rc != EX_OK)
        return rc;
    char id[IMG_REQUEST_ID_MAX + 1];
    /* Validate once with the real id length (ids are all 20 characters when
     * generated); the documents are what can be wrong. */
    if (o->request_id)
        snprintf(id, sizeof(id), "%s", o->request_id);
    else if (gen_id(id) != 0) {
        img_cli_error("enqueue", "no random numbers: %s", strerror(errno));
        json_object_put(obj);
        return EX_OSERR;
    }
    json_object_object_add(obj, "request_id", json_object_new_string(id));
    const char *value = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
    rc = validate("request", value, strlen(value), cfg);
    if (rc == EX_OK && (rc = img_enq_producer_new(q, cfg, o, strlen(value))) == EX_OK) {
        for (long i = 0; i < o->count && rc == EX_OK; i++) {
            if (i > 0 && !o->request_id) {
                if (gen_id(id) != 0) {
                    img_cli_error("enqueue", "no random numbers: %s", strerror(errno));
                    rc = EX_OSERR;
                    break;
                }
                json_object_object_add(obj, "request_id", json_object_new_string(id));
                value = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN |
                                                                JSON_C_TO_STRING_NOSLASHESCAPE);
            }
            size_t idx = img_enq_add(q, strdup(id));
            rc = img_enq_produce(q, idx, id, value, strlen(value), auth);
        }
        int frc = img_enq_finish(q, o->timeout_s);
        if (rc == EX_OK)
            rc = frc;
    }
    json_object_put(obj);
    return rc;
}

static int run_raw(const img_enq_opts_t *o, const img_config_t *cfg, img_enq_t *q, const char *auth)
{
    img_buf_t raw = IMG_BUF_INIT;
    int rc = read_doc("--raw", o->raw, &raw);
    if (rc == EX_OK && (rc = img_enq_producer_new(q, cfg, o, raw.len)) == EX_OK) {
        q->raw = 1;
        for (long i = 0; i < o->count && rc == EX_OK; i++) {
            size_t idx = img_enq_add(q, o->request_id ? strdup(o->request_id) : NULL);
            rc = img_enq_produce(q, idx, o->request_id, raw.data, raw.len, auth);
        }
        int frc = img_enq_finish(q, o->timeout_s);
        if (rc == EX_OK)
            rc = frc;
    }
    img_buf_free(&raw);
    return rc;
}

/* One JSONL line (trimmed) as the value to send: the line itself when it names
 * a request_id, else the line with "request_id":"<id>" spliced in first (the
 * other bytes unchanged). *id_out gets the id (caller frees). */
static int jsonl_value(const char *path, long lineno, const char *line, size_t len,
                       const char *given_id, img_buf_t *value, char **id_out)
{
    char where[64 + 4096];
    snprintf(where, sizeof(where), "%s:%ld", path, lineno);
    json_tokener *tok = json_tokener_new();
    json_object *obj = json_tokener_parse_ex(tok, line, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    if (!obj || jerr != json_tokener_success || used != len) {
        img_cli_error("enqueue", "%s: not one JSON object (%s)", where,
                      obj                             ? "trailing data"
                      : jerr == json_tokener_continue ? "incomplete JSON"
                                                      : json_tokener_error_desc(jerr));
        json_object_put(obj);
        return EX_DATAERR;
    }
    if (!json_object_is_type(obj, json_type_object)) {
        img_cli_error("enqueue", "%s: not a JSON object", where);
        json_object_put(obj);
        return EX_DATAERR;
    }
    json_object *idv = NULL;
    img_buf_clear(value);
    if (json_object_object_get_ex(obj, "request_id", &idv)) {
        if (!json_object_is_type(idv, json_type_string) ||
            !img_request_id_valid(json_object_get_string(idv),
                                  (size_t)json_object_get_string_len(idv))) {
            img_cli_error("enqueue", "%s: request_id: 1 to %d characters of A-Z a-z 0-9 . _ : -",
                          where, IMG_REQUEST_ID_MAX);
            json_object_put(obj);
            return EX_DATAERR;
        }
        *id_out = strdup(json_object_get_string(idv));
        img_buf_append(value, line, len);
    } else {
        char gen[21];
        if (!given_id && gen_id(gen) != 0) {
            img_cli_error("enqueue", "no random numbers: %s", strerror(errno));
            json_object_put(obj);
            return EX_OSERR;
        }
        const char *id = given_id ? given_id : gen;
        *id_out = strdup(id);
        /* line starts with '{' (a JSON object, leading blanks trimmed) */
        img_buf_printf(value, "{\"request_id\":\"%s\"%s", id,
                       json_object_object_length(obj) ? "," : "");
        img_buf_append(value, line + 1, len - 1);
    }
    json_object_put(obj);
    return EX_OK;
}

/* Calls fn for each non-blank line of path (trimmed). */
typedef int (*line_fn)(void *ctx, long lineno, const char *line, size_t len);
static int each_line(const char *path, line_fn fn, void *ctx)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        img_cli_error("enqueue", "--jsonl: %s: %s", path, strerror(errno));
        return EX_NOINPUT;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = EX_OK;
    while (rc == EX_OK && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        size_t s = 0, e = (size_t)n;
        while (s < e && (line[s] == ' ' || line[s] == '\t'))
            s++;
        while (e > s && (line[e - 1] == '\n' || line[e - 1] == '\r' || line[e - 1] == ' ' ||
                         line[e - 1] == '\t'))
            e--;
        if (e == s)
            continue;
        if (e - s > (size_t)INT32_MAX - 1) {
            img_cli_error("enqueue", "%s:%ld: line too long", path, lineno);
            rc = EX_DATAERR;
            break;
        }
        rc = fn(ctx, lineno, line + s, e - s);
    }
    if (rc == EX_OK && ferror(f)) {
        img_cli_error("enqueue", "--jsonl: %s: %s", path, strerror(errno));
        rc = EX_NOINPUT;
    }
    free(line);
    fclose(f);
    return rc;
}

typedef struct jsonl_ctx {
    const char *path;
    const img_config_t *cfg;
    img_enq_t *q;
    const char *auth;
    img_buf_t value;
    size_t index;   /* pass 2: the message being sent */
    size_t largest; /* pass 1: the largest value */
} jsonl_ctx_t;

/* Pass 1: parse, give every line its id, validate; nothing is sent. */
static int jsonl_check(void *ctx, long lineno, const char *line, size_t len)
{
    jsonl_ctx_t *c = ctx;
    char *id = NULL;
    int rc = jsonl_value(c->path, lineno, line, len, NULL, &c->value, &id);
    if (rc != EX_OK)
        return rc;
    img_enq_add(c->q, id);
    if (c->value.len > c->largest)
        c->largest = c->value.len;
    char where[4200];
    snprintf(where, sizeof(where), "%s:%ld", c->path, lineno);
    return validate(where, c->value.data, c->value.len, c->cfg);
}

/* Pass 2: the same lines with the ids of pass 1, sent. */
static int jsonl_send(void *ctx, long lineno, const char *line, size_t len)
{
    jsonl_ctx_t *c = ctx;
    char *id = NULL;
    if (c->index >= c->q->n) {
        img_cli_error("enqueue", "%s changed while it was being read", c->path);
        return EX_DATAERR;
    }
    int rc = jsonl_value(c->path, lineno, line, len, c->q->ids[c->index], &c->value, &id);
    if (rc != EX_OK)
        return rc;
    free(id);
    rc = img_enq_produce(c->q, c->index, c->q->ids[c->index], c->value.data, c->value.len, c->auth);
    c->index++;
    return rc;
}

static int run_jsonl(const img_enq_opts_t *o, const img_config_t *cfg, img_enq_t *q,
                     const char *auth)
{
    jsonl_ctx_t c = {o->jsonl, cfg, q, auth, IMG_BUF_INIT, 0, 0};
    int rc = each_line(o->jsonl, jsonl_check, &c);
    if (rc == EX_OK && q->n == 0) {
        img_cli_error("enqueue", "--jsonl: %s holds no request", o->jsonl);
        rc = EX_DATAERR;
    }
    if (rc == EX_OK && (rc = img_enq_producer_new(q, cfg, o, c.largest)) == EX_OK) {
        rc = each_line(o->jsonl, jsonl_send, &c);
        if (rc == EX_OK && c.index != q->n) {
            img_cli_error("enqueue", "%s changed while it was being read", o->jsonl);
            rc = EX_DATAERR;
        }
        int frc = img_enq_finish(q, o->timeout_s);
        if (rc == EX_OK)
            rc = frc;
    }
    img_buf_free(&c.value);
    return rc;
}

int img_cmd_enqueue(int argc, char **argv)
{
    img_enq_opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;
    char err[512];
    img_config_t cfg;
    if (img_config_init(&cfg, o.config, err, sizeof(err)) != IMG_OK) {
        img_cli_error("enqueue", "%s", err);
        img_config_free(&cfg);
        return EX_CONFIG;
    }
    const char *key = o.key ? o.key : getenv("IMAGINATOR_API_KEY");
    char *auth = NULL;
    if (key && *key) {
        if (!key_valid(key)) {
            img_cli_error("enqueue",
                          "%s: not an API key (1 to 256 printable ASCII characters, "
                          "no blanks)",
                          o.key ? "--key" : "IMAGINATOR_API_KEY");
            img_config_free(&cfg);
            return EX_USAGE;
        }
        size_t n = strlen(key) + 8;
        auth = malloc(n);
        if (!auth) {
            img_config_free(&cfg);
            return EX_OSERR;
        }
        snprintf(auth, n, "Bearer %s", key);
    }
    img_enq_t q;
    memset(&q, 0, sizeof(q));
    q.topic = o.topic ? o.topic : cfg.kafka_requests_topic;
    if (o.raw)
        rc = run_raw(&o, &cfg, &q, auth);
    else if (o.jsonl)
        rc = run_jsonl(&o, &cfg, &q, auth);
    else
        rc = run_pair(&o, &cfg, &q, auth);
    if (!auth && !o.raw && q.delivered > 0)
        img_cli_error("enqueue", "warning: sent without an API key (--key or "
                                 "IMAGINATOR_API_KEY); the workers reject such requests as "
                                 "unauthorized");
    if (q.rk)
        rd_kafka_destroy(q.rk);
    img_enq_free(&q);
    if (auth) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    img_config_free(&cfg);
    return rc;
}
