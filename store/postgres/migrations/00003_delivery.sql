-- Delivery: the dispatcher leases due messages, records what Alipay answered, and keeps a
-- timeline of every step of every message.

-- +goose Up
ALTER TABLE messages ADD COLUMN due_time timestamptz;
ALTER TABLE messages ADD COLUMN lease_owner varchar(128) COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN lease_expire_time timestamptz;
ALTER TABLE messages ADD COLUMN sent_time timestamptz;
ALTER TABLE messages ADD COLUMN external_id varchar(255) NOT NULL DEFAULT '';
ALTER TABLE messages ADD COLUMN last_error text;
-- Whether the message holds one of its recipient's one-time acceptances.
ALTER TABLE messages ADD COLUMN reserved boolean NOT NULL DEFAULT false;
UPDATE messages SET due_time = COALESCE(send_time, create_time);
-- The claim: due messages in due order, across tenants.
CREATE INDEX messages_due ON messages (state, due_time);
-- The expiry sweep: waiting messages past their expire_time.
CREATE INDEX messages_expiry ON messages (state, expire_time);

CREATE TABLE message_events (
    id           bigserial PRIMARY KEY,
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    message_id   varchar(128) COLLATE "C" NOT NULL,
    event_time   timestamptz NOT NULL,
    kind         varchar(64) NOT NULL,
    state        varchar(64) NOT NULL,
    description  text NOT NULL,
    attempt      integer NOT NULL,
    replica      varchar(128) NOT NULL,
    code         varchar(255) NOT NULL,
    msg          text NOT NULL,
    sub_code     varchar(255) NOT NULL,
    sub_msg      text NOT NULL,
    latency_us   bigint NOT NULL
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
