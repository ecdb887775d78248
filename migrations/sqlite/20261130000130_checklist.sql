-- The post-resolution checklist: which items of an incident's checklist are ticked.
CREATE TABLE checklist_checks (
    incident_id TEXT NOT NULL,
    item        TEXT NOT NULL,
    checked_by  TEXT NOT NULL,
    checked_at  BIGINT NOT NULL,
    PRIMARY KEY (incident_id, item)
);
