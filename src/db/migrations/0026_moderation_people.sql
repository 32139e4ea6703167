-- Account actions of the moderators: a limited (silenced) account's posts
-- stay out of public timelines and its mentions of people who do not
-- follow it notify nobody; a sensitized account's media are marked
-- sensitive. suspended_at (0001) hides an account and its posts.
ALTER TABLE accounts ADD COLUMN silenced_at BIGINT;
ALTER TABLE accounts ADD COLUMN sensitized_at BIGINT;

-- The report queue: who handles a report, who closed it and when it
-- changed; forwarded_at when a Flag went to the reported account's server;
-- uri of the Flag a report came in as.
ALTER TABLE reports ADD COLUMN assigned_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE reports ADD COLUMN action_taken_by_account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL;
ALTER TABLE reports ADD COLUMN forwarded_at BIGINT;
ALTER TABLE reports ADD COLUMN updated_at BIGINT;
ALTER TABLE reports ADD COLUMN uri TEXT;
CREATE INDEX reports_open ON reports (action_taken_at, id);

-- Moderators' notes on a report, a thread in the order written.
CREATE TABLE report_notes (
    id BIGINT PRIMARY KEY,
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    account_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX report_notes_report ON report_notes (report_id, id);

-- What a member was told when a moderator acted on her account (Mastodon's
-- AccountWarning): the action (none, disable, mark_statuses_as_sensitive,
-- sensitive, silence, suspend), the moderator's text, the report it
-- resolved.
CREATE TABLE account_warnings (
    id BIGINT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    moderator_id BIGINT REFERENCES accounts (id) ON DELETE SET NULL,
    action TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    report_id BIGINT REFERENCES reports (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX account_warnings_account ON account_warnings (account_id, id);

-- A notification about something other than a status (a warning, a
-- report, a sign-up) names it here.
ALTER TABLE notifications ADD COLUMN ref_id BIGINT;
ALTER TABLE accounts ADD COLUMN purged_at BIGINT; -- a suspended account's data was removed
CREATE INDEX reports_uri ON reports (uri) WHERE uri IS NOT NULL;
