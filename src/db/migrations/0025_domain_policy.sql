-- Server-wide domain moderation (core/domain_policy.h): blocks of whole
-- servers with a severity (0 noop, 1 silence, 2 suspend) and flags, the
-- allow list used when the setting federation_mode is "allowlist", blocks
-- scheduled for a later date, and the severed relationships members are
-- told about when a suspension ends their follows.
CREATE TABLE instance_domain_blocks (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,        -- lower-cased host, with ":port" when it has one
    severity INTEGER NOT NULL,          -- 0 noop, 1 silence (limit), 2 suspend
    reject_media INTEGER NOT NULL DEFAULT 0,
    reject_reports INTEGER NOT NULL DEFAULT 0,
    private_comment TEXT NOT NULL DEFAULT '',
    public_comment TEXT NOT NULL DEFAULT '',
    obfuscate INTEGER NOT NULL DEFAULT 0,
    suspended_at BIGINT,                -- when its accounts were suspended (severity 2)
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE instance_domain_allows (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- A block decided now and applied at run_at by a "domain_block" job.
CREATE TABLE scheduled_domain_blocks (
    id BIGINT PRIMARY KEY,
    domain TEXT NOT NULL UNIQUE,
    severity INTEGER NOT NULL,
    reject_media INTEGER NOT NULL DEFAULT 0,
    reject_reports INTEGER NOT NULL DEFAULT 0,
    private_comment TEXT NOT NULL DEFAULT '',
    public_comment TEXT NOT NULL DEFAULT '',
    obfuscate INTEGER NOT NULL DEFAULT 0,
    account_id BIGINT,                  -- who scheduled it; NULL: the command line
    run_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

-- What a "severed_relationships" notification tells (Mastodon's
-- RelationshipSeveranceEvent): one event per suspension, counts per member.
CREATE TABLE severed_relationships (
    notification_id BIGINT PRIMARY KEY REFERENCES notifications (id) ON DELETE CASCADE,
    event_id BIGINT NOT NULL,
    domain TEXT NOT NULL,
    followers_count INTEGER NOT NULL,
    following_count INTEGER NOT NULL,
    created_at BIGINT NOT NULL
);
