-- Media attachments: images a member uploaded, stored once per content
-- (files are named by their SHA-256 under DATA/media/), attached to at most
-- one status. status_id stays NULL until the status is posted; position
-- keeps the order the member chose. Focus is kept in thousandths (-1000 to
-- 1000) so that no floating point column is needed.

CREATE TABLE media_attachments (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    status_id BIGINT REFERENCES statuses (id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    type TEXT NOT NULL,                -- image
    file_hash TEXT NOT NULL,           -- hex SHA-256 of the stored file
    file_ext TEXT NOT NULL,            -- jpg, png, webp, gif
    content_type TEXT NOT NULL,
    file_size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    thumb_hash TEXT NOT NULL,
    thumb_ext TEXT NOT NULL,
    thumb_width INTEGER NOT NULL,
    thumb_height INTEGER NOT NULL,
    blurhash TEXT NOT NULL DEFAULT '',
    focus_x INTEGER NOT NULL DEFAULT 0,
    focus_y INTEGER NOT NULL DEFAULT 0,
    description TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX media_attachments_status ON media_attachments (status_id, position)
    WHERE status_id IS NOT NULL;
CREATE INDEX media_attachments_account ON media_attachments (account_id, created_at);
