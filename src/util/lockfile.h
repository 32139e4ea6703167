/*
 * lockfile: one running server per data folder.
 *
 * DATA_DIR/hearth.lock is held with an exclusive flock() for the life of
 * the serving process; the kernel releases it when the process dies, so a
 * crash never leaves a stale lock. The file holds the owner's pid, for the
 * error message of a second server.
 */
#ifndef HEARTH_UTIL_LOCKFILE_H
#define HEARTH_UTIL_LOCKFILE_H

#include <stddef.h>

/*
 * Takes the lock. Returns 0 and the open descriptor in *fd, E_BUSY when
 * another process holds it (its pid in *owner_pid when known, else 0), or
 * E_IO with a reason in why.
 */
int lockfile_acquire(const char *data_dir, int *fd, long *owner_pid, char *why, size_t why_size);
/* Releases the lock and removes nothing (the file stays; it is harmless). */
void lockfile_release(int fd);

#endif
