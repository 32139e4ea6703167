-- Edits may change a status's attachments. An attachment taken out of a
-- status keeps its status_id (earlier versions still show it) with
-- position -1; the current ones have positions 0 and up. Each stored
-- version lists the attachments it had, in order, as comma-separated ids
-- ('' for none, and for versions stored before this migration).

ALTER TABLE status_edits ADD COLUMN media_ids TEXT NOT NULL DEFAULT '';
