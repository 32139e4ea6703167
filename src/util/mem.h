/*
 * mem: allocation that never returns NULL.
 *
 * Out of memory is not recoverable in Hearth: these log and abort().
 * Callers never check for NULL.
 */
#ifndef HEARTH_UTIL_MEM_H
#define HEARTH_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns owned copies. xstrdup(NULL) returns NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
