/*
 * img_config.h - Imaginator's settings: one struct, one table.
 *
 * Every setting is an entry of img_config_table (key, type, default, env, doc);
 * the table drives config files, environment overrides, --dump-config and
 * docs/CONFIG.md. Ownership: img_config_init() fills a caller-owned struct;
 * release its strings with img_config_free().
 */
#ifndef IMG_CONFIG_H
#define IMG_CONFIG_H

#include <stddef.h>

#include "llm/img_llm.h"
#include "util/img_conf.h"

typedef struct img_config {
    size_t max_document_bytes;
    double confidence_threshold;
    char *log_level;
    char *log_format;
    char *database_url; /* database.url: the request store */
    /* llm.*: providers and the fallback chains (see img_config_llm_plan()) */
    char *llm_providers;          /* "anthropic,openai,offline" */
    char *llm_stage_providers[3]; /* per stage (analysis, generation, criticism); NULL: the above */
    char *llm_stage_models[3];    /* per stage "provider=model,..." overrides; NULL = none */
    int llm_stage_max_tokens[3];  /* per stage output token limit; 0 = llm_max_tokens */
    char *openai_base_url, *openai_model, *openai_api_key;
    char *anthropic_base_url, *anthropic_model, *anthropic_api_key;
    char *compat_base_url, *compat_model, *compat_api_key;
    int llm_timeout_ms, llm_stage_deadline_ms, llm_max_retries, llm_max_tokens;
    int llm_breaker_threshold, llm_breaker_cooldown_ms;
    /* kafka.* and worker.*: the worker daemon (imaginator worker, topics) */
    char *kafka_brokers, *kafka_group;
    char *kafka_requests_topic, *kafka_results_topic, *kafka_dlq_topic;
    int kafka_topic_partitions, kafka_topic_replication;
    char *worker_id, *worker_instance_id;
    int worker_max_inflight, worker_max_inflight_per_partition;
    size_t worker_max_message_bytes;
    int worker_lease_ms, worker_drain_timeout_ms, worker_shutdown_timeout_ms;
    int worker_retry_max_ms;
    /* Other kafka.* keys of the file, prefix stripped, in file order, for
     * librdkafka: kafka_props[2 i] = name, kafka_props[2 i + 1] = value. */
    char **kafka_props;
    size_t n_kafka_props;
} img_config_t;

extern const img_conf_table_t img_config_table;

/* Defaults, then the file (if path is non-NULL), then the environment. */
img_err_t img_config_init(img_config_t *cfg, const char *path, char *errstr,
                          size_t errstr_size) IMG_WUR;
/* Applies log.level and log.format to the logger. */
img_err_t img_config_apply_logging(const img_config_t *cfg, char *errstr,
                                   size_t errstr_size) IMG_WUR;
void img_config_free(img_config_t *cfg);

/* The LLM settings resolved for a run: each stage's fallback chain (provider
 * names, static strings, NULL-terminated; "offline" always last) and the
 * provider settings of the client that serves it. Stages whose models are the
 * same share a client: client_of[stage] indexes conf[]. Strings are borrowed
 * from the img_config_t (or held in the plan) for the plan's lifetime. */
#define IMG_CONFIG_MAX_CHAIN 6
typedef struct img_llm_plan {
    const char *chain[3][IMG_CONFIG_MAX_CHAIN + 1];
    int max_tokens[3];
    int uses_llm; /* some chain names a provider other than offline */
    size_t n_clients;
    int client_of[3];
    img_llm_conf_t conf[3];
    char models[3][3][128]; /* per stage, per provider overrides (storage) */
} img_llm_plan_t;

/* Validates the chains and resolves the plan. `chain_source` names where the
 * global chain came from in messages ("--providers"); NULL means
 * IMAGINATOR_PROVIDERS when that variable is set, else llm.providers. On
 * error one line that names the setting, e.g. "IMAGINATOR_PROVIDERS names
 * anthropic but ANTHROPIC_API_KEY is not set" (IMG_ERR_FATAL: exit 78).
 * `prices` is stored in every conf (borrowed). */
img_err_t img_config_llm_plan(const img_config_t *cfg, const char *chain_source,
                              const img_llm_prices_t *prices, img_llm_plan_t *plan, char *errstr,
                              size_t errstr_size) IMG_WUR;

#endif
