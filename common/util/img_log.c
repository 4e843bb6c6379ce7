#include "img_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "img_buf.h"

static img_log_level_t g_level = IMG_LOG_WARN;
static img_log_format_t g_format = IMG_LOG_LOGFMT;

static const char *level_names[] = {"debug", "info", "warn", "error", "off"};

void img_log_setup(img_log_level_t level, img_log_format_t format)
{
    g_level = level;
    g_format = format;
}

img_log_level_t img_log_level_parse(const char *s, int *ok)
{
    for (int i = 0; i <= IMG_LOG_OFF; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *ok = 1;
            return (img_log_level_t)i;
        }
    *ok = 0;
    return IMG_LOG_WARN;
}

/* Quotes a value for logfmt or JSON; both escape quotes, backslashes and controls. */
static void put_quoted(img_buf_t *b, const char *s)
{
    img_buf_putc(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            img_buf_putc(b, '\\');
            img_buf_putc(b, (char)c);
        } else if (c < 0x20) {
            img_buf_printf(b, "\\u%04x", c);
        } else {
            img_buf_putc(b, (char)c);
        }
    }
    img_buf_putc(b, '"');
}

static void put_field(img_buf_t *b, const char *key, const char *val, int first)
{
    if (g_format == IMG_LOG_JSON) {
        img_buf_puts(b, first ? "{" : ",");
        put_quoted(b, key);
        img_buf_putc(b, ':');
        put_quoted(b, val);
    } else {
        if (!first)
            img_buf_putc(b, ' ');
        img_buf_puts(b, key);
        img_buf_putc(b, '=');
        if (strpbrk(val, " \"=\\") || !*val)
            put_quoted(b, val);
        else
            img_buf_puts(b, val);
    }
}

void img_log_write(img_log_level_t level, const img_log_ctx_t *ctx, const char *event,
                   const char *fmt, ...)
{
    if (level < g_level || level >= IMG_LOG_OFF)
        return;
    char ts[64], msg[1024], num[16];
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    snprintf(ts, sizeof(ts), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000000);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);

    img_buf_t b = IMG_BUF_INIT;
    put_field(&b, "ts", ts, 1);
    put_field(&b, "level", level_names[level], 0);
    put_field(&b, "event", event, 0);
    if (ctx && ctx->request_id)
        put_field(&b, "request_id", ctx->request_id, 0);
    if (ctx && ctx->stage)
        put_field(&b, "stage", ctx->stage, 0);
    if (ctx && ctx->attempt > 0) {
        snprintf(num, sizeof(num), "%d", ctx->attempt);
        put_field(&b, "attempt", num, 0);
    }
    if (msg[0])
        put_field(&b, "msg", msg, 0);
    if (g_format == IMG_LOG_JSON)
        img_buf_putc(&b, '}');
    img_buf_putc(&b, '\n');
    fputs(b.data, stderr);
    img_buf_free(&b);
}
