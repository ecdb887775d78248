-- When the loss of the incident's channel (deleted, archived) was said: said once.
ALTER TABLE incidents ADD COLUMN channel_lost_at INTEGER;
