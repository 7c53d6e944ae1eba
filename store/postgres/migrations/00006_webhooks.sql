-- Webhook endpoints: URLs of a tenant's own servers that Reach will post events to. The
-- signing secret is sealed by the key ring (secret), and after a rotation the previous one
-- too (previous_secret) until previous_secret_expire_time, so calls can be signed with both
-- while receivers switch. event_types is a JSON array of event type names.

-- +goose Up
CREATE TABLE webhooks (
    tenant_id                   varchar(128) COLLATE "C" NOT NULL,
    id                          varchar(128) COLLATE "C" NOT NULL,
    url                         text NOT NULL,
    event_types                 text NOT NULL,
    description                 text NOT NULL,
    state                       varchar(64) NOT NULL,
    state_reason                text NOT NULL,
    secret                      bytea,
    secret_fingerprint          varchar(64) NOT NULL,
    previous_secret             bytea,
    previous_secret_expire_time timestamptz,
    revision                    bigint NOT NULL,
    create_time                 timestamptz NOT NULL,
    update_time                 timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE webhooks;
