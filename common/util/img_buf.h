/*
 * img_buf.h - a growable byte buffer, always NUL-terminated.
 *
 * Ownership: the buffer owns `data`; img_buf_free() releases it;
 * img_buf_detach() hands it to the caller (free() it). Aborts on out of memory.
 */
#ifndef IMG_BUF_H
#define IMG_BUF_H

#include <stddef.h>

#include "img_err.h"

typedef struct img_buf {
    char *data;
    size_t len, cap;
} img_buf_t;

#define IMG_BUF_INIT                                                                               \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void img_buf_reserve(img_buf_t *buf, size_t extra);
void img_buf_append(img_buf_t *buf, const void *data, size_t len);
void img_buf_puts(img_buf_t *buf, const char *s);
void img_buf_putc(img_buf_t *buf, char c);
void img_buf_printf(img_buf_t *buf, const char *fmt, ...) IMG_PRINTF(2, 3);
void img_buf_clear(img_buf_t *buf);
void img_buf_free(img_buf_t *buf);
char *img_buf_detach(img_buf_t *buf);

/* Reads a file ("-" is standard input) into buf: all of it, or max_len + 1
 * bytes when it is larger (so buf->len > max_len tells the caller it is over
 * its limit). IMG_ERR_PERMANENT with a reason on a missing or unreadable file. */
img_err_t img_buf_read_file(img_buf_t *buf, const char *path, size_t max_len, char *errstr,
                            size_t errstr_size) IMG_WUR;

#endif
