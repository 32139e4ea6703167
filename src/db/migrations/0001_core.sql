-- The core model: accounts (local and remote), local users, statuses and
-- everything that hangs off them. Portable SQL: BIGINT ids (time-ordered,
-- made by the application) and millisecond times, INTEGER booleans.
-- Every foreign key that cascades has an index on its column, so that
-- deleting an account or a status does not scan whole tables.

CREATE TABLE accounts (
    id BIGINT PRIMARY KEY,
    username TEXT NOT NULL,
    domain TEXT,                          -- NULL for local accounts
    acct_key TEXT NOT NULL UNIQUE,        -- lower(username) or lower(username@domain)
    display_name TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',        -- HTML
    note_source TEXT NOT NULL DEFAULT '', -- plain text as the member wrote it (local)
    avatar_ref TEXT,
    header_ref TEXT,
    fields TEXT NOT NULL DEFAULT '[]',    -- JSON array of {name, value, verified_at}
    locked INTEGER NOT NULL DEFAULT 0,
    bot INTEGER NOT NULL DEFAULT 0,
    discoverable INTEGER NOT NULL DEFAULT 1,
    actor_type TEXT NOT NULL DEFAULT 'Person',
    uri TEXT NOT NULL UNIQUE,             -- ActivityPub actor id
    url TEXT,                             -- profile page
    inbox_url TEXT,
    shared_inbox_url TEXT,
    outbox_url TEXT,
    followers_url TEXT,
    following_url TEXT,
    public_key_pem TEXT,
    private_key_pem TEXT,                 -- local accounts only
    suspended_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    last_status_at BIGINT
);
CREATE INDEX accounts_domain ON accounts (domain);

CREATE TABLE users (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    email_key TEXT NOT NULL UNIQUE,       -- lower(email)
    password_hash TEXT NOT NULL,
    role INTEGER NOT NULL DEFAULT 0,      -- 0 member, 1 moderator, 2 admin, 3 owner
    approved INTEGER NOT NULL DEFAULT 1,
    confirmed INTEGER NOT NULL DEFAULT 1,
    disabled INTEGER NOT NULL DEFAULT 0,
    locale TEXT NOT NULL DEFAULT 'en',
    default_visibility INTEGER NOT NULL DEFAULT 0,
    default_sensitive INTEGER NOT NULL DEFAULT 0,
    default_language TEXT,
    created_at BIGINT NOT NULL,
    last_login_at BIGINT
);

CREATE TABLE statuses (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri TEXT NOT NULL UNIQUE,
    url TEXT,
    local INTEGER NOT NULL,               -- made on this server
    visibility INTEGER NOT NULL,          -- enum status_visibility
    text TEXT NOT NULL DEFAULT '',        -- source text (local posts)
    content TEXT NOT NULL DEFAULT '',     -- HTML
    spoiler_text TEXT NOT NULL DEFAULT '',
    sensitive INTEGER NOT NULL DEFAULT 0,
    language TEXT,
    in_reply_to_id BIGINT,
    in_reply_to_account_id BIGINT,
    thread_root_id BIGINT,                -- the first post of the thread (itself for a root)
    reblog_of_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    object_type TEXT NOT NULL DEFAULT 'Note',
    created_at BIGINT NOT NULL,
    edited_at BIGINT,
    deleted_at BIGINT
);
CREATE INDEX statuses_account ON statuses (account_id, id);
CREATE INDEX statuses_reply ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_thread ON statuses (thread_root_id, id);
CREATE INDEX statuses_reblog ON statuses (reblog_of_id) WHERE reblog_of_id IS NOT NULL;
CREATE INDEX statuses_public ON statuses (visibility, id);

CREATE TABLE status_edits (
    id BIGINT PRIMARY KEY,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    content TEXT NOT NULL,
    spoiler_text TEXT NOT NULL,
    sensitive INTEGER NOT NULL,
    created_at BIGINT NOT NULL            -- when this version was written
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

CREATE TABLE mentions (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, account_id)
);
CREATE INDEX mentions_account ON mentions (account_id, status_id);

CREATE TABLE tags (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,            -- lowercased
    created_at BIGINT NOT NULL
);

CREATE TABLE status_tags (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    PRIMARY KEY (status_id, tag_id)
);
CREATE INDEX status_tags_tag ON status_tags (tag_id, status_id);

CREATE TABLE follows (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,        -- the follower
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, -- the followed
    accepted INTEGER NOT NULL,            -- 0: a pending request
    show_reblogs INTEGER NOT NULL DEFAULT 1,
    notify INTEGER NOT NULL DEFAULT 0,
    uri TEXT,                             -- the Follow activity's id
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX follows_target ON follows (target_account_id, accepted, id);
CREATE INDEX follows_account ON follows (account_id, accepted, id);

CREATE TABLE blocks (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    uri TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX blocks_target ON blocks (target_account_id);

CREATE TABLE mutes (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    notifications INTEGER NOT NULL DEFAULT 1,
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, target_account_id)
);
CREATE INDEX mutes_target ON mutes (target_account_id);

CREATE TABLE favourites (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    uri TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX favourites_status ON favourites (status_id);
CREATE INDEX favourites_account ON favourites (account_id, id);

CREATE TABLE bookmarks (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, status_id)
);
CREATE INDEX bookmarks_status ON bookmarks (status_id);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);

CREATE TABLE notifications (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,      -- who is told
    from_account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE, -- who did it
    type TEXT NOT NULL,     -- mention, status, reblog, follow, follow_request, favourite, poll, update
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, from_account_id, type, status_id)
);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_status ON notifications (status_id);
CREATE INDEX notifications_from ON notifications (from_account_id);

CREATE TABLE neighborhood_servers (
    domain TEXT PRIMARY KEY,  -- lowercased host[:port]
    created_at BIGINT NOT NULL
);
