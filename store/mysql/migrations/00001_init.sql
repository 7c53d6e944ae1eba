-- Initial schema. Every table uses utf8mb4_bin so ids and keys compare and order byte-wise,
-- as on the other dialects. Ids are VARCHAR(128): indexed columns must be bounded, and the
-- five-column subscription key must stay under InnoDB's 3072-byte index limit.

-- +goose Up
CREATE TABLE tenants (
    id          VARCHAR(128) NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    create_time DATETIME(6) NOT NULL,
    CONSTRAINT tenants_name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE api_keys (
    id          VARCHAR(128) NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(128) NOT NULL,
    role        VARCHAR(64) NOT NULL,
    hash        VARCHAR(255) NOT NULL,
    create_time DATETIME(6) NOT NULL,
    revoke_time DATETIME(6),
    last_used   DATETIME(6)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX api_keys_tenant ON api_keys (tenant_id, id);

CREATE TABLE channels (
    tenant_id    VARCHAR(128) NOT NULL,
    id           VARCHAR(128) NOT NULL,
    display_name TEXT NOT NULL,
    type         VARCHAR(64) NOT NULL,
    state        VARCHAR(64) NOT NULL,
    state_reason TEXT NOT NULL,
    verify_time  DATETIME(6),
    config       LONGBLOB,
    secrets      LONGBLOB,
    revision     BIGINT NOT NULL,
    create_time  DATETIME(6) NOT NULL,
    update_time  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE templates (
    tenant_id         VARCHAR(128) NOT NULL,
    channel_id        VARCHAR(128) NOT NULL,
    id                VARCHAR(128) NOT NULL,
    external_id       VARCHAR(128),
    display_name      TEXT NOT NULL,
    keywords          TEXT NOT NULL,
    options           LONGBLOB,
    subscription_type VARCHAR(64) NOT NULL,
    state             VARCHAR(64) NOT NULL,
    state_reason      TEXT NOT NULL,
    invalid_time      DATETIME(6),
    revision          BIGINT NOT NULL,
    create_time       DATETIME(6) NOT NULL,
    update_time       DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, channel_id, id),
    CONSTRAINT templates_external UNIQUE (tenant_id, channel_id, external_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX templates_id ON templates (tenant_id, id, channel_id);

CREATE TABLE subscriptions (
    tenant_id           VARCHAR(128) NOT NULL,
    channel_id          VARCHAR(128) NOT NULL,
    id                  VARCHAR(128) NOT NULL,
    kind                VARCHAR(64) NOT NULL,
    template_id         VARCHAR(128) NOT NULL,
    user_kind           VARCHAR(128) NOT NULL,
    user_id             VARCHAR(128) NOT NULL,
    type                VARCHAR(64) NOT NULL,
    state               VARCHAR(64) NOT NULL,
    state_reason        TEXT NOT NULL,
    remaining_sends     BIGINT NOT NULL,
    access_token        LONGBLOB,
    refresh_token       LONGBLOB,
    token_expire_time   DATETIME(6),
    refresh_expire_time DATETIME(6),
    revision            BIGINT NOT NULL,
    create_time         DATETIME(6) NOT NULL,
    update_time         DATETIME(6) NOT NULL,
    -- Clustered by the natural key: ApplySubscription's UPDATE and INSERT then lock the
    -- same index record first, so concurrent calls queue instead of deadlocking.
    PRIMARY KEY (tenant_id, channel_id, template_id, user_kind, user_id),
    CONSTRAINT subscriptions_id UNIQUE (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX subscriptions_channel ON subscriptions (tenant_id, channel_id, id);
CREATE INDEX subscriptions_user ON subscriptions (tenant_id, user_id);

CREATE TABLE messages (
    tenant_id      VARCHAR(128) NOT NULL,
    id             VARCHAR(128) NOT NULL,
    channel_id     VARCHAR(128) NOT NULL,
    template_id    VARCHAR(128) NOT NULL,
    request_id     VARCHAR(128) NOT NULL,
    batch_index    INT NOT NULL,
    recipient_kind VARCHAR(128) NOT NULL,
    recipient_id   VARCHAR(128) NOT NULL,
    payload        LONGBLOB,
    state          VARCHAR(64) NOT NULL,
    state_reason   TEXT NOT NULL,
    send_time      DATETIME(6),
    expire_time    DATETIME(6),
    attempts       INT NOT NULL,
    revision       BIGINT NOT NULL,
    create_time    DATETIME(6) NOT NULL,
    update_time    DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
CREATE INDEX messages_request ON messages (tenant_id, request_id, batch_index);
CREATE INDEX messages_state ON messages (tenant_id, state, id);
CREATE INDEX messages_channel ON messages (tenant_id, channel_id, id);
CREATE INDEX messages_recipient ON messages (tenant_id, recipient_id);
CREATE INDEX messages_create_time ON messages (tenant_id, create_time);

CREATE TABLE send_requests (
    tenant_id    VARCHAR(128) NOT NULL,
    request_id   VARCHAR(128) NOT NULL,
    request_hash VARCHAR(255) NOT NULL,
    create_time  DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE send_requests;
DROP TABLE messages;
DROP TABLE subscriptions;
DROP TABLE templates;
DROP TABLE channels;
DROP TABLE api_keys;
DROP TABLE tenants;
