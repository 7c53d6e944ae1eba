-- Webhook delivery. The outbox is the event tables themselves, written in the same
-- transaction as the change they describe: message_events (every step of every message)
-- and resource_events (a template found invalid, a channel's credentials refused, a
-- broadcast completed). One relay at a time (webhook_relay, under a lease) reads both in id
-- order and queues a webhook_deliveries row per matching endpoint; ids that commit out of
-- order are kept as gaps and looked at again. Deliverers lease due deliveries and record
-- each try in webhook_attempts.

-- +goose Up
-- The message's revision after the change, so receivers can order what they get.
ALTER TABLE message_events ADD COLUMN revision bigint NOT NULL DEFAULT 0;

CREATE TABLE resource_events (
    id          bigserial PRIMARY KEY,
    tenant_id   varchar(128) COLLATE "C" NOT NULL,
    event_type        varchar(64) NOT NULL,
    subject     varchar(512) COLLATE "C" NOT NULL,
    revision    bigint NOT NULL,
    state       varchar(64) NOT NULL,
    reason      text NOT NULL,
    event_time  timestamptz NOT NULL
);

CREATE TABLE webhook_relay (
    id                varchar(64) PRIMARY KEY,
    lease_owner       varchar(128) NOT NULL,
    lease_expire_time timestamptz,
    feed_state            text NOT NULL,
    update_time       timestamptz NOT NULL
);

CREATE TABLE webhook_deliveries (
    tenant_id          varchar(128) COLLATE "C" NOT NULL,
    webhook_id         varchar(128) COLLATE "C" NOT NULL,
    event_id           varchar(64) COLLATE "C" NOT NULL,
    event_type               varchar(64) NOT NULL,
    payload            text NOT NULL,
    state              varchar(64) NOT NULL,
    attempts           integer NOT NULL,
    due_time           timestamptz NOT NULL,
    lease_owner        varchar(128) NOT NULL,
    lease_expire_time  timestamptz,
    last_status        integer NOT NULL,
    last_error         text NOT NULL,
    create_time        timestamptz NOT NULL,
    update_time        timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, due_time);

CREATE TABLE webhook_attempts (
    id            bigserial PRIMARY KEY,
    tenant_id     varchar(128) COLLATE "C" NOT NULL,
    webhook_id    varchar(128) COLLATE "C" NOT NULL,
    event_id      varchar(64) COLLATE "C" NOT NULL,
    attempt       integer NOT NULL,
    attempt_time  timestamptz NOT NULL,
    status_code   integer NOT NULL,
    error         text NOT NULL,
    latency_us    bigint NOT NULL,
    replica       varchar(128) NOT NULL
);
CREATE INDEX webhook_attempts_event ON webhook_attempts (tenant_id, webhook_id, event_id, id);

-- Since when an endpoint has failed without a success in between; it is disabled when that
-- lasts longer than the operator's limit.
ALTER TABLE webhooks ADD COLUMN failing_since timestamptz;

-- +goose Down
ALTER TABLE webhooks DROP COLUMN failing_since;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_relay;
DROP TABLE resource_events;
ALTER TABLE message_events DROP COLUMN revision;
