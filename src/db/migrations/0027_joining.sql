-- Joining a server: invite links, who came in through which, the server's
-- rules, the address and e-mail blocks that guard sign-ups and logins, and
-- the posts the spam filter holds for a moderator.

-- An invite link /invite/CODE: made by a moderator (or by a member when
-- the server lets members invite), usable max_uses times (NULL: no limit)
-- until expires_at (NULL: never); revoked_at ends it early. autoapprove:
-- who signs up with it is a member at once, even when sign-ups wait for
-- approval.
CREATE TABLE invites (
    id BIGINT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL, -- NULL: made from the command line
    max_uses INTEGER,
    uses INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT,
    autoapprove INTEGER NOT NULL DEFAULT 1,
    comment TEXT NOT NULL DEFAULT '',
    revoked_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX invites_account ON invites (account_id, id);

-- The invite a member signed up with (who invited her is its maker).
ALTER TABLE users ADD COLUMN invite_id BIGINT;

-- The server's rules, in the order shown (position), with an optional hint.
CREATE TABLE server_rules (
    id BIGINT PRIMARY KEY,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    hint TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Address blocks: ip is a network in CIDR form ("192.0.2.0/24",
-- "2001:db8::/32"); severity 1 sign-ups wait for approval, 2 sign-ups are
-- refused, 3 no access at all (no login, no API).
CREATE TABLE ip_blocks (
    id BIGINT PRIMARY KEY,
    ip TEXT NOT NULL UNIQUE,
    severity INTEGER NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    expires_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- E-mail domains refused at sign-up (their subdomains too).
CREATE TABLE email_domain_blocks (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Single e-mail addresses refused at sign-up, by the SHA-256 (hex) of
-- their canonical form (lower case, no dots and no +tag in the local part).
CREATE TABLE canonical_email_blocks (
    id BIGINT PRIMARY KEY,
    canonical_email_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Incoming posts the spam filter held: the verified activity as received
-- and its sender, waiting for a moderator to release or delete it.
CREATE TABLE held_activities (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    object_uri TEXT NOT NULL UNIQUE,
    activity TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
