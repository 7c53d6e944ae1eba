package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// A broadcast's recipients are the channel's ledger rows in subscription id order (the
// subscriptions_channel index), narrowed by the broadcast. ONE_TIME rows with no
// acceptance left are not recipients (the dispatcher spends one acceptance per message).
const recipientsWhere = "s.tenant_id = ? AND s.channel_id = ? AND s.id > ? AND s.kind = ? AND s.template_id = ? " +
	"AND s.state = 'ACTIVE' AND (s.type <> 'ONE_TIME' OR s.remaining_sends > 0) AND (? = '' OR s.type = ?)"

func recipientArgs(b *broadcastRow) []any {
	return []any{b.TenantID, b.ChannelID, b.Cursor, b.LedgerKind, b.LedgerTemplate, b.SubscriptionType, b.SubscriptionType}
}

// enqueueSQL writes the next batch of messages straight from the ledger, in the database:
// no recipient passes through Go. The derived table is the next size recipients after the
// cursor (a range of the subscriptions_channel index); every other column comes from the
// broadcast row (update_time was set to this batch's time by the guarded update just
// before). Message ids are the broadcast id and the recipient's position in the broadcast
// (offset so every id has the same length), so a batch written twice would collide on the
// primary key instead of enqueuing anyone twice.
const enqueueSQL = "INSERT INTO messages (tenant_id, id, channel_id, template_id, request_id, batch_index, recipient_kind, recipient_id, " +
	"payload, state, state_reason, send_time, expire_time, attempts, due_time, lease_owner, lease_expire_time, sent_time, external_id, " +
	"last_error, reserved, broadcast_id, revision, create_time, update_time) " +
	"SELECT b.tenant_id, CONCAT(b.id, '-', b.enqueued + 10000000000 + ROW_NUMBER() OVER (ORDER BY s.id)), b.channel_id, b.template_id, '', " +
	"b.enqueued + ROW_NUMBER() OVER (ORDER BY s.id), s.user_kind, s.user_id, b.payload, 'QUEUED', ?, NULL, b.expire_time, 0, b.update_time, '', NULL, NULL, '', " +
	"NULL, FALSE, b.id, 1, b.update_time, b.update_time " +
	"FROM (SELECT s.id, s.user_kind, s.user_id FROM subscriptions s WHERE " + recipientsWhere + " ORDER BY s.id LIMIT ?) s " +
	"JOIN broadcasts b ON b.tenant_id = ? AND b.id = ?"

// lastRecipientSQL finds the subscription id of a broadcast message's recipient (by the
// ledger's primary key), to move the cursor to the last recipient of a batch.
const lastRecipientSQL = "SELECT s.id FROM messages m JOIN subscriptions s ON s.tenant_id = m.tenant_id AND s.channel_id = m.channel_id " +
	"AND s.template_id = ? AND s.kind = ? AND s.user_kind = m.recipient_kind AND s.user_id = m.recipient_id WHERE m.tenant_id = ? AND m.id = ?"

// ClaimBroadcast leases one broadcast that needs enqueuing to owner. Candidates are read
// without locks; the conditional update decides which runner gets each one.
func (s *Store) ClaimBroadcast(ctx context.Context, owner string, at time.Time, lease time.Duration) (*store.Broadcast, error) {
	at = at.UTC().Truncate(time.Microsecond)
	db := s.db.WithContext(ctx)
	var rows []broadcastRow
	// The owner's own lease counts as free: a runner whose batch failed takes it up again.
	err := db.Where("((state = ? AND start_time <= ?) OR (state = ? AND enqueue_done = ?)) AND (lease_owner = '' OR lease_owner = ? OR lease_expire_time < ?)",
		store.BroadcastScheduled, at, store.BroadcastRunning, false, owner, at).Order("start_time").Limit(8).Find(&rows).Error
	if err != nil {
		return nil, s.fail("claim broadcast", err)
	}
	expire := at.Add(lease)
	for i := range rows {
		r := &rows[i]
		res := db.Model(&broadcastRow{}).
			Where("tenant_id = ? AND id = ? AND state = ? AND revision = ?", r.TenantID, r.ID, r.State, r.Revision).
			Updates(map[string]any{"state": store.BroadcastRunning, "state_reason": "", "lease_owner": owner, "lease_expire_time": expire,
				"revision": gorm.Expr("revision + 1"), "update_time": at})
		if res.Error != nil {
			return nil, s.fail("claim broadcast", res.Error)
		}
		if res.RowsAffected == 1 {
			r.State, r.LeaseOwner, r.LeaseExpire, r.Revision, r.UpdateTime = store.BroadcastRunning, owner, &expire, r.Revision+1, at
			return r.record(), nil
		}
	}
	return nil, nil
}

// EnqueueBroadcastBatch enqueues the next batch of recipients in one transaction.
func (s *Store) EnqueueBroadcastBatch(ctx context.Context, owner string, ref store.BroadcastRef, size int, at time.Time, lease time.Duration) (int, bool, error) {
	at = at.UTC().Truncate(time.Microsecond)
	var n int
	var done bool
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		n, done = 0, false
		var b broadcastRow
		if err := tx.Where("tenant_id = ? AND id = ?", ref.TenantID, ref.ID).Take(&b).Error; err != nil {
			return err
		}
		if b.State != store.BroadcastRunning || b.LeaseOwner != owner || b.EnqueueDone {
			return store.ErrLeaseLost
		}
		// The guard: only the lease holder, from the cursor it read, writes a batch. It also
		// takes the row lock, so a runner that lost its lease meanwhile waits here and then
		// matches nothing.
		res := tx.Model(&broadcastRow{}).
			Where("tenant_id = ? AND id = ? AND state = ? AND lease_owner = ? AND cursor_id = ? AND enqueued = ?",
				b.TenantID, b.ID, store.BroadcastRunning, owner, b.Cursor, b.Enqueued).
			Updates(map[string]any{"lease_expire_time": at.Add(lease), "update_time": at,
				"revision": gorm.Expr("revision + 1")}) // always a change: MySQL counts changed rows, not matched ones
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return store.ErrLeaseLost
		}
		args := append(append([]any{reasonBroadcastQueued}, recipientArgs(&b)...), size, b.TenantID, b.ID)
		ins := tx.Exec(enqueueSQL, args...)
		if ins.Error != nil {
			return ins.Error
		}
		n = int(ins.RowsAffected)
		done = n < size
		cursor := b.Cursor
		if n > 0 {
			var last []string
			lastID := fmt.Sprintf("%s-%d", b.ID, b.Enqueued+10000000000+int64(n))
			if err := tx.Raw(lastRecipientSQL, b.LedgerTemplate, b.LedgerKind, b.TenantID, lastID).Scan(&last).Error; err != nil {
				return err
			}
			if len(last) != 1 {
				return fmt.Errorf("broadcast %s: the last message of a batch (%s) has no ledger row", b.ID, lastID)
			}
			cursor = last[0]
		}
		return tx.Model(&broadcastRow{}).Where("tenant_id = ? AND id = ?", b.TenantID, b.ID).
			Updates(map[string]any{"cursor_id": cursor, "enqueued": gorm.Expr("enqueued + ?", n), "enqueue_done": done}).Error
	})
	if errors.Is(err, store.ErrLeaseLost) {
		return 0, false, err
	}
	if err != nil {
		return 0, false, s.fail("enqueue broadcast", err)
	}
	return n, done, nil
}

// reasonBroadcastDone is the state reason of a COMPLETED broadcast.
const reasonBroadcastDone = "every recipient's message is finished"

// CompleteBroadcasts is the one place a broadcast becomes COMPLETED: RUNNING, every
// recipient enqueued, and no message of it waiting. Each completion writes its
// broadcast.completed event in the same transaction.
func (s *Store) CompleteBroadcasts(ctx context.Context, at time.Time, limit int) ([]*store.Broadcast, error) {
	at = at.UTC().Truncate(time.Microsecond)
	db := s.db.WithContext(ctx)
	var rows []broadcastRow
	err := db.Where("state = ? AND enqueue_done = ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = broadcasts.tenant_id AND m.broadcast_id = broadcasts.id AND m.state IN ?)",
		store.BroadcastRunning, true, waitingStates).Order("start_time").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, s.fail("complete broadcasts", err)
	}
	var out []*store.Broadcast
	for i := range rows {
		r := &rows[i]
		// The change and its broadcast.completed event (for webhooks) in one transaction.
		done := false
		err := s.inTx(ctx, func(tx *gorm.DB) error {
			res := tx.Model(&broadcastRow{}).
				Where("tenant_id = ? AND id = ? AND state = ? AND enqueue_done = ? AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = ? AND m.broadcast_id = ? AND m.state IN ?)",
					r.TenantID, r.ID, store.BroadcastRunning, true, r.TenantID, r.ID, waitingStates).
				Updates(map[string]any{"state": store.BroadcastCompleted, "state_reason": reasonBroadcastDone,
					"lease_owner": "", "lease_expire_time": nil, "end_time": at, "revision": gorm.Expr("revision + 1"), "update_time": at})
			if done = res.RowsAffected == 1; res.Error != nil || !done {
				return res.Error
			}
			return addResourceEvent(tx, r.TenantID, store.EventBroadcastCompleted, "broadcasts/"+r.ID, r.Revision+1,
				store.BroadcastCompleted, reasonBroadcastDone, at)
		})
		if err != nil {
			return out, s.fail("complete broadcasts", err)
		}
		if done {
			b, err := s.GetBroadcast(ctx, r.TenantID, r.ID)
			if err != nil {
				return out, err
			}
			out = append(out, b)
		}
	}
	return out, nil
}
