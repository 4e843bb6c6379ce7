#include "img_request.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "engine/img_model.h"
#include "pipeline/img_inputs.h"
#include "util/img_arena.h"
#include "util/img_sha256.h"
#include "util/img_utf8.h"

static const char *const reason_codes[] = {"ok", "invalid_json", "invalid_utf8", "oversize",
                                           "schema_violation"};

const char *img_request_reason_code(img_request_reason_t reason)
{
    return (unsigned)reason < sizeof(reason_codes) / sizeof(reason_codes[0]) ? reason_codes[reason]
                                                                             : "schema_violation";
}

bool img_request_id_valid(const char *s, size_t len)
{
    if (!s || len < 1 || len > IMG_REQUEST_ID_MAX)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == ':' || c == '-'))
            return false;
    }
    return true;
}

bool img_request_bearer(const void *value, size_t len, char *key, size_t key_size)
{
    const char *s = value, *e = s ? s + len : NULL;
    if (key_size)
        key[0] = '\0';
    if (!s)
        return false;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    if (e - s < 7 || strncasecmp(s, "bearer", 6) != 0 || (s[6] != ' ' && s[6] != '\t'))
        return false;
    s += 7;
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    size_t n = (size_t)(e - s);
    if (n < 1 || n > 256 || n >= key_size)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    memcpy(key, s, n);
    key[n] = '\0';
    return true;
}

void img_request_sha256_hex(const void *data, size_t len, char hex[65])
{
    img_sha256_hex(data, len, hex);
}

/* ---- validation ---- */

/* Best effort for poison messages: a valid request_id, whatever else is wrong. */
static void extract_id(img_request_t *req, const char *value, size_t len)
{
    if (len > (size_t)INT32_MAX)
        return;
    json_tokener *tok = json_tokener_new();
    json_object *obj = json_tokener_parse_ex(tok, value, (int)len), *id;
    json_tokener_free(tok);
    if (obj && json_object_is_type(obj, json_type_object) &&
        json_object_object_get_ex(obj, "request_id", &id) &&
        json_object_is_type(id, json_type_string)) {
        const char *s = json_object_get_string(id);
        size_t n = (size_t)json_object_get_string_len(id);
        if (img_request_id_valid(s, n)) {
            memcpy(req->request_id, s, n);
            req->request_id[n] = '\0';
            req->has_request_id = true;
        }
    }
    json_object_put(obj);
}

static img_request_reason_t fail(img_request_reason_t r, char *errstr, size_t errstr_size,
                                 const char *fmt, ...) IMG_PRINTF(4, 5);
static img_request_reason_t fail(img_request_reason_t r, char *errstr, size_t errstr_size,
                                 const char *fmt, ...)
{
    if (errstr && errstr_size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(errstr, errstr_size, fmt, ap);
        va_end(ap);
    }
    return r;
}

static const char *type_name(json_object *o)
{
    return json_type_to_name(json_object_get_type(o));
}

/* A field name from the message, safe for a log line: printable ASCII, clipped. */
static void safe_name(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 4 < cap; s++)
        out[k++] = (*s >= 0x20 && *s < 0x7f && *s != '"') ? *s : '?';
    if (*s)
        out[k++] = '.', out[k++] = '.', out[k++] = '.';
    out[k] = '\0';
}

typedef struct vctx {
    const img_request_limits_t *lim;
    char *errstr;
    size_t errstr_size;
} vctx_t;

static img_request_reason_t check_document(vctx_t *v, json_object *doc, const char *name,
                                           const char **s, size_t *n)
{
    json_object *o = NULL;
    if (!json_object_object_get_ex(doc, name, &o))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s: required", name);
    if (!json_object_is_type(o, json_type_string))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s: expected a string, got %s",
                    name, type_name(o));
    *s = json_object_get_string(o);
    *n = (size_t)json_object_get_string_len(o);
    if (*n == 0)
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s: empty", name);
    if (*n > v->lim->max_document_bytes)
        return fail(IMG_REQ_OVERSIZE, v->errstr, v->errstr_size,
                    "%s: %zu bytes, over the limit of %zu", name, *n, v->lim->max_document_bytes);
    if (memchr(*s, '\0', *n))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s: contains a NUL character",
                    name);
    return IMG_REQ_OK;
}

/* extracted_skills / domain_insights: the object, or the JSON string form. */
static img_request_reason_t check_upstream(vctx_t *v, json_object *doc, const char *name,
                                           int is_skills, json_object **out)
{
    char name_json[40], why[384];
    snprintf(name_json, sizeof(name_json), "%s_json", name);
    json_object *o = NULL, *js = NULL;
    json_object_object_get_ex(doc, name, &o);
    json_object_object_get_ex(doc, name_json, &js);
    if (o && js)
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s and %s are mutually exclusive",
                    name, name_json);
    if (js) {
        if (!json_object_is_type(js, json_type_string))
            return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s: expected a string, got %s",
                        name_json, type_name(js));
        size_t n = (size_t)json_object_get_string_len(js);
        if (n > v->lim->max_document_bytes)
            return fail(IMG_REQ_OVERSIZE, v->errstr, v->errstr_size,
                        "%s: %zu bytes, over the limit of %zu", name_json, n,
                        v->lim->max_document_bytes);
        if (img_inputs_parse_json(name_json, json_object_get_string(js), n, &o, why, sizeof(why)) !=
            IMG_OK)
            return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s", why);
    } else if (o) {
        o = json_object_get(o);
    } else {
        *out = NULL;
        return IMG_REQ_OK;
    }
    const char *label = js ? name_json : name;
    img_err_t err;
    img_arena_t *arena = img_arena_new(1024);
    if (is_skills) {
        if (!json_object_is_type(o, json_type_object) && !json_object_is_type(o, json_type_array))
            err = img_err_set(IMG_ERR_PERMANENT, why, sizeof(why),
                              "%s: expected an object with a \"skills\" array", label);
        else {
            img_input_skill_t *skills;
            size_t n;
            err = img_inputs_skills(label, o, arena, &skills, &n, why, sizeof(why));
        }
    } else {
        img_insights_t ins;
        memset(&ins, 0, sizeof(ins));
        if (!json_object_is_type(o, json_type_object))
            err = img_err_set(IMG_ERR_PERMANENT, why, sizeof(why), "%s: expected an object, got %s",
                              label, type_name(o));
        else
            err = img_inputs_insights(label, o, arena, &ins, why, sizeof(why));
    }
    img_arena_destroy(arena);
    if (err != IMG_OK) {
        json_object_put(o);
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "%s", why);
    }
    *out = o;
    return IMG_REQ_OK;
}

static bool number(json_object *o, double *d)
{
    if (!json_object_is_type(o, json_type_double) && !json_object_is_type(o, json_type_int))
        return false;
    *d = json_object_get_double(o);
    return isfinite(*d);
}

static img_request_reason_t check_options(vctx_t *v, json_object *opts, img_request_t *req)
{
    static const char *const known[] = {"anthropic", "openai", "openai-compatible", "offline"};
    if (!json_object_is_type(opts, json_type_object))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                    "options: expected an object, got %s", type_name(opts));
    json_object_object_foreach(opts, key, val)
    {
        if (!val &&
            (!strcmp(key, "providers") || !strcmp(key, "max_cost_usd") || !strcmp(key, "as_of")))
            continue; /* null: absent */
        if (!strcmp(key, "providers")) {
            if (!json_object_is_type(val, json_type_array))
                return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                            "options.providers: expected an array, got %s", type_name(val));
            size_t n = json_object_array_length(val);
            if (n < 1 || n > IMG_REQUEST_MAX_PROVIDERS)
                return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                            "options.providers: %zu items; 1 to %d allowed", n,
                            IMG_REQUEST_MAX_PROVIDERS);
            for (size_t i = 0; i < n; i++) {
                json_object *it = json_object_array_get_idx(val, i);
                const char *s =
                    json_object_is_type(it, json_type_string) ? json_object_get_string(it) : NULL;
                const char *name = NULL;
                for (size_t k = 0; s && k < sizeof(known) / sizeof(known[0]); k++)
                    if (!strcmp(s, known[k]))
                        name = known[k];
                if (!name)
                    return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                                "options.providers[%zu]: not one of anthropic, openai, "
                                "openai-compatible, offline",
                                i);
                for (size_t k = 0; k < req->n_providers; k++)
                    if (req->providers[k] == name)
                        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                                    "options.providers[%zu]: %s named twice", i, name);
                if (req->n_providers && !strcmp(req->providers[req->n_providers - 1], "offline"))
                    return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                                "options.providers: offline must come last");
                req->providers[req->n_providers++] = name;
            }
        } else if (!strcmp(key, "max_cost_usd")) {
            if (!number(val, &req->max_cost_usd) || req->max_cost_usd < 0)
                return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                            "options.max_cost_usd: expected a number >= 0");
            req->has_max_cost = true;
        } else if (!strcmp(key, "as_of")) {
            img_ym_t ym;
            const char *s =
                json_object_is_type(val, json_type_string) ? json_object_get_string(val) : NULL;
            if (!s || strlen(s) > 7 || !img_ym_parse(s, &ym) || ym.year < 1900 || ym.year > 2200)
                return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                            "options.as_of: expected \"YYYY-MM\" or \"YYYY\"");
            snprintf(req->as_of, sizeof(req->as_of), "%s", s);
        } else {
            char safe[48];
            safe_name(key, safe, sizeof(safe));
            return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "options: unknown field \"%s\"",
                        safe);
        }
    }
    return IMG_REQ_OK;
}

static const char *const top_fields[] = {
    "schema",          "request_id",           "resume_text",
    "job_ad",          "extracted_skills",     "extracted_skills_json",
    "domain_insights", "domain_insights_json", "confidence_threshold",
    "options"};

static img_request_reason_t validate(vctx_t *v, json_object *doc, img_request_t *req)
{
    img_request_reason_t r;
    json_object *o;
    if (!json_object_is_type(doc, json_type_object))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                    "the message is a JSON %s, not an object", type_name(doc));
    if (!json_object_object_get_ex(doc, "request_id", &o))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "request_id: required");
    if (!json_object_is_type(o, json_type_string))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                    "request_id: expected a string, got %s", type_name(o));
    size_t idn = (size_t)json_object_get_string_len(o);
    if (idn < 1 || idn > IMG_REQUEST_ID_MAX)
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                    "request_id: %zu characters; 1 to %d allowed", idn, IMG_REQUEST_ID_MAX);
    if (!img_request_id_valid(json_object_get_string(o), idn))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                    "request_id: only letters, digits and . _ : - are allowed");
    memcpy(req->request_id, json_object_get_string(o), idn + 1);
    req->has_request_id = true;

    json_object_object_foreach(doc, key, val)
    {
        (void)val;
        size_t k = 0;
        while (k < sizeof(top_fields) / sizeof(top_fields[0]) && strcmp(key, top_fields[k]))
            k++;
        if (k == sizeof(top_fields) / sizeof(top_fields[0])) {
            char safe[48];
            safe_name(key, safe, sizeof(safe));
            return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "unknown field \"%s\"", safe);
        }
    }
    /* Optional fields may be null, meaning absent. */
    if (json_object_object_get_ex(doc, "schema", &o) && o &&
        (!json_object_is_type(o, json_type_string) ||
         strcmp(json_object_get_string(o), IMG_REQUEST_SCHEMA) != 0))
        return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size, "schema: expected \"%s\"",
                    IMG_REQUEST_SCHEMA);
    if ((r = check_document(v, doc, "resume_text", &req->resume_text, &req->resume_len)))
        return r;
    if ((r = check_document(v, doc, "job_ad", &req->job_ad, &req->job_len)))
        return r;
    if ((r = check_upstream(v, doc, "extracted_skills", 1, &req->skills)))
        return r;
    if ((r = check_upstream(v, doc, "domain_insights", 0, &req->insights)))
        return r;
    if (json_object_object_get_ex(doc, "confidence_threshold", &o) && o) {
        if (!number(o, &req->confidence_threshold) || req->confidence_threshold < 0.5 ||
            req->confidence_threshold > 1.0)
            return fail(IMG_REQ_SCHEMA, v->errstr, v->errstr_size,
                        "confidence_threshold: expected a number in [0.5, 1]");
        req->has_threshold = true;
    }
    if (json_object_object_get_ex(doc, "options", &o) && o && (r = check_options(v, o, req)))
        return r;
    return IMG_REQ_OK;
}

/* The stored form: fixed field order, normalised numbers, no key. */
static json_object *stored_form(const img_request_t *req)
{
    json_object *s = json_object_new_object();
    json_object_object_add(s, "schema", json_object_new_string(IMG_REQUEST_SCHEMA));
    json_object_object_add(s, "request_id", json_object_new_string(req->request_id));
    json_object_object_add(s, "resume_text",
                           json_object_new_string_len(req->resume_text, (int)req->resume_len));
    json_object_object_add(s, "job_ad", json_object_new_string_len(req->job_ad, (int)req->job_len));
    if (req->skills)
        json_object_object_add(s, "extracted_skills", json_object_get(req->skills));
    if (req->insights)
        json_object_object_add(s, "domain_insights", json_object_get(req->insights));
    if (req->has_threshold)
        json_object_object_add(s, "confidence_threshold",
                               json_object_new_double(req->confidence_threshold));
    if (req->n_providers || req->has_max_cost || req->as_of[0]) {
        json_object *o = json_object_new_object();
        if (req->n_providers) {
            json_object *a = json_object_new_array();
            for (size_t i = 0; i < req->n_providers; i++)
                json_object_array_add(a, json_object_new_string(req->providers[i]));
            json_object_object_add(o, "providers", a);
        }
        if (req->has_max_cost)
            json_object_object_add(o, "max_cost_usd", json_object_new_double(req->max_cost_usd));
        if (req->as_of[0])
            json_object_object_add(o, "as_of", json_object_new_string(req->as_of));
        json_object_object_add(s, "options", o);
    }
    return s;
}

img_request_reason_t img_request_parse(img_request_t *req, const void *value, size_t len,
                                       const img_request_limits_t *limits, char *errstr,
                                       size_t errstr_size)
{
    memset(req, 0, sizeof(*req));
    const char *text = value ? value : "";
    size_t bad;
    img_request_reason_t r;
    char why[384];
    if (errstr && errstr_size)
        errstr[0] = '\0';
    if (len > limits->max_message_bytes) {
        extract_id(req, text, len);
        return fail(IMG_REQ_OVERSIZE, errstr, errstr_size,
                    "the message is %zu bytes, over the limit of %zu", len,
                    limits->max_message_bytes);
    }
    if (len == 0)
        return fail(IMG_REQ_INVALID_JSON, errstr, errstr_size, "the message is empty");
    if (!img_utf8_valid(text, len, &bad)) {
        extract_id(req, text, len);
        return fail(IMG_REQ_INVALID_UTF8, errstr, errstr_size, "invalid UTF-8 at byte %zu", bad);
    }
    if (img_inputs_parse_json("message", text, len, &req->doc, why, sizeof(why)) != IMG_OK)
        return fail(IMG_REQ_INVALID_JSON, errstr, errstr_size, "%s", why);
    vctx_t v = {limits, errstr, errstr_size};
    if ((r = validate(&v, req->doc, req)) != IMG_REQ_OK) {
        char id[IMG_REQUEST_ID_MAX + 1];
        bool has = req->has_request_id;
        memcpy(id, req->request_id, sizeof(id));
        img_request_clear(req);
        memcpy(req->request_id, id, sizeof(id));
        req->has_request_id = has;
        return r;
    }
    req->stored = stored_form(req);
    const char *ser = json_object_to_json_string_ext(
        req->stored, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    img_request_sha256_hex(ser, strlen(ser), req->payload_sha256);
    return IMG_REQ_OK;
}

void img_request_clear(img_request_t *req)
{
    if (!req)
        return;
    json_object_put(req->stored);
    json_object_put(req->skills);
    json_object_put(req->insights);
    json_object_put(req->doc);
    memset(req, 0, sizeof(*req));
}
