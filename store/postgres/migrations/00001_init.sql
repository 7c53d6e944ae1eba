-- Initial schema. Id columns use the "C" collation so they order byte-wise, as on the other
-- dialects, whatever the database's locale; page tokens depend on that order.

-- +goose Up
CREATE TABLE tenants (
    id          varchar(128) COLLATE "C" NOT NULL PRIMARY KEY,
    name        varchar(255) NOT NULL,
    create_time timestamptz NOT NULL,
    CONSTRAINT tenants_name UNIQUE (name)
);

CREATE TABLE api_keys (
    id          varchar(128) COLLATE "C" NOT NULL PRIMARY KEY,
    tenant_id   varchar(128) COLLATE "C" NOT NULL,
    role        varchar(64) NOT NULL,
    hash        varchar(255) NOT NULL,
    create_time timestamptz NOT NULL,
    revoke_time timestamptz,
    last_used   timestamptz
);
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE channels (
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    id           varchar(128) COLLATE "C" NOT NULL,
    display_name text NOT NULL,
    type         varchar(64) NOT NULL,
    state        varchar(64) NOT NULL,
    state_reason text NOT NULL,
    verify_time  timestamptz,
    config       bytea,
    secrets      bytea,
    revision     bigint NOT NULL,
    create_time  timestamptz NOT NULL,
    update_time  timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

CREATE TABLE templates (
    tenant_id         varchar(128) COLLATE "C" NOT NULL,
    channel_id        varchar(128) COLLATE "C" NOT NULL,
    id                varchar(128) COLLATE "C" NOT NULL,
    external_id       varchar(128) COLLATE "C",
    display_name      text NOT NULL,
    keywords          text NOT NULL,
    options           bytea,
    subscription_type varchar(64) NOT NULL,
    state             varchar(64) NOT NULL,
    state_reason      text NOT NULL,
    invalid_time      timestamptz,
    revision          bigint NOT NULL,
    create_time       timestamptz NOT NULL,
    update_time       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, id),
    CONSTRAINT templates_external UNIQUE (tenant_id, channel_id, external_id)
);
CREATE INDEX templates_id ON templates (tenant_id, id, channel_id);

CREATE TABLE subscriptions (
    tenant_id           varchar(128) COLLATE "C" NOT NULL,
    channel_id          varchar(128) COLLATE "C" NOT NULL,
    id                  varchar(128) COLLATE "C" NOT NULL,
    kind                varchar(64) NOT NULL,
    template_id         varchar(128) COLLATE "C" NOT NULL,
    user_kind           varchar(128) COLLATE "C" NOT NULL,
    user_id             varchar(128) COLLATE "C" NOT NULL,
    type                varchar(64) NOT NULL,
    state               varchar(64) NOT NULL,
    state_reason        text NOT NULL,
    remaining_sends     bigint NOT NULL,
    access_token        bytea,
    refresh_token       bytea,
    token_expire_time   timestamptz,
    refresh_expire_time timestamptz,
    revision            bigint NOT NULL,
    create_time         timestamptz NOT NULL,
    update_time         timestamptz NOT NULL,
    -- Keyed by the natural key: ApplySubscription, the hot path, finds rows by it.
    PRIMARY KEY (tenant_id, channel_id, template_id, user_kind, user_id),
    CONSTRAINT subscriptions_id UNIQUE (tenant_id, id)
);
CREATE INDEX subscriptions_channel ON subscriptions (tenant_id, channel_id, id);
CREATE INDEX subscriptions_user ON subscriptions (tenant_id, user_id);

CREATE TABLE messages (
    tenant_id      varchar(128) COLLATE "C" NOT NULL,
    id             varchar(128) COLLATE "C" NOT NULL,
    channel_id     varchar(128) COLLATE "C" NOT NULL,
    template_id    varchar(128) COLLATE "C" NOT NULL,
    request_id     varchar(128) COLLATE "C" NOT NULL,
    batch_index    integer NOT NULL,
    recipient_kind varchar(128) COLLATE "C" NOT NULL,
    recipient_id   varchar(128) COLLATE "C" NOT NULL,
    payload        bytea,
    state          varchar(64) NOT NULL,
    state_reason   text NOT NULL,
    send_time      timestamptz,
    expire_time    timestamptz,
    attempts       integer NOT NULL,
    revision       bigint NOT NULL,
    create_time    timestamptz NOT NULL,
    update_time    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX messages_request ON messages (tenant_id, request_id, batch_index);
CREATE INDEX messages_state ON messages (tenant_id, state, id);
CREATE INDEX messages_channel ON messages (tenant_id, channel_id, id);
CREATE INDEX messages_recipient ON messages (tenant_id, recipient_id);
CREATE INDEX messages_create_time ON messages (tenant_id, create_time);

CREATE TABLE send_requests (
    tenant_id    varchar(128) COLLATE "C" NOT NULL,
    request_id   varchar(128) COLLATE "C" NOT NULL,
    request_hash varchar(255) NOT NULL,
    create_time  timestamptz NOT NULL,
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
