/*
 * topic_dump: prints every message of a Kafka topic as one JSON line, for the
 * integration tests (they read the results and dead-letter topics with it).
 *
 *   topic_dump BROKERS TOPIC [TIMEOUT_SECONDS]
 *
 * Reads each partition from its beginning to its end as of the start (no
 * consumer group, nothing committed) and prints
 *   {"partition": P, "offset": O, "key": "..."|null,
 *    "headers": [[name, value|null], ...], "value_hex": "..."}
 * Key and header values are JSON strings when they are UTF-8 text (hex in
 * "key_hex" otherwise). Exit codes: 0 done, 1 a Kafka error or the timeout
 * (default 30 s) before the end was reached, 64 usage.
 */
#include <inttypes.h>
#include <json-c/json.h>
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void put_hex(json_object *obj, const char *name, const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    char *hex = malloc(len * 2 + 1);
    if (!hex)
        exit(1);
    for (size_t i = 0; i < len; i++) {
        hex[2 * i] = digits[((const unsigned char *)data)[i] >> 4];
        hex[2 * i + 1] = digits[((const unsigned char *)data)[i] & 15];
    }
    hex[2 * len] = '\0';
    json_object_object_add(obj, name, json_object_new_string_len(hex, (int)(2 * len)));
    free(hex);
}

/* True when data is well-formed UTF-8 without NUL. */
static int is_text(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        if (!c || !n || i + n > len)
            return 0;
        for (size_t k = 1; k < n; k++)
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
        i += n;
    }
    return 1;
}

static json_object *text_or_null(const void *data, size_t len)
{
    if (!data)
        return NULL;
    if (!is_text(data, len))
        return json_object_new_string("<binary>");
    return json_object_new_string_len(data, (int)len);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fputs("usage: topic_dump BROKERS TOPIC [TIMEOUT_SECONDS]\n", stderr);
        return 64;
    }
    const char *brokers = argv[1], *topic = argv[2];
    int timeout_s = argc == 4 ? atoi(argv[3]) : 30;
    char err[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, err, sizeof(err)) ||
        rd_kafka_conf_set(conf, "enable.partition.eof", "true", err, sizeof(err)) ||
        rd_kafka_conf_set(conf, "group.id", "topic-dump", err, sizeof(err)) ||
        rd_kafka_conf_set(conf, "enable.auto.commit", "false", err, sizeof(err)) ||
        rd_kafka_conf_set(conf, "log_level", "3", err, sizeof(err))) {
        fprintf(stderr, "topic_dump: %s\n", err);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, err, sizeof(err));
    if (!rk) {
        fprintf(stderr, "topic_dump: %s\n", err);
        return 1;
    }
    time_t deadline = time(NULL) + timeout_s;
    const struct rd_kafka_metadata *md = NULL;
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
    int nparts = -1;
    while (nparts < 0 && time(NULL) < deadline) {
        if (rd_kafka_metadata(rk, 0, rkt, &md, 5000) == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (md->topic_cnt == 1 && !md->topics[0].err)
                nparts = md->topics[0].partition_cnt;
            rd_kafka_metadata_destroy(md);
        }
        if (nparts < 0) {
            struct timespec ts = {0, 200000000};
            nanosleep(&ts, NULL);
        }
    }
    rd_kafka_topic_destroy(rkt);
    if (nparts < 0) {
        fprintf(stderr, "topic_dump: no metadata for topic %s\n", topic);
        rd_kafka_destroy(rk);
        return 1;
    }
    /* Each partition's end as of now: read up to it, then stop. */
    rd_kafka_topic_partition_list_t *parts = rd_kafka_topic_partition_list_new(nparts);
    int64_t *end = calloc((size_t)nparts, sizeof(*end));
    int open = 0;
    for (int p = 0; p < nparts; p++) {
        int64_t lo = 0, hi = 0;
        if (rd_kafka_query_watermark_offsets(rk, topic, p, &lo, &hi, 10000)) {
            fprintf(stderr, "topic_dump: no watermarks for %s [%d]\n", topic, p);
            rd_kafka_destroy(rk);
            return 1;
        }
        end[p] = hi;
        if (hi > lo) {
            rd_kafka_topic_partition_list_add(parts, topic, p)->offset = lo;
            open++;
        }
    }
    if (open && rd_kafka_assign(rk, parts)) {
        fprintf(stderr, "topic_dump: assign failed\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    rd_kafka_topic_partition_list_destroy(parts);
    int rc = 0;
    while (open > 0) {
        if (time(NULL) >= deadline) {
            fprintf(stderr, "topic_dump: timed out with %d partitions unread\n", open);
            rc = 1;
            break;
        }
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 500);
        if (!m)
            continue;
        if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            /* the end, even when the last offsets hold no message */
            if (end[m->partition] >= 0 && m->offset >= end[m->partition]) {
                end[m->partition] = -1;
                open--;
            }
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->err) {
            fprintf(stderr, "topic_dump: %s\n", rd_kafka_message_errstr(m));
            rd_kafka_message_destroy(m);
            continue;
        }
        if (m->offset < end[m->partition]) {
            json_object *o = json_object_new_object();
            json_object_object_add(o, "partition", json_object_new_int(m->partition));
            json_object_object_add(o, "offset", json_object_new_int64(m->offset));
            json_object_object_add(o, "key", text_or_null(m->key, m->key_len));
            if (m->key && !is_text(m->key, m->key_len))
                put_hex(o, "key_hex", m->key, m->key_len);
            json_object *hs = json_object_new_array();
            rd_kafka_headers_t *hdrs = NULL;
            if (!rd_kafka_message_headers(m, &hdrs)) {
                const char *name;
                const void *val;
                size_t len;
                for (size_t i = 0; !rd_kafka_header_get_all(hdrs, i, &name, &val, &len); i++) {
                    json_object *pair = json_object_new_array();
                    json_object_array_add(pair, json_object_new_string(name));
                    json_object_array_add(pair, text_or_null(val, len));
                    json_object_array_add(hs, pair);
                }
            }
            json_object_object_add(o, "headers", hs);
            put_hex(o, "value_hex", m->payload ? m->payload : "", m->payload ? m->len : 0);
            puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
            json_object_put(o);
            if (m->offset + 1 >= end[m->partition]) {
                end[m->partition] = -1; /* done */
                open--;
            }
        }
        rd_kafka_message_destroy(m);
    }
    free(end);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return rc;
}
