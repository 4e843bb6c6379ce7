/*
 * img_sha256.h - SHA-256 (FIPS 180-4) and a constant-time comparison.
 *
 * Used for API key hashes and request payload fingerprints. Pure functions,
 * no allocation, thread-safe (each context is the caller's).
 */
#ifndef IMG_SHA256_H
#define IMG_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define IMG_SHA256_LEN 32
#define IMG_SHA256_HEX_LEN 64

typedef struct img_sha256 {
    uint32_t h[8];
    uint64_t total; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes waiting in block */
} img_sha256_t;

void img_sha256_init(img_sha256_t *ctx);
void img_sha256_update(img_sha256_t *ctx, const void *data, size_t len);
/* Writes the digest; the context must be re-initialised before reuse. */
void img_sha256_final(img_sha256_t *ctx, uint8_t out[IMG_SHA256_LEN]);

/* One-shot digest of data[0..len). */
void img_sha256(const void *data, size_t len, uint8_t out[IMG_SHA256_LEN]);
/* One-shot digest as 64 lowercase hex digits and a NUL (hex needs 65 bytes). */
void img_sha256_hex(const void *data, size_t len, char hex[IMG_SHA256_HEX_LEN + 1]);

/* 1 if a[0..n) equals b[0..n), else 0; the time taken depends on n only. */
int img_ct_equal(const void *a, const void *b, size_t n);

#endif
