#include "img_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void img_buf_reserve(img_buf_t *buf, size_t extra)
{
    if (buf->len + extra + 1 <= buf->cap)
        return;
    size_t ncap = buf->cap ? buf->cap : 64;
    while (ncap < buf->len + extra + 1)
        ncap *= 2;
    char *p = realloc(buf->data, ncap);
    if (!p) {
        fputs("imaginator: out of memory\n", stderr);
        abort();
    }
    buf->data = p;
    buf->cap = ncap;
}

void img_buf_append(img_buf_t *buf, const void *data, size_t len)
{
    img_buf_reserve(buf, len);
    if (len)
        memcpy(buf->data + buf->len, data, len);
    buf->len += len;
    buf->data[buf->len] = '\0';
}

void img_buf_puts(img_buf_t *buf, const char *s)
{
    img_buf_append(buf, s, strlen(s));
}

void img_buf_putc(img_buf_t *buf, char c)
{
    img_buf_append(buf, &c, 1);
}

void img_buf_printf(img_buf_t *buf, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n > 0) {
        img_buf_reserve(buf, (size_t)n);
        vsnprintf(buf->data + buf->len, (size_t)n + 1, fmt, ap2);
        buf->len += (size_t)n;
    }
    va_end(ap2);
}

void img_buf_clear(img_buf_t *buf)
{
    buf->len = 0;
    if (buf->data)
        buf->data[0] = '\0';
}

void img_buf_free(img_buf_t *buf)
{
    free(buf->data);
    buf->data = NULL;
    buf->len = buf->cap = 0;
}

char *img_buf_detach(img_buf_t *buf)
{
    img_buf_reserve(buf, 0);
    char *p = buf->data;
    buf->data = NULL;
    buf->len = buf->cap = 0;
    return p;
}

img_err_t img_buf_read_file(img_buf_t *buf, const char *path, size_t max_len, char *errstr,
                            size_t errstr_size)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "cannot open %s: %s", path,
                           strerror(errno));
    img_buf_clear(buf);
    char chunk[65536];
    size_t n;
    img_err_t err = IMG_OK;
    /* Read at most max_len + 1 bytes: enough for the caller to see that the
     * input is over its limit without reading all of a huge file. */
    while (buf->len <= max_len) {
        size_t want = max_len + 1 - buf->len;
        n = fread(chunk, 1, want < sizeof(chunk) ? want : sizeof(chunk), f);
        if (n == 0)
            break;
        img_buf_append(buf, chunk, n);
    }
    if (err == IMG_OK && ferror(f))
        err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "cannot read %s: %s", path,
                          strerror(errno));
    if (f != stdin)
        fclose(f);
    img_buf_reserve(buf, 0);
    return err;
}
