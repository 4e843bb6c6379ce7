/*
 * imaginator analyze: the whole pipeline on one resume and one job ad, printing
 * the result document. The stages run through img_pipeline: with the offline
 * analyst only (the default), or with the providers of the fallback chains
 * (IMAGINATOR_PROVIDERS, llm.* settings, --providers), waiting on the LLM
 * clients with img_llm_wait().
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "engine/img_engine.h"
#include "img_cli.h"
#include "pipeline/img_config.h"
#include "llm/img_llm.h"
#include "pipeline/img_inputs.h"
#include "pipeline/img_pipeline.h"
#include "pipeline/img_result.h"
#include "util/img_buf.h"

static const char usage[] =
    "usage: imaginator analyze --resume FILE --job FILE [options]\n"
    "  --resume FILE               the resume, plain UTF-8 text (- for standard input)\n"
    "  --job FILE                  the job ad, plain UTF-8 text (- for standard input)\n"
    "  --skills-json FILE          upstream skills, the original Imaginator's format\n"
    "  --insights-json FILE        upstream domain insights, the original's format\n"
    "  --confidence-threshold X    upstream confidence for \"high\" (default 0.7)\n"
    "  --as-of YYYY-MM             fix \"today\" for durations; output becomes byte-identical\n"
    "  --taxonomy-esco FILE        also load ESCO skills_en.csv\n"
    "  --taxonomy-onet FILE        also load O*NET \"Technology Skills.txt\"\n"
    "  --max-document-bytes N      size limit per document (default 256K)\n"
    "  --config FILE               settings file (see imaginator config --dump-config)\n"
    "  --request-id ID             id written into the result (default: derived from inputs)\n"
    "  --providers CHAIN           fallback chain of every stage, e.g. anthropic,openai,offline\n"
    "                              (default: IMAGINATOR_PROVIDERS, llm.providers, offline)\n"
    "  --repeat N                  run the analysis N times, print once (benchmarks)\n"
    "  --pretty                    indent the JSON\n"
    "exit codes: 0 ok, 64 usage, 65 bad input data, 66 missing or unreadable file, 78 bad "
    "config\n";

typedef struct analyze_opts {
    const char *resume, *job, *skills, *insights, *esco, *onet, *config, *request_id;
    const char *as_of, *threshold, *max_bytes, *providers;
    long repeat;
    int pretty;
} analyze_opts_t;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Reads one input file; maps failures to sysexits. */
static int read_input(const char *what, const char *path, size_t max, img_buf_t *buf)
{
    char err[512];
    if (img_buf_read_file(buf, path, max, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "%s: %s", what, err);
        return EX_NOINPUT;
    }
    return EX_OK;
}

static int parse_args(int argc, char **argv, analyze_opts_t *o)
{
    static const struct option opts[] = {{"resume", required_argument, NULL, 'r'},
                                         {"job", required_argument, NULL, 'j'},
                                         {"skills-json", required_argument, NULL, 's'},
                                         {"insights-json", required_argument, NULL, 'i'},
                                         {"confidence-threshold", required_argument, NULL, 't'},
                                         {"as-of", required_argument, NULL, 'a'},
                                         {"taxonomy-esco", required_argument, NULL, 'E'},
                                         {"taxonomy-onet", required_argument, NULL, 'O'},
                                         {"max-document-bytes", required_argument, NULL, 'M'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"request-id", required_argument, NULL, 'q'},
                                         {"providers", required_argument, NULL, 'P'},
                                         {"repeat", required_argument, NULL, 'n'},
                                         {"pretty", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    int c;
    char *end;
    memset(o, 0, sizeof(*o));
    o->repeat = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'r':
            o->resume = optarg;
            break;
        case 'j':
            o->job = optarg;
            break;
        case 's':
            o->skills = optarg;
            break;
        case 'i':
            o->insights = optarg;
            break;
        case 't':
            o->threshold = optarg;
            break;
        case 'a':
            o->as_of = optarg;
            break;
        case 'E':
            o->esco = optarg;
            break;
        case 'O':
            o->onet = optarg;
            break;
        case 'M':
            o->max_bytes = optarg;
            break;
        case 'c':
            o->config = optarg;
            break;
        case 'q':
            o->request_id = optarg;
            break;
        case 'P':
            o->providers = optarg;
            break;
        case 'p':
            o->pretty = 1;
            break;
        case 'n':
            errno = 0;
            o->repeat = strtol(optarg, &end, 10);
            if (errno || *end || o->repeat < 1 || o->repeat > 1000000) {
                img_cli_error("analyze", "--repeat: \"%s\" is not a count from 1 to 1000000",
                              optarg);
                return EX_USAGE;
            }
            break;
        case 'h':
            fputs(usage, stdout);
            return -1;
        case ':':
            img_cli_error("analyze", "%s needs a value; see imaginator analyze --help",
                          argv[optind - 1]);
            return EX_USAGE;
        default:
            img_cli_error("analyze", "unknown option \"%s\"; see imaginator analyze --help",
                          argv[optind - 1]);
            return EX_USAGE;
        }
    }
    if (optind < argc) {
        img_cli_error("analyze", "unexpected argument \"%s\"", argv[optind]);
        return EX_USAGE;
    }
    if (!o->resume || !o->job) {
        img_cli_error("analyze", "%s is required; see imaginator analyze --help",
                      !o->resume ? "--resume FILE" : "--job FILE");
        return EX_USAGE;
    }
    if (!strcmp(o->resume, "-") && !strcmp(o->job, "-")) {
        img_cli_error("analyze", "only one of --resume and --job can read standard input");
        return EX_USAGE;
    }
    return EX_OK;
}

static char *derive_request_id(const img_buf_t *resume, const img_buf_t *job)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < resume->len; i++)
        h = (h ^ (unsigned char)resume->data[i]) * 1099511628211ULL;
    h = (h ^ 0xff) * 1099511628211ULL;
    for (size_t i = 0; i < job->len; i++)
        h = (h ^ (unsigned char)job->data[i]) * 1099511628211ULL;
    char *id = malloc(32);
    snprintf(id, 32, "cli-%016llx", (unsigned long long)h);
    return id;
}

/* Loads the optional upstream inputs into the analysis-independent arena. */
static int load_upstream(const analyze_opts_t *o, size_t max, img_arena_t *arena,
                         img_engine_input_t *in, img_insights_t *insights)
{
    char err[512];
    img_buf_t buf = IMG_BUF_INIT;
    int rc = EX_OK;
    json_object *obj = NULL;
    if (o->skills) {
        if ((rc = read_input("--skills-json", o->skills, max, &buf)) != EX_OK)
            goto out;
        img_input_skill_t *skills = NULL;
        size_t n = 0;
        if (buf.len > max ||
            img_inputs_parse_json(o->skills, buf.data, buf.len, &obj, err, sizeof(err)) != IMG_OK ||
            img_inputs_skills(o->skills, obj, arena, &skills, &n, err, sizeof(err)) != IMG_OK) {
            if (buf.len > max)
                snprintf(err, sizeof(err), "%s: larger than the limit of %zu bytes", o->skills,
                         max);
            img_cli_error("analyze", "--skills-json %s", err);
            rc = EX_DATAERR;
            goto out;
        }
        in->skills = skills;
        in->n_skills = n;
        json_object_put(obj);
        obj = NULL;
    }
    if (o->insights) {
        if ((rc = read_input("--insights-json", o->insights, max, &buf)) != EX_OK)
            goto out;
        if (buf.len > max ||
            img_inputs_parse_json(o->insights, buf.data, buf.len, &obj, err, sizeof(err)) !=
                IMG_OK ||
            img_inputs_insights(o->insights, obj, arena, insights, err, sizeof(err)) != IMG_OK) {
            if (buf.len > max)
                snprintf(err, sizeof(err), "%s: larger than the limit of %zu bytes", o->insights,
                         max);
            img_cli_error("analyze", "--insights-json %s", err);
            rc = EX_DATAERR;
            goto out;
        }
        in->insights = insights;
    }
out:
    json_object_put(obj);
    img_buf_free(&buf);
    return rc;
}

static int load_taxonomy(const analyze_opts_t *o, img_tax_t **taxp)
{
    char err[512];
    if (img_tax_new_builtin(taxp, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "built-in taxonomy: %s", err);
        return EX_SOFTWARE;
    }
    const char *paths[2] = {o->esco, o->onet};
    for (int i = 0; i < 2; i++) {
        if (!paths[i])
            continue;
        FILE *f = fopen(paths[i], "rb");
        if (!f) {
            img_cli_error("analyze", "%s: cannot open %s: %s",
                          i ? "--taxonomy-onet" : "--taxonomy-esco", paths[i], strerror(errno));
            return EX_NOINPUT;
        }
        fclose(f);
        img_err_t e = i ? img_tax_load_onet(*taxp, paths[i], err, sizeof(err))
                        : img_tax_load_esco(*taxp, paths[i], err, sizeof(err));
        if (e != IMG_OK) {
            img_cli_error("analyze", "%s: %s", i ? "--taxonomy-onet" : "--taxonomy-esco", err);
            return EX_DATAERR;
        }
    }
    return EX_OK;
}

/* The LLM side of a run: the plan, the prices and one client per distinct
 * set of models. */
typedef struct llm_setup {
    img_llm_plan_t plan;
    img_llm_prices_t *prices;
    img_llm_t *llm[3];
} llm_setup_t;

static int setup_llm(const analyze_opts_t *o, img_config_t *cfg, llm_setup_t *ls)
{
    char err[512];
    if (o->providers) {
        /* The command line wins over the file and the environment, for every stage. */
        for (int st = 0; st < 3; st++) {
            free(cfg->llm_stage_providers[st]);
            cfg->llm_stage_providers[st] = NULL;
        }
        if (img_conf_set(&img_config_table, cfg, "llm.providers", o->providers, err, sizeof(err)) !=
            IMG_OK) {
            img_cli_error("analyze", "--providers %s", err);
            return EX_USAGE;
        }
    }
    if (img_llm_prices_new(&ls->prices, NULL, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "built-in price table: %s", err);
        return EX_SOFTWARE;
    }
    if (img_config_llm_plan(cfg, o->providers ? "--providers" : NULL, ls->prices, &ls->plan, err,
                            sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "%s", err);
        return EX_CONFIG;
    }
    for (size_t c = 0; ls->plan.uses_llm && c < ls->plan.n_clients; c++)
        if (img_llm_new(&ls->llm[c], &ls->plan.conf[c], err, sizeof(err)) != IMG_OK) {
            img_cli_error("analyze", "%s", err);
            return EX_CONFIG;
        }
    return EX_OK;
}

static void free_llm(llm_setup_t *ls)
{
    for (int c = 0; c < 3; c++)
        img_llm_destroy(ls->llm[c]);
    img_llm_prices_destroy(ls->prices);
}

static void on_done(void *opaque)
{
    *(int *)opaque = 1;
}

/* Runs generation and criticism (and the LLM side of analysis) to the end. */
static int run_pipeline(const llm_setup_t *ls, img_analysis_t *a, int timed, const char *request_id,
                        img_pipeline_t **pp)
{
    char err[512];
    int done = 0;
    img_pipeline_conf_t pc = {.timed = timed != 0, .request_id = request_id};
    for (int st = 0; st < 3; st++) {
        pc.chain[st] = ls->plan.chain[st];
        pc.llm[st] = ls->plan.uses_llm ? ls->llm[ls->plan.client_of[st]] : NULL;
        pc.max_tokens[st] = ls->plan.max_tokens[st];
    }
    img_pipeline_cbs_t cbs = {.opaque = &done, .on_done = on_done};
    if (img_pipeline_new(pp, &pc, a, &cbs, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "%s", err);
        return EX_SOFTWARE;
    }
    img_pipeline_start(*pp);
    /* A stage may hand over to another client: wait on each until done. */
    while (!done) {
        size_t pending = 0;
        for (size_t c = 0; c < ls->plan.n_clients && ls->llm[c]; c++)
            if (img_llm_pending(ls->llm[c])) {
                pending++;
                img_llm_wait(ls->llm[c]);
            }
        if (!pending && !done) {
            img_cli_error("analyze", "the pipeline stalled with no call in flight");
            return EX_SOFTWARE;
        }
    }
    return EX_OK;
}

int img_cmd_analyze(int argc, char **argv)
{
    analyze_opts_t o;
    int rc = parse_args(argc, argv, &o);
    if (rc != EX_OK)
        return rc < 0 ? EX_OK : rc;

    char err[512];
    img_config_t cfg;
    img_buf_t resume = IMG_BUF_INIT, job = IMG_BUF_INIT;
    img_tax_t *tax = NULL;
    img_arena_t *arena = img_arena_new(4096);
    img_insights_t insights;
    img_engine_input_t in = {0};
    char *request_id = NULL, *out = NULL;
    llm_setup_t ls;
    memset(&ls, 0, sizeof(ls));
    if (img_config_init(&cfg, o.config, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "%s", err);
        rc = EX_CONFIG;
        goto done;
    }
    if (o.max_bytes && img_conf_set(&img_config_table, &cfg, "engine.max_document_bytes",
                                    o.max_bytes, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "--max-document-bytes %s",
                      err + strlen("engine.max_document_bytes: "));
        rc = EX_USAGE;
        goto done;
    }
    if (o.threshold && img_conf_set(&img_config_table, &cfg, "engine.confidence_threshold",
                                    o.threshold, err, sizeof(err)) != IMG_OK) {
        img_cli_error("analyze", "--confidence-threshold %s",
                      err + strlen("engine.confidence_threshold: "));
        rc = EX_USAGE;
        goto done;
    }
    if (o.as_of && !img_ym_parse(o.as_of, &in.opts.as_of)) {
        img_cli_error("analyze", "--as-of: \"%s\" is not YYYY-MM or YYYY", o.as_of);
        rc = EX_USAGE;
        goto done;
    }
    /* A chain naming a provider without its key fails here, before any work. */
    if ((rc = setup_llm(&o, &cfg, &ls)) != EX_OK)
        goto done;
    in.opts.confidence_threshold = cfg.confidence_threshold;
    in.max_document_bytes = cfg.max_document_bytes;

    if ((rc = read_input("--resume", o.resume, cfg.max_document_bytes, &resume)) != EX_OK ||
        (rc = read_input("--job", o.job, cfg.max_document_bytes, &job)) != EX_OK ||
        (rc = load_upstream(&o, cfg.max_document_bytes, arena, &in, &insights)) != EX_OK ||
        (rc = load_taxonomy(&o, &tax)) != EX_OK)
        goto done;
    in.resume = resume.data;
    in.resume_len = resume.len;
    in.job = job.data;
    in.job_len = job.len;
    request_id = o.request_id ? strdup(o.request_id) : derive_request_id(&resume, &job);

    for (long i = 0; i < o.repeat; i++) {
        img_analysis_t *a = NULL;
        img_pipeline_t *p = NULL;
        double t0 = now_ms();
        if (img_engine_analyze(tax, &in, &a, err, sizeof(err)) != IMG_OK) {
            img_cli_error("analyze", "%s", err);
            rc = EX_DATAERR;
            goto done;
        }
        /* With --as-of the output must be byte-identical, so wall time is not reported. */
        int timed = !o.as_of;
        double t_analysis = now_ms() - t0;
        if ((rc = run_pipeline(&ls, a, timed, request_id, &p)) != EX_OK) {
            img_pipeline_destroy(p);
            img_analysis_destroy(a);
            goto done;
        }
        /* The engine's part of analysis ran before the pipeline: count it in. */
        const img_usage_t *u = img_pipeline_usage(p);
        if (timed && u->stages.n && u->stages.v[0].latency_ms >= 0)
            u->stages.v[0].latency_ms += t_analysis;
        free(out);
        out = img_result_render(a, u, request_id, o.pretty);
        img_pipeline_destroy(p);
        img_analysis_destroy(a);
    }
    fputs(out, stdout);
    fputc('\n', stdout);
    if (fflush(stdout) != 0) {
        img_cli_error("analyze", "cannot write the result: %s", strerror(errno));
        rc = EX_IOERR;
    }
done:
    free(out);
    free(request_id);
    free_llm(&ls);
    img_tax_destroy(tax);
    img_arena_destroy(arena);
    img_buf_free(&resume);
    img_buf_free(&job);
    img_config_free(&cfg);
    return rc;
}
