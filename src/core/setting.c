/*
 * setting: the server_settings table (setting.h).
 */
#include "core/setting.h"

#include <stdlib.h>
#include <string.h>

#include "db/db.h"
#include "util/arena.h"
#include "util/err.h"
#include "util/timeutil.h"
#include "util/utf8.h"

int setting_get(struct db_conn *c, struct arena *a, const char *key, const char *def,
                const char **out)
{
    *out = def;
    struct db_stmt *s;
    int rc = db_prepare(c, "SELECT value FROM server_settings WHERE key = ?", &s);
    if (rc)
        return rc;
    db_bind_text(s, 1, key);
    rc = db_step(s);
    if (rc == DB_ROW)
        *out = arena_strdup(a, db_col_text(s, 0));
    db_stmt_done(s);
    return rc == DB_ROW || rc == DB_DONE ? 0 : E_DB;
}

int64_t setting_get_int(struct db_conn *c, const char *key, int64_t def)
{
    struct arena *a = arena_new();
    const char *v = NULL;
    int64_t out = def;
    if (setting_get(c, a, key, NULL, &v) == 0 && v && *v) {
        char *end;
        long long n = strtoll(v, &end, 10);
        if (*end == '\0')
            out = n;
    }
    arena_free(a);
    return out;
}

int setting_set(struct db_conn *c, const char *key, const char *value)
{
    if (!key || !*key || strlen(key) > SETTING_KEY_MAX)
        return E_INVAL;
    struct db_stmt *s;
    int rc;
    if (!value) {
        rc = db_prepare(c, "DELETE FROM server_settings WHERE key = ?", &s);
        if (rc)
            return rc;
        db_bind_text(s, 1, key);
    } else {
        size_t n = strlen(value);
        if (n > SETTING_VALUE_MAX)
            return E_LIMIT;
        if (!utf8_valid(value, n))
            return E_UTF8;
        rc = db_prepare(c,
                        "INSERT INTO server_settings (key, value, updated_at) VALUES (?, ?, ?)"
                        " ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
                        " updated_at = excluded.updated_at",
                        &s);
        if (rc)
            return rc;
        db_bind_text(s, 1, key);
        db_bind_text(s, 2, value);
        db_bind_i64(s, 3, time_now_ms());
    }
    rc = db_step(s);
    db_stmt_done(s);
    return rc == DB_DONE ? 0 : E_DB;
}
