/*
 * idempotency: hashed Idempotency-Key rows with their time.
 */
#include "core/idempotency.h"

#include <string.h>

#include <sodium.h>

#include "core/core.h"
#include "core/tx.h"
#include "db/db.h"
#include "util/err.h"
#include "util/limits.h"

#define KEY_HEX (crypto_hash_sha256_BYTES * 2 + 1)

static void key_hash(const char *key, char out[KEY_HEX])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)key, strlen(key));
    sodium_bin2hex(out, KEY_HEX, h, sizeof(h));
}

int idempotency_find(struct db_conn *c, int64_t account, enum idempotency_kind kind,
                     const char *key, int64_t now, int64_t *id)
{
    char hex[KEY_HEX];
    key_hash(key, hex);
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "SELECT target_id FROM idempotency_keys WHERE account_id = ? AND kind = ?"
                        " AND key_hash = ? AND created_at > ?",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, kind);
    db_bind_text(s, 3, hex);
    db_bind_i64(s, 4, now - (int64_t)LIMIT_IDEMPOTENCY_S * 1000);
    rc = db_step(s);
    if (rc == DB_ROW) {
        *id = db_col_i64(s, 0);
        rc = 0;
    } else if (rc == DB_DONE) {
        rc = E_NOTFOUND;
    }
    db_stmt_done(s);
    return rc;
}

int idempotency_store(struct db_conn *c, int64_t account, enum idempotency_kind kind,
                      const char *key, int64_t id, int64_t now)
{
    char hex[KEY_HEX];
    key_hash(key, hex);
    struct db_stmt *s;
    int rc = db_prepare(c,
                        "INSERT INTO idempotency_keys (account_id, kind, key_hash, target_id,"
                        " created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, kind,"
                        " key_hash) DO UPDATE SET target_id = excluded.target_id,"
                        " created_at = excluded.created_at",
                        &s);
    if (rc)
        return rc;
    db_bind_i64(s, 1, account);
    db_bind_i64(s, 2, kind);
    db_bind_text(s, 3, hex);
    db_bind_i64(s, 4, id);
    db_bind_i64(s, 5, now);
    rc = db_step(s);
    db_stmt_done(s);
    return rc < 0 ? rc : 0;
}

int idempotency_prune(const struct core *core, int64_t now)
{
    struct db_conn *c;
    int rc = core_tx_begin(core, &c);
    if (rc)
        return rc;
    struct db_stmt *s;
    rc = db_prepare(c, "DELETE FROM idempotency_keys WHERE created_at <= ?", &s);
    if (rc == 0) {
        db_bind_i64(s, 1, now - (int64_t)LIMIT_IDEMPOTENCY_S * 1000);
        rc = db_step(s);
        db_stmt_done(s);
        rc = rc < 0 ? rc : 0;
    }
    return core_tx_end(c, rc);
}
