-- Polls on statuses and their votes, statuses scheduled for later, and the
-- Idempotency-Key memory of status creation.

CREATE TABLE polls (
    id BIGINT PRIMARY KEY,
    status_id BIGINT NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, -- the author
    multiple INTEGER NOT NULL DEFAULT 0,
    hide_totals INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT,                    -- NULL: never ends
    voters_count BIGINT NOT NULL DEFAULT 0,
    closed_at BIGINT,                     -- when its end was announced (notifications sent)
    created_at BIGINT NOT NULL
);
CREATE INDEX polls_account ON polls (account_id);
CREATE INDEX polls_open ON polls (expires_at) WHERE closed_at IS NULL;

CREATE TABLE poll_options (
    poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,            -- 0-based, the index voters choose
    title TEXT NOT NULL,
    votes_count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (poll_id, position)
);

CREATE TABLE poll_votes (
    id BIGINT PRIMARY KEY,
    poll_id BIGINT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    choice INTEGER NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (poll_id, account_id, choice)
);
CREATE INDEX poll_votes_account ON poll_votes (account_id);

CREATE TABLE scheduled_statuses (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    scheduled_at BIGINT NOT NULL,
    params TEXT NOT NULL,                 -- JSON: the post's parameters (Mastodon's params)
    created_at BIGINT NOT NULL
);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);

CREATE TABLE idempotency_keys (
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind INTEGER NOT NULL,                -- 0: a status, 1: a scheduled status
    key_hash TEXT NOT NULL,               -- hex SHA-256 of the Idempotency-Key header
    target_id BIGINT NOT NULL,            -- the status or scheduled status first made
    created_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, kind, key_hash)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
