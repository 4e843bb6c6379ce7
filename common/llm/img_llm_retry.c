#include "img_llm_retry.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

img_err_t img_llm_classify(const img_llm_failure_info_t *f)
{
    if (f->should_retry) {
        if (!strcasecmp(f->should_retry, "true"))
            return IMG_ERR_RETRIABLE;
        if (!strcasecmp(f->should_retry, "false"))
            return IMG_ERR_PERMANENT;
    }
    /* Out of credit looks like a 429 but waiting does not help. */
    if (f->error_type && (strstr(f->error_type, "insufficient_quota") ||
                          strstr(f->error_type, "billing") || strstr(f->error_type, "credit")))
        return IMG_ERR_PERMANENT;
    int s = f->http_status;
    if (s == 0 || s == 408 || s == 409 || s == 429 || s >= 500)
        return IMG_ERR_RETRIABLE;
    return IMG_ERR_PERMANENT;
}

static int month_index(const char *m)
{
    static const char *names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                  "jul", "aug", "sep", "oct", "nov", "dec"};
    for (int i = 0; i < 12; i++)
        if (!strncasecmp(m, names[i], 3))
            return i;
    return -1;
}

/* IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT" (the form servers send). */
static int parse_http_date(const char *s, time_t *out)
{
    char wd[8], mon[8], zone[8];
    int day, year, hh, mm, ss;
    if (sscanf(s, "%7[A-Za-z], %d %7s %d %d:%d:%d %7s", wd, &day, mon, &year, &hh, &mm, &ss,
               zone) != 8)
        return 0;
    int mi = month_index(mon);
    if (mi < 0 || strcasecmp(zone, "GMT") || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
        return 0;
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = mi;
    tm.tm_mday = day;
    tm.tm_hour = hh;
    tm.tm_min = mm;
    tm.tm_sec = ss;
    *out = timegm(&tm);
    return 1;
}

static int parse_number(const char *s, double *out)
{
    char *end;
    while (isspace((unsigned char)*s))
        s++;
    if (!*s)
        return 0;
    double v = strtod(s, &end);
    while (isspace((unsigned char)*end))
        end++;
    if (*end || v != v)
        return 0;
    *out = v;
    return 1;
}

long img_llm_retry_after_ms(const char *retry_after_ms, const char *retry_after, time_t now)
{
    double v;
    if (retry_after_ms && parse_number(retry_after_ms, &v)) {
        if (v >= 0 && v <= 60000)
            return (long)v;
        return -1;
    }
    if (!retry_after)
        return -1;
    if (parse_number(retry_after, &v)) {
        if (v >= 0 && v <= 60)
            return (long)(v * 1000);
        return -1;
    }
    time_t when;
    if (parse_http_date(retry_after, &when)) {
        double d = difftime(when, now);
        if (d < 0)
            return 0;
        if (d <= 60)
            return (long)(d * 1000);
    }
    return -1;
}

long img_llm_backoff_ms(int retry, uint32_t *rng)
{
    if (retry < 1)
        retry = 1;
    double base = 500.0;
    for (int i = 1; i < retry && base < 8000; i++)
        base *= 2;
    if (base > 8000)
        base = 8000;
    /* xorshift32: cheap, per-caller state, good enough for jitter. */
    uint32_t x = *rng ? *rng : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *rng = x;
    double jitter = 1.0 - 0.25 * ((double)x / 4294967296.0);
    return (long)(base * jitter);
}

int img_llm_failure_billed(int http_status)
{
    (void)http_status;
    return 0;
}
