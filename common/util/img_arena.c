#include "img_arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct img_block {
    struct img_block *next;
    size_t size, used;
    _Alignas(16) unsigned char data[];
} img_block_t;

struct img_arena {
    img_block_t *head;  /* current block */
    img_block_t *first; /* kept across resets */
    size_t first_size;
    size_t total;
};

static img_block_t *block_new(size_t size)
{
    img_block_t *b = malloc(sizeof(*b) + size);
    if (!b) {
        fputs("imaginator: out of memory\n", stderr);
        abort();
    }
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

img_arena_t *img_arena_new(size_t first_block)
{
    img_arena_t *arena = calloc(1, sizeof(*arena));
    if (!arena)
        abort();
    arena->first_size = first_block < 1024 ? 1024 : first_block;
    arena->first = arena->head = block_new(arena->first_size);
    return arena;
}

static void free_chain(img_block_t *b, img_block_t *keep)
{
    while (b) {
        img_block_t *next = b->next;
        if (b != keep)
            free(b);
        b = next;
    }
}

void img_arena_destroy(img_arena_t *arena)
{
    if (!arena)
        return;
    free_chain(arena->head, NULL);
    free(arena);
}

void img_arena_reset(img_arena_t *arena)
{
    free_chain(arena->head, arena->first);
    arena->first->next = NULL;
    arena->first->used = 0;
    arena->head = arena->first;
    arena->total = 0;
}

/* size bytes, 16-byte aligned, not zeroed. */
static void *arena_take(img_arena_t *arena, size_t size)
{
    size_t need = (size + 15) & ~(size_t)15;
    img_block_t *b = arena->head;
    if (need < size)
        abort();
    if (b->size - b->used < need) {
        size_t bs = b->size * 2;
        if (bs < need)
            bs = need;
        img_block_t *nb = block_new(bs);
        /* Blocks form a stack: the newest is the head, older ones follow. */
        nb->next = b;
        arena->head = b = nb;
    }
    void *p = b->data + b->used;
    b->used += need;
    arena->total += need;
    return p;
}

void *img_arena_alloc(img_arena_t *arena, size_t size)
{
    void *p = arena_take(arena, size);
    memset(p, 0, size);
    return p;
}

void *img_arena_realloc(img_arena_t *arena, void *ptr, size_t old_size, size_t new_size)
{
    if (new_size <= old_size)
        return ptr;
    void *p = img_arena_alloc(arena, new_size);
    if (ptr && old_size)
        memcpy(p, ptr, old_size);
    return p;
}

char *img_arena_strndup(img_arena_t *arena, const char *s, size_t len)
{
    char *p = img_arena_alloc(arena, len + 1);
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *img_arena_strdup(img_arena_t *arena, const char *s)
{
    return img_arena_strndup(arena, s, strlen(s));
}

char *img_arena_printf(img_arena_t *arena, const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = img_arena_alloc(arena, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

size_t img_arena_used(const img_arena_t *arena)
{
    return arena->total;
}

void *img_vec_grow(img_arena_t *arena, void *v, size_t *cap, size_t elem)
{
    size_t ncap = *cap ? *cap * 2 : 8, old = *cap * elem;
    /* img_arena_realloc() without zeroing what the copy overwrites. */
    unsigned char *nv = arena_take(arena, ncap * elem);
    if (v && old)
        memcpy(nv, v, old);
    memset(nv + old, 0, ncap * elem - old);
    *cap = ncap;
    return nv;
}
