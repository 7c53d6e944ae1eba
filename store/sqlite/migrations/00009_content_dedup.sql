-- Content de-duplication: for each user of a channel and each content (template and
-- values, hashed), the last message handed to Alipay and when.

-- +goose Up
CREATE TABLE content_sends (
    tenant_id    TEXT NOT NULL,
    channel_id   TEXT NOT NULL,
    user_kind    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    send_time    DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, content_hash)
);

-- +goose Down
DROP TABLE content_sends;
