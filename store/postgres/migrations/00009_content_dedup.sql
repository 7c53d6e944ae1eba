-- Content de-duplication: for each user of a channel and each content (template and
-- values, hashed), the last message handed to Alipay and when.

-- +goose Up
CREATE TABLE content_sends (
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    channel_id   varchar(128) COLLATE "C" NOT NULL,
    user_kind    varchar(128) COLLATE "C" NOT NULL,
    user_id      varchar(128) COLLATE "C" NOT NULL,
    content_hash varchar(128) COLLATE "C" NOT NULL,
    message_id   varchar(128) COLLATE "C" NOT NULL,
    send_time    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, content_hash)
);

-- +goose Down
DROP TABLE content_sends;
