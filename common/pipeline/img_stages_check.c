/*
 * img_stages_check.c - validation of a model's stage output: the strict
 * stage schema first (the subset of JSON Schema the stage schemas use), then
 * the facts: every requirement and suggestion id exists, sizes are sane,
 * strings are UTF-8 without NUL bytes.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "img_stages_int.h"
#include "util/img_utf8.h"

#define MAX_DEPTH 16

/* ---- the schema subset ---- */

static bool is_type(json_object *v, const char *t)
{
    json_type jt = json_object_get_type(v);
    if (!strcmp(t, "null"))
        return jt == json_type_null;
    if (!strcmp(t, "object"))
        return jt == json_type_object;
    if (!strcmp(t, "array"))
        return jt == json_type_array;
    if (!strcmp(t, "string"))
        return jt == json_type_string;
    if (!strcmp(t, "boolean"))
        return jt == json_type_boolean;
    if (!strcmp(t, "number"))
        return jt == json_type_int || jt == json_type_double;
    if (!strcmp(t, "integer")) {
        if (jt == json_type_int)
            return true;
        if (jt != json_type_double)
            return false;
        double d = json_object_get_double(v);
        return isfinite(d) && d == floor(d);
    }
    return false;
}

static bool type_ok(json_object *type, json_object *v)
{
    if (json_object_is_type(type, json_type_string))
        return is_type(v, json_object_get_string(type));
    for (size_t i = 0; i < json_object_array_length(type); i++)
        if (is_type(v, json_object_get_string(json_object_array_get_idx(type, i))))
            return true;
    return false;
}

static bool enum_ok(json_object *en, json_object *v)
{
    for (size_t i = 0; i < json_object_array_length(en); i++) {
        json_object *e = json_object_array_get_idx(en, i);
        if (json_object_is_type(e, json_type_string) && json_object_is_type(v, json_type_string) &&
            !strcmp(json_object_get_string(e), json_object_get_string(v)))
            return true;
        if (json_object_is_type(e, json_type_int) && is_type(v, "integer") &&
            json_object_get_int64(e) == (int64_t)json_object_get_double(v))
            return true;
        if (json_object_is_type(e, json_type_null) && json_object_is_type(v, json_type_null))
            return true;
    }
    return false;
}

static img_err_t check(json_object *schema, json_object *v, char *path, size_t plen, size_t pcap,
                       int depth, char *errstr, size_t errstr_size)
{
    json_object *kw;
    if (depth > MAX_DEPTH)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: nested too deep", path);
    if (json_object_object_get_ex(schema, "type", &kw) && !type_ok(kw, v))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: expected %s", path,
                           json_object_to_json_string_ext(kw, JSON_C_TO_STRING_PLAIN));
    if (json_object_object_get_ex(schema, "enum", &kw) && !enum_ok(kw, v)) {
        const char *got = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: %.40s is not one of %s",
                           path, got, json_object_to_json_string_ext(kw, JSON_C_TO_STRING_PLAIN));
    }
    if (json_object_is_type(v, json_type_object)) {
        json_object *props = NULL, *req, *addl;
        json_object_object_get_ex(schema, "properties", &props);
        if (json_object_object_get_ex(schema, "required", &req))
            for (size_t i = 0; i < json_object_array_length(req); i++) {
                const char *k = json_object_get_string(json_object_array_get_idx(req, i));
                if (!json_object_object_get_ex(v, k, NULL))
                    return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: missing \"%s\"",
                                       path, k);
            }
        bool closed = json_object_object_get_ex(schema, "additionalProperties", &addl) &&
                      json_object_is_type(addl, json_type_boolean) &&
                      !json_object_get_boolean(addl);
        json_object_object_foreach(v, key, val)
        {
            json_object *sub = NULL;
            if (!props || !json_object_object_get_ex(props, key, &sub)) {
                if (closed)
                    return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                       "%s: unexpected property \"%.40s\"", path, key);
                continue;
            }
            int w = snprintf(path + plen, pcap - plen, ".%s", key);
            size_t n = w < 0 ? plen : plen + (size_t)w >= pcap ? pcap - 1 : plen + (size_t)w;
            img_err_t err = check(sub, val, path, n, pcap, depth + 1, errstr, errstr_size);
            path[plen] = '\0';
            if (err != IMG_OK)
                return err;
        }
    }
    if (json_object_is_type(v, json_type_array) && json_object_object_get_ex(schema, "items", &kw))
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            int w = snprintf(path + plen, pcap - plen, "[%zu]", i);
            size_t n = w < 0 ? plen : plen + (size_t)w >= pcap ? pcap - 1 : plen + (size_t)w;
            img_err_t err = check(kw, json_object_array_get_idx(v, i), path, n, pcap, depth + 1,
                                  errstr, errstr_size);
            path[plen] = '\0';
            if (err != IMG_OK)
                return err;
        }
    return IMG_OK;
}

img_err_t img_stage_schema_check(json_object *schema, json_object *instance, char *errstr,
                                 size_t errstr_size)
{
    char path[256] = "$";
    return check(schema, instance, path, 1, sizeof(path), 0, errstr, errstr_size);
}

/* ---- the facts ---- */

/* Every string of v: valid UTF-8, no NUL byte. */
static img_err_t strings_ok(json_object *v, const char *where, char *errstr, size_t errstr_size)
{
    switch (json_object_get_type(v)) {
    case json_type_string: {
        const char *s = json_object_get_string(v);
        size_t n = (size_t)json_object_get_string_len(v);
        if (strlen(s) != n || !img_utf8_valid(s, n, NULL))
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s: a string is not valid UTF-8 text", where);
        return IMG_OK;
    }
    case json_type_object: {
        json_object_object_foreach(v, k, val)
        {
            (void)k;
            img_err_t err = strings_ok(val, where, errstr, errstr_size);
            if (err != IMG_OK)
                return err;
        }
        return IMG_OK;
    }
    case json_type_array:
        for (size_t i = 0; i < json_object_array_length(v); i++) {
            img_err_t err = strings_ok(json_object_array_get_idx(v, i), where, errstr, errstr_size);
            if (err != IMG_OK)
                return err;
        }
        return IMG_OK;
    default:
        return IMG_OK;
    }
}

static const char *get_str(json_object *o, const char *key)
{
    json_object *v;
    if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static img_err_t len_ok(json_object *o, const char *key, size_t min, size_t max, const char *path,
                        char *errstr, size_t errstr_size)
{
    const char *s = get_str(o, key);
    size_t n = s ? strlen(s) : 0;
    if (!s || (n >= min && n <= max))
        return IMG_OK;
    return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s.%s: %s (%zu bytes; limit %zu)",
                       path, key, n < min ? "empty" : "too long", n, n < min ? min : max);
}

static img_err_t list_ok(json_object *o, const char *key, size_t max_items, size_t max_len,
                         char *errstr, size_t errstr_size)
{
    json_object *arr;
    if (!json_object_object_get_ex(o, key, &arr))
        return IMG_OK;
    if (json_object_array_length(arr) > max_items)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "$.%s: more than %zu items", key,
                           max_items);
    for (size_t i = 0; i < json_object_array_length(arr); i++)
        if (strlen(json_object_get_string(json_object_array_get_idx(arr, i))) > max_len)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "$.%s[%zu]: too long (limit %zu bytes)", key, i, max_len);
    return IMG_OK;
}

static img_err_t check_analysis(json_object *out, char *errstr, size_t errstr_size)
{
    img_err_t err;
    if ((err = len_ok(out, "narrative", 1, 4000, "$", errstr, errstr_size)) != IMG_OK ||
        (err = len_ok(out, "domain", 0, 120, "$", errstr, errstr_size)) != IMG_OK ||
        (err = len_ok(out, "candidate_domain", 0, 120, "$", errstr, errstr_size)) != IMG_OK)
        return err;
    static const char *const lists[] = {"priorities", "strengths", "gaps", "recommendations"};
    for (size_t i = 0; i < 4; i++)
        if ((err = list_ok(out, lists[i], 12, 400, errstr, errstr_size)) != IMG_OK)
            return err;
    return IMG_OK;
}

static img_err_t check_generation(const img_analysis_t *a, json_object *out, char *errstr,
                                  size_t errstr_size)
{
    json_object *arr;
    json_object_object_get_ex(out, "suggestions", &arr);
    size_t n = json_object_array_length(arr);
    if (n > 20)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "$.suggestions: %zu suggestions (at most 20)", n);
    size_t unmet = 0;
    for (size_t i = 0; i < a->gap.requirements.n; i++)
        unmet += a->gap.requirements.v[i].status != IMG_MATCH_MET;
    if (n == 0 && unmet)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "$.suggestions: empty while %zu requirements are not met", unmet);
    char path[48];
    img_err_t err;
    for (size_t i = 0; i < n; i++) {
        json_object *s = json_object_array_get_idx(arr, i), *closes;
        snprintf(path, sizeof(path), "$.suggestions[%zu]", i);
        if ((err = len_ok(s, "title", 1, 300, path, errstr, errstr_size)) != IMG_OK ||
            (err = len_ok(s, "detail", 0, 2000, path, errstr, errstr_size)) != IMG_OK ||
            (err = len_ok(s, "effort", 0, 100, path, errstr, errstr_size)) != IMG_OK ||
            (err = len_ok(s, "source_bullet", 0, 2000, path, errstr, errstr_size)) != IMG_OK)
            return err;
        const char *title = get_str(s, "title");
        while (title && (*title == ' ' || *title == '\t' || *title == '\n' || *title == '\r'))
            title++;
        if (title && !*title)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s.title: blank", path);
        json_object_object_get_ex(s, "closes", &closes);
        size_t nc = json_object_array_length(closes);
        if (nc == 0 && a->job.requirements.n)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s.closes: names no requirement", path);
        if (nc > 12)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s.closes: too many requirements", path);
        for (size_t k = 0; k < nc; k++) {
            const char *id = json_object_get_string(json_object_array_get_idx(closes, k));
            if (img_stages_req_index(a, id) < 0)
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "%s.closes[%zu]: unknown requirement \"%.20s\"", path, k, id);
        }
    }
    return IMG_OK;
}

static img_err_t check_criticism(const img_analysis_t *a, json_object *out, char *errstr,
                                 size_t errstr_size)
{
    json_object *arr;
    json_object_object_get_ex(out, "critiques", &arr);
    size_t n = json_object_array_length(arr);
    if (n > a->suggestions.n + 5)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "$.critiques: %zu critiques for %zu suggestions", n, a->suggestions.n);
    char path[48];
    img_err_t err;
    for (size_t i = 0; i < n; i++) {
        json_object *c = json_object_array_get_idx(arr, i);
        snprintf(path, sizeof(path), "$.critiques[%zu]", i);
        const char *id = get_str(c, "id");
        if (img_stages_sugg_index(a, id) < 0)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s.id: unknown suggestion \"%.20s\"", path, id ? id : "");
        for (size_t j = 0; j < i; j++)
            if (!strcmp(id, get_str(json_object_array_get_idx(arr, j), "id")))
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "%s.id: \"%s\" reviewed twice", path, id);
        if ((err = len_ok(c, "notes", 0, 800, path, errstr, errstr_size)) != IMG_OK ||
            (err = len_ok(c, "revised_title", 0, 300, path, errstr, errstr_size)) != IMG_OK ||
            (err = len_ok(c, "revised_detail", 0, 2000, path, errstr, errstr_size)) != IMG_OK)
            return err;
    }
    return IMG_OK;
}

img_err_t img_stage_validate(img_stage_t stage, const img_analysis_t *a, json_object *output,
                             char *errstr, size_t errstr_size)
{
    json_object *schema = img_stage_schema(stage);
    if (!schema || !output)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "no output");
    img_err_t err = img_stage_schema_check(schema, output, errstr, errstr_size);
    if (err == IMG_OK)
        err = strings_ok(output, "$", errstr, errstr_size);
    if (err != IMG_OK)
        return err;
    switch (stage) {
    case IMG_STAGE_ANALYSIS:
        return check_analysis(output, errstr, errstr_size);
    case IMG_STAGE_GENERATION:
        return check_generation(a, output, errstr, errstr_size);
    case IMG_STAGE_CRITICISM:
        return check_criticism(a, output, errstr, errstr_size);
    default:
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "unknown stage");
    }
}
