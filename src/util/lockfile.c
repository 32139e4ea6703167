/*
 * lockfile: flock()-based exclusive lock on DATA_DIR/hearth.lock.
 */
#include "util/lockfile.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/err.h"

int lockfile_acquire(const char *data_dir, int *fd, long *owner_pid, char *why, size_t why_size)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s/hearth.lock", data_dir);
    *owner_pid = 0;
    int f = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (f < 0) {
        snprintf(why, why_size, "cannot open %s: %s", path, strerror(errno));
        return E_IO;
    }
    if (flock(f, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        if (e == EWOULDBLOCK) {
            char text[32] = "";
            ssize_t n = pread(f, text, sizeof(text) - 1, 0);
            if (n > 0) {
                text[n] = '\0';
                *owner_pid = strtol(text, NULL, 10);
            }
            close(f);
            snprintf(why, why_size, "%s is locked by another process", path);
            return E_BUSY;
        }
        close(f);
        snprintf(why, why_size, "cannot lock %s: %s", path, strerror(e));
        return E_IO;
    }
    char text[32];
    int n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
    if (ftruncate(f, 0) != 0 || pwrite(f, text, (size_t)n, 0) != n) {
        snprintf(why, why_size, "cannot write %s: %s", path, strerror(errno));
        close(f);
        return E_IO;
    }
    *fd = f;
    return 0;
}

void lockfile_release(int fd)
{
    if (fd >= 0) {
        flock(fd, LOCK_UN);
        close(fd);
    }
}
