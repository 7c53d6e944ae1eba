package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// broadcastRow is one broadcast; request_id is NULL when the caller gave none, so the
// unique (tenant_id, request_id) holds only for given ones.
type broadcastRow struct {
	TenantID         string     `gorm:"column:tenant_id;primaryKey"`
	ID               string     `gorm:"column:id;primaryKey"`
	ChannelID        string     `gorm:"column:channel_id"`
	TemplateID       string     `gorm:"column:template_id"`
	RequestID        *string    `gorm:"column:request_id"`
	RequestHash      string     `gorm:"column:request_hash"`
	LedgerKind       string     `gorm:"column:ledger_kind"`
	LedgerTemplate   string     `gorm:"column:ledger_template"`
	SubscriptionType string     `gorm:"column:subscription_type"`
	Payload          []byte     `gorm:"column:payload"`
	State            string     `gorm:"column:state"`
	StateReason      string     `gorm:"column:state_reason"`
	StartTime        time.Time  `gorm:"column:start_time"`
	ExpireTime       time.Time  `gorm:"column:expire_time"`
	Cursor           string     `gorm:"column:cursor_id"`
	Enqueued         int64      `gorm:"column:enqueued"`
	EnqueueDone      bool       `gorm:"column:enqueue_done"`
	LeaseOwner       string     `gorm:"column:lease_owner"`
	LeaseExpire      *time.Time `gorm:"column:lease_expire_time"`
	EndTime          *time.Time `gorm:"column:end_time"`
	Revision         int64      `gorm:"column:revision"`
	CreateTime       time.Time  `gorm:"column:create_time"`
	UpdateTime       time.Time  `gorm:"column:update_time"`
}

func (broadcastRow) TableName() string { return "broadcasts" }

func (r *broadcastRow) record() *store.Broadcast {
	b := &store.Broadcast{TenantID: r.TenantID, ID: r.ID, ChannelID: r.ChannelID, TemplateID: r.TemplateID,
		RequestHash: r.RequestHash, LedgerKind: r.LedgerKind, LedgerTemplate: r.LedgerTemplate,
		SubscriptionType: r.SubscriptionType, Payload: bytesOut(r.Payload), State: r.State, StateReason: r.StateReason,
		StartTime: r.StartTime.UTC(), ExpireTime: r.ExpireTime.UTC(), Cursor: r.Cursor, Enqueued: r.Enqueued,
		EnqueueDone: r.EnqueueDone, LeaseOwner: r.LeaseOwner, LeaseExpire: utc(r.LeaseExpire), EndTime: utc(r.EndTime),
		Revision: r.Revision, CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}
	if r.RequestID != nil {
		b.RequestID = *r.RequestID
	}
	return b
}

// Reasons the store gives a broadcast's messages.
const (
	reasonBroadcastQueued    = "waiting to be sent"
	reasonBroadcastPaused    = store.ReasonBroadcastPaused
	reasonBroadcastCancelled = store.ReasonBroadcastCancelled
)

// pausedDue is the due time of a paused broadcast's held messages: never, until resumed.
var pausedDue = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)

// BroadcastState reads one broadcast's state.
func (s *Store) BroadcastState(ctx context.Context, tenantID, id string) (string, error) {
	var row broadcastRow
	err := s.db.WithContext(ctx).Select("state").Where("tenant_id = ? AND id = ?", tenantID, id).Take(&row).Error
	if err != nil {
		return "", s.fail("broadcast state", err)
	}
	return row.State, nil
}

// CreateBroadcast stores b, or finds the broadcast recorded under its request id.
func (s *Store) CreateBroadcast(ctx context.Context, b *store.Broadcast) (bool, *store.Broadcast, error) {
	if err := checkIDs("tenant id", b.TenantID, "broadcast id", b.ID, "channel id", b.ChannelID, "template id", b.TemplateID); err != nil {
		return false, nil, s.fail("create broadcast", err)
	}
	t := now()
	row := &broadcastRow{TenantID: b.TenantID, ID: b.ID, ChannelID: b.ChannelID, TemplateID: b.TemplateID,
		RequestID: nonEmpty(b.RequestID), RequestHash: b.RequestHash, LedgerKind: b.LedgerKind,
		LedgerTemplate: b.LedgerTemplate, SubscriptionType: b.SubscriptionType, Payload: b.Payload,
		State: store.BroadcastScheduled, StateReason: b.StateReason, StartTime: b.StartTime.UTC().Truncate(time.Microsecond),
		ExpireTime: b.ExpireTime.UTC().Truncate(time.Microsecond), Revision: 1, CreateTime: t, UpdateTime: t}
	err := s.db.WithContext(ctx).Create(row).Error
	if err != nil && b.RequestID != "" && errors.Is(classify(s.dialect, err), store.ErrAlreadyExists) {
		var found broadcastRow
		ferr := s.db.WithContext(ctx).Where("tenant_id = ? AND request_id = ?", b.TenantID, b.RequestID).Take(&found).Error
		if ferr == nil {
			existing := found.record()
			return false, existing, s.fail("create broadcast", s.progress(ctx, []*store.Broadcast{existing}))
		}
	}
	if err != nil {
		return false, nil, s.fail("create broadcast", err)
	}
	*b = *row.record()
	return true, nil, nil
}

// GetBroadcast returns one broadcast of the tenant with its progress.
func (s *Store) GetBroadcast(ctx context.Context, tenantID, id string) (*store.Broadcast, error) {
	var row broadcastRow
	if err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, s.fail("get broadcast", err)
	}
	b := row.record()
	return b, s.fail("get broadcast", s.progress(ctx, []*store.Broadcast{b}))
}

// FindBroadcastRequest returns the broadcast recorded under requestID.
func (s *Store) FindBroadcastRequest(ctx context.Context, tenantID, requestID string) (*store.Broadcast, error) {
	var row broadcastRow
	if err := s.db.WithContext(ctx).Where("tenant_id = ? AND request_id = ?", tenantID, requestID).Take(&row).Error; err != nil {
		return nil, s.fail("find broadcast request", err)
	}
	b := row.record()
	return b, s.fail("find broadcast request", s.progress(ctx, []*store.Broadcast{b}))
}

// ListBroadcasts lists the tenant's broadcasts by id with their progress.
func (s *Store) ListBroadcasts(ctx context.Context, tenantID string, p store.Page) ([]*store.Broadcast, string, error) {
	q, size, err := paginate[broadcastRow](s.db.WithContext(ctx).Scopes(tenantScope(tenantID)), p, "id")
	if err != nil {
		return nil, "", s.fail("list broadcasts", err)
	}
	var rows []broadcastRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list broadcasts", err)
	}
	rows, next := cut(rows, size, func(r *broadcastRow) []string { return []string{r.ID} })
	out := make([]*store.Broadcast, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, next, s.fail("list broadcasts", s.progress(ctx, out))
}

// progress counts the messages of bs (all of one tenant) by state.
//
// Counted on read, not kept as counters: the messages_broadcast index (tenant_id,
// broadcast_id, state) makes the count an index range scan, and counters would have to be
// moved by every path that changes a message's state (the dispatcher's completions, the
// expiry sweep, cancels, re-drives) in the same transactions, which couples the hot
// delivery path to broadcasts and is easy to get wrong. A read of a 1M-recipient broadcast
// costs a scan of its index entries, which is fine for a status read.
func (s *Store) progress(ctx context.Context, bs []*store.Broadcast) error {
	if len(bs) == 0 {
		return nil
	}
	byID := make(map[string]*store.Broadcast, len(bs))
	ids := make([]string, len(bs))
	for i, b := range bs {
		byID[b.ID], ids[i] = b, b.ID
	}
	type count struct {
		BroadcastID string `gorm:"column:broadcast_id"`
		State       string `gorm:"column:state"`
		N           int64  `gorm:"column:n"`
	}
	db := s.db.WithContext(ctx)
	var counts []count
	err := db.Raw("SELECT broadcast_id, state, COUNT(*) AS n FROM messages WHERE tenant_id = ? AND broadcast_id IN ? GROUP BY broadcast_id, state",
		bs[0].TenantID, ids).Scan(&counts).Error
	if err != nil {
		return err
	}
	var skipped []count
	// Skipped: failed without an attempt, because a policy or the ledger said no before
	// Alipay was called. (Alipay's own refusals also begin "not sent:", but count one.)
	err = db.Raw("SELECT broadcast_id, COUNT(*) AS n FROM messages WHERE tenant_id = ? AND broadcast_id IN ? AND state = 'FAILED' AND attempts = 0 GROUP BY broadcast_id",
		bs[0].TenantID, ids).Scan(&skipped).Error
	if err != nil {
		return err
	}
	for _, c := range counts {
		p := &byID[c.BroadcastID].Progress
		switch c.State {
		case "QUEUED", "SENDING":
			p.Queued += c.N
		case "SENT":
			p.Sent += c.N
		case "FAILED":
			p.Failed += c.N
		case "CANCELLED":
			p.Cancelled += c.N
		case "EXPIRED":
			p.Expired += c.N
		}
	}
	for _, c := range skipped {
		p := &byID[c.BroadcastID].Progress
		p.Skipped, p.Failed = c.N, p.Failed-c.N
	}
	return nil
}

// transition moves the broadcast from one of from to the state set applies, in tx.
// ErrNotFound when there is no such broadcast, ErrConflict when it is in another state.
func transition(tx *gorm.DB, tenantID, id string, from []string, set map[string]any) error {
	set["revision"], set["update_time"] = gorm.Expr("revision + 1"), now()
	res := tx.Model(&broadcastRow{}).Where("tenant_id = ? AND id = ? AND state IN ?", tenantID, id, from).Updates(set)
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	var row broadcastRow
	if err := tx.Where("tenant_id = ? AND id = ?", tenantID, id).Take(&row).Error; err != nil {
		return err
	}
	return fmt.Errorf("%w: the broadcast is %s", store.ErrConflict, row.State)
}

// PauseBroadcast stops enqueuing and holds the broadcast's QUEUED messages.
func (s *Store) PauseBroadcast(ctx context.Context, tenantID, id string) (*store.Broadcast, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		err := transition(tx, tenantID, id, []string{store.BroadcastScheduled, store.BroadcastRunning},
			map[string]any{"state": store.BroadcastPaused, "state_reason": "paused", "lease_owner": "", "lease_expire_time": nil})
		if err != nil {
			return err
		}
		return tx.Model(&messageRow{}).Where("tenant_id = ? AND broadcast_id = ? AND state = 'QUEUED' AND lease_owner = ''", tenantID, id).
			Updates(map[string]any{"due_time": pausedDue, "state_reason": reasonBroadcastPaused,
				"revision": gorm.Expr("revision + 1"), "update_time": now()}).Error
	})
	if err != nil {
		return nil, s.fail("pause broadcast", err)
	}
	return s.GetBroadcast(ctx, tenantID, id)
}

// ResumeBroadcast makes a paused broadcast work again and its held messages due now.
func (s *Store) ResumeBroadcast(ctx context.Context, tenantID, id string) (*store.Broadcast, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var row broadcastRow
		if err := tx.Where("tenant_id = ? AND id = ?", tenantID, id).Take(&row).Error; err != nil {
			return err
		}
		at := now()
		state := store.BroadcastRunning
		if row.Cursor == "" && !row.EnqueueDone && row.StartTime.After(at) {
			state = store.BroadcastScheduled
		}
		if err := transition(tx, tenantID, id, []string{store.BroadcastPaused}, map[string]any{"state": state, "state_reason": ""}); err != nil {
			return err
		}
		return tx.Model(&messageRow{}).Where("tenant_id = ? AND broadcast_id = ? AND state = 'QUEUED' AND lease_owner = '' AND due_time = ?", tenantID, id, pausedDue).
			Updates(map[string]any{"due_time": at, "state_reason": reasonBroadcastQueued,
				"revision": gorm.Expr("revision + 1"), "update_time": at}).Error
	})
	if err != nil {
		return nil, s.fail("resume broadcast", err)
	}
	return s.GetBroadcast(ctx, tenantID, id)
}

// CancelBroadcast stops the broadcast and cancels its QUEUED messages no dispatcher holds.
func (s *Store) CancelBroadcast(ctx context.Context, tenantID, id string) (*store.Broadcast, error) {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		at := now()
		err := transition(tx, tenantID, id, []string{store.BroadcastScheduled, store.BroadcastRunning, store.BroadcastPaused},
			map[string]any{"state": store.BroadcastCancelled, "state_reason": "cancelled", "lease_owner": "", "lease_expire_time": nil, "end_time": at})
		if err != nil {
			return err
		}
		cond := "tenant_id = ? AND broadcast_id = ? AND state = 'QUEUED' AND lease_owner = ''"
		// The events first: they select the very messages the update then changes.
		err = tx.Exec("INSERT INTO message_events (tenant_id, message_id, event_time, kind, state, description, attempt, replica, code, msg, sub_code, sub_msg, latency_us) "+
			"SELECT tenant_id, id, ?, ?, ?, ?, attempts, '', '', '', '', '', 0 FROM messages WHERE "+cond,
			at, store.EventCancelled, "CANCELLED", reasonBroadcastCancelled, tenantID, id).Error
		if err != nil {
			return err
		}
		return tx.Model(&messageRow{}).Where(cond, tenantID, id).Updates(map[string]any{"state": "CANCELLED",
			"state_reason": reasonBroadcastCancelled, "revision": gorm.Expr("revision + 1"), "update_time": at}).Error
	})
	if err != nil {
		return nil, s.fail("cancel broadcast", err)
	}
	return s.GetBroadcast(ctx, tenantID, id)
}

// ReleaseBroadcast gives up owner's lease.
func (s *Store) ReleaseBroadcast(ctx context.Context, owner string, ref store.BroadcastRef) error {
	err := s.db.WithContext(ctx).Model(&broadcastRow{}).
		Where("tenant_id = ? AND id = ? AND lease_owner = ?", ref.TenantID, ref.ID, owner).
		Updates(map[string]any{"lease_owner": "", "lease_expire_time": nil}).Error
	return s.fail("release broadcast", err)
}
