-- A member's own domain blocks: nothing from that server in her timelines
-- and notifications, and its accounts stop following her.
CREATE TABLE account_domain_blocks (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    domain TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, domain)
);

-- Reports members make about accounts (and some of their statuses), for
-- the moderators. status_ids and rule_ids are comma-separated id lists.
CREATE TABLE reports (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_ids TEXT NOT NULL DEFAULT '',
    rule_ids TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    category TEXT NOT NULL DEFAULT 'other',
    forward INTEGER NOT NULL DEFAULT 0,
    action_taken_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX reports_target ON reports (target_account_id);
