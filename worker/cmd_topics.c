/*
 * imaginator topics ensure: creates the requests, results and dead-letter
 * topics with librdkafka's Admin API; a topic that exists already is fine.
 */
#include <getopt.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "img_cli.h"
#include "pipeline/img_config.h"

static const char usage[] =
    "usage: imaginator topics ensure [options]\n"
    "Creates the requests, results and dead-letter topics when they are missing (Admin API);\n"
    "existing topics are left as they are. Prints one line per topic: created or exists.\n"
    "  --config FILE          settings file (imaginator config --dump-config)\n"
    "  --brokers LIST         Kafka bootstrap servers (kafka.brokers, IMAGINATOR_BROKERS)\n"
    "  --partitions N         partitions of a new topic (kafka.topic_partitions,\n"
    "                         IMAGINATOR_TOPIC_PARTITIONS; default 6)\n"
    "  --replication N        replication factor of a new topic; -1 = the broker's default\n"
    "                         (kafka.topic_replication; default -1)\n"
    "  --timeout SECONDS      how long to wait for the brokers (default 30)\n"
    "  -X, --kafka KEY=VALUE  a librdkafka property (TLS, SASL), as kafka.KEY in the file\n"
    "topics: kafka.requests_topic, kafka.results_topic, kafka.dlq_topic (see --dump-config)\n"
    "exit codes: 0 ok, 64 usage, 69 brokers unreachable, 70 a topic could not be created,\n"
    "  78 bad config\n";

static int ensure(img_config_t *cfg, const char *const *props, size_t n_props, int timeout_s)
{
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int bad = rd_kafka_conf_set(conf, "bootstrap.servers", cfg->kafka_brokers, err, sizeof(err)) !=
              RD_KAFKA_CONF_OK;
    for (size_t i = 0; !bad && i < cfg->n_kafka_props; i++) {
        const char *k = cfg->kafka_props[2 * i];
        if (!strncmp(k, "consumer.", 9))
            continue;
        if (!strncmp(k, "producer.", 9))
            k += 9;
        bad = rd_kafka_conf_set(conf, k, cfg->kafka_props[2 * i + 1], err, sizeof(err)) !=
              RD_KAFKA_CONF_OK;
    }
    for (size_t i = 0; !bad && i < n_props; i++) {
        char key[256];
        const char *eq = strchr(props[i], '=');
        snprintf(key, sizeof(key), "%.*s", (int)(eq - props[i]), props[i]);
        bad = rd_kafka_conf_set(conf, key, eq + 1, err, sizeof(err)) != RD_KAFKA_CONF_OK;
    }
    if (bad) {
        rd_kafka_conf_destroy(conf);
        img_cli_error("topics", "%s", err);
        return EX_CONFIG;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    if (!rk) {
        rd_kafka_conf_destroy(conf);
        img_cli_error("topics", "%s", err);
        return EX_CONFIG;
    }
    const char *names[3] = {cfg->kafka_requests_topic, cfg->kafka_results_topic,
                            cfg->kafka_dlq_topic};
    rd_kafka_NewTopic_t *nt[3];
    for (int i = 0; i < 3; i++)
        nt[i] = rd_kafka_NewTopic_new(names[i], cfg->kafka_topic_partitions,
                                      cfg->kafka_topic_replication, err, sizeof(err));
    rd_kafka_AdminOptions_t *opts = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
    rd_kafka_AdminOptions_set_request_timeout(opts, timeout_s * 1000, err, sizeof(err));
    rd_kafka_AdminOptions_set_operation_timeout(opts, timeout_s * 1000, err, sizeof(err));
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    rd_kafka_CreateTopics(rk, nt, 3, opts, q);
    rd_kafka_event_t *ev = rd_kafka_queue_poll(q, timeout_s * 1000 + 5000);
    int rc = EX_OK;
    if (!ev) {
        img_cli_error("topics", "no answer from %s within %d s", cfg->kafka_brokers, timeout_s);
        rc = EX_UNAVAILABLE;
    } else if (rd_kafka_event_error(ev)) {
        rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
        img_cli_error("topics", "%s: %s", cfg->kafka_brokers, rd_kafka_event_error_string(ev));
        rc = e == RD_KAFKA_RESP_ERR__TIMED_OUT || e == RD_KAFKA_RESP_ERR__TRANSPORT ? EX_UNAVAILABLE
                                                                                    : EX_SOFTWARE;
    } else {
        size_t n = 0;
        const rd_kafka_topic_result_t **res =
            rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &n);
        for (size_t i = 0; i < n; i++) {
            rd_kafka_resp_err_t e = rd_kafka_topic_result_error(res[i]);
            const char *name = rd_kafka_topic_result_name(res[i]);
            if (!e) {
                printf("%s: created (%d partitions)\n", name, cfg->kafka_topic_partitions);
            } else if (e == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
                printf("%s: exists\n", name);
            } else {
                const char *msg = rd_kafka_topic_result_error_string(res[i]);
                img_cli_error("topics", "%s: %s", name, msg ? msg : rd_kafka_err2str(e));
                rc = e == RD_KAFKA_RESP_ERR__TIMED_OUT || e == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT
                         ? EX_UNAVAILABLE
                         : EX_SOFTWARE;
            }
        }
    }
    fflush(stdout);
    if (ev)
        rd_kafka_event_destroy(ev);
    rd_kafka_queue_destroy(q);
    rd_kafka_AdminOptions_destroy(opts);
    rd_kafka_NewTopic_destroy_array(nt, 3);
    rd_kafka_destroy(rk);
    return rc;
}

int img_cmd_topics(int argc, char **argv)
{
    static const struct option opts[] = {{"config", required_argument, NULL, 'c'},
                                         {"brokers", required_argument, NULL, 'b'},
                                         {"partitions", required_argument, NULL, 'p'},
                                         {"replication", required_argument, NULL, 'r'},
                                         {"timeout", required_argument, NULL, 't'},
                                         {"kafka", required_argument, NULL, 'X'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *config = NULL, *brokers = NULL, *parts = NULL, *repl = NULL, *props[64];
    size_t n_props = 0;
    int c, timeout_s = 30;
    char *end;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hX:", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            config = optarg;
            break;
        case 'b':
            brokers = optarg;
            break;
        case 'p':
            parts = optarg;
            break;
        case 'r':
            repl = optarg;
            break;
        case 't':
            timeout_s = (int)strtol(optarg, &end, 10);
            if (*end || timeout_s < 1 || timeout_s > 3600) {
                img_cli_error("topics", "--timeout: \"%s\" is not 1 to 3600 seconds", optarg);
                return EX_USAGE;
            }
            break;
        case 'X':
            if (!strchr(optarg, '=') || optarg[0] == '=' || n_props == 64) {
                img_cli_error("topics", "-X needs KEY=VALUE, got \"%s\"", optarg);
                return EX_USAGE;
            }
            props[n_props++] = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return EX_OK;
        case ':':
            img_cli_error("topics", "%s needs a value; see imaginator topics --help",
                          argv[optind - 1]);
            return EX_USAGE;
        default:
            img_cli_error("topics", "unknown option \"%s\"; see imaginator topics --help",
                          argv[optind - 1]);
            return EX_USAGE;
        }
    }
    if (optind >= argc || strcmp(argv[optind], "ensure") != 0 || optind + 1 < argc) {
        img_cli_error("topics", "expected the subcommand \"ensure\"; see imaginator topics --help");
        return EX_USAGE;
    }
    img_config_t cfg;
    char err[512];
    int rc;
    if (img_config_init(&cfg, config, err, sizeof(err)) != IMG_OK) {
        img_cli_error("topics", "%s", err);
        rc = EX_CONFIG;
        goto done;
    }
    if ((brokers &&
         img_conf_set(&img_config_table, &cfg, "kafka.brokers", brokers, err, sizeof(err))) ||
        (parts && img_conf_set(&img_config_table, &cfg, "kafka.topic_partitions", parts, err,
                               sizeof(err))) ||
        (repl && img_conf_set(&img_config_table, &cfg, "kafka.topic_replication", repl, err,
                              sizeof(err)))) {
        img_cli_error("topics", "%s", err);
        rc = EX_USAGE;
        goto done;
    }
    rc = ensure(&cfg, props, n_props, timeout_s);
done:
    img_config_free(&cfg);
    return rc;
}
