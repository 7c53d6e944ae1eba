-- A channel's send rate is one limit for the whole deployment: every dispatcher replica
-- reserves its send slots from the channel's one schedule here (see ReserveSendSlots).

-- +goose Up
CREATE TABLE channel_pacing (
    tenant_id  varchar(128) COLLATE "C" NOT NULL,
    channel_id varchar(128) COLLATE "C" NOT NULL,
    -- The first send slot nobody has reserved yet.
    next_slot  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel_id)
);

-- +goose Down
DROP TABLE channel_pacing;
