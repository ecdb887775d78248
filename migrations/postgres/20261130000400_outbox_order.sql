-- Delivery order by dependency, not by one lane per incident: an effect waits for the
-- one effect it needs (a pin for its card, an invite for the channel), and effects of
-- graver incidents are claimed first.
ALTER TABLE outbox ADD COLUMN after_id BIGINT;
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_claim ON outbox (state, priority, id);
-- When the loss of the incident's channel (deleted, archived) was said: said once.
ALTER TABLE incidents ADD COLUMN channel_lost_at BIGINT;
