-- Broadcasts: one template with shared data sent to every active recipient of a channel's
-- ledger. A runner holding the lease (lease_owner, lease_expire_time) enqueues recipients in
-- keyset batches ordered by subscription id; cursor is the last subscription id enqueued and
-- moves in the transaction that inserts the batch, so a crash resumes after it. Each
-- message records its broadcast (broadcast_id, NULL for ordinary sends) so progress is
-- counted from the messages themselves.

-- +goose Up
CREATE TABLE broadcasts (
    tenant_id         TEXT NOT NULL,
    id                TEXT NOT NULL,
    channel_id        TEXT NOT NULL,
    template_id       TEXT NOT NULL,
    request_id        TEXT,
    request_hash      TEXT NOT NULL,
    ledger_kind       TEXT NOT NULL,
    ledger_template   TEXT NOT NULL,
    subscription_type TEXT NOT NULL,
    payload           BLOB,
    state             TEXT NOT NULL,
    state_reason      TEXT NOT NULL,
    start_time        DATETIME NOT NULL,
    expire_time       DATETIME NOT NULL,
    cursor_id         TEXT NOT NULL,
    enqueued          INTEGER NOT NULL,
    enqueue_done      BOOLEAN NOT NULL,
    lease_owner       TEXT NOT NULL,
    lease_expire_time DATETIME,
    end_time          DATETIME,
    revision          INTEGER NOT NULL,
    create_time       DATETIME NOT NULL,
    update_time       DATETIME NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT broadcasts_request UNIQUE (tenant_id, request_id)
);
-- The runners' claim: broadcasts to work on, in start order, across tenants.
CREATE INDEX broadcasts_work ON broadcasts (state, start_time);
ALTER TABLE messages ADD COLUMN broadcast_id TEXT;
-- Partial: a message that is not a broadcast's (most of them) writes no entry here.
CREATE INDEX messages_broadcast ON messages (tenant_id, broadcast_id, state) WHERE broadcast_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_broadcast;
ALTER TABLE messages DROP COLUMN broadcast_id;
DROP TABLE broadcasts;
