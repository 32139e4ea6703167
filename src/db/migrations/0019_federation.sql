-- Federation: activities already received (the inbox answers a repeated
-- one without queueing it again; rows older than a week are pruned), and
-- attachments of remote posts, which are referenced by URL rather than
-- stored (file_hash stays '' for them).
CREATE TABLE inbox_seen (
    uri TEXT PRIMARY KEY,
    created_at BIGINT NOT NULL
);
CREATE INDEX inbox_seen_created ON inbox_seen (created_at);

ALTER TABLE media_attachments ADD COLUMN remote_url TEXT;

-- Replies that arrived before the post they answer: linked when it comes.
CREATE TABLE pending_replies (
    status_id BIGINT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    parent_uri TEXT NOT NULL,
    PRIMARY KEY (parent_uri, status_id)
);
CREATE INDEX pending_replies_status ON pending_replies (status_id);

-- The server's own key pair, for its instance actor (/actor): it signs
-- the fetches Hearth makes on its own behalf. One row, made on first use.
CREATE TABLE instance_keys (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    private_key_pem TEXT NOT NULL,
    public_key_pem TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- Ed25519 keys published as Multikeys (assertionMethod): a member's pair
-- (the secret base64, made on first use) and a remote actor's public key
-- with its id; where an actor said it moved, and its other names.
ALTER TABLE accounts ADD COLUMN ed25519_public TEXT;  -- publicKeyMultibase ("z6Mk...")
ALTER TABLE accounts ADD COLUMN ed25519_key_id TEXT;  -- remote: the Multikey's id
ALTER TABLE accounts ADD COLUMN ed25519_private TEXT; -- local: base64 of the secret key
ALTER TABLE accounts ADD COLUMN moved_to_uri TEXT;
ALTER TABLE accounts ADD COLUMN also_known_as TEXT;   -- JSON array of actor ids
