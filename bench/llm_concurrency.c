/*
 * llm_concurrency - how close one process running C analyses at once gets to
 * the bound C / (stages x L) when every provider reply takes L ms, and how
 * much CPU an analysis costs outside the provider.
 *
 * Fakes (tests/fake_llm/fake_llm.py --latency-ms L) stand in for the
 * providers: analysis goes to "anthropic" on fake 1, generation to "openai"
 * on fake 3 (default: fake 1), criticism to "openai-compatible" on fake 2, so each stage's
 * scripted reply queue holds only that stage's outputs (realistic ones: the
 * offline analyst's own narrative, suggestions and critiques of the sample
 * pair). One img_llm client, one thread: an epoll loop driving the client
 * through img_llm_loop_*() as a daemon does (or img_llm_wait(), as the CLI
 * does, with --loop wait); C pipelines are kept in flight until N finish.
 *
 *   llm_concurrency --fake1 http://127.0.0.1:P1 --fake2 http://127.0.0.1:P2 [--fake3 URL] \
 *                   --latency-ms L --concurrency C --total N [--loop epoll|wait]
 *
 * bench/llm_concurrency.sh starts the fakes and runs the recorded cases.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "engine/img_engine.h"
#include "llm/img_llm.h"
#include "pipeline/img_pipeline.h"
#include "pipeline/img_result.h"
#include "pipeline/img_stages.h"
#include "util/img_buf.h"

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "llm_concurrency: cannot open %s\n", path);
        exit(1);
    }
    img_buf_t b = IMG_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        img_buf_append(&b, chunk, n);
    fclose(f);
    return img_buf_detach(&b);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0 +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

static double thread_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void post(const char *base, const char *path, const char *body)
{
    char url[512];
    snprintf(url, sizeof(url), "%s%s", base, path);
    CURL *c = curl_easy_init();
    struct curl_slist *h = curl_slist_append(NULL, "content-type: application/json");
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    FILE *null = fopen("/dev/null", "w");
    curl_easy_setopt(c, CURLOPT_WRITEDATA, null);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    fclose(null);
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK || status != 200) {
        fprintf(stderr, "llm_concurrency: POST %s failed (%s, %ld)\n", url, curl_easy_strerror(rc),
                status);
        exit(1);
    }
}

/* The three stage outputs a model would write for the sample pair, made from
 * the offline analyst's own work so they validate and are realistic in size. */
static void model_outputs(img_analysis_t *a, json_object **out)
{
    img_engine_generate(a);
    json_object *an = json_object_new_object();
    json_object_object_add(an, "narrative", json_object_new_string(a->gap.narrative));
    json_object_object_add(an, "domain", json_object_new_string("logistics software"));
    json_object_object_add(an, "candidate_domain", json_object_new_string("payments backend"));
    const char *lists[] = {"priorities", "strengths", "gaps", "recommendations"};
    for (int i = 0; i < 4; i++) {
        json_object *arr = json_object_new_array();
        for (size_t k = 0; k < a->insights.gaps.n; k++)
            json_object_array_add(arr, json_object_new_string(a->insights.gaps.v[k]));
        json_object_object_add(an, lists[i], arr);
    }
    json_object *sugg = json_object_new_array();
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(img_sugg_kind_name(s->kind)));
        json_object_object_add(o, "title", json_object_new_string(s->title));
        json_object_object_add(o, "detail", json_object_new_string(s->detail));
        json_object *cl = json_object_new_array();
        for (size_t k = 0; k < s->closes.n; k++)
            json_object_array_add(cl,
                                  json_object_new_string(a->job.requirements.v[s->closes.v[k]].id));
        json_object_object_add(o, "closes", cl);
        json_object_object_add(o, "effort", json_object_new_string(s->effort ? s->effort : ""));
        json_object_object_add(o, "grounding",
                               json_object_new_string(img_grounding_name(s->grounding)));
        json_object_object_add(
            o, "source_bullet",
            s->has_source ? json_object_new_string_len(a->resume.text + s->source_start,
                                                       (int)(s->source_end - s->source_start))
                          : NULL);
        json_object_array_add(sugg, o);
    }
    json_object *gen = json_object_new_object();
    json_object_object_add(gen, "suggestions", sugg);
    img_engine_criticize(a);
    json_object *crit = json_object_new_array();
    for (size_t i = 0; i < a->suggestions.n; i++) {
        const img_suggestion_t *s = &a->suggestions.v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_string(s->id));
        json_object_object_add(o, "specificity", json_object_new_int(s->critique.specificity));
        json_object_object_add(o, "actionability", json_object_new_int(s->critique.actionability));
        json_object_object_add(o, "alignment", json_object_new_int(s->critique.alignment));
        json_object_object_add(o, "grounding", json_object_new_int(s->critique.grounding));
        json_object_object_add(o, "verdict",
                               json_object_new_string(img_verdict_name(s->critique.verdict)));
        json_object_object_add(o, "notes",
                               json_object_new_string(s->critique.notes ? s->critique.notes : ""));
        json_object_object_add(o, "revised_title", NULL);
        json_object_object_add(o, "revised_detail", NULL);
        json_object_array_add(crit, o);
    }
    json_object *cr = json_object_new_object();
    json_object_object_add(cr, "critiques", crit);
    out[0] = an;
    out[1] = gen;
    out[2] = cr;
}

/* {"<api>": [n x {"kind": "ok", "output": output}]} */
static char *script(const char *api, json_object *output, long n)
{
    json_object *root = json_object_new_object(), *steps = json_object_new_array();
    for (long i = 0; i < n; i++) {
        json_object *st = json_object_new_object();
        json_object_object_add(st, "kind", json_object_new_string("ok"));
        json_object_object_add(st, "output", json_object_get(output));
        json_object_array_add(steps, st);
    }
    json_object_object_add(root, api, steps);
    char *s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return s;
}

typedef struct bench bench_t;

typedef struct slot {
    bench_t *b;
    img_analysis_t *a;
    img_pipeline_t *p;
    double t0;
} slot_t;

struct bench {
    const img_tax_t *tax;
    img_engine_input_t in;
    img_llm_t *llm;
    img_pipeline_conf_t conf;
    long started, finished, total, llm_stages, failures;
    double engine_cpu_ms, stage_latency_ms, analysis_wall_ms;
};

static void start(slot_t *s);

/* A pipeline finished: account for it and start the next analysis in its
 * slot at once (from inside the client's callback), so C stay in flight. */
static void on_done(void *opaque)
{
    slot_t *s = opaque;
    bench_t *b = s->b;
    const img_usage_t *u = img_pipeline_usage(s->p);
    for (size_t k = 0; k < u->stages.n; k++) {
        b->llm_stages += strcmp(u->stages.v[k].provider, "offline") != 0;
        b->stage_latency_ms += u->stages.v[k].latency_ms;
    }
    b->analysis_wall_ms += now_ms() - s->t0;
    b->failures += (long)u->failures.n;
    b->finished++;
    img_pipeline_destroy(s->p);
    img_analysis_destroy(s->a);
    s->p = NULL;
    s->a = NULL;
    if (b->started < b->total)
        start(s);
}

static void start(slot_t *s)
{
    bench_t *b = s->b;
    char err[256];
    s->t0 = now_ms();
    double c0 = thread_cpu_ms();
    if (img_engine_analyze(b->tax, &b->in, &s->a, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "llm_concurrency: %s\n", err);
        exit(1);
    }
    b->engine_cpu_ms += thread_cpu_ms() - c0;
    img_pipeline_cbs_t cbs = {s, NULL, on_done};
    if (img_pipeline_new(&s->p, &b->conf, s->a, &cbs, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "llm_concurrency: %s\n", err);
        exit(1);
    }
    b->started++;
    img_pipeline_start(s->p);
}

/* ---- a minimal epoll loop, the way a daemon drives the client ---- */

typedef struct loop {
    int ep;
    double due; /* absolute monotonic ms of the client's timer, or -1 */
} loop_t;

static void watch_fd(void *opaque, int fd, int what)
{
    loop_t *l = opaque;
    struct epoll_event ev;
    memset(&ev, 0, sizeof(ev));
    ev.data.fd = fd;
    if (what == 0) {
        epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
        return;
    }
    ev.events = (what & 1 ? EPOLLIN : 0) | (what & 2 ? EPOLLOUT : 0);
    if (epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) < 0 && errno == ENOENT)
        epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void set_timer(void *opaque, long timeout_ms)
{
    loop_t *l = opaque;
    l->due = timeout_ms < 0 ? -1 : now_ms() + (double)timeout_ms;
}

/* Runs until every pipeline has finished. */
static void run_epoll(bench_t *b, loop_t *l)
{
    struct epoll_event evs[256];
    while (b->finished < b->total) {
        int to = 1000;
        if (l->due >= 0) {
            double left = l->due - now_ms();
            to = left <= 0 ? 0 : (int)ceil(left);
        }
        int n = epoll_wait(l->ep, evs, 256, to);
        for (int i = 0; i < n; i++)
            img_llm_loop_on_fd(b->llm, evs[i].data.fd,
                               (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0,
                               (evs[i].events & EPOLLOUT) != 0);
        if (l->due >= 0 && now_ms() >= l->due) {
            l->due = -1;
            img_llm_loop_on_timer(b->llm);
        }
    }
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"fake1", required_argument, NULL, '1'},
                                         {"fake2", required_argument, NULL, '2'},
                                         {"fake3", required_argument, NULL, '3'},
                                         {"latency-ms", required_argument, NULL, 'l'},
                                         {"concurrency", required_argument, NULL, 'c'},
                                         {"total", required_argument, NULL, 'n'},
                                         {"source", required_argument, NULL, 's'},
                                         {"loop", required_argument, NULL, 'L'},
                                         {NULL, 0, NULL, 0}};
    const char *fake1 = NULL, *fake2 = NULL, *fake3 = NULL, *source = IMG_SOURCE_DIR;
    const char *mode = "epoll";
    long latency = 200, c = 50, total = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case '1':
            fake1 = optarg;
            break;
        case '2':
            fake2 = optarg;
            break;
        case '3':
            fake3 = optarg;
            break;
        case 'l':
            latency = atol(optarg);
            break;
        case 'c':
            c = atol(optarg);
            break;
        case 'n':
            total = atol(optarg);
            break;
        case 's':
            source = optarg;
            break;
        case 'L':
            mode = optarg;
            break;
        default:
            fprintf(stderr, "usage: llm_concurrency --fake1 URL --fake2 URL [--fake3 URL] "
                            "--latency-ms L --concurrency C [--total N] [--loop epoll|wait]\n");
            return 64;
        }
    }
    if (!fake1 || !fake2 || c < 1 || latency < 1) {
        fprintf(stderr, "llm_concurrency: --fake1, --fake2, --latency-ms and --concurrency "
                        "are required\n");
        return 64;
    }
    if (!fake3) /* generation shares fake 1 (its "openai" queue) */
        fake3 = fake1;
    if (total < c)
        total = c * 10;
    curl_global_init(CURL_GLOBAL_DEFAULT);

    char path[4096], err[256];
    snprintf(path, sizeof(path), "%s/data/samples/resume.txt", source);
    char *resume = read_file(path);
    snprintf(path, sizeof(path), "%s/data/samples/job.txt", source);
    char *job = read_file(path);
    img_tax_t *tax = NULL;
    if (img_tax_new_builtin(&tax, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "llm_concurrency: %s\n", err);
        return 1;
    }
    bench_t b = {.tax = tax, .total = total};
    b.in.resume = resume;
    b.in.resume_len = strlen(resume);
    b.in.job = job;
    b.in.job_len = strlen(job);
    b.in.opts.as_of = (img_ym_t){2026, 11};

    /* Script the fakes: every reply of a queue is that stage's output. */
    img_analysis_t *a0 = NULL;
    if (img_engine_analyze(tax, &b.in, &a0, err, sizeof(err)) != IMG_OK)
        return 1;
    json_object *outs[3];
    model_outputs(a0, outs);
    img_analysis_destroy(a0);
    post(fake1, "/_fake/reset", "{}");
    post(fake2, "/_fake/reset", "{}");
    if (fake3 != fake1)
        post(fake3, "/_fake/reset", "{}");
    char *s1 = script("anthropic", outs[0], total), *s2 = script("openai", outs[1], total),
         *s3 = script("openai", outs[2], total);
    post(fake1, "/_fake/script", s1);
    post(fake3, "/_fake/script", s2);
    post(fake2, "/_fake/script", s3);
    free(s1);
    free(s2);
    free(s3);
    for (int i = 0; i < 3; i++)
        json_object_put(outs[i]);

    img_llm_prices_t *prices = NULL;
    if (img_llm_prices_new(&prices, NULL, err, sizeof(err)) != IMG_OK)
        return 1;
    char url1[512], url2[512];
    snprintf(url1, sizeof(url1), "%s/v1", fake3);
    snprintf(url2, sizeof(url2), "%s/v1", fake2);
    img_llm_conf_t lc = {.n_providers = 3,
                         .timeout_ms = 60000,
                         .stage_deadline_ms = 180000,
                         .max_retries = 2,
                         .breaker_threshold = 1000,
                         .breaker_cooldown_ms = 30000,
                         .max_tokens = 4096,
                         .prices = prices};
    lc.providers[0] =
        (img_llm_provider_conf_t){"anthropic", fake1, "bench-key", "claude-haiku-4-5"};
    lc.providers[1] = (img_llm_provider_conf_t){"openai", url1, "bench-key", "gpt-4.1-mini"};
    lc.providers[2] =
        (img_llm_provider_conf_t){"openai-compatible", url2, "bench-key", "gpt-4.1-mini"};
    if (img_llm_new(&b.llm, &lc, err, sizeof(err)) != IMG_OK) {
        fprintf(stderr, "llm_concurrency: %s\n", err);
        return 1;
    }
    static const char *const chain_a[] = {"anthropic", "offline", NULL};
    static const char *const chain_g[] = {"openai", "offline", NULL};
    static const char *const chain_c[] = {"openai-compatible", "offline", NULL};
    b.conf.chain[0] = chain_a;
    b.conf.chain[1] = chain_g;
    b.conf.chain[2] = chain_c;
    for (int st = 0; st < 3; st++)
        b.conf.llm[st] = b.llm;

    /* epoll: the daemon's way (img_llm_loop_*); wait: img_llm_wait() as the CLI does. */
    bool epoll_mode = strcmp(mode, "wait") != 0;
    loop_t loop = {epoll_create1(EPOLL_CLOEXEC), -1};
    if (epoll_mode) {
        img_llm_loop_ops_t ops = {&loop, watch_fd, set_timer};
        img_llm_loop_attach(b.llm, &ops);
    }
    slot_t *slots = calloc((size_t)c, sizeof(*slots));
    double t0 = now_ms(), cpu0 = cpu_ms();
    for (long i = 0; i < c && b.started < total; i++) {
        slots[i].b = &b;
        start(&slots[i]);
    }
    if (epoll_mode)
        run_epoll(&b, &loop);
    else
        img_llm_wait(b.llm);
    double wall = now_ms() - t0, cpu = cpu_ms() - cpu0;

    double thr = b.finished / (wall / 1000.0);
    double bound = c / (3.0 * latency / 1000.0);
    printf("loop %s, concurrency %ld, latency %ld ms, analyses %ld (provider-written stages %ld of "
           "%ld, "
           "failed attempts %ld)\n",
           epoll_mode ? "epoll" : "img_llm_wait", c, latency, b.finished, b.llm_stages,
           3 * b.finished, b.failures);
    printf("wall %.0f ms, throughput %.1f analyses/s, bound C/(3L) %.1f/s: %.1f%% of the bound\n",
           wall, thr, bound, 100.0 * thr / bound);
    double seen = b.stage_latency_ms / (3.0 * b.finished);
    printf("mean analysis %.1f ms = 3 x %.1f ms; mean provider call as the client saw it %.1f "
           "ms (L = %ld)\n",
           b.analysis_wall_ms / b.finished, b.analysis_wall_ms / b.finished / 3, seen, latency);
    printf("bound with the provider latency observed, C/(3 x %.1f ms): %.1f/s: %.1f%% (what the "
           "client itself loses)\n",
           seen, c / (3.0 * seen / 1000.0), 100.0 * thr / (c / (3.0 * seen / 1000.0)));
    printf("CPU per analysis outside the provider: %.3f ms (engine analysis %.3f ms, pipeline, "
           "JSON and HTTP %.3f ms); this process was busy %.1f%% of the wall time\n",
           cpu / b.finished, b.engine_cpu_ms / b.finished, (cpu - b.engine_cpu_ms) / b.finished,
           100.0 * cpu / wall);

    free(slots);
    img_llm_destroy(b.llm);
    close(loop.ep);
    img_llm_prices_destroy(prices);
    img_tax_destroy(tax);
    free(resume);
    free(job);
    curl_global_cleanup();
    return b.llm_stages == 3 * b.finished ? 0 : 2;
}
