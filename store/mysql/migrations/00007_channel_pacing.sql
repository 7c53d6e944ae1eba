-- A channel's send rate is one limit for the whole deployment: every dispatcher replica
-- reserves its send slots from the channel's one schedule here (see ReserveSendSlots).

-- +goose Up
CREATE TABLE channel_pacing (
    tenant_id  VARCHAR(128) NOT NULL,
    channel_id VARCHAR(128) NOT NULL,
    -- The first send slot nobody has reserved yet.
    next_slot  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, channel_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE channel_pacing;
