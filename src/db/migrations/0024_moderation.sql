-- Every moderator action, for the audit log: who (NULL when done from the
-- command line), what, on what, and the details as JSON text.
CREATE TABLE audit_log (
    id BIGINT PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id BIGINT,
    target TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '{}',
    created_at BIGINT NOT NULL
);
CREATE INDEX audit_log_account ON audit_log (account_id, id);

-- Settings the admins change from the pages, the admin API or the command
-- line while the server runs (registration mode, rules' texts, federation
-- mode...): one text value per key. hearth.conf gives the defaults.
CREATE TABLE server_settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
