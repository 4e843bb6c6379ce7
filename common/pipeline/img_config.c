#include "img_config.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/img_log.h"

#define OFF(f) offsetof(img_config_t, f)

static const img_conf_entry_t entries[] = {
    {"engine.max_document_bytes", IMG_CONF_SIZE, OFF(max_document_bytes), 1, 16777216, "256K",
     "IMAGINATOR_MAX_DOCUMENT_BYTES", 0,
     "Largest resume or job ad accepted, in bytes (suffixes K, M); larger documents are "
     "rejected."},
    {"engine.confidence_threshold", IMG_CONF_DOUBLE, OFF(confidence_threshold), 0.5, 1.0, "0.7",
     "IMAGINATOR_CONFIDENCE_THRESHOLD", 0,
     "Upstream skill confidence at or above which a skill is high confidence (>= 0.5 is "
     "medium)."},
    {"log.level", IMG_CONF_STR, OFF(log_level), 0, 0, "warn", "IMAGINATOR_LOG_LEVEL", 0,
     "Least severe log level written: debug, info, warn, error or off."},
    {"log.format", IMG_CONF_STR, OFF(log_format), 0, 0, "logfmt", "IMAGINATOR_LOG_FORMAT", 0,
     "Log line format: logfmt or json."},
    {"database.url", IMG_CONF_STR, OFF(database_url), 0, 0, NULL, "IMAGINATOR_DATABASE_URL", 1,
     "PostgreSQL connection URL (postgresql://user@host:port/db) of the request store."},
    {"llm.providers", IMG_CONF_STR, OFF(llm_providers), 0, 0, "offline", "IMAGINATOR_PROVIDERS", 0,
     "The fallback chain of every stage, comma-separated: anthropic, openai, openai-compatible, "
     "offline (the built-in analyst, always last; implied at the end)."},
    {"llm.analysis.providers", IMG_CONF_STR, OFF(llm_stage_providers[0]), 0, 0, NULL, NULL, 0,
     "The analysis stage's own fallback chain; unset: llm.providers."},
    {"llm.analysis.models", IMG_CONF_STR, OFF(llm_stage_models[0]), 0, 0, NULL, NULL, 0,
     "Models of the analysis stage, e.g. \"anthropic=claude-sonnet-4-5, openai=gpt-4.1\"; unset: "
     "each provider's model."},
    {"llm.analysis.max_tokens", IMG_CONF_INT, OFF(llm_stage_max_tokens[0]), 0, 200000, "0", NULL, 0,
     "Output token limit of the analysis stage; 0: llm.max_tokens."},
    {"llm.generation.providers", IMG_CONF_STR, OFF(llm_stage_providers[1]), 0, 0, NULL, NULL, 0,
     "The generation stage's own fallback chain; unset: llm.providers."},
    {"llm.generation.models", IMG_CONF_STR, OFF(llm_stage_models[1]), 0, 0, NULL, NULL, 0,
     "Models of the generation stage, e.g. \"anthropic=claude-sonnet-4-5, openai=gpt-4.1\"; unset: "
     "each provider's model."},
    {"llm.generation.max_tokens", IMG_CONF_INT, OFF(llm_stage_max_tokens[1]), 0, 200000, "0", NULL,
     0, "Output token limit of the generation stage; 0: llm.max_tokens."},
    {"llm.criticism.providers", IMG_CONF_STR, OFF(llm_stage_providers[2]), 0, 0, NULL, NULL, 0,
     "The criticism stage's own fallback chain; unset: llm.providers."},
    {"llm.criticism.models", IMG_CONF_STR, OFF(llm_stage_models[2]), 0, 0, NULL, NULL, 0,
     "Models of the criticism stage, e.g. \"anthropic=claude-sonnet-4-5, openai=gpt-4.1\"; unset: "
     "each provider's model."},
    {"llm.criticism.max_tokens", IMG_CONF_INT, OFF(llm_stage_max_tokens[2]), 0, 200000, "0", NULL,
     0, "Output token limit of the criticism stage; 0: llm.max_tokens."},
    {"llm.openai.base_url", IMG_CONF_STR, OFF(openai_base_url), 0, 0, "https://api.openai.com/v1",
     "OPENAI_BASE_URL", 0, "OpenAI API base URL."},
    {"llm.openai.model", IMG_CONF_STR, OFF(openai_model), 0, 0, "gpt-4.1-mini",
     "IMAGINATOR_OPENAI_MODEL", 0, "OpenAI model (it needs a row in data/prices.tsv for costs)."},
    {"llm.openai.api_key", IMG_CONF_STR, OFF(openai_api_key), 0, 0, NULL, "OPENAI_API_KEY", 1,
     "OpenAI API key; needed when a chain names openai. Never logged or printed."},
    {"llm.anthropic.base_url", IMG_CONF_STR, OFF(anthropic_base_url), 0, 0,
     "https://api.anthropic.com", "ANTHROPIC_BASE_URL", 0, "Anthropic API base URL."},
    {"llm.anthropic.model", IMG_CONF_STR, OFF(anthropic_model), 0, 0, "claude-haiku-4-5",
     "IMAGINATOR_ANTHROPIC_MODEL", 0,
     "Anthropic model (it needs a row in data/prices.tsv for costs)."},
    {"llm.anthropic.api_key", IMG_CONF_STR, OFF(anthropic_api_key), 0, 0, NULL, "ANTHROPIC_API_KEY",
     1, "Anthropic API key; needed when a chain names anthropic. Never logged or printed."},
    {"llm.compat.base_url", IMG_CONF_STR, OFF(compat_base_url), 0, 0, NULL,
     "IMAGINATOR_COMPAT_BASE_URL", 0,
     "Base URL of an OpenAI-compatible server (Ollama, vLLM, llama.cpp, LM Studio), e.g. "
     "http://localhost:11434/v1; needed when a chain names openai-compatible."},
    {"llm.compat.model", IMG_CONF_STR, OFF(compat_model), 0, 0, NULL, "IMAGINATOR_COMPAT_MODEL", 0,
     "Model of the OpenAI-compatible server; needed when a chain names openai-compatible."},
    {"llm.compat.api_key", IMG_CONF_STR, OFF(compat_api_key), 0, 0, NULL,
     "IMAGINATOR_COMPAT_API_KEY", 1, "API key of the OpenAI-compatible server, if it wants one."},
    {"llm.timeout", IMG_CONF_MS, OFF(llm_timeout_ms), 100, 600000, "60s", NULL, 0,
     "Time limit of one HTTP attempt (suffixes ms, s, m)."},
    {"llm.stage_deadline", IMG_CONF_MS, OFF(llm_stage_deadline_ms), 100, 3600000, "180s", NULL, 0,
     "Time limit of all attempts of one stage on all providers; then the offline analyst."},
    {"llm.max_retries", IMG_CONF_INT, OFF(llm_max_retries), 0, 10, "2", NULL, 0,
     "Retries per provider after the first attempt, following the providers' retry rules."},
    {"llm.max_tokens", IMG_CONF_INT, OFF(llm_max_tokens), 256, 200000, "4096", NULL, 0,
     "Default output token limit of a stage."},
    {"llm.breaker.threshold", IMG_CONF_INT, OFF(llm_breaker_threshold), 1, 1000, "5", NULL, 0,
     "Consecutive failures that take a provider out of rotation (circuit breaker)."},
    {"llm.breaker.cooldown", IMG_CONF_MS, OFF(llm_breaker_cooldown_ms), 100, 3600000, "30s", NULL,
     0, "How long a provider stays out of rotation before one probe call is let through."},
    {"kafka.brokers", IMG_CONF_STR, OFF(kafka_brokers), 0, 0, "127.0.0.1:9092",
     "IMAGINATOR_BROKERS", 0, "Kafka bootstrap servers, comma-separated host:port."},
    {"kafka.group", IMG_CONF_STR, OFF(kafka_group), 0, 0, "imaginator-workers", "IMAGINATOR_GROUP",
     0, "Consumer group of the workers."},
    {"kafka.requests_topic", IMG_CONF_STR, OFF(kafka_requests_topic), 0, 0, "imaginator.requests",
     "IMAGINATOR_REQUESTS_TOPIC", 0, "Topic the workers consume requests from."},
    {"kafka.results_topic", IMG_CONF_STR, OFF(kafka_results_topic), 0, 0, "imaginator.results",
     "IMAGINATOR_RESULTS_TOPIC", 0, "Topic of the result documents, keyed by request_id."},
    {"kafka.dlq_topic", IMG_CONF_STR, OFF(kafka_dlq_topic), 0, 0, "imaginator.requests.dlq",
     "IMAGINATOR_DLQ_TOPIC", 0,
     "Dead-letter topic: poison messages, original bytes, the reason in headers."},
    {"kafka.topic_partitions", IMG_CONF_INT, OFF(kafka_topic_partitions), 1, 10000, "6",
     "IMAGINATOR_TOPIC_PARTITIONS", 0,
     "Partitions of each topic created by `imaginator topics ensure`."},
    {"kafka.topic_replication", IMG_CONF_INT, OFF(kafka_topic_replication), -1, 32, "-1",
     "IMAGINATOR_TOPIC_REPLICATION", 0,
     "Replication factor of topics created by `imaginator topics ensure`; -1: the broker's "
     "default."},
    {"worker.id", IMG_CONF_STR, OFF(worker_id), 0, 0, NULL, "IMAGINATOR_WORKER_ID", 0,
     "This worker's name as lease owner and Kafka client.id, unique among live workers; keep "
     "it stable across restarts (e.g. the systemd instance) so a restarted worker takes its "
     "own unfinished requests back at once instead of waiting for their leases; unset: "
     "host-pid."},
    {"worker.instance_id", IMG_CONF_STR, OFF(worker_instance_id), 0, 0, NULL,
     "IMAGINATOR_INSTANCE_ID", 0,
     "Static group membership (group.instance.id): a restart within the session timeout "
     "keeps its partitions; unset: dynamic membership. Unique per worker."},
    {"worker.max_inflight", IMG_CONF_INT, OFF(worker_max_inflight), 1, 100000, "64",
     "IMAGINATOR_MAX_INFLIGHT", 0,
     "Requests in flight per worker; at the cap the worker pauses its partitions."},
    {"worker.max_inflight_per_partition", IMG_CONF_INT, OFF(worker_max_inflight_per_partition), 1,
     100000, "16", NULL, 0, "Requests in flight per partition; at the cap that partition pauses."},
    {"worker.max_message_bytes", IMG_CONF_SIZE, OFF(worker_max_message_bytes), 1024, 268435456,
     "1M", NULL, 0, "Largest request message accepted; larger ones are dead-lettered (oversize)."},
    {"worker.lease", IMG_CONF_MS, OFF(worker_lease_ms), 1000, 3600000, "60s", NULL, 0,
     "Lease of a request in the store, renewed while it runs; another worker may take an "
     "expired lease over."},
    {"worker.drain_timeout", IMG_CONF_MS, OFF(worker_drain_timeout_ms), 0, 600000, "10s", NULL, 0,
     "On a revoked partition, how long in-flight requests may finish before the partition is "
     "given up (they resume elsewhere from their checkpoints)."},
    {"worker.shutdown_timeout", IMG_CONF_MS, OFF(worker_shutdown_timeout_ms), 0, 3600000, "30s",
     NULL, 0, "On SIGTERM, how long in-flight requests may finish before the worker exits."},
    {"worker.retry_max", IMG_CONF_MS, OFF(worker_retry_max_ms), 100, 600000, "5s", NULL, 0,
     "Longest wait between retries while PostgreSQL or Kafka is unavailable."},
};

/* Keys under kafka. that are not in the table go to librdkafka unchanged;
 * librdkafka itself validates them when the worker starts. */
static img_err_t kafka_passthrough(void *opaque, const char *key, const char *value, char *errstr,
                                   size_t errstr_size)
{
    img_config_t *cfg = opaque;
    if (!cfg)
        return IMG_OK;
    char **props = realloc(cfg->kafka_props, (cfg->n_kafka_props + 1) * 2 * sizeof(*props));
    if (!props)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
    cfg->kafka_props = props;
    props[2 * cfg->n_kafka_props] = strdup(key + strlen("kafka."));
    props[2 * cfg->n_kafka_props + 1] = strdup(value);
    cfg->n_kafka_props++;
    return IMG_OK;
}

const img_conf_table_t img_config_table = {entries, sizeof(entries) / sizeof(entries[0]), "kafka.",
                                           kafka_passthrough, NULL};

img_err_t img_config_init(img_config_t *cfg, const char *path, char *errstr, size_t errstr_size)
{
    memset(cfg, 0, sizeof(*cfg));
    img_err_t err = img_conf_defaults(&img_config_table, cfg, errstr, errstr_size);
    if (err == IMG_OK && path) {
        img_conf_table_t t = img_config_table; /* kafka.* pass-through keys land in cfg */
        t.passthrough_opaque = cfg;
        err = img_conf_load_file(&t, cfg, path, errstr, errstr_size);
    }
    if (err == IMG_OK)
        err = img_conf_load_env(&img_config_table, cfg, errstr, errstr_size);
    if (err == IMG_OK)
        err = img_config_apply_logging(cfg, errstr, errstr_size);
    return err;
}

img_err_t img_config_apply_logging(const img_config_t *cfg, char *errstr, size_t errstr_size)
{
    int ok = 0;
    img_log_level_t level = img_log_level_parse(cfg->log_level, &ok);
    if (!ok)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "log.level: \"%s\" is not one of debug, info, warn, error, off",
                           cfg->log_level);
    img_log_format_t format;
    if (strcmp(cfg->log_format, "logfmt") == 0)
        format = IMG_LOG_LOGFMT;
    else if (strcmp(cfg->log_format, "json") == 0)
        format = IMG_LOG_JSON;
    else
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "log.format: \"%s\" is not one of logfmt, json", cfg->log_format);
    img_log_setup(level, format);
    return IMG_OK;
}

void img_config_free(img_config_t *cfg)
{
    img_conf_free(&img_config_table, cfg);
    for (size_t i = 0; i < 2 * cfg->n_kafka_props; i++)
        free(cfg->kafka_props[i]);
    free(cfg->kafka_props);
    cfg->kafka_props = NULL;
    cfg->n_kafka_props = 0;
}

/* ---- the LLM plan ---- */

enum { P_OPENAI = 0, P_ANTHROPIC, P_COMPAT, P_OFFLINE, P__COUNT };
static const char *const provider_names[P__COUNT] = {"openai", "anthropic", "openai-compatible",
                                                     "offline"};
static const char *const stage_names[3] = {"analysis", "generation", "criticism"};

static int provider_index(const char *s, size_t n)
{
    for (int i = 0; i < P__COUNT; i++)
        if (strlen(provider_names[i]) == n && strncasecmp(s, provider_names[i], n) == 0)
            return i;
    return -1;
}

/* Next comma-separated item of *p, trimmed: sets [*s, *s + *n); false at the end. */
static int next_item(const char **p, const char **s, size_t *n)
{
    while (**p == ',' || isspace((unsigned char)**p))
        (*p)++;
    if (!**p)
        return 0;
    *s = *p;
    while (**p && **p != ',')
        (*p)++;
    *n = (size_t)(*p - *s);
    while (*n && isspace((unsigned char)(*s)[*n - 1]))
        (*n)--;
    return 1;
}

static img_err_t parse_chain(const char *text, const char *label, const char **out, char *errstr,
                             size_t errstr_size)
{
    size_t k = 0;
    int seen[P__COUNT] = {0};
    const char *p = text ? text : "", *s;
    size_t n;
    while (next_item(&p, &s, &n)) {
        int i = provider_index(s, n);
        if (i < 0)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "%s: unknown provider \"%.*s\" (known: anthropic, openai, "
                               "openai-compatible, offline)",
                               label, (int)(n > 40 ? 40 : n), s);
        if (seen[P_OFFLINE])
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "%s: offline must come last",
                               label);
        if (seen[i]++)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "%s names %s twice", label,
                               provider_names[i]);
        out[k++] = provider_names[i];
    }
    if (!seen[P_OFFLINE])
        out[k++] = provider_names[P_OFFLINE];
    out[k] = NULL;
    return IMG_OK;
}

static img_err_t check_provider(const img_config_t *cfg, int i, const char *label, char *errstr,
                                size_t errstr_size)
{
    const char *missing = NULL;
    if (i == P_OPENAI) {
        if (!cfg->openai_api_key || !*cfg->openai_api_key)
            missing = "OPENAI_API_KEY";
        else if (!cfg->openai_base_url || !*cfg->openai_base_url)
            missing = "OPENAI_BASE_URL";
        else if (!cfg->openai_model || !*cfg->openai_model)
            missing = "IMAGINATOR_OPENAI_MODEL";
    } else if (i == P_ANTHROPIC) {
        if (!cfg->anthropic_api_key || !*cfg->anthropic_api_key)
            missing = "ANTHROPIC_API_KEY";
        else if (!cfg->anthropic_base_url || !*cfg->anthropic_base_url)
            missing = "ANTHROPIC_BASE_URL";
        else if (!cfg->anthropic_model || !*cfg->anthropic_model)
            missing = "IMAGINATOR_ANTHROPIC_MODEL";
    } else if (i == P_COMPAT) {
        if (!cfg->compat_base_url || !*cfg->compat_base_url)
            missing = "IMAGINATOR_COMPAT_BASE_URL";
        else if (!cfg->compat_model || !*cfg->compat_model)
            missing = "IMAGINATOR_COMPAT_MODEL";
    }
    if (missing)
        return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "%s names %s but %s is not set",
                           label, provider_names[i], missing);
    return IMG_OK;
}

/* "anthropic=claude-sonnet-4-5, openai=gpt-4.1" into models[provider]. */
static img_err_t parse_models(const char *text, const char *label, char models[3][128],
                              char *errstr, size_t errstr_size)
{
    const char *p = text ? text : "", *s;
    size_t n;
    while (next_item(&p, &s, &n)) {
        const char *eq = memchr(s, '=', n);
        size_t pn = eq ? (size_t)(eq - s) : 0;
        while (pn && isspace((unsigned char)s[pn - 1]))
            pn--;
        int i = eq ? provider_index(s, pn) : -1;
        if (!eq || i < 0 || i == P_OFFLINE)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "%s: \"%.*s\" is not provider=model (providers: anthropic, "
                               "openai, openai-compatible)",
                               label, (int)(n > 60 ? 60 : n), s);
        const char *m = eq + 1;
        while (m < s + n && isspace((unsigned char)*m))
            m++;
        size_t mn = (size_t)(s + n - m);
        if (mn == 0 || mn >= 128)
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size,
                               "%s: the model for %s is empty or too long", label,
                               provider_names[i]);
        memcpy(models[i], m, mn);
        models[i][mn] = '\0';
    }
    return IMG_OK;
}

img_err_t img_config_llm_plan(const img_config_t *cfg, const char *chain_source,
                              const img_llm_prices_t *prices, img_llm_plan_t *plan, char *errstr,
                              size_t errstr_size)
{
    memset(plan, 0, sizeof(*plan));
    const char *env = getenv("IMAGINATOR_PROVIDERS");
    const char *global_label = chain_source  ? chain_source
                               : env && *env ? "IMAGINATOR_PROVIDERS"
                                             : "llm.providers";
    int used[P__COUNT] = {0};
    const char *used_label[P__COUNT] = {0};
    char label[3][48];
    img_err_t err;
    for (int st = 0; st < 3; st++) {
        const char *text = cfg->llm_stage_providers[st];
        const char *lab = global_label;
        while (text && isspace((unsigned char)*text))
            text++;
        if (text && *text) { /* empty, as --dump-config writes it: unset */
            snprintf(label[st], sizeof(label[st]), "llm.%s.providers", stage_names[st]);
            lab = label[st];
        } else {
            text = cfg->llm_providers;
        }
        if ((err = parse_chain(text, lab, plan->chain[st], errstr, errstr_size)) != IMG_OK)
            return err;
        for (size_t k = 0; plan->chain[st][k]; k++) {
            int i = provider_index(plan->chain[st][k], strlen(plan->chain[st][k]));
            if (i == P_OFFLINE)
                continue;
            if (!used[i]++)
                used_label[i] = lab;
            plan->uses_llm = 1;
        }
        plan->max_tokens[st] =
            cfg->llm_stage_max_tokens[st] > 0 ? cfg->llm_stage_max_tokens[st] : cfg->llm_max_tokens;
    }
    for (int i = 0; i < P_OFFLINE; i++)
        if (used[i] && (err = check_provider(cfg, i, used_label[i], errstr, errstr_size)) != IMG_OK)
            return err;

    const char *base_url[3] = {cfg->openai_base_url, cfg->anthropic_base_url, cfg->compat_base_url};
    const char *model[3] = {cfg->openai_model, cfg->anthropic_model, cfg->compat_model};
    const char *key[3] = {cfg->openai_api_key, cfg->anthropic_api_key, cfg->compat_api_key};
    for (int st = 0; st < 3; st++) {
        char lab[48];
        snprintf(lab, sizeof(lab), "llm.%s.models", stage_names[st]);
        if ((err = parse_models(cfg->llm_stage_models[st], lab, plan->models[st], errstr,
                                errstr_size)) != IMG_OK)
            return err;
        /* A stage whose models equal an earlier stage's shares its client. */
        int same = -1;
        for (int o = 0; o < st && same < 0; o++)
            if (memcmp(plan->models[o], plan->models[st], sizeof(plan->models[st])) == 0)
                same = plan->client_of[o];
        if (same >= 0) {
            plan->client_of[st] = same;
            continue;
        }
        img_llm_conf_t *c = &plan->conf[plan->n_clients];
        plan->client_of[st] = (int)plan->n_clients++;
        for (int i = 0; i < P_OFFLINE; i++) {
            if (!used[i])
                continue;
            img_llm_provider_conf_t *pc = &c->providers[c->n_providers++];
            pc->name = provider_names[i];
            pc->base_url = base_url[i];
            pc->api_key = key[i] && *key[i] ? key[i] : NULL;
            pc->model = plan->models[st][i][0] ? plan->models[st][i] : model[i];
        }
        c->timeout_ms = cfg->llm_timeout_ms;
        c->stage_deadline_ms = cfg->llm_stage_deadline_ms;
        c->max_retries = cfg->llm_max_retries;
        c->breaker_threshold = cfg->llm_breaker_threshold;
        c->breaker_cooldown_ms = cfg->llm_breaker_cooldown_ms;
        c->max_tokens = cfg->llm_max_tokens;
        c->prices = prices;
    }
    return IMG_OK;
}
