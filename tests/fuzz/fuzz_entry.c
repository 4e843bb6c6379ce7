/*
 * fuzz_entry.c - the fuzz targets' entry points (see fuzz_entry.h). Every
 * entry drives the same public functions production calls on untrusted
 * bytes, then checks invariants that hold for any input: every span lies in
 * its document, every index is in range, the result document is UTF-8 JSON.
 */
#include "fuzz_entry.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/img_engine.h"
#include "img_request.h"
#include "llm/img_llm_int.h"
#include "llm/img_llm_price.h"
#include "llm/img_llm_retry.h"
#include "pipeline/img_inputs.h"
#include "pipeline/img_result.h"
#include "pipeline/img_stages.h"
#include "util/img_utf8.h"

#define FUZZ_MAX_DOC (256u * 1024u)

static struct {
    int ready;
    img_tax_t *tax;
    char *resume, *job; /* the sample pair, NUL-terminated */
    size_t resume_len, job_len;
    img_analysis_t *sample;   /* the engine's analysis of the pair (read-only) */
    img_llm_prices_t *prices; /* the compiled-in price table */
} fz;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz invariant broken at %s:%d: %s\n", __FILE__, __LINE__, #cond);    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static char *read_file(const char *dir, const char *rel, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/%s", dir, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz: cannot open %s\n", path);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *s = malloc(cap + 1);
    size_t got;
    while (s && (got = fread(s + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap)
            s = realloc(s, (cap *= 2) + 1);
    }
    fclose(f);
    if (s)
        s[n] = '\0';
    *len = n;
    return s;
}

static img_analysis_t *analyze(const char *resume, size_t rlen, const char *job, size_t jlen,
                               const img_input_skill_t *skills, size_t n_skills,
                               const img_insights_t *insights)
{
    img_engine_input_t in;
    memset(&in, 0, sizeof(in));
    in.resume = resume;
    in.resume_len = rlen;
    in.job = job;
    in.job_len = jlen;
    in.max_document_bytes = FUZZ_MAX_DOC;
    in.skills = skills;
    in.n_skills = n_skills;
    in.insights = insights;
    in.opts.as_of.year = 2026;
    in.opts.as_of.month = 11;
    in.opts.confidence_threshold = 0.7;
    img_analysis_t *a = NULL;
    char err[256];
    if (img_engine_analyze(fz.tax, &in, &a, err, sizeof(err)) != IMG_OK) {
        CHECK(a == NULL);
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
        return NULL;
    }
    CHECK(a != NULL);
    return a;
}

int fuzz_entry_init(const char *source_dir)
{
    if (fz.ready)
        return 0;
    if (!source_dir)
        source_dir = getenv("IMG_SOURCE_DIR");
    if (!source_dir) {
        fprintf(stderr, "fuzz: IMG_SOURCE_DIR is not set\n");
        return -1;
    }
    char err[256];
    if (img_tax_new_builtin(&fz.tax, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "fuzz: taxonomy: %s\n", err);
        return -1;
    }
    if (img_llm_prices_new(&fz.prices, NULL, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "fuzz: prices: %s\n", err);
        return -1;
    }
    fz.resume = read_file(source_dir, "data/samples/resume.txt", &fz.resume_len);
    fz.job = read_file(source_dir, "data/samples/job.txt", &fz.job_len);
    if (!fz.resume || !fz.job)
        return -1;
    fz.sample = analyze(fz.resume, fz.resume_len, fz.job, fz.job_len, NULL, 0, NULL);
    if (!fz.sample) {
        fprintf(stderr, "fuzz: the sample pair does not analyse\n");
        return -1;
    }
    fz.ready = 1;
    return 0;
}

/* ---- invariants of any analysis ---- */

static void check_span(size_t start, size_t end, size_t len)
{
    CHECK(start <= end);
    CHECK(end <= len);
}

static void check_evidence(const img_analysis_t *a, const img_evidence_t *e)
{
    CHECK(e->section != NULL);
    check_span(e->start, e->end, strcmp(e->section, "job") ? a->resume.len : a->job_doc.len);
}

static void check_skills(const img_analysis_t *a, const img_skill_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        CHECK(v[i].name != NULL);
        CHECK(v[i].score >= 0.0 && v[i].score <= 1.0);
        for (size_t k = 0; k < v[i].evidence.n; k++)
            check_evidence(a, &v[i].evidence.v[k]);
    }
}

static void check_analysis(const img_analysis_t *a)
{
    size_t rl = a->resume.len, jl = a->job_doc.len;
    for (size_t i = 0; i < a->sections.n; i++) {
        const img_section_t *s = &a->sections.v[i];
        check_span(s->heading_start, s->heading_end, rl);
        check_span(s->start, s->end, rl);
        CHECK(s->first_line <= s->end_line && s->end_line <= a->resume.n_lines);
    }
    for (size_t i = 0; i < a->experiences.n; i++) {
        const img_experience_t *x = &a->experiences.v[i];
        check_span(x->span_start, x->span_end, rl);
        check_span(x->title_start, x->title_end, rl);
        check_span(x->company_start, x->company_end, rl);
        CHECK(x->months >= 0);
        for (size_t k = 0; k < x->bullets.n; k++)
            check_span(x->bullets.v[k].start, x->bullets.v[k].end, rl);
        for (size_t k = 0; k < x->skills.n; k++)
            CHECK(x->skills.v[k] >= 0 && (size_t)x->skills.v[k] < a->skills.n);
    }
    check_skills(a, a->skills.v, a->skills.n);
    check_skills(a, a->job.skills.v, a->job.skills.n);
    for (size_t i = 0; i < a->job.requirements.n; i++) {
        const img_requirement_t *r = &a->job.requirements.v[i];
        check_span(r->start, r->end, jl);
        CHECK(r->skills.n == r->groups.n);
        CHECK(r->years >= 0);
    }
    CHECK(a->gap.match_score >= 0 && a->gap.match_score <= 100);
    for (size_t i = 0; i < a->gap.requirements.n; i++) {
        const img_req_result_t *r = &a->gap.requirements.v[i];
        CHECK(r->req >= 0 && (size_t)r->req < a->job.requirements.n);
        for (size_t k = 0; k < r->evidence.n; k++)
            check_evidence(a, &r->evidence.v[k]);
    }
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        CHECK(s->title != NULL && s->detail != NULL);
        if (s->has_source)
            check_span(s->source_start, s->source_end, rl);
        for (size_t k = 0; k < s->closes.n; k++)
            CHECK(s->closes.v[k] >= 0 && (size_t)s->closes.v[k] < a->job.requirements.n);
    }
}

/* The result document: builds, is UTF-8, and parses back as one JSON object. */
static void check_result(const img_analysis_t *a)
{
    img_usage_t usage;
    memset(&usage, 0, sizeof(usage));
    json_object *doc = img_result_build(a, &usage, "fuzz-1");
    CHECK(doc != NULL);
    char *s = img_result_to_string(doc, 0);
    json_object_put(doc);
    CHECK(s != NULL);
    size_t n = strlen(s);
    CHECK(img_utf8_valid(s, n, NULL));
    json_object *back = json_tokener_parse(s);
    CHECK(back != NULL && json_object_is_type(back, json_type_object));
    json_object_put(back);
    free(s);
}

/* What a provider would be sent for each stage, after that stage's input exists. */
static void check_user(const img_analysis_t *a, img_stage_t stage)
{
    char *u = img_stage_user(stage, a);
    CHECK(u != NULL);
    CHECK(img_utf8_valid(u, strlen(u), NULL));
    free(u);
}

/* The whole offline run, as the CLI and the worker's offline chain do it. */
static void run_pair(const char *resume, size_t rlen, const char *job, size_t jlen)
{
    img_analysis_t *a = analyze(resume, rlen, job, jlen, NULL, 0, NULL);
    if (!a)
        return;
    check_analysis(a);
    check_user(a, IMG_STAGE_ANALYSIS);
    check_user(a, IMG_STAGE_GENERATION);
    img_engine_generate(a);
    check_analysis(a);
    check_user(a, IMG_STAGE_CRITICISM);
    img_engine_criticize(a);
    check_analysis(a);
    check_result(a);
    img_analysis_destroy(a);
}

void fuzz_entry_resume(const uint8_t *data, size_t size)
{
    run_pair((const char *)data, size, fz.job, fz.job_len);
}

void fuzz_entry_job(const uint8_t *data, size_t size)
{
    run_pair(fz.resume, fz.resume_len, (const char *)data, size);
}

/* ---- JSON inputs ---- */

void fuzz_entry_inputs(const uint8_t *data, size_t size)
{
    char err[256];
    json_object *obj = NULL;
    if (img_inputs_parse_json("fuzz", (const char *)data, size, &obj, err, sizeof(err)) != IMG_OK) {
        CHECK(obj == NULL);
        return;
    }
    img_arena_t *arena = img_arena_new(4096);
    img_input_skill_t *skills = NULL;
    size_t n = 0;
    img_insights_t ins;
    memset(&ins, 0, sizeof(ins));
    bool have_skills =
        img_inputs_skills("fuzz", obj, arena, &skills, &n, err, sizeof(err)) == IMG_OK;
    bool have_ins = img_inputs_insights("fuzz", obj, arena, &ins, err, sizeof(err)) == IMG_OK;
    json_object_put(obj);
    if (have_skills || have_ins) {
        img_analysis_t *a =
            analyze(fz.resume, fz.resume_len, fz.job, fz.job_len, have_skills ? skills : NULL,
                    have_skills ? n : 0, have_ins ? &ins : NULL);
        CHECK(a != NULL); /* the sample pair always analyses */
        check_analysis(a);
        img_engine_generate(a);
        img_engine_criticize(a);
        check_analysis(a);
        check_user(a, IMG_STAGE_ANALYSIS);
        check_result(a);
        img_analysis_destroy(a);
    }
    img_arena_destroy(arena);
}

/* ---- Kafka request ---- */

void fuzz_entry_request(const uint8_t *data, size_t size)
{
    char key[300];
    if (img_request_bearer(data, size, key, sizeof(key)))
        CHECK(key[0] != '\0' && strlen(key) <= 256);
    else
        CHECK(key[0] == '\0');

    static const img_request_limits_t lim = {1u << 20, FUZZ_MAX_DOC};
    img_request_t req;
    char err[512];
    img_request_reason_t why = img_request_parse(&req, data, size, &lim, err, sizeof(err));
    if (req.has_request_id)
        CHECK(img_request_id_valid(req.request_id, strlen(req.request_id)));
    if (why != IMG_REQ_OK) {
        CHECK(req.doc == NULL && req.stored == NULL && req.resume_text == NULL);
        CHECK(err[0] != '\0' && !strchr(err, '\n'));
        CHECK(strcmp(img_request_reason_code(why), "ok") != 0);
        img_request_clear(&req);
        return;
    }
    CHECK(req.has_request_id);
    CHECK(req.resume_text && req.job_ad && req.stored);
    CHECK(req.resume_len <= lim.max_document_bytes && req.job_len <= lim.max_document_bytes);
    CHECK(img_utf8_valid(req.resume_text, req.resume_len, NULL));
    CHECK(img_utf8_valid(req.job_ad, req.job_len, NULL));
    CHECK(strlen(req.payload_sha256) == 64);
    CHECK(req.n_providers <= IMG_REQUEST_MAX_PROVIDERS && !req.providers[req.n_providers]);
    if (req.as_of[0]) {
        img_ym_t ym;
        CHECK(img_ym_parse(req.as_of, &ym));
    }
    /* The stored form serialises and parses back. */
    const char *stored = json_object_to_json_string_ext(req.stored, JSON_C_TO_STRING_PLAIN);
    CHECK(stored != NULL);
    json_object *back = json_tokener_parse(stored);
    CHECK(back != NULL);
    json_object_put(back);
    /* The upstream inputs, read as the worker reads them. */
    img_arena_t *arena = img_arena_new(1024);
    if (req.skills) {
        img_input_skill_t *skills = NULL;
        size_t n = 0;
        if (img_inputs_skills("extracted_skills", req.skills, arena, &skills, &n, err,
                              sizeof(err)) != IMG_OK)
            CHECK(err[0] != '\0');
    }
    if (req.insights) {
        img_insights_t ins;
        if (img_inputs_insights("domain_insights", req.insights, arena, &ins, err, sizeof(err)) !=
            IMG_OK)
            CHECK(err[0] != '\0');
    }
    img_arena_destroy(arena);
    img_request_clear(&req);
    CHECK(req.doc == NULL);
}

/* ---- provider replies ---- */

/* A NUL-terminated copy of the next field of data (up to a NUL byte). */
static char *next_field(const uint8_t **data, size_t *size)
{
    const uint8_t *nul = memchr(*data, '\0', *size);
    size_t n = nul ? (size_t)(nul - *data) : *size;
    char *s = malloc(n + 1);
    memcpy(s, *data, n);
    s[n] = '\0';
    *data += nul ? n + 1 : n;
    *size -= nul ? n + 1 : n;
    return s;
}

static void fuzz_retry_headers(const uint8_t *data, size_t size)
{
    char *ms = next_field(&data, &size);
    char *after = next_field(&data, &size);
    char *should = next_field(&data, &size);
    char *type = next_field(&data, &size);
    /* Empty fields stand for an absent header. */
    long w = img_llm_retry_after_ms(ms[0] ? ms : NULL, after[0] ? after : NULL, 1767225600);
    CHECK(w == -1 || (w >= 0 && w <= 60000));
    static const int statuses[] = {0, 400, 401, 408, 429, 500, 529};
    for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
        img_llm_failure_info_t f = {statuses[i], should[0] ? should : NULL, type[0] ? type : NULL};
        img_err_t e = img_llm_classify(&f);
        CHECK(e == IMG_ERR_RETRIABLE || e == IMG_ERR_PERMANENT);
    }
    free(ms);
    free(after);
    free(should);
    free(type);
}

void fuzz_entry_llm_reply(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    unsigned sel = data[0];
    data++;
    size--;
    unsigned what = sel % 3;
    img_stage_t stage = (img_stage_t)((sel / 3) % IMG_STAGE__COUNT);
    if (what == 2) {
        fuzz_retry_headers(data, size);
        return;
    }
    const img_llm_api_t *api = what == 0 ? &img_llm_api_openai : &img_llm_api_anthropic;
    img_llm_job_t job;
    memset(&job, 0, sizeof(job));
    job.call.stage = img_stage_name(stage);
    job.call.schema_name = img_stage_schema_name(stage);
    job.call.schema = img_stage_schema(stage);

    /* As img_llm_job_on_done() reads a 2xx body. */
    char perr[96];
    json_object *root = img_llm_json_parse((const char *)data, size, perr, sizeof(perr));
    if (!root)
        return;
    img_llm_reply_t r;
    memset(&r, 0, sizeof(r));
    api->parse(root, &job, &r);
    json_object_put(root);
    CHECK(r.tokens.input >= 0 && r.tokens.output >= 0 && r.tokens.cached >= 0);
    /* Billed as img_llm.c bills it: a finite, non-negative cost. */
    double cost = img_llm_cost(fz.prices, what == 0 ? "openai" : "anthropic",
                               what == 0 ? "gpt-4o-mini" : "claude-haiku-4-5", &r.tokens);
    CHECK(cost >= 0.0 && cost < 1e12);
    CHECK(memchr(r.reason, '\0', sizeof(r.reason)) != NULL);
    if (r.kind == IMG_LLM_REPLY_OK) {
        CHECK(r.output != NULL);
        if (json_object_is_type(r.output, json_type_object)) {
            char err[256];
            if (img_stage_validate(stage, fz.sample, r.output, err, sizeof(err)) != IMG_OK)
                CHECK(err[0] != '\0');
        }
    } else {
        CHECK(r.output == NULL);
        CHECK(r.reason[0] != '\0');
    }
    json_object_put(r.output);
    free(r.text);
}

/* ---- stage outputs ---- */

/* A fresh analysis of the sample pair with the offline stages before `stage` run. */
static img_analysis_t *before_stage(img_stage_t stage)
{
    img_analysis_t *a = analyze(fz.resume, fz.resume_len, fz.job, fz.job_len, NULL, 0, NULL);
    CHECK(a != NULL);
    for (int st = IMG_STAGE_ANALYSIS; st < (int)stage; st++)
        img_stage_offline((img_stage_t)st, a);
    return a;
}

static char *result_string(const img_analysis_t *a)
{
    img_usage_t usage;
    memset(&usage, 0, sizeof(usage));
    json_object *doc = img_result_build(a, &usage, NULL);
    char *s = img_result_to_string(doc, 0);
    json_object_put(doc);
    return s;
}

/* Checkpoints the analysis after `stage`, restores the checkpoint (through
 * its text, as the store keeps it) onto a fresh analysis, and checks that
 * the restored analysis produces the same result document. */
static void check_round_trip(img_stage_t stage, const img_analysis_t *a)
{
    img_stage_usage_t u = {
        img_stage_name(stage), "openai", "gpt-fuzz", 1, 10, 20, 0, 0.001, 1.5, "req_fuzz"};
    json_object *ck = img_stage_output(stage, a, &u, NULL, 0);
    CHECK(ck != NULL);
    char *text = strdup(json_object_to_json_string_ext(ck, JSON_C_TO_STRING_PLAIN));
    json_object_put(ck);
    CHECK(img_utf8_valid(text, strlen(text), NULL));
    json_object *back = json_tokener_parse(text);
    CHECK(back != NULL);
    img_analysis_t *b = before_stage(stage);
    img_usage_t bu;
    memset(&bu, 0, sizeof(bu));
    char err[256];
    img_err_t rc = img_stage_restore(stage, b, &bu, back, err, sizeof(err));
    if (rc != IMG_OK)
        fprintf(stderr, "fuzz: own checkpoint does not restore: %s\n", err);
    CHECK(rc == IMG_OK);
    json_object_put(back);
    check_analysis(b);
    char *sa = result_string(a), *sb = result_string(b);
    if (strcmp(sa, sb))
        fprintf(stderr, "fuzz: restored result differs\n--- applied\n%s\n--- restored\n%s\n", sa,
                sb);
    CHECK(strcmp(sa, sb) == 0);
    free(sa);
    free(sb);
    free(text);
    img_analysis_destroy(b);
}

void fuzz_entry_stage_output(const uint8_t *data, size_t size)
{
    if (size < 1)
        return;
    img_stage_t stage = (img_stage_t)(data[0] % IMG_STAGE__COUNT);
    bool restore = (data[0] / IMG_STAGE__COUNT) % 2;
    char perr[96];
    json_object *out = img_llm_json_parse((const char *)data + 1, size - 1, perr, sizeof(perr));
    if (!out)
        return;
    img_analysis_t *a = before_stage(stage);
    char err[256];
    if (restore) {
        img_usage_t u;
        memset(&u, 0, sizeof(u));
        if (img_stage_restore(stage, a, &u, out, err, sizeof(err)) == IMG_OK) {
            check_analysis(a);
            check_result(a);
        } else {
            CHECK(err[0] != '\0');
        }
    } else if (json_object_is_type(out, json_type_object) &&
               img_stage_validate(stage, a, out, err, sizeof(err)) == IMG_OK) {
        /* As the pipeline does with a provider's validated output. */
        img_stage_apply(stage, a, out);
        check_analysis(a);
        check_round_trip(stage, a);
        for (int st = (int)stage + 1; st < IMG_STAGE__COUNT; st++) {
            check_user(a, (img_stage_t)st);
            img_stage_offline((img_stage_t)st, a);
            check_analysis(a);
        }
        check_result(a);
    }
    json_object_put(out);
    img_analysis_destroy(a);
}

const fuzz_target_t fuzz_targets[] = {
    {"resume", fuzz_entry_resume},
    {"job", fuzz_entry_job},
    {"inputs", fuzz_entry_inputs},
    {"request", fuzz_entry_request},
    {"llm_reply", fuzz_entry_llm_reply},
    {"stage_output", fuzz_entry_stage_output},
    {NULL, NULL},
};
