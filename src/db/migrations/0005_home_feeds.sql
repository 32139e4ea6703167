-- Home feeds: for each local member, the statuses her home timeline may
-- show, written when a status is stored (fan-out on write), so that reading
-- home is a walk down one index instead of a search through everything her
-- follows ever wrote. A feed is an accelerator, not the truth: reading it
-- still applies the follow, list and visibility rules to every entry.
CREATE TABLE home_feed (
    account_id BIGINT NOT NULL,
    status_id BIGINT NOT NULL,
    PRIMARY KEY (account_id, status_id)
);

-- Above floor_id a member's feed holds every entry it should; at or below
-- it entries may be missing (trimmed, or older than the feed itself), and
-- the timeline is read from the statuses table instead. No row: floor 0.
CREATE TABLE home_feed_floors (
    account_id BIGINT PRIMARY KEY,
    floor_id BIGINT NOT NULL
);

-- Members who existed before feeds: empty feeds, complete from now on.
INSERT INTO home_feed_floors (account_id, floor_id)
    SELECT account_id, (SELECT COALESCE(MAX(id), 0) FROM statuses) FROM users;

-- Account entities count statuses (visible kinds, not deleted) for every
-- author on a page: with this index the count reads index pages only.
CREATE INDEX statuses_account_count ON statuses (account_id, visibility, deleted_at);

-- The counts every Account entity shows, kept per account and recomputed
-- by core (account_stats_refresh) whenever a follow or a status of the
-- account changes, so that a page of entities reads them instead of
-- counting. No row: all zero.
CREATE TABLE account_stats (
    account_id BIGINT PRIMARY KEY,
    followers_count BIGINT NOT NULL DEFAULT 0,
    following_count BIGINT NOT NULL DEFAULT 0,
    statuses_count BIGINT NOT NULL DEFAULT 0
);
INSERT INTO account_stats (account_id, followers_count, following_count, statuses_count)
    SELECT a.id,
        (SELECT count(*) FROM follows f WHERE f.target_account_id = a.id AND f.accepted = 1),
        (SELECT count(*) FROM follows f WHERE f.account_id = a.id AND f.accepted = 1),
        (SELECT count(*) FROM statuses s WHERE s.account_id = a.id
            AND s.visibility IN (0, 1, 2) AND s.deleted_at IS NULL)
    FROM accounts a;
