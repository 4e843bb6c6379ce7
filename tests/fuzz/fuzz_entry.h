/*
 * fuzz_entry.h - the entry points of the fuzz targets, shared by the libFuzzer
 * harnesses (tests/fuzz/fuzz_<target>.c) and the regression replay
 * (tests/unit/test_fuzz_regressions.c), so a crash input found by a fuzzer
 * replays through exactly the same code in the normal test build.
 *
 * Each entry takes untrusted bytes the way production receives them and must
 * return normally for every input: bad input fails cleanly. An entry abort()s
 * when an invariant breaks (a checkpoint that does not restore, offsets that
 * point outside the document), which a fuzzer reports as a crash.
 *
 * Ownership: the data is borrowed for the call. Not thread-safe (one
 * taxonomy and one sample analysis per process, built by fuzz_entry_init()).
 */
#ifndef FUZZ_ENTRY_H
#define FUZZ_ENTRY_H

#include <stddef.h>
#include <stdint.h>

/* Loads the sample pair from <source_dir>/data/samples (the fixed other
 * side of the document targets, the analysis the stage targets work on) and
 * builds the taxonomy. source_dir NULL: $IMG_SOURCE_DIR. Returns 0, or -1
 * with a line on stderr. Idempotent. */
int fuzz_entry_init(const char *source_dir);

/* A target: its name (the corpus directory) and its entry point. */
typedef struct fuzz_target {
    const char *name;
    void (*run)(const uint8_t *data, size_t size);
} fuzz_target_t;

/* The bytes as the resume against the sample job ad: analysis, generation,
 * criticism, the three stages' user content, the result document. */
void fuzz_entry_resume(const uint8_t *data, size_t size);
/* The bytes as the job ad against the sample resume, likewise. */
void fuzz_entry_job(const uint8_t *data, size_t size);
/* The bytes as --skills-json / --insights-json text: the strict parser, both
 * readers, then the engine on the sample pair with what was read. */
void fuzz_entry_inputs(const uint8_t *data, size_t size);
/* The bytes as a Kafka message value (imaginator.request.v1), and as an
 * `authorization` header value; a valid request's upstream inputs are read
 * as the worker reads them. */
void fuzz_entry_request(const uint8_t *data, size_t size);
/* First byte: what (provider reply format or retry headers) and for which
 * stage; the rest: a 2xx reply body parsed as img_llm.c does, then the
 * output validated against the stage; or the headers `retry-after-ms` NUL
 * `retry-after` NUL `x-should-retry` NUL and an error type. */
void fuzz_entry_llm_reply(const uint8_t *data, size_t size);
/* First byte: stage and mode; the rest: JSON that is either a model's output
 * (validated, applied when valid, checkpointed and restored onto a fresh
 * analysis, which must reproduce the same result) or a stage output
 * (checkpoint) restored directly. */
void fuzz_entry_stage_output(const uint8_t *data, size_t size);

/* Every target, ended by {NULL, NULL}. */
extern const fuzz_target_t fuzz_targets[];

#endif
