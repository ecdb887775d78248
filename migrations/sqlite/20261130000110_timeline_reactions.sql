-- Messages added to an incident's timeline by reaction: one entry per message, however
-- many people react.
CREATE TABLE timeline_reactions (
    incident_id TEXT NOT NULL,
    message_ts  TEXT NOT NULL,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (incident_id, message_ts)
);
