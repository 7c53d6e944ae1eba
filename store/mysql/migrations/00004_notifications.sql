-- Replay protection of Alipay's notifications: every notification applied is remembered
-- per channel until it is too old to be accepted again (expire_time), so a retry or a
-- captured call posted again is applied once, across replicas. Ledger rows remember the
-- time of the event that last changed them, so an older event never overwrites a newer one.
-- The key is at most 255 characters: (128 + 128 + 255) × 4 bytes stays under InnoDB's limit.

-- +goose Up
CREATE TABLE notifications (
    tenant_id    VARCHAR(128) NOT NULL,
    channel_id   VARCHAR(128) NOT NULL,
    notify_key   VARCHAR(255) NOT NULL,
    event_time   DATETIME(6) NOT NULL,
    receive_time DATETIME(6) NOT NULL,
    expire_time  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, notify_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The cleanup: expired records, across tenants.
CREATE INDEX notifications_expiry ON notifications (expire_time);
ALTER TABLE subscriptions ADD COLUMN event_time DATETIME(6);

-- +goose Down
ALTER TABLE subscriptions DROP COLUMN event_time;
DROP TABLE notifications;
