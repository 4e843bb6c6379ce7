/*
 * img_utf8.h - strict UTF-8 (RFC 3629: no overlongs, no surrogates, <= U+10FFFF).
 * Pure functions; no allocation; thread-safe.
 */
#ifndef IMG_UTF8_H
#define IMG_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Returns true if s[0..len) is valid UTF-8; else false and *bad_offset is the
 * byte offset of the first invalid sequence (bad_offset may be NULL). */
bool img_utf8_valid(const char *s, size_t len, size_t *bad_offset);

/* Decodes one code point at s[pos] (pos < len). Returns its byte length (>= 1)
 * and stores it in *cp; invalid bytes decode as U+FFFD with length 1. */
size_t img_utf8_decode(const char *s, size_t len, size_t pos, uint32_t *cp);

/* Length of the longest prefix of s[0..max) that does not split a code point. */
size_t img_utf8_clip(const char *s, size_t len, size_t max);

#endif
