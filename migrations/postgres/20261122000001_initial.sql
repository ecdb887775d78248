-- warroom schema. Times are UTC epoch milliseconds (BIGINT): one representation that both
-- backends index and compare identically, so the store shares its SQL across SQLite and PostgreSQL.

-- Per-day incident sequence: INC-YYYY-MM-DD-NNN, allocated with an atomic upsert.
CREATE TABLE incident_seq (
    day  TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE incidents (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    description         TEXT NOT NULL DEFAULT '',
    service             TEXT NOT NULL DEFAULT '',
    impact              TEXT NOT NULL DEFAULT '',
    severity            TEXT NOT NULL,
    status              TEXT NOT NULL,
    private             BIGINT NOT NULL DEFAULT 0,
    reporter            TEXT NOT NULL,
    origin_channel      TEXT NOT NULL DEFAULT '',
    declared_at         BIGINT NOT NULL,
    first_ic_at         BIGINT,
    mitigated_at        BIGINT,
    resolved_at         BIGINT,
    closed_at           BIGINT,
    last_update_at      BIGINT,
    resolve_summary     TEXT NOT NULL DEFAULT '',
    -- Scheduler state: every due time is stored, so a restart or another replica resumes it.
    severity_since      BIGINT NOT NULL,
    next_update_due_at  BIGINT,
    next_nag_at         BIGINT,
    target_warn_at      BIGINT,
    target_breach_at    BIGINT,
    escalate_at         BIGINT,
    ignored_reminders   BIGINT NOT NULL DEFAULT 0,
    escalations         TEXT NOT NULL DEFAULT '',
    next_due_at         BIGINT,
    sched_lease_until   BIGINT,
    version             BIGINT NOT NULL DEFAULT 1,
    -- Written by the delivery worker only (results of Slack calls), never by a command.
    channel_id          TEXT,
    channel_name        TEXT,
    card_ts             TEXT,
    announce_channel    TEXT,
    announce_ts         TEXT
);
CREATE UNIQUE INDEX incidents_channel ON incidents (channel_id);
CREATE INDEX incidents_next_due ON incidents (next_due_at);
CREATE INDEX incidents_status ON incidents (status, declared_at);

CREATE TABLE incident_roles (
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    role_key    TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    assigned_at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, role_key)
);

CREATE TABLE timeline (
    id          BIGSERIAL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    at          BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL
);
CREATE INDEX timeline_incident ON timeline (incident_id, at, id);

CREATE TABLE updates (
    id             BIGSERIAL PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents (id),
    at             BIGINT NOT NULL,
    author         TEXT NOT NULL,
    status         TEXT NOT NULL,
    summary        TEXT NOT NULL DEFAULT '',
    impact         TEXT NOT NULL DEFAULT '',
    actions_taken  TEXT NOT NULL DEFAULT '',
    next_steps     TEXT NOT NULL DEFAULT '',
    eta            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX updates_incident ON updates (incident_id, at, id);

CREATE TABLE action_items (
    id          BIGSERIAL PRIMARY KEY,
    incident_id TEXT NOT NULL REFERENCES incidents (id),
    text        TEXT NOT NULL,
    owner       TEXT,
    due         TEXT,
    done        BIGINT NOT NULL DEFAULT 0,
    created_by  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    done_at     BIGINT,
    done_by     TEXT
);
CREATE INDEX action_items_incident ON action_items (incident_id, id);

-- Durable outbox: each Slack side effect, written in the transaction that causes it.
-- Effects of one lane (an incident) are delivered strictly in id order.
CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    lane            TEXT NOT NULL,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending',
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    done_at         BIGINT
);
CREATE INDEX outbox_pending ON outbox (state, lane, id);

-- Events API deliveries already handled (Slack retries them).
CREATE TABLE processed_events (
    event_id    TEXT PRIMARY KEY,
    received_at BIGINT NOT NULL
);
