#include "img_worker_offsets.h"

#include <stdlib.h>
#include <string.h>

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        abort();
    return q;
}

void img_wo_init(img_wo_t *wo)
{
    memset(wo, 0, sizeof(*wo));
}

static void part_free(img_wo_part_t *p)
{
    free(p->topic);
    free(p->ring);
    free(p);
}

void img_wo_free(img_wo_t *wo)
{
    for (size_t i = 0; i < wo->n; i++)
        part_free(wo->parts[i]);
    free(wo->parts);
    memset(wo, 0, sizeof(*wo));
}

img_wo_part_t *img_wo_find(const img_wo_t *wo, const char *topic, int32_t partition)
{
    for (size_t i = 0; i < wo->n; i++)
        if (wo->parts[i]->partition == partition && strcmp(wo->parts[i]->topic, topic) == 0)
            return wo->parts[i];
    return NULL;
}

img_wo_part_t *img_wo_assign(img_wo_t *wo, const char *topic, int32_t partition)
{
    img_wo_part_t *p = img_wo_find(wo, topic, partition);
    if (p) {
        p->revoking = false;
        return p;
    }
    p = calloc(1, sizeof(*p));
    if (!p || !(p->topic = strdup(topic)))
        abort();
    p->partition = partition;
    p->gen = ++wo->next_gen;
    p->last_added = p->next_commit = p->stored = -1;
    if (wo->n == wo->cap) {
        wo->cap = wo->cap ? 2 * wo->cap : 8;
        wo->parts = xrealloc(wo->parts, wo->cap * sizeof(*wo->parts));
    }
    wo->parts[wo->n++] = p;
    return p;
}

void img_wo_remove(img_wo_t *wo, img_wo_part_t *p)
{
    for (size_t i = 0; i < wo->n; i++)
        if (wo->parts[i] == p) {
            wo->pending -= p->pending;
            wo->parts[i] = wo->parts[--wo->n];
            part_free(p);
            return;
        }
}

static img_wo_entry_t *at(const img_wo_part_t *p, size_t i)
{
    return &p->ring[(p->head + i) % p->cap];
}

bool img_wo_add(img_wo_t *wo, img_wo_part_t *p, int64_t offset)
{
    if (offset < 0 || offset <= p->last_added)
        return false;
    if (p->len == p->cap) {
        size_t ncap = p->cap ? 2 * p->cap : 16;
        img_wo_entry_t *nr = xrealloc(NULL, ncap * sizeof(*nr));
        for (size_t i = 0; i < p->len; i++)
            nr[i] = *at(p, i);
        free(p->ring);
        p->ring = nr;
        p->head = 0;
        p->cap = ncap;
    }
    img_wo_entry_t *e = &p->ring[(p->head + p->len) % p->cap];
    e->offset = offset;
    e->done = e->dropped = false;
    p->len++;
    p->last_added = offset;
    p->pending++;
    wo->pending++;
    return true;
}

/* The entry of a pending message (not done, not forgotten), or NULL. */
static img_wo_entry_t *pending_entry(img_wo_t *wo, const char *topic, int32_t partition,
                                     uint64_t gen, int64_t offset, img_wo_part_t **pp)
{
    img_wo_part_t *p = img_wo_find(wo, topic, partition);
    if (!p || p->gen != gen || p->len == 0)
        return NULL;
    /* Binary search: the ring is sorted by offset. */
    size_t lo = 0, hi = p->len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (at(p, mid)->offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == p->len || at(p, lo)->offset != offset || at(p, lo)->done || at(p, lo)->dropped)
        return NULL;
    *pp = p;
    return at(p, lo);
}

bool img_wo_forget(img_wo_t *wo, const char *topic, int32_t partition, uint64_t gen, int64_t offset)
{
    img_wo_part_t *p;
    img_wo_entry_t *e = pending_entry(wo, topic, partition, gen, offset, &p);
    if (!e)
        return false;
    e->dropped = true;
    p->pending--;
    wo->pending--;
    return true;
}

bool img_wo_done(img_wo_t *wo, const char *topic, int32_t partition, uint64_t gen, int64_t offset)
{
    img_wo_part_t *p;
    img_wo_entry_t *e = pending_entry(wo, topic, partition, gen, offset, &p);
    if (!e)
        return false;
    e->done = true;
    p->pending--;
    wo->pending--;
    /* Advance the finished prefix. */
    while (p->len && at(p, 0)->done) {
        p->next_commit = at(p, 0)->offset + 1;
        p->head = (p->head + 1) % p->cap;
        p->len--;
    }
    return true;
}

int64_t img_wo_committable(const img_wo_part_t *p)
{
    return p->next_commit;
}

bool img_wo_take_store(img_wo_part_t *p, int64_t *offset)
{
    int64_t c = img_wo_committable(p);
    if (c < 0 || c <= p->stored)
        return false;
    p->stored = c;
    *offset = c;
    return true;
}

void img_wo_revoke(img_wo_t *wo, const char *topic, int32_t partition, int64_t deadline)
{
    img_wo_part_t *p = img_wo_find(wo, topic, partition);
    if (!p)
        return;
    p->revoking = true;
    p->drain_deadline = deadline;
}

bool img_wo_drained(const img_wo_part_t *p, int64_t now)
{
    return p->revoking && (p->pending == 0 || now >= p->drain_deadline);
}

size_t img_wo_flow(img_wo_t *wo, size_t max_total, size_t max_per_partition, bool stop_all)
{
    size_t changes = 0;
    bool full = max_total && wo->pending >= max_total;
    for (size_t i = 0; i < wo->n; i++) {
        img_wo_part_t *p = wo->parts[i];
        p->want_paused = stop_all || full || (max_per_partition && p->pending >= max_per_partition);
        if (p->want_paused != p->paused)
            changes++;
    }
    return changes;
}
