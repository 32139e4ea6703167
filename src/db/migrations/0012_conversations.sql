-- Conversations: direct messages as each member sees them, one row per
-- member and thread, pointing at the thread's latest direct message. The
-- other participants are kept as a sorted list of ids ("1,5,9").
CREATE TABLE conversations (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    thread_id BIGINT NOT NULL,
    participants TEXT NOT NULL,
    last_status_id BIGINT NOT NULL,
    unread INTEGER NOT NULL DEFAULT 0,
    UNIQUE (account_id, thread_id)
);
CREATE INDEX conversations_account ON conversations (account_id, last_status_id);
