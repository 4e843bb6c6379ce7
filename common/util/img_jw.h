/*
 * img_jw.h - a streaming JSON writer into an img_buf: no tree, no per-value
 * allocation. Its output is byte for byte json-c's
 * json_object_to_json_string_ext() with JSON_C_TO_STRING_NOSLASHESCAPE and
 * either JSON_C_TO_STRING_PLAIN (compact) or JSON_C_TO_STRING_PRETTY |
 * JSON_C_TO_STRING_SPACED (pretty: two-space indents, "key": value, and an
 * empty container still opens a line: "[\n  ]"), so documents written here
 * and documents built with json-c compare equal as text.
 *
 * Strings are written as json-c writes them: '"' and '\\' escaped, \b \f \n
 * \r \t, other bytes below 0x20 as \u00xx, every other byte (UTF-8 included)
 * as is; the writer does not validate UTF-8.
 *
 * Usage: img_jw_init(), then values; inside an object every value follows
 * img_jw_key(). Nesting is limited to IMG_JW_MAX_DEPTH (deeper aborts: a bug).
 * Ownership: buf is borrowed for the writer's life. Not thread-safe.
 */
#ifndef IMG_JW_H
#define IMG_JW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "img_buf.h"

#define IMG_JW_MAX_DEPTH 64

typedef struct img_jw {
    img_buf_t *buf;
    bool pretty;
    int depth;         /* open containers */
    uint64_t in_array; /* bit d-1: the container at depth d is an array */
    uint64_t has_item; /* bit d-1: it already has a member */
} img_jw_t;

/* Starts writing at the end of buf; pretty selects the layout (see above). */
void img_jw_init(img_jw_t *w, img_buf_t *buf, bool pretty);

void img_jw_object_begin(img_jw_t *w);
void img_jw_object_end(img_jw_t *w);
void img_jw_array_begin(img_jw_t *w);
void img_jw_array_end(img_jw_t *w);
/* The member name of the next value (inside an object only). */
void img_jw_key(img_jw_t *w, const char *key);

/* img_jw_key() for a string literal key that needs no escaping (no '"',
 * '\\' or control characters): the quoted key is built at compile time. */
#define IMG_JW_KEY(w, lit) img_jw_key_raw((w), "\"" lit "\":", sizeof("\"" lit "\":") - 1)
/* Writes a member name already quoted and followed by ':' (IMG_JW_KEY()). */
void img_jw_key_raw(img_jw_t *w, const char *quoted_colon, size_t len);

/* A string value; NULL writes null. */
void img_jw_string(img_jw_t *w, const char *s);
/* s[0..len) as a string value (may hold NUL bytes: written as \u0000). */
void img_jw_string_len(img_jw_t *w, const char *s, size_t len);
void img_jw_null(img_jw_t *w);
void img_jw_bool(img_jw_t *w, bool v);
void img_jw_int(img_jw_t *w, long long v);
/* v printed as printf("%.*f", decimals, v) would (0 <= decimals <= 9);
 * NaN writes null. */
void img_jw_fixed(img_jw_t *w, double v, int decimals);

/* snprintf(out, cap, "%.*f", decimals, v), byte for byte, without printf
 * for ordinary values (|v| < 1e9, not within 1e-6 of a rounding tie);
 * returns what snprintf returns. Exposed for tests. */
int img_jw_format_fixed(char *out, size_t cap, double v, int decimals);

#endif
