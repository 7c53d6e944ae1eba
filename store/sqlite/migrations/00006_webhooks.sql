-- Webhook endpoints: URLs of a tenant's own servers that Reach will post events to. The
-- signing secret is sealed by the key ring (secret), and after a rotation the previous one
-- too (previous_secret) until previous_secret_expire_time, so calls can be signed with both
-- while receivers switch. event_types is a JSON array of event type names.

-- +goose Up
CREATE TABLE webhooks (
    tenant_id                   TEXT NOT NULL,
    id                          TEXT NOT NULL,
    url                         TEXT NOT NULL,
    event_types                 TEXT NOT NULL,
    description                 TEXT NOT NULL,
    state                       TEXT NOT NULL,
    state_reason                TEXT NOT NULL,
    secret                      BLOB,
    secret_fingerprint          TEXT NOT NULL,
    previous_secret             BLOB,
    previous_secret_expire_time DATETIME,
    revision                    INTEGER NOT NULL,
    create_time                 DATETIME NOT NULL,
    update_time                 DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- +goose Down
DROP TABLE webhooks;
