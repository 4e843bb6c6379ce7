/*
 * img_arena.h - a bump allocator: every object of one analysis lives in one
 * arena and dies with it, so engine structures carry no per-field ownership.
 *
 * Ownership: img_arena_new() returns an arena the caller frees with
 * img_arena_destroy(); every pointer returned by the other functions is owned
 * by the arena and valid until img_arena_destroy() or img_arena_reset().
 * Allocation failure aborts the process (out of memory is fatal here).
 * Not thread-safe: one arena per thread or per request.
 */
#ifndef IMG_ARENA_H
#define IMG_ARENA_H

#include <stddef.h>
#include <string.h>

typedef struct img_arena img_arena_t;

img_arena_t *img_arena_new(size_t first_block);
void img_arena_destroy(img_arena_t *arena);
/* Frees every allocation but keeps the first block for reuse. */
void img_arena_reset(img_arena_t *arena);
/* Zeroed, 16-byte aligned memory. */
void *img_arena_alloc(img_arena_t *arena, size_t size);
/* Grows an allocation made from this arena (copies; the old block stays until reset). */
void *img_arena_realloc(img_arena_t *arena, void *ptr, size_t old_size, size_t new_size);
char *img_arena_strndup(img_arena_t *arena, const char *s, size_t len);
char *img_arena_strdup(img_arena_t *arena, const char *s);
char *img_arena_printf(img_arena_t *arena, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
/* Bytes handed out so far (for tests and benchmarks). */
size_t img_arena_used(const img_arena_t *arena);

/*
 * A growable array in an arena: declare `IMG_VEC(img_foo_t) foos;` zeroed, then
 * IMG_VEC_PUSH(arena, &foos) returns a pointer to a new zeroed element.
 */
#define IMG_VEC(T)                                                                                 \
    struct {                                                                                       \
        T *v;                                                                                      \
        size_t n, cap;                                                                             \
    }

void *img_vec_grow(img_arena_t *arena, void *v, size_t *cap, size_t elem);

#define IMG_VEC_PUSH(arena, vec)                                                                   \
    ((vec)->n == (vec)->cap                                                                        \
         ? (void)((vec)->v = img_vec_grow((arena), (vec)->v, &(vec)->cap, sizeof(*(vec)->v)))      \
         : (void)0,                                                                                \
     memset(&(vec)->v[(vec)->n], 0, sizeof(*(vec)->v)), &(vec)->v[(vec)->n++])

#endif
