#include "img_utf8.h"

#include <stdint.h>
#include <string.h>

static size_t seq_len(const unsigned char *p, size_t avail, uint32_t *cp)
{
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        v = c & 0x1F;
        min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        v = c & 0x0F;
        min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        v = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

bool img_utf8_valid(const char *s, size_t len, size_t *bad_offset)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        if (p[i] < 0x80) {
            i++;
            /* Skip plain ASCII eight bytes at a time. */
            for (uint64_t w; i + 8 <= len; i += 8) {
                memcpy(&w, p + i, 8);
                if (w & 0x8080808080808080ull)
                    break;
            }
            continue;
        }
        uint32_t cp;
        size_t n = seq_len(p + i, len - i, &cp);
        if (n == 0) {
            if (bad_offset)
                *bad_offset = i;
            return false;
        }
        i += n;
    }
    return true;
}

size_t img_utf8_decode(const char *s, size_t len, size_t pos, uint32_t *cp)
{
    size_t n = seq_len((const unsigned char *)s + pos, len - pos, cp);
    if (n == 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return n;
}

size_t img_utf8_clip(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t i = max;
    while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
        i--;
    return i;
}
