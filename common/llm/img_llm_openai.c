/*
 * img_llm_openai.c - the Chat Completions wire format ("openai" and
 * "openai-compatible"): strict json_schema response_format, store:false, and
 * the reply's content / finish_reason / refusal / usage. Unknown fields are
 * ignored.
 */
#include "llm/img_llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *message(const char *role, const char *content)
{
    json_object *m = json_object_new_object();
    json_object_object_add(m, "role", json_object_new_string(role));
    json_object_object_add(m, "content", json_object_new_string(content));
    return m;
}

static void build(const img_llm_job_t *job, const img_llm_prov_t *prov, img_buf_t *out)
{
    const img_llm_call_t *call = &job->call;
    json_object *root = json_object_new_object();
    json_object_object_add(root, "model", json_object_new_string(prov->conf.model));

    json_object *msgs = json_object_new_array();
    if (call->system && *call->system)
        json_object_array_add(msgs, message("system", call->system));
    json_object_array_add(msgs, message("user", call->user ? call->user : ""));
    if (job->repair) {
        img_buf_t fix = IMG_BUF_INIT;
        img_llm_repair_prompt(job, &fix);
        json_object_array_add(msgs, message("assistant", job->repair_text && *job->repair_text
                                                             ? job->repair_text
                                                             : "(no output)"));
        json_object_array_add(msgs, message("user", fix.data));
        img_buf_free(&fix);
    }
    json_object_object_add(root, "messages", msgs);

    json_object *js = json_object_new_object();
    json_object_object_add(js, "name", json_object_new_string(call->schema_name));
    json_object_object_add(js, "strict", json_object_new_boolean(1));
    json_object_object_add(js, "schema", json_object_get(call->schema));
    json_object *rf = json_object_new_object();
    json_object_object_add(rf, "type", json_object_new_string("json_schema"));
    json_object_object_add(rf, "json_schema", js);
    json_object_object_add(root, "response_format", rf);

    /* OpenAI renamed the limit (reasoning models reject max_tokens); the
     * compatible servers (Ollama, vLLM, llama.cpp) still read max_tokens. */
    json_object_object_add(root, prov->compatible ? "max_tokens" : "max_completion_tokens",
                           json_object_new_int(img_llm_max_tokens(job)));
    /* Resumes are personal data. Sent to compatible servers too: those that do
     * not know the field ignore it, proxies in front of OpenAI honour it. */
    json_object_object_add(root, "store", json_object_new_boolean(0));

    img_buf_puts(out, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE));
    json_object_put(root);
}

static long get_long(json_object *obj, const char *key)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, key, &v))
        return 0;
    if (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double))
        return 0;
    int64_t n = json_object_get_int64(v);
    return n < 0                             ? 0
           : n > IMG_LLM_MAX_REPORTED_TOKENS ? (long)IMG_LLM_MAX_REPORTED_TOKENS
                                             : (long)n;
}

static const char *get_string(json_object *obj, const char *key)
{
    json_object *v;
    if (!obj || !json_object_object_get_ex(obj, key, &v) ||
        !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* Local servers without grammar support sometimes fence the JSON in ```. */
static void strip_fence(const char **s, size_t *n)
{
    const char *p = *s, *e = *s + *n;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    while (e > p && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
        e--;
    if (e - p < 6 || strncmp(p, "```", 3) || strncmp(e - 3, "```", 3))
        return;
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    if (!nl || nl >= e - 3)
        return;
    *s = nl + 1;
    *n = (size_t)(e - 3 - (nl + 1));
}

static void parse(json_object *root, const img_llm_job_t *job, img_llm_reply_t *r)
{
    json_object *usage = NULL, *details = NULL, *choices, *choice, *msg;
    if (json_object_object_get_ex(root, "usage", &usage) &&
        json_object_is_type(usage, json_type_object)) {
        r->tokens.input = get_long(usage, "prompt_tokens");
        r->tokens.output = get_long(usage, "completion_tokens");
        if (json_object_object_get_ex(usage, "prompt_tokens_details", &details) &&
            json_object_is_type(details, json_type_object))
            r->tokens.cached = get_long(details, "cached_tokens");
    }
    if (!json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "choices", &choices) ||
        !json_object_is_type(choices, json_type_array) || json_object_array_length(choices) < 1 ||
        !(choice = json_object_array_get_idx(choices, 0)) ||
        !json_object_is_type(choice, json_type_object) ||
        !json_object_object_get_ex(choice, "message", &msg) ||
        !json_object_is_type(msg, json_type_object)) {
        r->kind = IMG_LLM_REPLY_MALFORMED;
        snprintf(r->reason, sizeof(r->reason), "200 reply without choices[0].message");
        return;
    }
    const char *finish = get_string(choice, "finish_reason");
    const char *refusal = get_string(msg, "refusal");
    const char *content = get_string(msg, "content");
    if (refusal) {
        r->kind = IMG_LLM_REPLY_REFUSED;
        snprintf(r->reason, sizeof(r->reason), "refused");
        r->text = strdup(refusal);
        return;
    }
    if (finish && !strcmp(finish, "content_filter")) {
        r->kind = IMG_LLM_REPLY_REFUSED;
        snprintf(r->reason, sizeof(r->reason), "refused (content_filter)");
        r->text = content ? strdup(content) : NULL;
        return;
    }
    if (finish && !strcmp(finish, "length")) {
        r->kind = IMG_LLM_REPLY_TRUNCATED;
        snprintf(r->reason, sizeof(r->reason), "truncated (length)");
        r->text = content ? strdup(content) : NULL;
        return;
    }
    if (!content) {
        r->kind = IMG_LLM_REPLY_INVALID;
        snprintf(r->reason, sizeof(r->reason), "no content");
        return;
    }
    const char *s = content;
    size_t n = (size_t)json_object_get_string_len(json_object_object_get(msg, "content"));
    strip_fence(&s, &n);
    char err[96];
    r->output = img_llm_json_parse(s, n, err, sizeof(err));
    if (!r->output) {
        r->kind = IMG_LLM_REPLY_INVALID;
        snprintf(r->reason, sizeof(r->reason), "output is not JSON (%s)", err);
        r->text = strdup(content);
        return;
    }
    r->kind = IMG_LLM_REPLY_OK;
    (void)job;
}

const img_llm_api_t img_llm_api_openai = {"openai", "x-request-id", build, parse};
