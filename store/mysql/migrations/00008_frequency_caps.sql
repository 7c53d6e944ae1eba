-- Frequency caps: how many messages each user got through a channel in a window, counted
-- atomically across replicas, and which window a message took its place in (so a retry
-- never takes a second one).

-- +goose Up
CREATE TABLE frequency_counts (
    tenant_id    VARCHAR(128) NOT NULL,
    channel_id   VARCHAR(128) NOT NULL,
    user_kind    VARCHAR(128) NOT NULL,
    user_id      VARCHAR(128) NOT NULL,
    window_start DATETIME(6) NOT NULL,
    sends        INT NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, window_start)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
ALTER TABLE messages ADD COLUMN cap_window DATETIME(6);

-- +goose Down
ALTER TABLE messages DROP COLUMN cap_window;
DROP TABLE frequency_counts;
