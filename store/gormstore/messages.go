package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// insertChunk is how many messages go into one INSERT: 17 columns each keeps a statement far
// below every dialect's bind-parameter limit (SQLite 32766, PostgreSQL and MySQL 65535).
const insertChunk = 100

// errRequestTaken marks, inside the transaction, that another call recorded the request id.
var errRequestTaken = errors.New("send request already recorded")

// CreateMessages inserts msgs and the idempotency record of (tenantID, requestID) in one
// transaction, shared with concurrent calls (group commit, ingest.go). A request id
// recorded before answers created=false with what was recorded and its hash.
func (s *Store) CreateMessages(ctx context.Context, tenantID, requestID, requestHash string, msgs []*store.Message) (bool, []*store.Message, string, error) {
	return s.CreateGuardedMessages(ctx, tenantID, requestID, requestHash, store.SendGuard{}, msgs)
}

// CreateGuardedMessages is CreateMessages written only while the guard's template is at
// its revision (a zero guard checks nothing).
func (s *Store) CreateGuardedMessages(ctx context.Context, tenantID, requestID, requestHash string, guard store.SendGuard, msgs []*store.Message) (bool, []*store.Message, string, error) {
	rows, err := s.messageRows(tenantID, requestID, requestHash, msgs)
	if err != nil {
		return false, nil, "", s.fail("create messages", err)
	}
	r := s.ingest.submit(ctx, &ingestCall{tenantID: tenantID, requestID: requestID, hash: requestHash, guard: guard, rows: rows, done: make(chan ingestResult, 1)})
	if r.err != nil || !r.created {
		return false, r.existing, r.hash, r.err
	}
	for i, m := range msgs {
		m.TenantID, m.RequestID = tenantID, requestID
		m.Revision, m.CreateTime, m.UpdateTime = rows[i].Revision, rows[i].CreateTime, rows[i].UpdateTime
		m.DueTime = *rows[i].DueTime
	}
	return true, nil, "", nil
}

// messageRows validates msgs and turns them into rows stamped with one creation time.
func (s *Store) messageRows(tenantID, requestID, requestHash string, msgs []*store.Message) ([]*messageRow, error) {
	if err := checkID("tenant id", tenantID); err != nil {
		return nil, err
	}
	if len(requestID) > maxIDLen || len(requestHash) > 255 {
		return nil, fmt.Errorf("%w: request id or hash too long", store.ErrInvalid)
	}
	if len(msgs) == 0 {
		return nil, fmt.Errorf("%w: no messages", store.ErrInvalid)
	}
	at := now()
	rows := make([]*messageRow, len(msgs))
	for i, m := range msgs {
		if err := checkID("message id", m.ID); err != nil {
			return nil, err
		}
		if m.TenantID != "" && m.TenantID != tenantID {
			return nil, fmt.Errorf("%w: message %s belongs to another tenant", store.ErrInvalid, m.ID)
		}
		r := messageToRow(m)
		r.TenantID, r.RequestID = tenantID, requestID
		r.Revision, r.CreateTime, r.UpdateTime = 1, at, at
		r.DueTime, r.LeaseOwner, r.LeaseExpire = dueAt(r.SendTime, at), "", nil
		rows[i] = r
	}
	return rows, nil
}

// sentRequest reads the recorded hash and messages of a request, in batch order.
func (s *Store) sentRequest(ctx context.Context, tenantID, requestID string) ([]*store.Message, string, error) {
	var req sendRequestRow
	db := s.db.WithContext(ctx)
	if err := db.Where("tenant_id = ? AND request_id = ?", tenantID, requestID).Take(&req).Error; err != nil {
		return nil, "", err
	}
	var rows []messageRow
	err := db.Scopes(tenantScope(tenantID)).Where("request_id = ?", requestID).Order("batch_index").Order("id").Find(&rows).Error
	if err != nil {
		return nil, "", err
	}
	return messageRecords(rows), req.RequestHash, nil
}

// GetSendRequest returns the recorded hash and messages of a request id.
func (s *Store) GetSendRequest(ctx context.Context, tenantID, requestID string) ([]*store.Message, string, error) {
	msgs, hash, err := s.sentRequest(ctx, tenantID, requestID)
	if err != nil {
		return nil, "", s.fail("get send request", err)
	}
	return msgs, hash, nil
}

// GetMessage returns one message of the tenant.
func (s *Store) GetMessage(ctx context.Context, tenantID, id string) (*store.Message, error) {
	var row messageRow
	if err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, s.fail("get message", err)
	}
	return row.record(), nil
}

// failWaiting fails the waiting messages of a channel (or of one of its templates) with
// reason, inside the transaction that deletes or invalidates what they were for, so no
// waiting message is left pointing at nothing. A message a dispatcher holds is left to it:
// the dispatcher finds out when it reads the template or channel. Each gets an event.
func failWaiting(tx *gorm.DB, tenantID, channelID, templateID, reason string) error {
	cond := "tenant_id = ? AND channel_id = ? AND state IN ? AND lease_owner = ''"
	args := []any{tenantID, channelID, waitingStates}
	if templateID != "" {
		cond += " AND template_id = ?"
		args = append(args, templateID)
	}
	at := now()
	// The events first: they select the very messages the update then changes.
	err := tx.Exec("INSERT INTO message_events (tenant_id, message_id, event_time, kind, state, description, attempt, replica, code, msg, sub_code, sub_msg, latency_us, revision) "+
		"SELECT tenant_id, id, ?, ?, ?, ?, attempts, '', '', '', '', '', 0, revision + 1 FROM messages WHERE "+cond,
		append([]any{at, store.EventFailed, "FAILED", reason}, args...)...).Error
	if err != nil {
		return err
	}
	return tx.Model(&messageRow{}).Where(cond, args...).Updates(map[string]any{"state": "FAILED", "state_reason": reason,
		"revision": gorm.Expr("revision + 1"), "update_time": at}).Error
}

// waitingStates are the states of a message that is not finished.
var waitingStates = []string{"QUEUED", "SENDING"}

// dueAt is when a message sent at send (nil: now) is first due.
func dueAt(send *time.Time, at time.Time) *time.Time {
	if send != nil {
		return ts(send)
	}
	return &at
}

// UpdateMessage writes the delivery fields of m if the stored revision is m.Revision, and
// adds ev to its timeline in the same transaction. What the message is (channel, template,
// recipient, request, batch index) never changes.
func (s *Store) UpdateMessage(ctx context.Context, m *store.Message, ev *store.MessageEvent) error {
	at := now()
	due := dueAt(m.SendTime, at)
	if m.SendTime != nil && m.SendTime.Before(at) {
		due = &at
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&messageRow{}).
			Where("tenant_id = ? AND id = ? AND revision = ?", m.TenantID, m.ID, m.Revision).
			Updates(map[string]any{
				"payload": m.Payload, "state": m.State, "state_reason": m.StateReason,
				"send_time": ts(m.SendTime), "expire_time": ts(m.ExpireTime), "attempts": m.Attempts,
				"due_time": due, "lease_owner": "", "lease_expire_time": nil,
				// A message queued again (re-driven) is a new delivery: it takes a new
				// acceptance rather than reuse one that may have been spent.
				"reserved": m.Reserved && m.State != "QUEUED",
				"revision": gorm.Expr("revision + 1"), "update_time": at,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFoundOrConflictIn(tx, &messageRow{}, "tenant_id = ? AND id = ?", m.TenantID, m.ID)
		}
		if ev == nil {
			return nil
		}
		e := *ev
		e.TenantID, e.MessageID, e.Revision = m.TenantID, m.ID, m.Revision+1
		if e.Time.IsZero() {
			e.Time = at
		}
		return tx.Create(eventToRow(&e)).Error
	})
	if err != nil {
		return s.fail("update message", err)
	}
	m.Revision++
	m.UpdateTime, m.DueTime, m.LeaseOwner, m.LeaseExpireTime = at, *due, "", nil
	m.Reserved = m.Reserved && m.State != "QUEUED"
	return nil
}
