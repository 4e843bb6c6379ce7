/*
 * img_pipeline.h - the asynchronous three-stage runner: analysis, generation,
 * criticism, each written by the first provider of its fallback chain that
 * succeeds (through img_llm), or by the offline analyst when the chain starts
 * with "offline" or every provider failed. Every stage is metered
 * (img_usage_t), failed attempts included.
 *
 * A pipeline starts from an analysis already computed by img_engine_analyze()
 * (the numbers are always the engine's), optionally restores the stage
 * outputs of the first k stages saved from an earlier run (a checkpoint: no
 * provider is called for them), then runs the rest. After each stage it
 * hands the stage output (img_stages.h) to on_stage_done, so a worker can
 * checkpoint it; after the last, on_done.
 *
 * Threading and blocking: a pipeline belongs to the thread of its img_llm
 * client; nothing blocks. Offline stages run inline, so callbacks may run
 * inside img_pipeline_start() (an all-offline pipeline finishes before it
 * returns); provider stages finish from img_llm_wait()/img_llm_loop_*().
 *
 * Ownership: img_pipeline_new() returns a pipeline freed with
 * img_pipeline_destroy(), which may be called from on_done, or at any time
 * outside the callbacks: a call still in flight is then abandoned (its reply
 * is ignored when it comes; the pipeline memory is released then). The
 * analysis, the clients, the chains and request_id are borrowed until
 * on_done (or until img_pipeline_destroy() when destroyed earlier; the clients
 * must outlive any abandoned call). Usage lives in the analysis' arena.
 */
#ifndef IMG_PIPELINE_H
#define IMG_PIPELINE_H

#include <json-c/json.h>
#include <stdbool.h>

#include "engine/img_model.h"
#include "llm/img_llm.h"
#include "pipeline/img_result.h"
#include "pipeline/img_stages.h"

typedef struct img_pipeline img_pipeline_t;

typedef struct img_pipeline_conf {
    img_llm_t *llm[IMG_STAGE__COUNT];           /* client per stage; NULL: offline only */
    const char *const *chain[IMG_STAGE__COUNT]; /* provider names, NULL-terminated; NULL or
                                                   first "offline": the offline analyst */
    int max_tokens[IMG_STAGE__COUNT];           /* 0: the client's default */
    bool timed; /* report offline stages' wall time (false: JSON null, byte-identical) */
    const char *request_id; /* for log lines; may be NULL */
} img_pipeline_conf_t;

typedef struct img_pipeline_cbs {
    void *opaque;
    /* A stage finished (not called for restored stages). stage_output is
     * borrowed for the call; keep it with json_object_get(). May be NULL. */
    void (*on_stage_done)(void *opaque, img_stage_t stage, json_object *stage_output);
    /* Every stage finished; the result can be built. Called exactly once. */
    void (*on_done)(void *opaque);
} img_pipeline_cbs_t;

img_err_t img_pipeline_new(img_pipeline_t **out, const img_pipeline_conf_t *conf,
                           img_analysis_t *analysis, const img_pipeline_cbs_t *cbs, char *errstr,
                           size_t errstr_size) IMG_WUR;

/* Restores the next stage from its saved stage output (call in stage order,
 * before img_pipeline_start()). IMG_ERR_PERMANENT with a reason when it does
 * not fit; the analysis may then be partly changed: discard it and start over
 * from a fresh one. */
img_err_t img_pipeline_restore(img_pipeline_t *p, json_object *stage_output, char *errstr,
                               size_t errstr_size) IMG_WUR;

/* Runs the remaining stages. Call once. */
void img_pipeline_start(img_pipeline_t *p);

/* Stages finished so far (restored ones included): 0..3. */
int img_pipeline_stages_done(const img_pipeline_t *p);

/* The usage so far: one entry per finished stage, every failed attempt.
 * Borrowed; valid while the analysis lives. */
const img_usage_t *img_pipeline_usage(const img_pipeline_t *p);

void img_pipeline_destroy(img_pipeline_t *p);

#endif
