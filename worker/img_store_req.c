/*
 * Requests: claim with lease and epoch, fenced checkpoints and finish,
 * usage events, rejections and dead letters.
 *
 * Fencing: every write of a worker names the lease epoch it got from its
 * claim, and the UPDATE that guards the write carries
 * `WHERE lease_epoch = $epoch`; the row lock taken by that UPDATE (and by
 * claim's SELECT ... FOR UPDATE) orders it against a concurrent takeover.
 */
#include "img_store_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/img_sha256.h"

#define NOTIFY_CHANNEL "imaginator_results"

static const char *json_text(json_object *obj)
{
    return obj ? json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN) : NULL;
}

static bool final_status(const char *st)
{
    return !strcmp(st, "succeeded") || !strcmp(st, "failed") || !strcmp(st, "rejected");
}

void img_claim_out_clear(img_claim_out_t *out)
{
    json_object_put(out->checkpoints);
    json_object_put(out->result);
    json_object_put(out->checkpoint_meta);
    memset(out, 0, sizeof(*out));
}

/* The checkpoints of a resumed request: outputs and, per stage, what it cost. */
static img_err_t load_checkpoints(img_store_t *s, const char *request_id, img_claim_out_t *out,
                                  char *errstr, size_t errstr_size)
{
    PGresult *r;
    const char *vals[] = {request_id};
    img_err_t err = img_store_exec(
        s, "claim checkpoints",
        "SELECT stage, output, provider, model, input_tokens, output_tokens, cached_tokens,"
        " cost_usd::float8, latency_ms, attempts FROM stage_checkpoints"
        " WHERE request_id = $1 ORDER BY created_at",
        1, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    out->checkpoints = json_object_new_object();
    out->checkpoint_meta = json_object_new_object();
    for (int i = 0; i < PQntuples(r); i++) {
        const char *stage = PQgetvalue(r, i, 0);
        json_object *o = img_store_parse_json(PQgetvalue(r, i, 1));
        if (!o) {
            PQclear(r);
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "claim: the stored %s checkpoint is not valid JSON", stage);
        }
        json_object_object_add(out->checkpoints, stage, o);
        json_object *m = json_object_new_object();
        for (int c = 2; c <= 3; c++)
            json_object_object_add(
                m, PQfname(r, c),
                PQgetisnull(r, i, c) ? NULL : json_object_new_string(PQgetvalue(r, i, c)));
        for (int c = 4; c <= 6; c++)
            json_object_object_add(m, PQfname(r, c),
                                   json_object_new_int64(strtoll(PQgetvalue(r, i, c), NULL, 10)));
        json_object_object_add(m, "cost_usd",
                               PQgetisnull(r, i, 7)
                                   ? NULL
                                   : json_object_new_double(strtod(PQgetvalue(r, i, 7), NULL)));
        json_object_object_add(m, "latency_ms",
                               PQgetisnull(r, i, 8)
                                   ? NULL
                                   : json_object_new_double(strtod(PQgetvalue(r, i, 8), NULL)));
        json_object_object_add(m, "attempts", json_object_new_int(atoi(PQgetvalue(r, i, 9))));
        json_object_object_add(out->checkpoint_meta, stage, m);
    }
    PQclear(r);
    return IMG_OK;
}

/* Lowercases a payload hash into buf; NULL stays NULL. */
static const char *lower_hex(char buf[IMG_SHA256_HEX_LEN + 1], const char *hex)
{
    if (!hex)
        return NULL;
    size_t i = 0;
    for (; hex[i] && i < IMG_SHA256_HEX_LEN; i++)
        buf[i] = (char)tolower((unsigned char)hex[i]);
    buf[i] = '\0';
    return hex[i] ? hex : buf; /* too long: let the CHECK constraint refuse it */
}

static img_err_t claim_existing(img_store_t *s, const img_claim_in_t *in, const char *const *ins,
                                img_claim_out_t *out, char *errstr, size_t errstr_size)
{
    PGresult *r;
    const char *id[] = {in->request_id};
    img_err_t err = img_store_exec(
        s, "claim",
        "SELECT payload_sha256, status, lease_owner, coalesce(lease_expires_at > now(), false),"
        " attempts, result FROM requests WHERE request_id = $1 FOR UPDATE",
        1, id, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return img_err_set(IMG_ERR_RETRIABLE, errstr, errstr_size,
                           "claim: the request row vanished; try again");
    }
    const char *stored_hash = PQgetisnull(r, 0, 0) ? NULL : PQgetvalue(r, 0, 0);
    const char *status = PQgetvalue(r, 0, 1);
    const char *owner = PQgetisnull(r, 0, 2) ? NULL : PQgetvalue(r, 0, 2);
    bool live = PQgetvalue(r, 0, 3)[0] == 't';
    out->attempts = atoi(PQgetvalue(r, 0, 4));
    if (stored_hash && ins[2] && strcmp(stored_hash, ins[2]) != 0) {
        out->claim = IMG_CLAIM_CONFLICT;
    } else if (final_status(status)) {
        out->claim = IMG_CLAIM_FINISHED;
        if (!PQgetisnull(r, 0, 5) && !(out->result = img_store_parse_json(PQgetvalue(r, 0, 5))))
            err = img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                              "claim: the stored result is not valid JSON");
    } else if (live && owner && strcmp(owner, in->owner) != 0) {
        out->claim = IMG_CLAIM_BUSY;
    } else {
        out->claim = IMG_CLAIM_RESUME;
    }
    PQclear(r);
    if (err != IMG_OK || out->claim != IMG_CLAIM_RESUME)
        return err;
    err = img_store_exec(
        s, "claim",
        "UPDATE requests SET lease_owner = $5, lease_epoch = lease_epoch + 1,"
        " lease_expires_at = now() + $6::int * interval '1 millisecond',"
        " attempts = attempts + 1, status = 'running', started_at = coalesce(started_at, now()),"
        " tenant_id = coalesce(tenant_id, (SELECT tenant_id FROM tenants WHERE name = $2)),"
        " payload_sha256 = coalesce(payload_sha256, $3), input = coalesce(input, $4::json),"
        " topic = $7, kafka_partition = $8::int, kafka_offset = $9::bigint, updated_at = now()"
        " WHERE request_id = $1 RETURNING lease_epoch, attempts",
        9, ins, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    out->epoch = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    out->attempts = atoi(PQgetvalue(r, 0, 1));
    PQclear(r);
    return load_checkpoints(s, in->request_id, out, errstr, errstr_size);
}

img_err_t img_store_claim(img_store_t *store, const img_claim_in_t *in, img_claim_out_t *out,
                          char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof(*out));
    if (!in->request_id || !in->owner || in->lease_ms <= 0)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "claim: request_id, owner and a positive lease_ms are required");
    char hash[IMG_SHA256_HEX_LEN + 1], lease[16], part[16], off[24];
    snprintf(lease, sizeof(lease), "%d", in->lease_ms);
    snprintf(part, sizeof(part), "%d", (int)in->partition);
    snprintf(off, sizeof(off), "%lld", (long long)in->offset);
    const char *ins[] = {in->request_id,
                         in->tenant,
                         lower_hex(hash, in->payload_sha256),
                         json_text(in->input),
                         in->owner,
                         lease,
                         in->topic,
                         in->partition >= 0 ? part : NULL,
                         in->offset >= 0 ? off : NULL};
    PGresult *r = NULL;
    img_err_t err = img_store_begin(store, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    err = img_store_exec(
        store, "claim",
        "INSERT INTO requests (request_id, tenant_id, payload_sha256, input, status, attempts,"
        " lease_owner, lease_epoch, lease_expires_at, topic, kafka_partition, kafka_offset,"
        " started_at)"
        " VALUES ($1, (SELECT tenant_id FROM tenants WHERE name = $2), $3, $4::json, 'running', 1,"
        " $5, 1, now() + $6::int * interval '1 millisecond', $7, $8::int, $9::bigint, now())"
        " ON CONFLICT (request_id) DO NOTHING RETURNING lease_epoch, attempts",
        9, ins, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        goto fail;
    if (PQntuples(r) == 1) {
        out->claim = IMG_CLAIM_NEW;
        out->epoch = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        out->attempts = atoi(PQgetvalue(r, 0, 1));
    } else if ((err = claim_existing(store, in, ins, out, errstr, errstr_size)) != IMG_OK) {
        goto fail;
    }
    PQclear(r);
    if ((err = img_store_commit(store, errstr, errstr_size)) != IMG_OK)
        img_claim_out_clear(out);
    return err;
fail:
    PQclear(r);
    img_store_rollback(store);
    img_claim_out_clear(out);
    return err;
}

img_err_t img_store_renew(img_store_t *store, const char *request_id, int64_t epoch, int lease_ms,
                          char *errstr, size_t errstr_size)
{
    char ep[24], lease[16];
    snprintf(ep, sizeof(ep), "%lld", (long long)epoch);
    snprintf(lease, sizeof(lease), "%d", lease_ms > 0 ? lease_ms : 1);
    const char *vals[] = {request_id, ep, lease};
    PGresult *r;
    img_err_t err = img_store_exec(
        store, "renew",
        "UPDATE requests SET lease_expires_at = now() + $3::int * interval '1 millisecond',"
        " updated_at = now()"
        " WHERE request_id = $1 AND lease_epoch = $2::bigint AND status = 'running'"
        " RETURNING 1",
        3, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    int rows = PQntuples(r);
    PQclear(r);
    if (!rows)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "renew: fenced: epoch %lld no longer holds the lease of %s",
                           (long long)epoch, request_id);
    return IMG_OK;
}

img_err_t img_store_checkpoint(img_store_t *store, const char *request_id, int64_t epoch,
                               const img_checkpoint_t *cp, bool *fenced, char *errstr,
                               size_t errstr_size)
{
    *fenced = false;
    if (!cp->stage || !cp->output)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "checkpoint: stage and output are required");
    char ep[24], in_t[24], out_t[24], cached[24], cost[40], lat[40], att[16];
    snprintf(ep, sizeof(ep), "%lld", (long long)epoch);
    snprintf(in_t, sizeof(in_t), "%ld", cp->input_tokens);
    snprintf(out_t, sizeof(out_t), "%ld", cp->output_tokens);
    snprintf(cached, sizeof(cached), "%ld", cp->cached_tokens);
    snprintf(att, sizeof(att), "%d", cp->attempts);
    const char *vals[] = {request_id,
                          ep,
                          cp->stage,
                          json_text(cp->output),
                          cp->provider,
                          cp->model,
                          in_t,
                          out_t,
                          cached,
                          img_store_num(cost, cp->cost_usd),
                          img_store_num(lat, cp->latency_ms),
                          att};
    PGresult *r;
    /* The fence is the UPDATE: it locks the row and re-checks the epoch after
     * any concurrent claim commits; no row from it, nothing inserted. */
    img_err_t err = img_store_exec(
        store, "checkpoint",
        "WITH fence AS (UPDATE requests SET updated_at = now()"
        "  WHERE request_id = $1 AND lease_epoch = $2::bigint AND status = 'running'"
        "  RETURNING request_id, attempts, lease_epoch)"
        " INSERT INTO stage_checkpoints (request_id, stage, output, provider, model,"
        "  input_tokens, output_tokens, cached_tokens, cost_usd, latency_ms, attempts,"
        "  request_attempt, lease_epoch)"
        " SELECT request_id, $3, $4::json, $5, $6, $7::bigint, $8::bigint, $9::bigint,"
        "  $10::numeric, $11::float8, $12::int, attempts, lease_epoch FROM fence"
        " ON CONFLICT (request_id, stage) DO UPDATE SET output = EXCLUDED.output,"
        "  provider = EXCLUDED.provider, model = EXCLUDED.model,"
        "  input_tokens = EXCLUDED.input_tokens, output_tokens = EXCLUDED.output_tokens,"
        "  cached_tokens = EXCLUDED.cached_tokens, cost_usd = EXCLUDED.cost_usd,"
        "  latency_ms = EXCLUDED.latency_ms, attempts = EXCLUDED.attempts,"
        "  request_attempt = EXCLUDED.request_attempt, lease_epoch = EXCLUDED.lease_epoch,"
        "  created_at = now()"
        " RETURNING 1",
        12, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    *fenced = PQntuples(r) == 0;
    PQclear(r);
    return IMG_OK;
}

img_err_t img_store_usage(img_store_t *store, const char *request_id, const char *tenant,
                          const img_usage_event_t *events, size_t n, char *errstr,
                          size_t errstr_size)
{
    if (!n)
        return IMG_OK;
    /* One round trip for all the events: a JSON array unpacked by the server. */
    json_object *arr = json_object_new_array();
    for (size_t i = 0; i < n; i++) {
        const img_usage_event_t *e = &events[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "stage", e->stage ? json_object_new_string(e->stage) : NULL);
        json_object_object_add(o, "provider",
                               json_object_new_string(e->provider ? e->provider : "unknown"));
        json_object_object_add(o, "model", e->model ? json_object_new_string(e->model) : NULL);
        json_object_object_add(o, "status", json_object_new_int(e->status));
        json_object_object_add(o, "error", e->error ? json_object_new_string(e->error) : NULL);
        json_object_object_add(o, "input_tokens", json_object_new_int64(e->input_tokens));
        json_object_object_add(o, "output_tokens", json_object_new_int64(e->output_tokens));
        json_object_object_add(o, "cached_tokens", json_object_new_int64(e->cached_tokens));
        char cost[40];
        const char *c = img_store_num(cost, e->cost_usd);
        /* as a string, so the numeric keeps every digit json-c would round */
        json_object_object_add(o, "cost_usd", c ? json_object_new_string(c) : NULL);
        json_object_array_add(arr, o);
    }
    const char *vals[] = {request_id, tenant, json_text(arr)};
    img_err_t err = img_store_exec(
        store, "usage",
        "INSERT INTO usage_events (request_id, tenant_id, stage, provider, model, http_status,"
        " error, input_tokens, output_tokens, cached_tokens, cost_usd)"
        " SELECT $1, (SELECT tenant_id FROM tenants WHERE name = $2), e.stage, e.provider,"
        " e.model, e.status, e.error, e.input_tokens, e.output_tokens, e.cached_tokens,"
        " e.cost_usd::numeric"
        " FROM json_to_recordset($3::json) AS e(stage text, provider text, model text,"
        " status int, error text, input_tokens bigint, output_tokens bigint,"
        " cached_tokens bigint, cost_usd text)",
        3, vals, NULL, NULL, NULL, errstr, errstr_size);
    json_object_put(arr);
    return err;
}

img_err_t img_store_finish(img_store_t *store, const char *request_id, int64_t epoch,
                           const char *status, json_object *result, const char *error_code,
                           const char *error_message, bool *fenced, char *errstr,
                           size_t errstr_size)
{
    *fenced = false;
    if (!status || !final_status(status))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "finish: status must be succeeded, failed or rejected");
    char ep[24];
    snprintf(ep, sizeof(ep), "%lld", (long long)epoch);
    const char *vals[] = {request_id, ep, status, json_text(result), error_code, error_message};
    PGresult *r;
    /* pg_notify in the same statement: listeners hear of it on commit. */
    img_err_t err = img_store_exec(
        store, "finish",
        "WITH fin AS (UPDATE requests SET status = $3, result = $4::json, error_code = $5,"
        "  error_message = $6, completed_at = now(), updated_at = now(), lease_owner = NULL,"
        "  lease_expires_at = NULL"
        "  WHERE request_id = $1 AND lease_epoch = $2::bigint AND status IN ('queued', 'running')"
        "  RETURNING request_id)"
        " SELECT pg_notify('" NOTIFY_CHANNEL "', request_id) FROM fin",
        6, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    int rows = PQntuples(r);
    PQclear(r);
    if (rows)
        return IMG_OK;
    /* Nothing updated: fenced, unless this epoch already finished it (a retry
     * after a lost COMMIT acknowledgement), which is not an error. */
    err = img_store_exec(store, "finish",
                         "SELECT 1 FROM requests WHERE request_id = $1 AND lease_epoch = $2::bigint"
                         " AND status IN ('succeeded', 'failed', 'rejected')",
                         2, vals, NULL, NULL, &r, errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    *fenced = PQntuples(r) == 0;
    PQclear(r);
    return IMG_OK;
}

img_err_t img_store_reject(img_store_t *store, const char *request_id, const char *tenant,
                           json_object *result, const char *error_code, const char *message,
                           const char *topic, int32_t partition, int64_t offset, char *errstr,
                           size_t errstr_size)
{
    if (!request_id || !error_code)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "reject: request_id and error_code are required");
    char part[16], off[24];
    snprintf(part, sizeof(part), "%d", (int)partition);
    snprintf(off, sizeof(off), "%lld", (long long)offset);
    const char *vals[] = {request_id,
                          tenant,
                          json_text(result),
                          error_code,
                          message,
                          topic,
                          partition >= 0 ? part : NULL,
                          offset >= 0 ? off : NULL};
    return img_store_exec(
        store, "reject",
        "WITH ins AS (INSERT INTO requests (request_id, tenant_id, status, attempts, result,"
        "  error_code, error_message, topic, kafka_partition, kafka_offset, completed_at)"
        "  VALUES ($1, (SELECT tenant_id FROM tenants WHERE name = $2), 'rejected', 0,"
        "  $3::json, $4, $5, $6, $7::int, $8::bigint, now())"
        "  ON CONFLICT (request_id) DO NOTHING RETURNING request_id)"
        " SELECT pg_notify('" NOTIFY_CHANNEL "', request_id) FROM ins",
        8, vals, NULL, NULL, NULL, errstr, errstr_size);
}

/* Masks what looks like an API key ("img_" + 9 to 40 base62 characters)
 * after its 12-character display prefix, so no key is stored in clear. */
static void mask_keys(unsigned char *p, size_t len)
{
    for (size_t i = 0; i + 4 <= len; i++) {
        if (memcmp(p + i, "img_", 4) != 0)
            continue;
        size_t j = i + 4;
        while (j < len && j < i + 44 && isalnum(p[j])) /* a key has 40 after "img_" */
            j++;
        if (j - i - 4 >= 9)
            memset(p + i + 12, '*', j - i - 12);
        i = j - 1;
    }
}

img_err_t img_store_dead_letter(img_store_t *store, const char *topic, int32_t partition,
                                int64_t offset, const char *reason_code, const char *reason,
                                const void *value, size_t len, char *errstr, size_t errstr_size)
{
    if (!topic || !reason_code)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "dead letter: topic and reason_code are required");
    unsigned char head[IMG_STORE_DEAD_LETTER_HEAD];
    size_t n = value ? (len < sizeof(head) ? len : sizeof(head)) : 0;
    if (n)
        memcpy(head, value, n);
    mask_keys(head, n);
    char part[16], off[24], size[24];
    snprintf(part, sizeof(part), "%d", (int)partition);
    snprintf(off, sizeof(off), "%lld", (long long)offset);
    snprintf(size, sizeof(size), "%zu", value ? len : 0);
    const char *vals[] = {topic, part, off, reason_code, reason, (const char *)head, size};
    const int lens[] = {0, 0, 0, 0, 0, (int)n, 0};
    const int fmts[] = {0, 0, 0, 0, 0, 1, 0};
    return img_store_exec(store, "dead letter",
                          "INSERT INTO dead_letters (topic, kafka_partition, kafka_offset,"
                          " reason_code, reason, value_head, value_size)"
                          " VALUES ($1, $2::int, $3::bigint, $4, $5, $6::bytea, $7::bigint)"
                          " ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING",
                          7, vals, lens, fmts, NULL, errstr, errstr_size);
}
