/*
 * img_worker_offsets.h - offset bookkeeping of the worker, free of I/O.
 *
 * Every message taken from a partition is added in offset order; it is done
 * when its request reached a final state (result delivered, rejected or
 * dead-lettered). Kafka may only be told "consumed up to here" for the
 * contiguous finished prefix: the committable offset is the first message not
 * done (or one past the last message when all are done). Messages complete out
 * of order; the prefix advances when the oldest one finishes.
 *
 * A partition carries a generation: revoking and assigning it again makes a
 * new one, so completions of requests that began under the old assignment are
 * recognised as stale and ignored. Revocation marks a partition draining with
 * a deadline; the caller stores its prefix and removes it when it is drained
 * or the deadline passed.
 *
 * Back-pressure: img_wo_flow() decides which partitions to pause from the
 * counts of messages not done (the caps of worker.max_inflight and
 * worker.max_inflight_per_partition).
 *
 * Ownership: img_wo_t is caller-owned storage, initialised zeroed or with
 * img_wo_init(), released with img_wo_free(); partitions are owned by it and
 * borrowed by callers until img_wo_remove() or img_wo_free(). Topic strings
 * are copied. Not thread-safe. Aborts on out of memory.
 */
#ifndef IMG_WORKER_OFFSETS_H
#define IMG_WORKER_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct img_wo_entry {
    int64_t offset;
    bool done;
    bool dropped; /* never started (revoked, shutting down): blocks the prefix, not pending */
} img_wo_entry_t;

typedef struct img_wo_part {
    char *topic;
    int32_t partition;
    uint64_t gen;
    img_wo_entry_t *ring; /* messages not yet in the finished prefix, oldest first */
    size_t head, len, cap;
    int64_t last_added;  /* -1: none yet */
    int64_t next_commit; /* one past the finished prefix; -1: nothing finished yet */
    int64_t stored;      /* the last value handed to Kafka by img_wo_take_store(); -1 none */
    size_t pending;      /* messages not done */
    bool revoking;
    int64_t drain_deadline; /* caller's clock (ms) */
    bool paused;            /* as last applied by the caller */
    bool want_paused;       /* as decided by img_wo_flow() */
} img_wo_part_t;

typedef struct img_wo {
    img_wo_part_t **parts;
    size_t n, cap;
    uint64_t next_gen;
    size_t pending; /* sum over partitions */
} img_wo_t;

void img_wo_init(img_wo_t *wo);
void img_wo_free(img_wo_t *wo);

/* The partition, created with a new generation when it is not tracked; an
 * assignment of a partition still draining ends its drain (same generation). */
img_wo_part_t *img_wo_assign(img_wo_t *wo, const char *topic, int32_t partition);
/* The partition, or NULL. */
img_wo_part_t *img_wo_find(const img_wo_t *wo, const char *topic, int32_t partition);
/* Forgets a partition (after revocation); p is invalid afterwards. */
void img_wo_remove(img_wo_t *wo, img_wo_part_t *p);

/* Adds a message; false (nothing changes) when offset is not above every
 * offset added before (a duplicate delivery). */
bool img_wo_add(img_wo_t *wo, img_wo_part_t *p, int64_t offset);
/* Marks a message done; false when the partition is gone, its generation
 * differs (stale) or the offset is unknown or already done. */
bool img_wo_done(img_wo_t *wo, const char *topic, int32_t partition, uint64_t gen, int64_t offset);

/* Forgets a message that will not be processed here (its partition is
 * revoked or the worker stops before starting it): it no longer counts as
 * pending, and it is never done, so the prefix stops before it and Kafka
 * delivers it again. False when stale or unknown, as for img_wo_done(). */
bool img_wo_forget(img_wo_t *wo, const char *topic, int32_t partition, uint64_t gen,
                   int64_t offset);

/* One past the finished prefix (the offset to commit), or -1. */
int64_t img_wo_committable(const img_wo_part_t *p);
/* True, with *offset, when the committable offset moved past what was last
 * stored; records it as stored. */
bool img_wo_take_store(img_wo_part_t *p, int64_t *offset);

/* Marks a partition draining until deadline; no-op when not tracked. */
void img_wo_revoke(img_wo_t *wo, const char *topic, int32_t partition, int64_t deadline);
/* Draining and either nothing is pending or the deadline passed. */
bool img_wo_drained(const img_wo_part_t *p, int64_t now);

/* Sets want_paused on every partition: all when stop_all (shutting down,
 * database unreachable), when the total pending reached max_total, or the
 * partition's pending reached max_per_partition. Returns how many partitions
 * have want_paused != paused (the caller applies them and updates paused). */
size_t img_wo_flow(img_wo_t *wo, size_t max_total, size_t max_per_partition, bool stop_all);

#endif
