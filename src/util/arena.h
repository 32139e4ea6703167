/*
 * arena: a region allocator for request- and job-scoped memory.
 *
 * Lifetime: everything allocated from an arena lives until arena_free().
 * Nothing is freed one by one. Foreign objects (jansson trees, statements,
 * curl handles) are tied to the arena with arena_defer(); their release
 * functions run in reverse order of registration when the arena is freed.
 * No pointer into an arena may outlive it. An arena is not thread-safe.
 */
#ifndef HEARTH_UTIL_ARENA_H
#define HEARTH_UTIL_ARENA_H

#include <stdarg.h>
#include <stddef.h>

struct arena;

typedef void (*arena_release_fn)(void *ptr);

/* Returns an owned, empty arena. Free it with arena_free(). */
struct arena *arena_new(void);
/* Runs the deferred releases, then frees all memory. Accepts NULL. */
void arena_free(struct arena *a);

/* Memory aligned for any type, uninitialized / zeroed. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
void *arena_zalloc(struct arena *a, size_t n);
/* NUL-terminated copies; arena_strdup(a, NULL) returns NULL. */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *arena_vprintf(struct arena *a, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
/* Calls fn(ptr) when the arena is freed. */
void arena_defer(struct arena *a, arena_release_fn fn, void *ptr);
/* Total bytes handed out so far (for tests and caps). */
size_t arena_used(const struct arena *a);

/*
 * Frees the calling thread's spare blocks now (other threads' go when
 * they end). For the main thread before exit, so leak checkers see nothing.
 */
void arena_thread_release(void);

#endif
