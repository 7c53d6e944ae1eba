-- Frequency caps: how many messages each user got through a channel in a window, counted
-- atomically across replicas, and which window a message took its place in (so a retry
-- never takes a second one).

-- +goose Up
CREATE TABLE frequency_counts (
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    channel_id   varchar(128) COLLATE "C" NOT NULL,
    user_kind    varchar(128) COLLATE "C" NOT NULL,
    user_id      varchar(128) COLLATE "C" NOT NULL,
    window_start timestamptz NOT NULL,
    sends        integer NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, window_start)
);
ALTER TABLE messages ADD COLUMN cap_window timestamptz;

-- +goose Down
ALTER TABLE messages DROP COLUMN cap_window;
DROP TABLE frequency_counts;
