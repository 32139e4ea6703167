-- Search (SQLite variant; 0008_search.pg.sql will build the same portable
-- tables and use tsvector indexes instead of FTS5).
--
-- followed_tags is portable: hashtags a member follows, whose posts join her
-- home timeline.
--
-- statuses_fts indexes the words of every post that is not deleted and not a
-- boost: its source text (the text column; content is HTML) and its content
-- warning, rowid = statuses.id. It keeps its own copy of the words: an
-- external-content or contentless index would need the exact old values
-- for every delete, and SQLite before 3.43 cannot delete from a contentless
-- one by rowid. Triggers keep it in step with inserts, edits (text or
-- spoiler_text change), soft deletes (deleted_at set) and row deletes,
-- cascades included.
--
-- accounts_fts indexes every account's acct (username, or username@domain
-- for remote ones) and display name, rowid = accounts.id, with prefix
-- indexes for the short prefixes people type. Word prefixes in display
-- names ("wonder" in "Alice Wonderland") and accent-insensitive matches
-- ("zoe" finds "Zoë") cannot use a B-tree index: LIKE '%x%' reads every
-- account per keystroke (about 4 ms on 10,000 accounts), the FTS index
-- reads only the matching terms (about 0.2 ms).
--
-- Both use unicode61 with remove_diacritics 2 (case and accents folded).

CREATE TABLE followed_tags (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    tag_id BIGINT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    UNIQUE (account_id, tag_id)
);
CREATE INDEX followed_tags_account ON followed_tags (account_id, id);
CREATE INDEX followed_tags_tag ON followed_tags (tag_id);

CREATE VIRTUAL TABLE statuses_fts USING fts5 (
    text, spoiler_text,
    tokenize = 'unicode61 remove_diacritics 2'
);

INSERT INTO statuses_fts (rowid, text, spoiler_text)
    SELECT id, text, spoiler_text FROM statuses
    WHERE deleted_at IS NULL AND reblog_of_id IS NULL;

CREATE TRIGGER statuses_fts_insert AFTER INSERT ON statuses
    WHEN NEW.deleted_at IS NULL AND NEW.reblog_of_id IS NULL
BEGIN
    INSERT INTO statuses_fts (rowid, text, spoiler_text)
        VALUES (NEW.id, NEW.text, NEW.spoiler_text);
END;

CREATE TRIGGER statuses_fts_update AFTER UPDATE OF text, spoiler_text, deleted_at ON statuses
BEGIN
    DELETE FROM statuses_fts WHERE rowid = OLD.id;
    INSERT INTO statuses_fts (rowid, text, spoiler_text)
        SELECT NEW.id, NEW.text, NEW.spoiler_text
        WHERE NEW.deleted_at IS NULL AND NEW.reblog_of_id IS NULL;
END;

CREATE TRIGGER statuses_fts_delete AFTER DELETE ON statuses
BEGIN
    DELETE FROM statuses_fts WHERE rowid = OLD.id;
END;

CREATE VIRTUAL TABLE accounts_fts USING fts5 (
    acct, display_name,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);

INSERT INTO accounts_fts (rowid, acct, display_name)
    SELECT id, username || COALESCE('@' || domain, ''), display_name FROM accounts;

CREATE TRIGGER accounts_fts_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO accounts_fts (rowid, acct, display_name)
        VALUES (NEW.id, NEW.username || COALESCE('@' || NEW.domain, ''), NEW.display_name);
END;

CREATE TRIGGER accounts_fts_update AFTER UPDATE OF username, domain, display_name ON accounts
BEGIN
    DELETE FROM accounts_fts WHERE rowid = OLD.id;
    INSERT INTO accounts_fts (rowid, acct, display_name)
        VALUES (NEW.id, NEW.username || COALESCE('@' || NEW.domain, ''), NEW.display_name);
END;

CREATE TRIGGER accounts_fts_delete AFTER DELETE ON accounts
BEGIN
    DELETE FROM accounts_fts WHERE rowid = OLD.id;
END;
