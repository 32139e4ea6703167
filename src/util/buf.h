/*
 * buf: a growable byte buffer with a hard size cap.
 *
 * Memory fed by the network always goes through a buf with a cap: an
 * append that would pass the cap fails with E_LIMIT and leaves the buffer
 * as it was. The data is always NUL-terminated (the NUL is not counted in
 * len nor in the cap). A buf is embedded: buf_init()/buf_fini().
 */
#ifndef HEARTH_UTIL_BUF_H
#define HEARTH_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data; /* owned; NULL until the first append */
    size_t len;
    size_t cap; /* allocated bytes */
    size_t max; /* hard cap on len; 0 means SIZE_MAX/2 */
};

void buf_init(struct buf *b, size_t max);
void buf_fini(struct buf *b);
/* Empties the buffer but keeps its memory. */
void buf_reset(struct buf *b);
/* Append; 0 or E_LIMIT (nothing appended then). */
int buf_append(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
int buf_putc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Always a valid NUL-terminated string ("" when empty); borrowed. */
const char *buf_cstr(struct buf *b);
/* Takes the data away as an owned, NUL-terminated string; the buf is empty after. */
char *buf_steal(struct buf *b);

#endif
