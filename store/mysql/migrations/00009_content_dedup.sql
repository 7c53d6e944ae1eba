-- Content de-duplication: for each user of a channel and each content (template and
-- values, hashed), the last message handed to Alipay and when.

-- +goose Up
CREATE TABLE content_sends (
    tenant_id    VARCHAR(128) NOT NULL,
    channel_id   VARCHAR(128) NOT NULL,
    user_kind    VARCHAR(128) NOT NULL,
    user_id      VARCHAR(128) NOT NULL,
    content_hash VARCHAR(128) NOT NULL,
    message_id   VARCHAR(128) NOT NULL,
    send_time    DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, user_kind, user_id, content_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE content_sends;
