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

#include "util/img_conf.h"

typedef struct img_config {
    size_t max_document_bytes;
    double confidence_threshold;
    char *log_level;
    char *log_format;
} img_config_t;

extern const img_conf_table_t img_config_table;

/* Defaults, then the file (if path is non-NULL), then the environment. */
img_err_t img_config_init(img_config_t *cfg, const char *path, char *errstr,
                          size_t errstr_size) IMG_WUR;
/* Applies log.level and log.format to the logger. */
img_err_t img_config_apply_logging(const img_config_t *cfg, char *errstr,
                                   size_t errstr_size) IMG_WUR;
void img_config_free(img_config_t *cfg);

#endif
