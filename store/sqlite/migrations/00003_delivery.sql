-- Delivery: the dispatcher leases due messages, records what Alipay answered, and keeps a
-- timeline of every step of every message.

-- +goose Up
ALTER TABLE messages ADD COLUMN due_time DATETIME;
ALTER TABLE messages ADD COLUMN lease_owner TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN lease_expire_time DATETIME;
ALTER TABLE messages ADD COLUMN sent_time DATETIME;
ALTER TABLE messages ADD COLUMN external_id TEXT NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_error TEXT;
-- Whether the message holds one of its recipient's one-time acceptances.
ALTER TABLE messages ADD COLUMN reserved BOOLEAN NOT NULL DEFAULT 0;
UPDATE messages SET due_time = COALESCE(send_time, create_time);
-- The claim: due messages in due order, across tenants.
CREATE INDEX messages_due ON messages (state, due_time);
-- The expiry sweep: waiting messages past their expire_time.
CREATE INDEX messages_expiry ON messages (state, expire_time);

CREATE TABLE message_events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id    TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    event_time   DATETIME NOT NULL,
    kind         TEXT NOT NULL,
    state        TEXT NOT NULL,
    description  TEXT NOT NULL,
    attempt      INTEGER NOT NULL,
    replica      TEXT NOT NULL,
    code         TEXT NOT NULL,
    msg          TEXT NOT NULL,
    sub_code     TEXT NOT NULL,
    sub_msg      TEXT NOT NULL,
    latency_us   INTEGER NOT NULL
);
CREATE INDEX message_events_message ON message_events (tenant_id, message_id, id);

-- +goose Down
DROP TABLE message_events;
DROP INDEX messages_expiry;
DROP INDEX messages_due;
ALTER TABLE messages DROP COLUMN reserved;
ALTER TABLE messages DROP COLUMN last_error;
ALTER TABLE messages DROP COLUMN external_id;
ALTER TABLE messages DROP COLUMN sent_time;
ALTER TABLE messages DROP COLUMN lease_expire_time;
ALTER TABLE messages DROP COLUMN lease_owner;
ALTER TABLE messages DROP COLUMN due_time;
