-- App Home: who opened warroom's Home tab, and when last. Their homes are published
-- again when something they see changes, for as long as they opened it recently (the
-- refresh stays cheap in a large workspace).
CREATE TABLE home_viewers (
    user_id    TEXT PRIMARY KEY,
    opened_at  BIGINT NOT NULL
);
CREATE INDEX home_viewers_opened_at ON home_viewers (opened_at);
