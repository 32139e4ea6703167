-- Everything the fediverse sends, shown as it was meant: an article's or
-- video's title and its teaser (an Article's summary, which is not a
-- content warning) kept apart from the full content, and the poster image
-- of a remote video or audio file (shown until, and in case, a preview of
-- it is cached here).
ALTER TABLE statuses ADD COLUMN title TEXT;                      -- name of an Article, Page, Video...
ALTER TABLE statuses ADD COLUMN summary TEXT;                    -- sanitized HTML teaser, or NULL
ALTER TABLE media_attachments ADD COLUMN remote_preview_url TEXT; -- a remote video's poster
