/*
 * Tenants and API keys: creation (the plaintext is returned once, only its
 * SHA-256 and display prefix are stored), listing, revocation, and the
 * authentication of a request's key with the tenant's monthly budget.
 */
#include "img_store_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "util/img_sha256.h"

#define KEY_TAG "img_"
#define KEY_RANDOM 40
#define KEY_LEN (4 + KEY_RANDOM)
#define PREFIX_LEN 12

static const char base62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

static bool is_base62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* "img_" + 40 base62 characters from getrandom(2), without modulo bias. */
static img_err_t new_key(char key[KEY_LEN + 1], char *errstr, size_t errstr_size)
{
    unsigned char rnd[64];
    size_t o = 0;
    memcpy(key, KEY_TAG, 4);
    while (o < KEY_RANDOM) {
        ssize_t got = getrandom(rnd, sizeof(rnd), 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            return img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "getrandom: %s",
                               strerror(errno));
        }
        for (ssize_t i = 0; i < got && o < KEY_RANDOM; i++)
            if (rnd[i] < 248) /* 248 = 4 * 62: keeps every character equally likely */
                key[4 + o++] = base62[rnd[i] % 62];
    }
    key[KEY_LEN] = '\0';
    memset(rnd, 0, sizeof(rnd));
    return IMG_OK;
}

static void hash_hex(const char *key, char hex[IMG_SHA256_HEX_LEN + 1])
{
    img_sha256_hex(key, strlen(key), hex);
}

/* A well-formed key: "img_" and 40 base62 characters. */
static bool key_shaped(const char *key)
{
    if (!key || strncmp(key, KEY_TAG, 4) != 0 || strlen(key) != KEY_LEN)
        return false;
    for (size_t i = 4; i < KEY_LEN; i++)
        if (!is_base62(key[i]))
            return false;
    return true;
}

static bool tenant_name_ok(const char *t)
{
    size_t n = t ? strlen(t) : 0;
    if (n < 1 || n > 64 || !is_base62(t[0]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!is_base62(t[i]) && t[i] != '.' && t[i] != '_' && t[i] != '-')
            return false;
    return true;
}

img_err_t img_store_key_create(img_store_t *store, const char *tenant, double budget_usd,
                               char **key_out, char *errstr, size_t errstr_size)
{
    *key_out = NULL;
    if (!tenant_name_ok(tenant))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "tenant name must be 1 to 64 characters of A-Z a-z 0-9 . _ -, "
                           "starting with a letter or digit");
    if (isinf(budget_usd))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "budget must be finite");
    char budget[40], key[KEY_LEN + 1], prefix[PREFIX_LEN + 1], hex[IMG_SHA256_HEX_LEN + 1];
    const char *budget_val = budget_usd >= 0 ? img_store_num(budget, budget_usd) : NULL;
    /* One statement, so a prefix collision leaves nothing behind: retry with
     * a fresh key (ON CONFLICT covers both unique columns). */
    static const char sql[] =
        "WITH t AS (INSERT INTO tenants (name, budget_usd) VALUES ($1, $2::numeric)"
        "  ON CONFLICT (name) DO UPDATE"
        "  SET budget_usd = coalesce(EXCLUDED.budget_usd, tenants.budget_usd)"
        "  RETURNING tenant_id)"
        " INSERT INTO api_keys (tenant_id, prefix, key_hash)"
        " SELECT tenant_id, $3, decode($4, 'hex') FROM t"
        " ON CONFLICT DO NOTHING RETURNING key_id";
    for (int attempt = 0; attempt < 5; attempt++) {
        img_err_t err = new_key(key, errstr, errstr_size);
        if (err != IMG_OK)
            return err;
        memcpy(prefix, key, PREFIX_LEN);
        prefix[PREFIX_LEN] = '\0';
        hash_hex(key, hex);
        const char *vals[] = {tenant, budget_val, prefix, hex};
        PGresult *r;
        err =
            img_store_exec(store, "keys create", sql, 4, vals, NULL, NULL, &r, errstr, errstr_size);
        if (err != IMG_OK) {
            memset(key, 0, sizeof(key));
            return err;
        }
        int rows = PQntuples(r);
        PQclear(r);
        if (rows == 1) {
            *key_out = strdup(key);
            memset(key, 0, sizeof(key));
            return *key_out ? IMG_OK
                            : img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
        }
    }
    memset(key, 0, sizeof(key));
    return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                       "keys create: five prefix collisions in a row; the random source is "
                       "suspect");
}

img_err_t img_store_key_revoke(img_store_t *store, const char *key_or_prefix, char *errstr,
                               size_t errstr_size)
{
    size_t n = key_or_prefix ? strlen(key_or_prefix) : 0;
    char hex[IMG_SHA256_HEX_LEN + 1];
    const char *vals[2] = {NULL, NULL};
    if (n == PREFIX_LEN && !strncmp(key_or_prefix, KEY_TAG, 4)) {
        vals[0] = key_or_prefix;
    } else if (key_shaped(key_or_prefix)) {
        hash_hex(key_or_prefix, hex);
        vals[1] = hex;
    } else {
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "give the 12-character prefix shown by imaginator keys list, or the "
                           "whole key");
    }
    PGresult *r;
    /* Revoking twice is not an error; the first revocation time stays. */
    img_err_t err = img_store_exec(store, "keys revoke",
                                   "UPDATE api_keys SET revoked_at = coalesce(revoked_at, now())"
                                   " WHERE prefix = $1 OR key_hash = decode($2, 'hex')"
                                   " RETURNING prefix",
                                   2, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    int rows = PQntuples(r);
    PQclear(r);
    if (rows == 0)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "no key matches %.12s",
                           key_or_prefix);
    return IMG_OK;
}

img_err_t img_store_key_list(img_store_t *store, FILE *out, char *errstr, size_t errstr_size)
{
    PGresult *r;
    img_err_t err = img_store_exec(
        store, "keys list",
        "SELECT k.prefix, t.name,"
        " to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        " coalesce(to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'),"
        "          'active')"
        " FROM api_keys k JOIN tenants t ON t.tenant_id = k.tenant_id"
        " ORDER BY t.name, k.created_at, k.key_id",
        0, NULL, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    for (int i = 0; i < PQntuples(r); i++)
        fprintf(out, "%s %s %s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                PQgetvalue(r, i, 3));
    PQclear(r);
    return IMG_OK;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes 64 lowercase hex digits; false on anything else. */
static bool unhex32(const char *hex, uint8_t out[IMG_SHA256_LEN])
{
    if (strlen(hex) != IMG_SHA256_HEX_LEN)
        return false;
    for (int i = 0; i < IMG_SHA256_LEN; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

img_err_t img_store_authenticate(img_store_t *store, const char *key, img_auth_t *auth,
                                 char **tenant_out, char *errstr, size_t errstr_size)
{
    *auth = IMG_AUTH_UNKNOWN;
    *tenant_out = NULL;
    if (!key_shaped(key))
        return IMG_OK;
    char prefix[PREFIX_LEN + 1];
    memcpy(prefix, key, PREFIX_LEN);
    prefix[PREFIX_LEN] = '\0';
    const char *vals[] = {prefix};
    PGresult *r;
    /* Looked up by the public prefix; the secret part is checked below by
     * comparing hashes in constant time. The month's spend is summed only
     * when the tenant has a budget. */
    img_err_t err = img_store_exec(
        store, "authenticate",
        "SELECT encode(k.key_hash, 'hex'), k.revoked_at IS NOT NULL, t.name,"
        " CASE WHEN t.budget_usd IS NULL THEN false"
        "  ELSE coalesce((SELECT sum(u.cost_usd) FROM usage_events u"
        "                  WHERE u.tenant_id = t.tenant_id"
        "                    AND u.created_at >= date_trunc('month', now(), 'UTC')), 0)"
        "       >= t.budget_usd END"
        " FROM api_keys k JOIN tenants t ON t.tenant_id = k.tenant_id WHERE k.prefix = $1",
        1, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    uint8_t want[IMG_SHA256_LEN], have[IMG_SHA256_LEN];
    img_sha256(key, strlen(key), have);
    if (PQntuples(r) == 1 && unhex32(PQgetvalue(r, 0, 0), want) &&
        img_ct_equal(want, have, IMG_SHA256_LEN)) {
        if (PQgetvalue(r, 0, 1)[0] == 't') {
            *auth = IMG_AUTH_REVOKED;
        } else {
            *auth = PQgetvalue(r, 0, 3)[0] == 't' ? IMG_AUTH_OVER_BUDGET : IMG_AUTH_OK;
            if (!(*tenant_out = strdup(PQgetvalue(r, 0, 2))))
                err = img_err_set(IMG_ERR_FATAL, errstr, errstr_size, "out of memory");
        }
    }
    PQclear(r);
    memset(have, 0, sizeof(have));
    return err;
}
