-- Slack's rate windows shared by replicas (used on PostgreSQL; SQLite paces in memory):
-- the calls made per key (a method, or a channel's posts) and a grave call's claim on a
-- key's next slot. Rows older than a window are removed as the key is used, and by the
-- periodic prune.
CREATE TABLE pace_calls (
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX pace_calls_key_at ON pace_calls (key, at);
CREATE TABLE pace_claims (
    key TEXT PRIMARY KEY,
    since BIGINT NOT NULL
);
