/*
 * imaginator worker: the daemon (img_worker.h). Settings come from the
 * config table (defaults, --config file, environment), then these flags.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "img_cli.h"
#include "img_worker.h"
#include "img_worker_int.h"

static const char usage[] =
    "usage: imaginator worker [options]\n"
    "Consumes imaginator.request.v1 messages (schemas/request.v1.json) from Kafka, runs the\n"
    "analysis, generation and criticism stages with checkpoints in PostgreSQL, and publishes\n"
    "each result document (imaginator.result.v1) keyed by request_id. Poison messages go to\n"
    "the dead-letter topic (schemas/dlq.v1.json). The tenant's API key travels in the Kafka\n"
    "header `authorization: Bearer <key>`.\n"
    "\n"
    "options (each overrides the config file and the environment):\n"
    "  --config FILE                    settings file (imaginator config --dump-config)\n"
    "  --brokers LIST                   Kafka bootstrap servers (kafka.brokers,\n"
    "                                   IMAGINATOR_BROKERS)\n"
    "  --database-url URL               PostgreSQL (database.url, IMAGINATOR_DATABASE_URL)\n"
    "  --group NAME                     consumer group (kafka.group; imaginator-workers)\n"
    "  --requests-topic TOPIC           (kafka.requests_topic; imaginator.requests)\n"
    "  --results-topic TOPIC            (kafka.results_topic; imaginator.results)\n"
    "  --dlq-topic TOPIC                (kafka.dlq_topic; imaginator.requests.dlq)\n"
    "  --worker-id ID                   lease owner and client.id (worker.id; host-pid); keep\n"
    "                                   it stable per instance so a restarted worker takes\n"
    "                                   its unfinished requests back without waiting for leases\n"
    "  --instance-id ID                 static group membership, group.instance.id\n"
    "                                   (worker.instance_id; unset: dynamic)\n"
    "  --max-inflight N                 requests in flight per worker (worker.max_inflight; 64)\n"
    "  --max-inflight-per-partition N   per partition (worker.max_inflight_per_partition; 16)\n"
    "  --lease DURATION                 request lease, renewed while running (worker.lease; 60s)\n"
    "  --drain-timeout DURATION         drain of a revoked partition (worker.drain_timeout; 10s)\n"
    "  --shutdown-timeout DURATION      drain on SIGTERM (worker.shutdown_timeout; 30s)\n"
    "  --providers LIST                 fallback chain of every stage (llm.providers; offline)\n"
    "  --log-level LEVEL                debug, info, warn, error, off (log.level; the worker\n"
    "                                   logs at info unless a setting says otherwise)\n"
    "  --log-format FORMAT              logfmt or json (log.format)\n"
    "  -X, --kafka KEY=VALUE            a librdkafka property, as kafka.KEY in the file\n"
    "                                   (consumer.KEY / producer.KEY: that client only)\n"
    "  --check-config                   validate the settings and exit (connects to nothing)\n"
    "  -h, --help                       this text\n"
    "\n"
    "environment: IMAGINATOR_BROKERS, IMAGINATOR_DATABASE_URL, IMAGINATOR_GROUP,\n"
    "  IMAGINATOR_REQUESTS_TOPIC, IMAGINATOR_RESULTS_TOPIC, IMAGINATOR_DLQ_TOPIC,\n"
    "  IMAGINATOR_WORKER_ID, IMAGINATOR_INSTANCE_ID, IMAGINATOR_MAX_INFLIGHT,\n"
    "  IMAGINATOR_PROVIDERS, IMAGINATOR_LOG_LEVEL and every variable of the config table;\n"
    "  IMAGINATOR_RDKAFKA_<NAME> sets the librdkafka property <name> (upper case, '.' as '_'),\n"
    "  e.g. IMAGINATOR_RDKAFKA_SASL_PASSWORD=... sets sasl.password.\n"
    "\n"
    "logs: one line per event on stderr (logfmt or JSON) with request_id, stage and attempt;\n"
    "  never document text or keys. `event=ready` once PostgreSQL and Kafka answered and the\n"
    "  subscription is made; `event=drained` when a shutdown completed.\n"
    "signals: SIGTERM or SIGINT stops consuming, drains requests in flight up to the shutdown\n"
    "  timeout, commits, and exits 0; a second one exits at once with 128+signal. Either way\n"
    "  nothing is lost: unfinished requests are delivered again and resume from checkpoints.\n"
    "exit codes: 0 drained, 64 usage, 70 internal error, 75 fatal Kafka error (restart it),\n"
    "  78 bad configuration or database schema (run imaginator migrate)\n";

/* Appends a librdkafka property to the config's pass-through list. */
static void add_prop(img_config_t *cfg, const char *key, size_t key_len, const char *value)
{
    char **p = realloc(cfg->kafka_props, (cfg->n_kafka_props + 1) * 2 * sizeof(*p));
    if (!p)
        abort();
    cfg->kafka_props = p;
    p[2 * cfg->n_kafka_props] = strndup(key, key_len);
    p[2 * cfg->n_kafka_props + 1] = strdup(value);
    cfg->n_kafka_props++;
}

/* IMAGINATOR_RDKAFKA_SASL_PASSWORD=x -> sasl.password = x */
static void env_props(img_config_t *cfg)
{
    extern char **environ;
    static const char prefix[] = "IMAGINATOR_RDKAFKA_";
    for (char **e = environ; e && *e; e++) {
        if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0)
            continue;
        const char *name = *e + sizeof(prefix) - 1, *eq = strchr(name, '=');
        if (!eq || eq == name)
            continue;
        char key[128];
        size_t n = (size_t)(eq - name);
        if (n >= sizeof(key))
            continue;
        for (size_t i = 0; i < n; i++)
            key[i] = name[i] == '_' ? '.' : (char)tolower((unsigned char)name[i]);
        add_prop(cfg, key, n, eq + 1);
    }
}

/* Does the file set log.level itself? (Then the worker keeps it.) */
static int file_sets_log_level(const char *path)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    char line[512];
    int found = 0;
    while (f && !found && fgets(line, sizeof(line), f)) {
        const char *s = line;
        while (isspace((unsigned char)*s))
            s++;
        if (!strncmp(s, "log.level", 9) && (isspace((unsigned char)s[9]) || s[9] == '='))
            found = 1;
    }
    if (f)
        fclose(f);
    return found;
}

enum {
    O_BROKERS = 256,
    O_DB,
    O_GROUP,
    O_REQ,
    O_RES,
    O_DLQ,
    O_WID,
    O_IID,
    O_MAXF,
    O_MAXP,
    O_LEASE,
    O_DRAIN,
    O_SHUT,
    O_PROV,
    O_LOGL,
    O_LOGF,
    O_CHECK
};

static const struct {
    int opt;
    const char *key;
} opt_keys[] = {{O_BROKERS, "kafka.brokers"},
                {O_DB, "database.url"},
                {O_GROUP, "kafka.group"},
                {O_REQ, "kafka.requests_topic"},
                {O_RES, "kafka.results_topic"},
                {O_DLQ, "kafka.dlq_topic"},
                {O_WID, "worker.id"},
                {O_IID, "worker.instance_id"},
                {O_MAXF, "worker.max_inflight"},
                {O_MAXP, "worker.max_inflight_per_partition"},
                {O_LEASE, "worker.lease"},
                {O_DRAIN, "worker.drain_timeout"},
                {O_SHUT, "worker.shutdown_timeout"},
                {O_PROV, "llm.providers"},
                {O_LOGL, "log.level"},
                {O_LOGF, "log.format"}};

int img_cmd_worker(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},
        {"brokers", required_argument, NULL, O_BROKERS},
        {"database-url", required_argument, NULL, O_DB},
        {"group", required_argument, NULL, O_GROUP},
        {"requests-topic", required_argument, NULL, O_REQ},
        {"results-topic", required_argument, NULL, O_RES},
        {"dlq-topic", required_argument, NULL, O_DLQ},
        {"worker-id", required_argument, NULL, O_WID},
        {"instance-id", required_argument, NULL, O_IID},
        {"max-inflight", required_argument, NULL, O_MAXF},
        {"max-inflight-per-partition", required_argument, NULL, O_MAXP},
        {"lease", required_argument, NULL, O_LEASE},
        {"drain-timeout", required_argument, NULL, O_DRAIN},
        {"shutdown-timeout", required_argument, NULL, O_SHUT},
        {"providers", required_argument, NULL, O_PROV},
        {"log-level", required_argument, NULL, O_LOGL},
        {"log-format", required_argument, NULL, O_LOGF},
        {"kafka", required_argument, NULL, 'X'},
        {"check-config", no_argument, NULL, O_CHECK},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *config = NULL, *set_val[O_CHECK - O_BROKERS] = {0};
    const char *props[64];
    size_t n_props = 0;
    int c, check = 0;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hX:c:", opts, NULL)) != -1) {
        if (c >= O_BROKERS && c < O_CHECK) {
            set_val[c - O_BROKERS] = optarg;
            continue;
        }
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'X':
            if (!strchr(optarg, '=') || optarg[0] == '=' || n_props == 64) {
                img_cli_error("worker", "-X needs KEY=VALUE, got \"%s\"", optarg);
                return EX_USAGE;
            }
            props[n_props++] = optarg;
            break;
        case O_CHECK:
            check = 1;
            break;
        case 'h':
            fputs(usage, stdout);
            return EX_OK;
        case ':':
            img_cli_error("worker", "%s needs a value; see imaginator worker --help",
                          argv[optind - 1]);
            return EX_USAGE;
        default:
            img_cli_error("worker", "unknown option \"%s\"; see imaginator worker --help",
                          argv[optind - 1]);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        img_cli_error("worker", "unexpected argument \"%s\"", argv[optind]);
        return EX_USAGE;
    }

    img_config_t cfg;
    char err[640];
    int rc = EX_OK;
    if (img_config_init(&cfg, config, err, sizeof(err)) != IMG_OK) {
        img_cli_error("worker", "%s", err);
        img_config_free(&cfg);
        return EX_CONFIG;
    }
    /* The worker's lifecycle lines are info: its default level is info. */
    const char *env_level = getenv("IMAGINATOR_LOG_LEVEL");
    if (!set_val[O_LOGL - O_BROKERS] && !(env_level && *env_level) && !file_sets_log_level(config))
        set_val[O_LOGL - O_BROKERS] = "info";
    for (size_t i = 0; i < sizeof(opt_keys) / sizeof(opt_keys[0]); i++) {
        const char *v = set_val[opt_keys[i].opt - O_BROKERS];
        if (v &&
            img_conf_set(&img_config_table, &cfg, opt_keys[i].key, v, err, sizeof(err)) != IMG_OK) {
            img_cli_error("worker", "%s", err);
            rc = EX_USAGE;
            goto done;
        }
    }
    if (img_config_apply_logging(&cfg, err, sizeof(err)) != IMG_OK) {
        img_cli_error("worker", "%s", err);
        rc = EX_USAGE;
        goto done;
    }
    env_props(&cfg);
    for (size_t i = 0; i < n_props; i++) {
        const char *eq = strchr(props[i], '=');
        add_prop(&cfg, props[i], (size_t)(eq - props[i]), eq + 1);
    }
    if (img_kafka_check_config(&cfg, err, sizeof(err))) {
        img_cli_error("worker", "%s", err);
        rc = EX_CONFIG;
        goto done;
    }
    if (check) {
        img_llm_prices_t *prices = NULL;
        img_llm_plan_t plan;
        if (img_llm_prices_new(&prices, NULL, err, sizeof(err)) != IMG_OK ||
            img_config_llm_plan(&cfg, set_val[O_PROV - O_BROKERS] ? "--providers" : NULL, prices,
                                &plan, err, sizeof(err)) != IMG_OK) {
            img_cli_error("worker", "%s", err);
            rc = EX_CONFIG;
        } else if (!cfg.database_url || !*cfg.database_url) {
            img_cli_error("worker", "no database URL (set IMAGINATOR_DATABASE_URL, database.url "
                                    "or --database-url)");
            rc = EX_CONFIG;
        } else {
            printf("%s: ok\n", config ? config : "settings");
        }
        img_llm_prices_destroy(prices);
        goto done;
    }
    rc = img_worker_run(&cfg);
done:
    img_config_free(&cfg);
    return rc;
}
