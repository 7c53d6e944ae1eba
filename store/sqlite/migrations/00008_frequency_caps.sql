-- Frequency caps: how many messages each user got through a channel in a window, counted
-- atomically across replicas, and which window a message took its place in (so a retry
-- never takes a second one).

-- +goose Up
CREATE TABLE frequency_counts (
    tenant_id    TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    user_kind    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    window_start DATETIME NOT NULL,
    sends        INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, window_start)
);
ALTER TABLE messages ADD COLUMN cap_window DATETIME;

-- +goose Down
ALTER TABLE messages DROP COLUMN cap_window;
DROP TABLE frequency_counts;
