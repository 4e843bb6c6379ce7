/*
 * SHA-256 against the FIPS 180-4 / NIST example vectors and block-boundary
 * lengths, incremental updates split at every offset, and the constant-time
 * comparison.
 */
#include <stdlib.h>
#include <string.h>

#include "test_support.h"
#include "util/img_sha256.h"

static void hex_of(const char *data, size_t len, char hex[65])
{
    img_sha256_hex(data, len, hex);
}

static void test_nist_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *in, *hex;
    } v[] = {
        {"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
        {"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqr"
         "lmnopqrsmnopqrstnopqrstu",
         "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"},
    };
    char hex[65];
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        hex_of(v[i].in, strlen(v[i].in), hex);
        assert_string_equal(hex, v[i].hex);
    }
}

static void test_million_a(void **state)
{
    (void)state;
    char chunk[1000];
    memset(chunk, 'a', sizeof(chunk));
    img_sha256_t ctx;
    img_sha256_init(&ctx);
    for (int i = 0; i < 1000; i++)
        img_sha256_update(&ctx, chunk, sizeof(chunk));
    uint8_t d[32];
    img_sha256_final(&ctx, d);
    static const uint8_t want[32] = {0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
                                     0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
                                     0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
                                     0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    assert_memory_equal(d, want, 32);
}

/* Lengths around the padding boundaries (55/56 bytes, one and two blocks),
 * checked against Python's hashlib over bytes i % 251. */
static void test_block_boundaries(void **state)
{
    (void)state;
    static const struct {
        size_t n;
        const char *hex;
    } v[] = {
        {55, "463eb28e72f82e0a96c0a4cc53690c571281131f672aa229e0d45ae59b598b59"},
        {56, "da2ae4d6b36748f2a318f23e7ab1dfdf45acdc9d049bd80e59de82a60895f562"},
        {57, "2fe741af801cc238602ac0ec6a7b0c3a8a87c7fc7d7f02a3fe03d1c12eac4d8f"},
        {63, "29af2686fd53374a36b0846694cc342177e428d1647515f078784d69cdb9e488"},
        {64, "fdeab9acf3710362bd2658cdc9a29e8f9c757fcf9811603a8c447cd1d9151108"},
        {65, "4bfd2c8b6f1eec7a2afeb48b934ee4b2694182027e6d0fc075074f2fabb31781"},
        {119, "da18797ed7c3a777f0847f429724a2d8cd5138e6ed2895c3fa1a6d39d18f7ec6"},
        {120, "f52b23db1fbb6ded89ef42a23ce0c8922c45f25c50b568a93bf1c075420bbb7c"},
    };
    char buf[128], hex[65];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i % 251);
    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        hex_of(buf, v[i].n, hex);
        assert_string_equal(hex, v[i].hex);
    }
}

static void test_incremental_splits(void **state)
{
    (void)state;
    char buf[200];
    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (char)(i * 7 + 3);
    uint8_t whole[32], part[32];
    img_sha256(buf, sizeof(buf), whole);
    for (size_t a = 0; a <= sizeof(buf); a += 3) {
        for (size_t b = a; b <= sizeof(buf); b += 17) {
            img_sha256_t ctx;
            img_sha256_init(&ctx);
            img_sha256_update(&ctx, buf, a);
            img_sha256_update(&ctx, buf + a, b - a);
            img_sha256_update(&ctx, buf + b, sizeof(buf) - b);
            img_sha256_final(&ctx, part);
            assert_memory_equal(whole, part, 32);
        }
    }
}

static void test_ct_equal(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    img_sha256("x", 1, a);
    memcpy(b, a, 32);
    assert_int_equal(img_ct_equal(a, b, 32), 1);
    for (int i = 0; i < 32; i++) {
        b[i] ^= 0x01;
        assert_int_equal(img_ct_equal(a, b, 32), 0);
        b[i] ^= 0x01;
    }
    b[31] ^= 0x80;
    assert_int_equal(img_ct_equal(a, b, 32), 0);
    assert_int_equal(img_ct_equal(a, b, 0), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_nist_vectors),     cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_block_boundaries), cmocka_unit_test(test_incremental_splits),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
