-- Drills (game days): incidents that exercise the process without paging anyone.
-- Left out of statistics unless asked for.
ALTER TABLE incidents ADD COLUMN drill BIGINT NOT NULL DEFAULT 0;
