-- The write API's Idempotency-Key: the first answer to a (route, key) is kept for 24 hours
-- and given again to a repeat of the same request. `status` is NULL while the first
-- request is still being handled.
CREATE TABLE idempotency_keys (
    route        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       BIGINT,
    body         TEXT,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (route, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- Alert groups (Alertmanager, Grafana) and the incident each one declared. `incident_id`
-- is NULL while the declaration is under way; `fingerprints` lists the alerts already on
-- the incident's timeline, one per line.
CREATE TABLE alert_groups (
    source       TEXT NOT NULL,
    group_key    TEXT NOT NULL,
    incident_id  TEXT,
    fingerprints TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (source, group_key)
);
