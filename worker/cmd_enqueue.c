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

typedef struct enq_opts {
    const char *resume, *job, *jsonl, *raw, *key, *request_id, *providers, *as_of, *topic;
    const char *config, *brokers;
    const char *props[64];
    size_t n_props;
    long count;
    long timeout_s;
} enq_opts_t;

enum { MSG_PENDING = 0, MSG_DELIVERED, MSG_FAILED };

/* The messages of one run, by input index: ids for printing in input order. */
typedef struct enq {
    rd_kafka_t *rk;
    int raw;
    const char *topic;
    char **ids; /* request id per message (raw: NULL) */
    unsigned char *state;
    int32_t *partition;
    int64_t *offset;
    size_t n, cap;
    size_t next_print, delivered, failed;
    char first_error[256]; /* first failed delivery's reason */
    char last_error[256];  /* last client error (connection refused...) */
    int fatal;
} enq_t;

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
static int parse_args(int argc, char **argv, enq_opts_t *o)
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

/* ---- the message table ---------------------------------------------------- */

/* Appends a message slot; takes ownership of id (may be NULL). Returns its index. */
static size_t enq_add(enq_t *q, char *id)
{
    if (q->n == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        char **ids = realloc(q->ids, cap * sizeof(*ids));
        unsigned char *state = realloc(q->state, cap);
        int32_t *part = realloc(q->partition, cap * sizeof(*part));
        int64_t *off = realloc(q->offset, cap * sizeof(*off));
        if (ids)
            q->ids = ids;
        if (state)
            q->state = state;
        if (part)
            q->partition = part;
        if (off)
            q->offset = off;
        if (!ids || !state || !part || !off) {
            fputs("imaginator enqueue: out of memory\n", stderr);
            exit(EX_OSERR);
        }
        q->cap = cap;
    }
    q->ids[q->n] = id;
    q->state[q->n] = MSG_PENDING;
    q->partition[q->n] = -1;
    q->offset[q->n] = -1;
    return q->n++;
}

static void enq_free(enq_t *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->ids[i]);
    free(q->ids);
    free(q->state);
    free(q->partition);
    free(q->offset);
}

/* Prints the delivered prefix in input order (failed ones are skipped: the
 * final error line counts them). */
static void enq_print(enq_t *q)
{
    int printed = 0;
    while (q->next_print < q->n && q->state[q->next_print] != MSG_PENDING) {
        size_t i = q->next_print++;
        if (q->state[i] != MSG_DELIVERED)
            continue;
        if (q->raw)
            printf("%s %" PRId32 " %" PRId64 "\n", q->topic, q->partition[i], q->offset[i]);
        else
            printf("%s\n", q->ids[i]);
        printed = 1;
    }
    if (printed)
        fflush(stdout);
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
    enq_t *q = opaque;
    size_t i = (size_t)(uintptr_t)msg->_private;
    if (i >= q->n)
        return;
    if (msg->err) {
        q->state[i] = MSG_FAILED;
        q->failed++;
        if (!q->first_error[0])
            snprintf(q->first_error, sizeof(q->first_error), "%s", rd_kafka_err2str(msg->err));
    } else {
        q->state[i] = MSG_DELIVERED;
        q->partition[i] = msg->partition;
        q->offset[i] = msg->offset;
        q->delivered++;
    }
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    enq_t *q = opaque;
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
        char buf[200];
        rd_kafka_fatal_error(rk, buf, sizeof(buf));
        snprintf(q->last_error, sizeof(q->last_error), "fatal producer error: %s", buf);
        q->fatal = 1;
        return;
    }
    snprintf(q->last_error, sizeof(q->last_error), "%s", reason);
}

/* librdkafka's own log lines would interleave with ours; the final error line
 * carries the last client error instead. */
static void log_cb(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {}

/* Sets one librdkafka property; prints the one error line. */
static int set_prop(rd_kafka_conf_t *conf, const char *label, const char *key, const char *val)
{
    char err[512];
    if (rd_kafka_conf_set(conf, key, val, err, sizeof(err)) == RD_KAFKA_CONF_OK)
        return EX_OK;
    img_cli_error("enqueue", "%s%s: %s", label, key, err);
    return EX_CONFIG;
}

static int producer_new(enq_t *q, const img_config_t *cfg, const enq_opts_t *o, size_t largest)
{
    char err[512], val[32];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    size_t max_bytes = cfg->worker_max_message_bytes + 65536;
    if (largest + 65536 > max_bytes)
        max_bytes = largest + 65536;
    if (max_bytes < 1000000)
        max_bytes = 1000000;
    if (max_bytes > 1000000000)
        max_bytes = 1000000000;
    const char *set[][2] = {{"bootstrap.servers", o->brokers ? o->brokers : cfg->kafka_brokers},
                            {"enable.idempotence", "true"},
                            {"acks", "all"},
                            {"linger.ms", "5"},
                            {"client.id", "imaginator-enqueue"},
                            {"message.max.bytes", NULL},
                            {"message.timeout.ms", NULL}};
    for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
        const char *v = set[i][1];
        if (!strcmp(set[i][0], "message.max.bytes")) {
            snprintf(val, sizeof(val), "%zu", max_bytes);
            v = val;
        } else if (!strcmp(set[i][0], "message.timeout.ms")) {
            snprintf(val, sizeof(val), "%ld", o->timeout_s * 1000);
            v = val;
        }
        if (set_prop(conf, "", set[i][0], v) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    /* kafka.* keys of the config file (security settings...), then -X, win
     * over ours; consumer.* ones are the worker's consumer's only. */
    for (size_t i = 0; i < cfg->n_kafka_props; i++) {
        const char *k = cfg->kafka_props[2 * i], *v = cfg->kafka_props[2 * i + 1];
        if (!strncmp(k, "consumer.", 9))
            continue;
        if (!strncmp(k, "producer.", 9))
            k += 9;
        if (set_prop(conf, "kafka.", k, v) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    for (size_t i = 0; i < o->n_props; i++) {
        char key[256];
        const char *eq = strchr(o->props[i], '=');
        snprintf(key, sizeof(key), "%.*s", (int)(eq - o->props[i]), o->props[i]);
        if (set_prop(conf, "-X ", key, eq + 1) != EX_OK) {
            rd_kafka_conf_destroy(conf);
            return EX_CONFIG;
        }
    }
    rd_kafka_conf_set_opaque(conf, q);
    rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    q->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!q->rk) {
        img_cli_error("enqueue", "Kafka producer: %s", err);
        return EX_CONFIG; /* conf is destroyed by rd_kafka_new on failure */
    }
    return EX_OK;
}

/* Produces one message; waits while the local queue is full. Returns EX_OK
 * or EX_UNAVAILABLE (the one error line is printed by the caller). */
static int produce(enq_t *q, size_t index, const char *key, const void *value, size_t len,
                   const char *authorization)
{
    for (;;) {
        if (q->fatal)
            return EX_UNAVAILABLE;
        rd_kafka_resp_err_t err;
        if (authorization)
            err = rd_kafka_producev(
                q->rk, RD_KAFKA_V_TOPIC(q->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, len),
                RD_KAFKA_V_HEADER("authorization", authorization, -1),
                RD_KAFKA_V_OPAQUE((void *)(uintptr_t)index), RD_KAFKA_V_END);
        else
            err = rd_kafka_producev(
                q->rk, RD_KAFKA_V_TOPIC(q->topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, key ? strlen(key) : 0), RD_KAFKA_V_VALUE((void *)value, len),
                RD_KAFKA_V_OPAQUE((void *)(uintptr_t)index), RD_KAFKA_V_END);
        if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
            break;
        if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
            q->state[index] = MSG_FAILED;
            q->failed++;
            if (!q->first_error[0])
                snprintf(q->first_error, sizeof(q->first_error), "%s", rd_kafka_err2str(err));
            return EX_OK; /* counted; the final line reports it */
        }
        rd_kafka_poll(q->rk, 100);
        enq_print(q);
    }
    rd_kafka_poll(q->rk, 0);
    enq_print(q);
    if ((index + 1) % 1000 == 0)
        fprintf(stderr, "imaginator enqueue: %zu sent, %zu delivered\n", index + 1, q->delivered);
    return EX_OK;
}

/* Waits for every delivery report (librdkafka gives up on a message after
 * message.timeout.ms, so this ends), prints the rest and the verdict. */
static int finish(enq_t *q, long timeout_s)
{
    time_t deadline = time(NULL) + timeout_s + 30;
    while (rd_kafka_outq_len(q->rk) > 0 && !q->fatal && time(NULL) < deadline) {
        rd_kafka_poll(q->rk, 100);
        enq_print(q);
    }
    rd_kafka_flush(q->rk, 0);
    enq_print(q);
    size_t missing = q->n - q->delivered;
    if (missing == 0)
        return EX_OK;
    const char *why = q->first_error[0] ? q->first_error : "no delivery report";
    if (q->fatal)
        why = q->last_error;
    if (q->last_error[0] && !q->fatal)
        img_cli_error("enqueue", "%zu of %zu messages not delivered: %s (last error: %s)", missing,
                      q->n, why, q->last_error);
    else
        img_cli_error("enqueue", "%zu of %zu messages not delivered: %s", missing, q->n, why);
    return EX_UNAVAILABLE;
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

/* The request value for --resume/--job, with "request_id" left for the caller:
 * json holds everything after the id. */
static int build_pair(const enq_opts_t *o, const img_config_t *cfg, json_object **out)
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

static int run_pair(const enq_opts_t *o, const img_config_t *cfg, enq_t *q, const char *auth)
{
    json_object *obj = NULL;
    int rc = build_pair(o, cfg, &obj);
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
    if (rc == EX_OK && (rc = producer_new(q, cfg, o, strlen(value))) == EX_OK) {
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
            size_t idx = enq_add(q, strdup(id));
            rc = produce(q, idx, id, value, strlen(value), auth);
        }
        int frc = finish(q, o->timeout_s);
        if (rc == EX_OK)
            rc = frc;
    }
    json_object_put(obj);
    return rc;
}

static int run_raw(const enq_opts_t *o, const img_config_t *cfg, enq_t *q, const char *auth)
{
    img_buf_t raw = IMG_BUF_INIT;
    int rc = read_doc("--raw", o->raw, &raw);
    if (rc == EX_OK && (rc = producer_new(q, cfg, o, raw.len)) == EX_OK) {
        q->raw = 1;
        for (long i = 0; i < o->count && rc == EX_OK; i++) {
            size_t idx = enq_add(q, o->request_id ? strdup(o->request_id) : NULL);
            rc = produce(q, idx, o->request_id, raw.data, raw.len, auth);
        }
        int frc = finish(q, o->timeout_s);
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
                      obj ? "trailing data" : json_tokener_error_desc(jerr));
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
    enq_t *q;
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
    enq_add(c->q, id);
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
    rc = produce(c->q, c->index, c->q->ids[c->index], c->value.data, c->value.len, c->auth);
    c->index++;
    return rc;
}

static int run_jsonl(const enq_opts_t *o, const img_config_t *cfg, enq_t *q, const char *auth)
{
    jsonl_ctx_t c = {o->jsonl, cfg, q, auth, IMG_BUF_INIT, 0, 0};
    int rc = each_line(o->jsonl, jsonl_check, &c);
    if (rc == EX_OK && q->n == 0) {
        img_cli_error("enqueue", "--jsonl: %s holds no request", o->jsonl);
        rc = EX_DATAERR;
    }
    if (rc == EX_OK && (rc = producer_new(q, cfg, o, c.largest)) == EX_OK) {
        rc = each_line(o->jsonl, jsonl_send, &c);
        if (rc == EX_OK && c.index != q->n) {
            img_cli_error("enqueue", "%s changed while it was being read", o->jsonl);
            rc = EX_DATAERR;
        }
        int frc = finish(q, o->timeout_s);
        if (rc == EX_OK)
            rc = frc;
    }
    img_buf_free(&c.value);
    return rc;
}

int img_cmd_enqueue(int argc, char **argv)
{
    enq_opts_t o;
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
    } else if (!o.raw) {
        img_cli_error("enqueue", "warning: no API key (--key or IMAGINATOR_API_KEY); the workers "
                                 "will reject these requests as unauthorized");
    }
    enq_t q;
    memset(&q, 0, sizeof(q));
    q.topic = o.topic ? o.topic : cfg.kafka_requests_topic;
    if (o.raw)
        rc = run_raw(&o, &cfg, &q, auth);
    else if (o.jsonl)
        rc = run_jsonl(&o, &cfg, &q, auth);
    else
        rc = run_pair(&o, &cfg, &q, auth);
    if (q.rk)
        rd_kafka_destroy(q.rk);
    enq_free(&q);
    if (auth) {
        memset(auth, 0, strlen(auth));
        free(auth);
    }
    img_config_free(&cfg);
    return rc;
}
