-- Broadcasts: one template with shared data sent to every active recipient of a channel's
-- ledger. A runner holding the lease (lease_owner, lease_expire_time) enqueues recipients in
-- keyset batches ordered by subscription id; cursor is the last subscription id enqueued and
-- moves in the transaction that inserts the batch, so a crash resumes after it. Each
-- message records its broadcast (broadcast_id, NULL for ordinary sends) so progress is
-- counted from the messages themselves.

-- +goose Up
CREATE TABLE broadcasts (
    tenant_id         varchar(128) COLLATE "C" NOT NULL,
    id                varchar(128) COLLATE "C" NOT NULL,
    channel_id        varchar(128) COLLATE "C" NOT NULL,
    template_id       varchar(128) COLLATE "C" NOT NULL,
    request_id        varchar(128) COLLATE "C",
    request_hash      varchar(255) NOT NULL,
    ledger_kind       varchar(64) NOT NULL,
    ledger_template   varchar(128) COLLATE "C" NOT NULL,
    subscription_type varchar(64) NOT NULL,
    payload           bytea,
    state             varchar(64) NOT NULL,
    state_reason      text NOT NULL,
    start_time        timestamptz NOT NULL,
    expire_time       timestamptz NOT NULL,
    cursor_id         varchar(128) COLLATE "C" NOT NULL,
    enqueued          bigint NOT NULL,
    enqueue_done      boolean NOT NULL,
    lease_owner       varchar(128) COLLATE "C" NOT NULL,
    lease_expire_time timestamptz,
    end_time          timestamptz,
    revision          bigint NOT NULL,
    create_time       timestamptz NOT NULL,
    update_time       timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT broadcasts_request UNIQUE (tenant_id, request_id)
);
-- The runners' claim: broadcasts to work on, in start order, across tenants.
CREATE INDEX broadcasts_work ON broadcasts (state, start_time);
ALTER TABLE messages ADD COLUMN broadcast_id varchar(128) COLLATE "C";
-- Partial: a message that is not a broadcast's (most of them) writes no entry here.
CREATE INDEX messages_broadcast ON messages (tenant_id, broadcast_id, state) WHERE broadcast_id IS NOT NULL;

-- +goose Down
DROP INDEX messages_broadcast;
ALTER TABLE messages DROP COLUMN broadcast_id;
DROP TABLE broadcasts;
