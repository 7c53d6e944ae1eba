-- Replay protection of Alipay's notifications: every notification applied is remembered
-- per channel until it is too old to be accepted again (expire_time), so a retry or a
-- captured call posted again is applied once, across replicas. Ledger rows remember the
-- time of the event that last changed them, so an older event never overwrites a newer one.

-- +goose Up
CREATE TABLE notifications (
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    channel_id   varchar(128) COLLATE "C" NOT NULL,
    notify_key   varchar(255) COLLATE "C" NOT NULL,
    event_time   timestamptz NOT NULL,
    receive_time timestamptz NOT NULL,
    expire_time  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, notify_key)
);
-- The cleanup: expired records, across tenants.
CREATE INDEX notifications_expiry ON notifications (expire_time);
ALTER TABLE subscriptions ADD COLUMN event_time timestamptz;

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN event_time;
DROP TABLE notifications;
