-- Webhook endpoints: URLs of a tenant's own servers that Reach will post events to. The
-- signing secret is sealed by the key ring (secret), and after a rotation the previous one
-- too (previous_secret) until previous_secret_expire_time, so calls can be signed with both
-- while receivers switch. event_types is a JSON array of event type names.

-- +goose Up
CREATE TABLE webhooks (
    tenant_id                   VARCHAR(128) NOT NULL,
    id                          VARCHAR(128) NOT NULL,
    url                         TEXT NOT NULL,
    event_types                 TEXT NOT NULL,
    description                 TEXT NOT NULL,
    state                       VARCHAR(64) NOT NULL,
    state_reason                TEXT NOT NULL,
    secret                      LONGBLOB,
    secret_fingerprint          VARCHAR(64) NOT NULL,
    previous_secret             LONGBLOB,
    previous_secret_expire_time DATETIME(6),
    revision                    BIGINT NOT NULL,
    create_time                 DATETIME(6) NOT NULL,
    update_time                 DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- +goose Down
DROP TABLE webhooks;
