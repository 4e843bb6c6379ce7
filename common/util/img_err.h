/*
 * img_err.h - the one error convention of libimaginator.
 *
 * Functions return img_err_t; where a person needs a reason, the caller passes
 * `char *errstr, size_t errstr_size` and gets one line (no trailing newline).
 * Anything unclassified is permanent.
 */
#ifndef IMG_ERR_H
#define IMG_ERR_H

#include <stddef.h>

#if defined(__GNUC__)
#define IMG_WUR __attribute__((warn_unused_result))
#define IMG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define IMG_WUR
#define IMG_PRINTF(a, b)
#endif

typedef enum img_err {
    IMG_OK = 0,
    IMG_ERR_RETRIABLE = 1, /* try again later: transport, 429, database down */
    IMG_ERR_PERMANENT = 2, /* this input or request can never succeed */
    IMG_ERR_FATAL = 3      /* the process cannot go on: config, out of memory */
} img_err_t;

/* Static name of an error class ("ok", "retriable", "permanent", "fatal"). */
const char *img_err_name(img_err_t err);

/* Writes a formatted one-line reason into errstr (may be NULL) and returns err. */
img_err_t img_err_set(img_err_t err, char *errstr, size_t errstr_size, const char *fmt, ...)
    IMG_PRINTF(4, 5);

#endif
