#include "img_err.h"

#include <stdarg.h>
#include <stdio.h>

const char *img_err_name(img_err_t err)
{
    switch (err) {
    case IMG_OK:
        return "ok";
    case IMG_ERR_RETRIABLE:
        return "retriable";
    case IMG_ERR_FATAL:
        return "fatal";
    case IMG_ERR_PERMANENT:
    default:
        return "permanent";
    }
}

img_err_t img_err_set(img_err_t err, char *errstr, size_t errstr_size, const char *fmt, ...)
{
    if (errstr && errstr_size > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return err;
}
