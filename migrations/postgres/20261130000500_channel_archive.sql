-- A closed incident's channel is archived `archive_after` the close, announced ahead of
-- it: both due times, which feed next_due_at like the other timers. NULL: nothing due
-- (open incidents, `archive_after = 0`, and incidents closed before this version).
ALTER TABLE incidents ADD COLUMN archive_notice_at BIGINT;
ALTER TABLE incidents ADD COLUMN archive_at BIGINT;
