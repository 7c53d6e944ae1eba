-- Tracing: a message keeps the W3C traceparent of the API call that queued it (NULL when
-- that call was not traced), so the dispatcher's attempts continue the call's trace, and
-- each timeline event records the trace id of the work that wrote it. Both are nullable
-- and have no default, so adding them rewrites no rows and an untraced send stores
-- nothing more; nothing is looked up by them, so they have no index.

-- +goose Up
ALTER TABLE messages ADD COLUMN trace_parent VARCHAR(64);
ALTER TABLE message_events ADD COLUMN trace_id VARCHAR(32);

-- +goose Down
ALTER TABLE message_events DROP COLUMN trace_id;
ALTER TABLE messages DROP COLUMN trace_parent;
