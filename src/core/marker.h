/*
 * marker: where a member stopped reading ("home", "notifications"),
 * shared between her apps. Each save bumps a version so that apps can
 * tell a newer position from theirs.
 */
#ifndef HEARTH_CORE_MARKER_H
#define HEARTH_CORE_MARKER_H

#include <stdint.h>

struct core;
struct db_conn;

struct marker {
    int64_t last_read_id; /* 0 when never saved */
    int64_t version;
    int64_t updated_at;
};

/* 1 for "home" and "notifications", 0 otherwise. */
int marker_timeline_known(const char *timeline);
/* Reads a marker; E_NOTFOUND when never saved. */
int marker_get(struct db_conn *c, int64_t account_id, const char *timeline, struct marker *out);
/* Saves a position (E_INVAL for an unknown timeline). */
int marker_set(const struct core *core, int64_t account_id, const char *timeline,
               int64_t last_read_id);

#endif
