-- Webhook delivery. The outbox is the event tables themselves, written in the same
-- transaction as the change they describe: message_events (every step of every message)
-- and resource_events (a template found invalid, a channel's credentials refused, a
-- broadcast completed). One relay at a time (webhook_relay, under a lease) reads both in id
-- order and queues a webhook_deliveries row per matching endpoint; ids that commit out of
-- order are kept as gaps and looked at again. Deliverers lease due deliveries and record
-- each try in webhook_attempts.

-- +goose Up
-- The message's revision after the change, so receivers can order what they get.
ALTER TABLE message_events ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;

CREATE TABLE resource_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    event_type        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL,
    event_time  DATETIME NOT NULL
);

CREATE TABLE webhook_relay (
    id                TEXT PRIMARY KEY,
    lease_owner       TEXT NOT NULL,
    lease_expire_time DATETIME,
    feed_state            TEXT NOT NULL,
    update_time       DATETIME NOT NULL
);

CREATE TABLE webhook_deliveries (
    tenant_id          TEXT NOT NULL,
    webhook_id         TEXT NOT NULL,
    event_id           TEXT NOT NULL,
    event_type               TEXT NOT NULL,
    payload            TEXT NOT NULL,
    state              TEXT NOT NULL,
    attempts           INTEGER NOT NULL,
    due_time           DATETIME NOT NULL,
    lease_owner        TEXT NOT NULL,
    lease_expire_time  DATETIME,
    last_status        INTEGER NOT NULL,
    last_error         TEXT NOT NULL,
    create_time        DATETIME NOT NULL,
    update_time        DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_time);

CREATE TABLE webhook_attempts (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id     TEXT NOT NULL,
    webhook_id    TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    attempt_time  DATETIME NOT NULL,
    status_code   INTEGER NOT NULL,
    error         TEXT NOT NULL,
    latency_us    INTEGER NOT NULL,
    replica       TEXT NOT NULL
);
CREATE INDEX webhook_attempts_event ON webhook_attempts (tenant_id, webhook_id, event_id, id);

-- Since when an endpoint has failed without a success in between; it is disabled when that
-- lasts longer than the operator's limit.
ALTER TABLE webhooks ADD COLUMN failing_since DATETIME;

-- +goose Down
ALTER TABLE webhooks DROP COLUMN failing_since;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_relay;
DROP TABLE resource_events;
ALTER TABLE message_events DROP COLUMN revision;
