-- Broadcasts: one template with shared data sent to every active recipient of a channel's
-- ledger. A runner holding the lease (lease_owner, lease_expire_time) enqueues recipients in
-- keyset batches ordered by subscription id; cursor is the last subscription id enqueued and
-- moves in the transaction that inserts the batch, so a crash resumes after it. Each
-- message records its broadcast (broadcast_id, NULL for ordinary sends) so progress is
-- counted from the messages themselves.

-- +goose Up
CREATE TABLE broadcasts (
    tenant_id         VARCHAR(128) NOT NULL,
    id                VARCHAR(128) NOT NULL,
    channel_id        VARCHAR(128) NOT NULL,
    template_id       VARCHAR(128) NOT NULL,
    request_id        VARCHAR(128),
    request_hash      VARCHAR(255) NOT NULL,
    ledger_kind       VARCHAR(64) NOT NULL,
    ledger_template   VARCHAR(128) NOT NULL,
    subscription_type VARCHAR(64) NOT NULL,
    payload           LONGBLOB,
    state             VARCHAR(64) NOT NULL,
    state_reason      TEXT NOT NULL,
    start_time        DATETIME(6) NOT NULL,
    expire_time       DATETIME(6) NOT NULL,
    cursor_id         VARCHAR(128) NOT NULL,
    enqueued          BIGINT NOT NULL,
    enqueue_done      BOOLEAN NOT NULL,
    lease_owner       VARCHAR(128) NOT NULL,
    lease_expire_time DATETIME(6),
    end_time          DATETIME(6),
    revision          BIGINT NOT NULL,
    create_time       DATETIME(6) NOT NULL,
    update_time       DATETIME(6) NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT broadcasts_request UNIQUE (tenant_id, request_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
-- The runners' claim: broadcasts to work on, in start order, across tenants.
CREATE INDEX broadcasts_work ON broadcasts (state, start_time);
ALTER TABLE messages ADD COLUMN broadcast_id VARCHAR(128);
CREATE INDEX messages_broadcast ON messages (tenant_id, broadcast_id, state);

-- +goose Down
DROP INDEX messages_broadcast ON messages;
ALTER TABLE messages DROP COLUMN broadcast_id;
DROP TABLE broadcasts;
