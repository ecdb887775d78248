-- Status-page drafts: public status text offered to the comms lead on each status change
-- of a broadcast severity, edited and published from Slack. One draft per outbox effect
-- that offered it (effect_id), so a retried offer never makes a second draft.
CREATE TABLE status_drafts (
    id            BIGSERIAL PRIMARY KEY,
    incident_id   TEXT NOT NULL REFERENCES incidents (id),
    effect_id     BIGINT NOT NULL UNIQUE,
    status        TEXT NOT NULL,
    text          TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'drafted',
    created_at    BIGINT NOT NULL,
    edited_by     TEXT,
    edited_at     BIGINT,
    published_by  TEXT,
    published_at  BIGINT,
    channel_id    TEXT,
    message_ts    TEXT
);
CREATE INDEX status_drafts_incident ON status_drafts (incident_id, id);
-- The Statuspage incident the incident's drafts are published to (created by the first
-- publish, updated by the later ones).
ALTER TABLE incidents ADD COLUMN statuspage_incident_id TEXT;
