-- Action-item follow-up: when an item's owner is next reminded (its due date at the
-- policy's [digest] time; NULL: not again), leased like incidents' due times so that
-- replicas remind once; and the weekly digests already posted, one row per slot, the
-- primary key deciding which replica posts it.
ALTER TABLE action_items ADD COLUMN remind_at BIGINT;
ALTER TABLE action_items ADD COLUMN remind_lease_until BIGINT;
CREATE INDEX action_items_remind_at ON action_items (remind_at);
CREATE TABLE digests (
    slot        BIGINT PRIMARY KEY,
    created_at  BIGINT NOT NULL
);
