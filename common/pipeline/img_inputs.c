#include "img_inputs.h"

#include <string.h>

#include "util/img_utf8.h"

img_err_t img_inputs_parse_json(const char *what, const char *text, size_t len, json_object **out,
                                char *errstr, size_t errstr_size)
{
    *out = NULL;
    size_t bad;
    if (!img_utf8_valid(text, len, &bad))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: invalid UTF-8 at byte %zu",
                           what, bad);
    if (len > (size_t)INT32_MAX)
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: too large", what);
    json_tokener *tok = json_tokener_new();
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
    json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    size_t end = json_tokener_get_parse_end(tok);
    if (!obj && jerr == json_tokener_success)
        jerr = json_tokener_continue;
    if (jerr == json_tokener_success) {
        /* Only whitespace may follow the value. */
        while (end < len && strchr(" \t\r\n", text[end]))
            end++;
        if (end < len) {
            json_object_put(obj);
            obj = NULL;
            jerr = json_tokener_error_parse_unexpected;
        }
    }
    json_tokener_free(tok);
    if (!obj) {
        if (end > len)
            end = len;
        size_t line = 1, col = 1;
        for (size_t i = 0; i < end; i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
                col++;
            }
        }
        const char *why = jerr == json_tokener_continue ? "unexpected end of input"
                                                        : json_tokener_error_desc(jerr);
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: malformed JSON at line %zu, column %zu: %s", what, line, col, why);
    }
    *out = obj;
    return IMG_OK;
}

img_err_t img_inputs_skills(const char *what, json_object *obj, img_arena_t *arena,
                            img_input_skill_t **out, size_t *n, char *errstr, size_t errstr_size)
{
    *out = NULL;
    *n = 0;
    json_object *arr = NULL;
    if (json_object_is_type(obj, json_type_array))
        arr = obj;
    else if (!json_object_is_type(obj, json_type_object) ||
             !json_object_object_get_ex(obj, "skills", &arr) ||
             !json_object_is_type(arr, json_type_array))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                           "%s: expected an object with a \"skills\" array", what);
    size_t len = json_object_array_length(arr);
    img_input_skill_t *v = img_arena_alloc(arena, (len ? len : 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        json_object *it = json_object_array_get_idx(arr, i), *name = NULL, *conf = NULL,
                    *cat = NULL;
        if (json_object_is_type(it, json_type_string)) {
            v[k].name = img_arena_strdup(arena, json_object_get_string(it));
            v[k].confidence = 1.0;
            k++;
            continue;
        }
        if (!json_object_is_type(it, json_type_object))
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s: skills[%zu] is not an object", what, i);
        if (!json_object_object_get_ex(it, "skill", &name))
            json_object_object_get_ex(it, "name", &name);
        if (!name || !json_object_is_type(name, json_type_string) || !*json_object_get_string(name))
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s: skills[%zu] has no \"skill\" (or \"name\") string", what, i);
        double c = 1.0;
        if (json_object_object_get_ex(it, "confidence", &conf)) {
            if (!json_object_is_type(conf, json_type_double) &&
                !json_object_is_type(conf, json_type_int))
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "%s: skills[%zu].confidence is not a number", what, i);
            c = json_object_get_double(conf);
            if (c < 0 || c > 1)
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "%s: skills[%zu].confidence %g is outside [0, 1]", what, i, c);
        }
        v[k].name = img_arena_strdup(arena, json_object_get_string(name));
        v[k].confidence = c;
        if (json_object_object_get_ex(it, "category", &cat) &&
            json_object_is_type(cat, json_type_string)) {
            const char *cs = json_object_get_string(cat);
            if (img_category_parse(cs) < 0)
                return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                                   "%s: skills[%zu].category \"%s\" is not one of hard, soft, "
                                   "tool, language, certification, domain",
                                   what, i, cs);
            v[k].category = img_arena_strdup(arena, cs);
        }
        k++;
    }
    *out = v;
    *n = k;
    return IMG_OK;
}

/* Appends every string of a JSON array to vec. */
#define PUSH_STRINGS(arena, vec, arr)                                                              \
    do {                                                                                           \
        size_t n_ = json_object_array_length(arr);                                                 \
        for (size_t i_ = 0; i_ < n_; i_++) {                                                       \
            json_object *s_ = json_object_array_get_idx(arr, i_);                                  \
            if (json_object_is_type(s_, json_type_string))                                         \
                *IMG_VEC_PUSH(arena, vec) = img_arena_strdup(arena, json_object_get_string(s_));   \
        }                                                                                          \
    } while (0)

static json_object *get_array(json_object *obj, const char *key)
{
    json_object *v = NULL;
    if (obj && json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, json_type_array))
        return v;
    return NULL;
}

img_err_t img_inputs_insights(const char *what, json_object *obj, img_arena_t *arena,
                              img_insights_t *out, char *errstr, size_t errstr_size)
{
    memset(out, 0, sizeof(*out));
    out->source = "input";
    out->market_alignment = -1;
    if (!json_object_is_type(obj, json_type_object))
        return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size, "%s: expected an object", what);
    json_object *v = NULL, *ins = NULL, *arr;
    if (json_object_object_get_ex(obj, "domain", &v) && json_object_is_type(v, json_type_string))
        out->domain = img_arena_strdup(arena, json_object_get_string(v));
    if (!json_object_object_get_ex(obj, "insights", &ins) ||
        !json_object_is_type(ins, json_type_object))
        ins = obj;
    if ((arr = get_array(ins, "strengths")))
        PUSH_STRINGS(arena, &out->strengths, arr);
    if ((arr = get_array(ins, "gaps")))
        PUSH_STRINGS(arena, &out->gaps, arr);
    if ((arr = get_array(ins, "recommendations")))
        PUSH_STRINGS(arena, &out->recommendations, arr);
    if ((arr = get_array(obj, "market_trends")) || (arr = get_array(ins, "market_trends")))
        PUSH_STRINGS(arena, &out->market_trends, arr);
    json_object *prio = NULL;
    if (json_object_object_get_ex(obj, "skill_priorities", &prio) &&
        json_object_is_type(prio, json_type_object)) {
        static const char *levels[] = {"high", "medium", "low"};
        for (int l = 0; l < 3; l++)
            if ((arr = get_array(prio, levels[l])))
                PUSH_STRINGS(arena, &out->priorities, arr);
    }
    if (json_object_object_get_ex(ins, "market_alignment", &v) &&
        (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
        double m = json_object_get_double(v);
        if (m < 0 || m > 1)
            return img_err_set(IMG_ERR_PERMANENT, errstr, errstr_size,
                               "%s: market_alignment %g is outside [0, 1]", what, m);
        out->market_alignment = m;
    }
    return IMG_OK;
}
