-- Initial schema. Ids compare byte-wise (SQLite's default BINARY collation), like the
-- other dialects. Times are DATETIME so the driver reads them back as time values; the
-- store always writes UTC, which keeps their text form ordered.

-- +goose Up
CREATE TABLE tenants (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    create_time DATETIME NOT NULL
);
CREATE UNIQUE INDEX tenants_name ON tenants (name);

CREATE TABLE api_keys (
    id          TEXT NOT NULL PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    role        TEXT NOT NULL,
    hash        TEXT NOT NULL,
    create_time DATETIME NOT NULL,
    revoke_time DATETIME,
    last_used   DATETIME
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE channels (
    tenant_id    TEXT NOT NULL,
    id           TEXT NOT NULL,
    display_name TEXT NOT NULL,
    type         TEXT NOT NULL,
    state        TEXT NOT NULL,
    state_reason TEXT NOT NULL,
    verify_time  DATETIME,
    config       BLOB,
    secrets      BLOB,
    revision     INTEGER NOT NULL,
    create_time  DATETIME NOT NULL,
    update_time  DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE templates (
    tenant_id         TEXT NOT NULL,
    channel_id        TEXT NOT NULL,
    id                TEXT NOT NULL,
    external_id       TEXT,
    display_name      TEXT NOT NULL,
    keywords          TEXT NOT NULL,
    options           BLOB,
    subscription_type TEXT NOT NULL,
    state             TEXT NOT NULL,
    state_reason      TEXT NOT NULL,
    invalid_time      DATETIME,
    revision          INTEGER NOT NULL,
    create_time       DATETIME NOT NULL,
    update_time       DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, id)
);
CREATE UNIQUE INDEX templates_external ON templates (tenant_id, channel_id, external_id);
CREATE INDEX templates_id ON templates (tenant_id, id, channel_id);

CREATE TABLE subscriptions (
    tenant_id           TEXT NOT NULL,
    channel_id          TEXT NOT NULL,
    id                  TEXT NOT NULL,
    kind                TEXT NOT NULL,
    template_id         TEXT NOT NULL,
    user_kind           TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    type                TEXT NOT NULL,
    state               TEXT NOT NULL,
    state_reason        TEXT NOT NULL,
    remaining_sends     INTEGER NOT NULL,
    access_token        BLOB,
    refresh_token       BLOB,
    token_expire_time   DATETIME,
    refresh_expire_time DATETIME,
    revision            INTEGER NOT NULL,
    create_time         DATETIME NOT NULL,
    update_time         DATETIME NOT NULL,
    -- Keyed by the natural key: ApplySubscription, the hot path, finds rows by it.
    PRIMARY KEY (tenant_id, channel_id, template_id, user_kind, user_id)
);
CREATE UNIQUE INDEX subscriptions_id ON subscriptions (tenant_id, id);
CREATE INDEX subscriptions_channel ON subscriptions (tenant_id, channel_id, id);
CREATE INDEX subscriptions_user ON subscriptions (tenant_id, user_id);

CREATE TABLE messages (
    tenant_id      TEXT NOT NULL,
    id             TEXT NOT NULL,
    channel_id     TEXT NOT NULL,
    template_id    TEXT NOT NULL,
    request_id     TEXT NOT NULL,
    batch_index    INTEGER NOT NULL,
    recipient_kind TEXT NOT NULL,
    recipient_id   TEXT NOT NULL,
    payload        BLOB,
    state          TEXT NOT NULL,
    state_reason   TEXT NOT NULL,
    send_time      DATETIME,
    expire_time    DATETIME,
    attempts       INTEGER NOT NULL,
    revision       INTEGER NOT NULL,
    create_time    DATETIME NOT NULL,
    update_time    DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX messages_request ON messages (tenant_id, request_id, batch_index);
CREATE INDEX messages_state ON messages (tenant_id, state, id);
CREATE INDEX messages_channel ON messages (tenant_id, channel_id, id);
CREATE INDEX messages_recipient ON messages (tenant_id, recipient_id);
CREATE INDEX messages_create_time ON messages (tenant_id, create_time);

CREATE TABLE send_requests (
    tenant_id    TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    create_time  DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
);

-- +goose Down
DROP TABLE send_requests;
DROP TABLE messages;
DROP TABLE subscriptions;
DROP TABLE templates;
DROP TABLE channels;
DROP TABLE api_keys;
DROP TABLE tenants;
