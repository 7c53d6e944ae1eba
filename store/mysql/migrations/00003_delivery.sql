-- Delivery: the dispatcher leases due messages, records what Alipay answered, and keeps a
-- timeline of every step of every message.

-- +goose Up
ALTER TABLE messages ADD COLUMN due_time DATETIME(6) NULL;
ALTER TABLE messages ADD COLUMN lease_owner VARCHAR(128) NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN lease_expire_time DATETIME(6) NULL;
ALTER TABLE messages ADD COLUMN sent_time DATETIME(6) NULL;
ALTER TABLE messages ADD COLUMN external_id VARCHAR(255) NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_error TEXT NULL;
-- Whether the message holds one of its recipient's one-time acceptances.
ALTER TABLE messages ADD COLUMN reserved BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages SET due_time = COALESCE(send_time, create_time);
-- The claim: due messages in due order, across tenants.
CREATE INDEX messages_due ON messages (state, due_time);
-- The expiry sweep: waiting messages past their expire_time.
CREATE INDEX messages_expiry ON messages (state, expire_time);

CREATE TABLE message_events (
    id           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id    VARCHAR(128) NOT NULL,
    message_id   VARCHAR(128) NOT NULL,
    event_time   DATETIME(6) NOT NULL,
    kind         VARCHAR(64) NOT NULL,
    state        VARCHAR(64) NOT NULL,
    description  TEXT NOT NULL,
    attempt      INT NOT NULL,
    replica      VARCHAR(128) NOT NULL,
    code         VARCHAR(255) NOT NULL,
    msg          TEXT NOT NULL,
    sub_code     VARCHAR(255) NOT NULL,
    sub_msg      TEXT NOT NULL,
    latency_us   BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX message_events_message ON message_events (tenant_id, message_id, id);

-- +goose Down
DROP TABLE message_events;
DROP INDEX messages_expiry ON messages;
DROP INDEX messages_due ON messages;
ALTER TABLE messages DROP COLUMN reserved;
ALTER TABLE messages DROP COLUMN last_error;
ALTER TABLE messages DROP COLUMN external_id;
ALTER TABLE messages DROP COLUMN sent_time;
ALTER TABLE messages DROP COLUMN lease_expire_time;
ALTER TABLE messages DROP COLUMN lease_owner;
ALTER TABLE messages DROP COLUMN due_time;
