-- Feeds: every member's public posts are also an RSS and an Atom feed
-- (/@NAME.rss, /@NAME.atom) unless she turns hers off.
ALTER TABLE accounts ADD COLUMN feed_disabled INTEGER NOT NULL DEFAULT 0;
