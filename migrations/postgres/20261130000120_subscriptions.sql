-- People who get each update of an incident by DM until it closes.
CREATE TABLE incident_subscribers (
    incident_id   TEXT NOT NULL,
    user_id       TEXT NOT NULL,
    subscribed_at BIGINT NOT NULL,
    PRIMARY KEY (incident_id, user_id)
);
