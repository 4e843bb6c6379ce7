/*
 * img_log.h - one structured line per event on stderr, logfmt or JSON.
 *
 * Every line carries the request context (request id, stage, attempt) when
 * one is given. Never pass resume text, job text or keys as values: callers
 * log ids, sizes and reasons only. Thread-safe (one fputs per line).
 */
#ifndef IMG_LOG_H
#define IMG_LOG_H

#include "img_err.h"

typedef enum img_log_level {
    IMG_LOG_DEBUG = 0,
    IMG_LOG_INFO,
    IMG_LOG_WARN,
    IMG_LOG_ERROR,
    IMG_LOG_OFF
} img_log_level_t;

typedef enum img_log_format { IMG_LOG_LOGFMT = 0, IMG_LOG_JSON } img_log_format_t;

/* Request context; any field may be NULL / negative. Borrowed for the call. */
typedef struct img_log_ctx {
    const char *request_id;
    const char *stage;
    int attempt;
} img_log_ctx_t;

void img_log_setup(img_log_level_t level, img_log_format_t format);
img_log_level_t img_log_level_parse(const char *s, int *ok);
/* Writes one line: level, event name, context, then a free-text message. */
void img_log_write(img_log_level_t level, const img_log_ctx_t *ctx, const char *event,
                   const char *fmt, ...) IMG_PRINTF(4, 5);

#define img_log_info(ctx, ev, ...) img_log_write(IMG_LOG_INFO, ctx, ev, __VA_ARGS__)
#define img_log_warn(ctx, ev, ...) img_log_write(IMG_LOG_WARN, ctx, ev, __VA_ARGS__)
#define img_log_error(ctx, ev, ...) img_log_write(IMG_LOG_ERROR, ctx, ev, __VA_ARGS__)
#define img_log_debug(ctx, ev, ...) img_log_write(IMG_LOG_DEBUG, ctx, ev, __VA_ARGS__)

#endif
