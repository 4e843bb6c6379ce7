/*
 * img_llm_anthropic.c - the Messages wire format: one forced tool whose
 * input_schema is the stage schema, the system prompt as a cacheable block,
 * and the reply's tool_use input / stop_reason / usage. Unknown fields are
 * ignored.
 */
#include "llm/img_llm_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *text_block(const char *text)
{
    json_object *b = json_object_new_object();
    json_object_object_add(b, "type", json_object_new_string("text"));
    json_object_object_add(b, "text", json_object_new_string(text));
    return b;
}

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
    json_object_object_add(root, "max_tokens", json_object_new_int(img_llm_max_tokens(job)));

    /* The API rejects empty text blocks: no system at all when there is none. */
    if (call->system && *call->system) {
        json_object *blk = text_block(call->system);
        json_object *cc = json_object_new_object();
        json_object_object_add(cc, "type", json_object_new_string("ephemeral"));
        json_object_object_add(blk, "cache_control", cc);
        json_object *sys = json_object_new_array();
        json_object_array_add(sys, blk);
        json_object_object_add(root, "system", sys);
    }

    json_object *msgs = json_object_new_array();
    json_object_array_add(msgs, message("user", call->user && *call->user ? call->user : "-"));
    if (job->repair) {
        /* The bad output goes back as plain text: a truncated tool_use may lack
         * its input, and a tool_use turn would need a tool_result answer. */
        img_buf_t fix = IMG_BUF_INIT;
        img_llm_repair_prompt(job, &fix);
        json_object_array_add(msgs, message("assistant", job->repair_text && *job->repair_text
                                                             ? job->repair_text
                                                             : "(no output)"));
        json_object_array_add(msgs, message("user", fix.data));
        img_buf_free(&fix);
    }
    json_object_object_add(root, "messages", msgs);

    img_buf_t desc = IMG_BUF_INIT;
    img_buf_printf(&desc, "Record the %s object. Its input must match the schema exactly.",
                   call->schema_name);
    json_object *tool = json_object_new_object();
    json_object_object_add(tool, "name", json_object_new_string(call->schema_name));
    json_object_object_add(tool, "description", json_object_new_string(desc.data));
    json_object_object_add(tool, "input_schema", json_object_get(call->schema));
    img_buf_free(&desc);
    json_object *tools = json_object_new_array();
    json_object_array_add(tools, tool);
    json_object_object_add(root, "tools", tools);

    json_object *choice = json_object_new_object();
    json_object_object_add(choice, "type", json_object_new_string("tool"));
    json_object_object_add(choice, "name", json_object_new_string(call->schema_name));
    json_object_object_add(root, "tool_choice", choice);

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

/* The text blocks of the reply, concatenated; NULL when there are none. */
static char *reply_text(json_object *content)
{
    img_buf_t b = IMG_BUF_INIT;
    size_t n = json_object_array_length(content);
    for (size_t i = 0; i < n; i++) {
        json_object *blk = json_object_array_get_idx(content, i);
        const char *type = get_string(blk, "type"), *text = get_string(blk, "text");
        if (type && !strcmp(type, "text") && text)
            img_buf_puts(&b, text);
    }
    return b.len ? img_buf_detach(&b) : (img_buf_free(&b), NULL);
}

static void parse(json_object *root, const img_llm_job_t *job, img_llm_reply_t *r)
{
    json_object *usage, *content;
    if (json_object_object_get_ex(root, "usage", &usage) &&
        json_object_is_type(usage, json_type_object)) {
        long fresh = get_long(usage, "input_tokens");
        long write = get_long(usage, "cache_creation_input_tokens");
        long read = get_long(usage, "cache_read_input_tokens");
        /* input_tokens excludes the cache: the total is the sum of the three. */
        r->tokens.input = fresh + write + read;
        r->tokens.cached = read;
        r->tokens.cache_write = write;
        r->tokens.output = get_long(usage, "output_tokens");
    }
    if (!json_object_object_get_ex(root, "content", &content) ||
        !json_object_is_type(content, json_type_array)) {
        r->kind = IMG_LLM_REPLY_MALFORMED;
        snprintf(r->reason, sizeof(r->reason), "200 reply without content[]");
        return;
    }
    const char *stop = get_string(root, "stop_reason");
    json_object *input = NULL;
    size_t n = json_object_array_length(content);
    for (size_t i = 0; i < n && !input; i++) {
        json_object *blk = json_object_array_get_idx(content, i);
        const char *type = get_string(blk, "type"), *name = get_string(blk, "name");
        if (type && !strcmp(type, "tool_use") && name && !strcmp(name, job->call.schema_name))
            json_object_object_get_ex(blk, "input", &input);
    }
    if (stop && !strcmp(stop, "refusal")) {
        r->kind = IMG_LLM_REPLY_REFUSED;
        snprintf(r->reason, sizeof(r->reason), "refused");
        r->text = reply_text(content);
        return;
    }
    if (stop && !strcmp(stop, "max_tokens")) {
        r->kind = IMG_LLM_REPLY_TRUNCATED;
        snprintf(r->reason, sizeof(r->reason), "truncated (max_tokens)");
        if (input)
            r->text = strdup(json_object_to_json_string_ext(
                input, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        else
            r->text = reply_text(content);
        return;
    }
    if (!input) {
        r->kind = IMG_LLM_REPLY_INVALID;
        snprintf(r->reason, sizeof(r->reason), "no tool_use block named %s", job->call.schema_name);
        r->text = reply_text(content);
        return;
    }
    /* Callers keep the output past the reply: take a reference of our own. */
    r->output = json_object_get(input);
    r->kind = IMG_LLM_REPLY_OK;
}

const img_llm_api_t img_llm_api_anthropic = {"anthropic", "request-id", build, parse};
