-- Webhook delivery. The outbox is the event tables themselves, written in the same
-- transaction as the change they describe: message_events (every step of every message)
-- and resource_events (a template found invalid, a channel's credentials refused, a
-- broadcast completed). One relay at a time (webhook_relay, under a lease) reads both in id
-- order and queues a webhook_deliveries row per matching endpoint; ids that commit out of
-- order are kept as gaps and looked at again. Deliverers lease due deliveries and record
-- each try in webhook_attempts.

-- +goose Up
-- The message's revision after the change, so receivers can order what they get.
ALTER TABLE message_events ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;

CREATE TABLE resource_events (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id   VARCHAR(128) NOT NULL,
    event_type        VARCHAR(64) NOT NULL,
    subject     VARCHAR(512) NOT NULL,
    revision    BIGINT NOT NULL,
    state       VARCHAR(64) NOT NULL,
    reason      TEXT NOT NULL,
    event_time  DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE webhook_relay (
    id                VARCHAR(64) PRIMARY KEY,
    lease_owner       VARCHAR(128) NOT NULL,
    lease_expire_time DATETIME(6),
    feed_state            TEXT NOT NULL,
    update_time       DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE webhook_deliveries (
    tenant_id          VARCHAR(128) NOT NULL,
    webhook_id         VARCHAR(128) NOT NULL,
    event_id           VARCHAR(64) NOT NULL,
    event_type               VARCHAR(64) NOT NULL,
    payload            TEXT NOT NULL,
    state              VARCHAR(64) NOT NULL,
    attempts           INT NOT NULL,
    due_time           DATETIME(6) NOT NULL,
    lease_owner        VARCHAR(128) NOT NULL,
    lease_expire_time  DATETIME(6),
    last_status        INT NOT NULL,
    last_error         TEXT NOT NULL,
    create_time        DATETIME(6) NOT NULL,
    update_time        DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, webhook_id, event_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_time);

CREATE TABLE webhook_attempts (
    id            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    tenant_id     VARCHAR(128) NOT NULL,
    webhook_id    VARCHAR(128) NOT NULL,
    event_id      VARCHAR(64) NOT NULL,
    attempt       INT NOT NULL,
    attempt_time  DATETIME(6) NOT NULL,
    status_code   INT NOT NULL,
    error         TEXT NOT NULL,
    latency_us    BIGINT NOT NULL,
    replica       VARCHAR(128) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX webhook_attempts_event ON webhook_attempts (tenant_id, webhook_id, event_id, id);

-- Since when an endpoint has failed without a success in between; it is disabled when that
-- lasts longer than the operator's limit.
ALTER TABLE webhooks ADD COLUMN failing_since DATETIME(6);

-- +goose Down
ALTER TABLE webhooks DROP COLUMN failing_since;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_relay;
DROP TABLE resource_events;
ALTER TABLE message_events DROP COLUMN revision;
