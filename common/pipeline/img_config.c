#include "img_config.h"

#include <stddef.h>
#include <string.h>

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
};

const img_conf_table_t img_config_table = {entries, sizeof(entries) / sizeof(entries[0]), NULL,
                                           NULL, NULL};

img_err_t img_config_init(img_config_t *cfg, const char *path, char *errstr, size_t errstr_size)
{
    memset(cfg, 0, sizeof(*cfg));
    img_err_t err = img_conf_defaults(&img_config_table, cfg, errstr, errstr_size);
    if (err == IMG_OK && path)
        err = img_conf_load_file(&img_config_table, cfg, path, errstr, errstr_size);
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
}
