/*
 * arena: chained blocks with a bump pointer; large requests get their own
 * block. Deferred releases are kept in a list allocated from the arena
 * itself and run newest first. Standard-size blocks freed by a thread are
 * kept (a few per thread) for its next arena: a request allocates and frees
 * the same handful of blocks, and handing them back to malloc each time
 * made it sort its free lists on every request.
 */
#include "util/arena.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

#define ARENA_BLOCK 8192
#define ARENA_ALIGN 16

struct arena_block {
    struct arena_block *next;
    size_t size;
    size_t used;
    _Alignas(16) unsigned char data[];
};

struct arena_deferred {
    struct arena_deferred *next;
    arena_release_fn fn;
    void *ptr;
};

struct arena {
    struct arena_block *head;
    struct arena_deferred *deferred;
    size_t total;
};

#define ARENA_SPARE_BLOCKS 16

static _Thread_local struct arena_block *spare;
static _Thread_local int n_spare;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;

/* A thread's spare blocks go back to malloc when the thread ends. */
static void spare_release(void *unused)
{
    (void)unused;
    while (spare) {
        struct arena_block *next = spare->next;
        free(spare);
        spare = next;
    }
    n_spare = 0;
}

static void spare_key_make(void)
{
    pthread_key_create(&spare_key, spare_release);
}

void arena_thread_release(void)
{
    spare_release(NULL);
}

static struct arena_block *block_new(size_t size)
{
    if (size == ARENA_BLOCK && spare) {
        struct arena_block *b = spare;
        spare = b->next;
        n_spare--;
        b->next = NULL;
        b->used = 0;
        return b;
    }
    struct arena_block *b = xmalloc(sizeof(*b) + size);
    b->next = NULL;
    b->size = size;
    b->used = 0;
    return b;
}

struct arena *arena_new(void)
{
    struct arena *a = xcalloc(1, sizeof(*a));
    a->head = block_new(ARENA_BLOCK);
    return a;
}

void arena_free(struct arena *a)
{
    if (!a)
        return;
    for (struct arena_deferred *d = a->deferred; d; d = d->next)
        d->fn(d->ptr);
    struct arena_block *b = a->head;
    while (b) {
        struct arena_block *next = b->next;
        if (b->size == ARENA_BLOCK && n_spare < ARENA_SPARE_BLOCKS) {
            if (n_spare == 0) {
                /* Any non-NULL value makes the destructor run at thread exit. */
                pthread_once(&spare_once, spare_key_make);
                pthread_setspecific(spare_key, &spare_once);
            }
            b->next = spare;
            spare = b;
            n_spare++;
        } else {
            free(b);
        }
        b = next;
    }
    free(a);
}

void *arena_alloc(struct arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need == 0)
        need = ARENA_ALIGN;
    a->total += need;
    if (need > ARENA_BLOCK / 4) {
        /* Large: a dedicated block behind the current head keeps the head usable. */
        struct arena_block *big = block_new(need);
        big->used = need;
        big->next = a->head->next;
        a->head->next = big;
        return big->data;
    }
    if (a->head->size - a->head->used < need) {
        struct arena_block *b = block_new(ARENA_BLOCK);
        b->next = a->head;
        a->head = b;
    }
    void *p = a->head->data + a->head->used;
    a->head->used += need;
    return p;
}

void *arena_zalloc(struct arena *a, size_t n)
{
    void *p = arena_alloc(a, n);
    memset(p, 0, n);
    return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
    if (!s)
        return NULL;
    size_t len = strnlen(s, n);
    char *p = arena_alloc(a, len + 1);
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
    if (!s)
        return NULL;
    return arena_strndup(a, s, SIZE_MAX);
}

char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return arena_strdup(a, "");
    char *p = arena_alloc(a, (size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = arena_vprintf(a, fmt, ap);
    va_end(ap);
    return p;
}

void arena_defer(struct arena *a, arena_release_fn fn, void *ptr)
{
    struct arena_deferred *d = arena_alloc(a, sizeof(*d));
    d->fn = fn;
    d->ptr = ptr;
    d->next = a->deferred;
    a->deferred = d;
}

size_t arena_used(const struct arena *a)
{
    return a->total;
}
