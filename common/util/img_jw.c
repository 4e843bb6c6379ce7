#include "img_jw.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void img_jw_init(img_jw_t *w, img_buf_t *buf, bool pretty)
{
    w->buf = buf;
    w->pretty = pretty;
    w->depth = 0;
    w->in_array = 0;
    w->has_item = 0;
}

/* Appends n bytes; the buffer stays NUL-terminated. */
static inline void put(img_jw_t *w, const char *s, size_t n)
{
    img_buf_t *b = w->buf;
    if (b->len + n + 1 > b->cap)
        img_buf_reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

#define PUT_LIT(w, lit) put((w), (lit), sizeof(lit) - 1)

static void indent(img_jw_t *w, int level)
{
    static const char spaces[] = "                                "; /* 32 */
    size_t n = (size_t)level * 2;
    PUT_LIT(w, "\n");
    while (n) {
        size_t k = n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1;
        put(w, spaces, k);
        n -= k;
    }
}

/* Starts a member of the current container: the separator, and in pretty
 * mode a new line indented one level deeper. */
static inline void member(img_jw_t *w)
{
    if (!w->depth)
        return;
    uint64_t bit = (uint64_t)1 << (w->depth - 1);
    if (w->has_item & bit)
        PUT_LIT(w, ",");
    w->has_item |= bit;
    if (w->pretty)
        indent(w, w->depth);
}

/* Before a value: array elements start a member (object members did in
 * img_jw_key()). */
static inline void value(img_jw_t *w)
{
    if (w->depth && (w->in_array >> (w->depth - 1) & 1))
        member(w);
}

static void open_container(img_jw_t *w, bool array)
{
    value(w);
    if (w->depth >= IMG_JW_MAX_DEPTH) {
        fputs("imaginator: JSON nesting too deep\n", stderr);
        abort();
    }
    uint64_t bit = (uint64_t)1 << w->depth++;
    w->has_item &= ~bit;
    if (array)
        w->in_array |= bit;
    else
        w->in_array &= ~bit;
    put(w, array ? "[" : "{", 1);
}

static void close_container(img_jw_t *w, const char *c)
{
    w->depth--;
    /* json-c opens a line even for an empty container. */
    if (w->pretty)
        indent(w, w->depth);
    put(w, c, 1);
}

void img_jw_object_begin(img_jw_t *w)
{
    open_container(w, false);
}

void img_jw_object_end(img_jw_t *w)
{
    close_container(w, "}");
}

void img_jw_array_begin(img_jw_t *w)
{
    open_container(w, true);
}

void img_jw_array_end(img_jw_t *w)
{
    close_container(w, "]");
}

/* Bytes json-c escapes: below 0x20, '"' and '\\' (1), or not (0). */
static const unsigned char SPECIAL[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* True if one of the eight bytes of x is special (exact "some byte is zero /
 * below 0x20" tests; bytes >= 0x80 never hit). */
static inline bool special8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & highs;
}

/* Room for n more bytes and the NUL; returns where they go. */
static inline char *room(img_jw_t *w, size_t n)
{
    img_buf_t *b = w->buf;
    if (b->cap - b->len < n + 1)
        img_buf_reserve(b, n);
    return b->data + b->len;
}

/* Ends a write at o (from room()): NUL-terminates and sets the length. */
static inline void done(img_jw_t *w, char *o)
{
    *o = '\0';
    w->buf->len = (size_t)(o - w->buf->data);
}

/* Writes s[0..len) at o as a JSON string (json-c's json_escape_str() with
 * JSON_C_TO_STRING_NOSLASHESCAPE, quotes included) and returns the end; o
 * has room for len * 6 + 2 bytes. Plain bytes go eight at a time. */
static char *quoted(char *o, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const char *end = s + len;
    *o++ = '"';
    while (s < end) {
#if defined(__SSE2__)
        /* Sixteen at a time: store them all, keep those before a special one
         * (o has room: every byte left owns six of the output). */
        while (end - s >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)s);
            __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
            __m128i hit = _mm_or_si128(ctl, _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
                                                         _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))));
            unsigned mask = (unsigned)_mm_movemask_epi8(hit);
            _mm_storeu_si128((__m128i *)(void *)o, v);
            if (mask) {
                unsigned k = (unsigned)__builtin_ctz(mask);
                o += k;
                s += k;
                break;
            }
            o += 16;
            s += 16;
        }
        if (s == end)
            break;
#endif
        if (end - s >= 8) {
            uint64_t x;
            memcpy(&x, s, 8);
            if (!special8(x)) {
                memcpy(o, &x, 8);
                o += 8;
                s += 8;
                continue;
            }
        }
        unsigned char c = (unsigned char)*s++;
        if (!SPECIAL[c]) {
            *o++ = (char)c;
            continue;
        }
        *o++ = '\\';
        switch (c) {
        case '\b':
            *o++ = 'b';
            break;
        case '\f':
            *o++ = 'f';
            break;
        case '\n':
            *o++ = 'n';
            break;
        case '\r':
            *o++ = 'r';
            break;
        case '\t':
            *o++ = 't';
            break;
        case '"':
        case '\\':
            *o++ = (char)c;
            break;
        default:
            memcpy(o, "u00", 3);
            o[3] = hex[c >> 4];
            o[4] = hex[c & 15];
            o += 5;
        }
    }
    *o++ = '"';
    return o;
}

void img_jw_key(img_jw_t *w, const char *key)
{
    size_t n = strlen(key);
    member(w);
    char *o = quoted(room(w, n * 6 + 4), key, n);
    *o++ = ':';
    if (w->pretty)
        *o++ = ' ';
    done(w, o);
}

void img_jw_key_raw(img_jw_t *w, const char *quoted_colon, size_t len)
{
    member(w);
    char *o = room(w, len + 1);
    memcpy(o, quoted_colon, len);
    o += len;
    if (w->pretty)
        *o++ = ' ';
    done(w, o);
}

void img_jw_string_len(img_jw_t *w, const char *s, size_t len)
{
    value(w);
    done(w, quoted(room(w, len * 6 + 2), s, len));
}

void img_jw_string(img_jw_t *w, const char *s)
{
    if (!s)
        img_jw_null(w);
    else
        img_jw_string_len(w, s, strlen(s));
}

void img_jw_null(img_jw_t *w)
{
    value(w);
    PUT_LIT(w, "null");
}

void img_jw_bool(img_jw_t *w, bool v)
{
    value(w);
    if (v)
        PUT_LIT(w, "true");
    else
        PUT_LIT(w, "false");
}

/* Decimal digits of v, right-aligned before end; returns the first. */
static char *digits(char *end, unsigned long long v)
{
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

void img_jw_int(img_jw_t *w, long long v)
{
    char buf[24], *end = buf + sizeof(buf);
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    char *p = digits(end, u);
    if (v < 0)
        *--p = '-';
    value(w);
    put(w, p, (size_t)(end - p));
}

int img_jw_format_fixed(char *out, size_t cap, double v, int decimals)
{
    static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    if (decimals < 0 || decimals > 9 || cap < 32)
        return snprintf(out, cap, "%.*f", decimals, v);
    /* x is |v| * 10^decimals rounded once: below 1e9 it is within 6e-8 of
     * the exact product. Away from a tie (.5), rounding x to the nearest
     * integer then rounds the exact product the same way, as printf does;
     * near a tie, or for large or non-finite values, printf decides. */
    double x = fabs(v) * scale[decimals];
    if (!(x < 1e9))
        return snprintf(out, cap, "%.*f", decimals, v);
    double fl = floor(x), frac = x - fl;
    if (fabs(frac - 0.5) < 1e-6)
        return snprintf(out, cap, "%.*f", decimals, v);
    unsigned long long r = (unsigned long long)fl + (frac > 0.5);
    char tmp[32], *end = tmp + sizeof(tmp);
    char *p = digits(end, r);
    /* At least decimals + 1 digits: leading zeros of a value below 1. */
    while (end - p < decimals + 1)
        *--p = '0';
    size_t n = 0;
    if (signbit(v))
        out[n++] = '-'; /* printf keeps the sign of -0.0 and of -0.001 -> "-0.00" */
    size_t int_len = (size_t)(end - p) - (size_t)decimals;
    memcpy(out + n, p, int_len);
    n += int_len;
    if (decimals) {
        out[n++] = '.';
        memcpy(out + n, p + int_len, (size_t)decimals);
        n += (size_t)decimals;
    }
    out[n] = '\0';
    return (int)n;
}

void img_jw_fixed(img_jw_t *w, double v, int decimals)
{
    if (isnan(v)) {
        img_jw_null(w);
        return;
    }
    char buf[512];
    int n = img_jw_format_fixed(buf, sizeof(buf), v, decimals);
    value(w);
    put(w, buf, n < 0 ? 0 : (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}
