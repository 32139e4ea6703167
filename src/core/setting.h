/*
 * setting: the server's settings that admins change while it runs
 * (server_settings: one text value per key), read from the database on
 * each use so that a change made by the command line, the admin API or a
 * page applies at once, without a restart. hearth.conf's values are the
 * defaults a caller passes in. Keys are short names: "registrations_mode",
 * "federation_mode", "rules_text"...; each module that owns a setting
 * documents its key and values in its header.
 */
#ifndef HEARTH_CORE_SETTING_H
#define HEARTH_CORE_SETTING_H

#include <stdint.h>

struct arena;
struct db_conn;

#define SETTING_KEY_MAX 64

/*
 * Keys of the posting levels (core/status, core/account):
 *   default_visibility  the level new members start with, as a number
 *                       (enum status_visibility); unset: public
 *   force_local_posts   "1": every post made here is local-only (direct
 *                       messages stay direct), for a server whose
 *                       members' posts must never leave it
 */
#define SETTING_DEFAULT_VISIBILITY "default_visibility"
#define SETTING_FORCE_LOCAL "force_local_posts"
#define SETTING_VALUE_MAX (64 * 1024)

/*
 * The value of key (in the arena), or def when unset. 0 or E_DB; *out is
 * def on an error too.
 */
int setting_get(struct db_conn *c, struct arena *a, const char *key, const char *def,
                const char **out);
/* The value as an integer; def when unset or not a number. */
int64_t setting_get_int(struct db_conn *c, const char *key, int64_t def);
/*
 * Sets (value not NULL) or removes (NULL) key in the caller's transaction.
 * E_INVAL for an empty or long key, E_LIMIT for a value over
 * SETTING_VALUE_MAX, E_UTF8 for a value that is not UTF-8; E_DB.
 */
int setting_set(struct db_conn *c, const char *key, const char *value);

#endif
