package gormstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// relayID names the one row of webhook_relay.
const relayID = "webhooks"

type relayRow struct {
	ID          string     `gorm:"column:id;primaryKey"`
	LeaseOwner  string     `gorm:"column:lease_owner"`
	LeaseExpire *time.Time `gorm:"column:lease_expire_time"`
	FeedState   string     `gorm:"column:feed_state"`
	UpdateTime  time.Time  `gorm:"column:update_time"`
}

func (relayRow) TableName() string { return "webhook_relay" }

type deliveryRow struct {
	TenantID    string     `gorm:"column:tenant_id;primaryKey"`
	WebhookID   string     `gorm:"column:webhook_id;primaryKey"`
	EventID     string     `gorm:"column:event_id;primaryKey"`
	Type        string     `gorm:"column:event_type"`
	Payload     string     `gorm:"column:payload"`
	State       string     `gorm:"column:state"`
	Attempts    int        `gorm:"column:attempts"`
	DueTime     time.Time  `gorm:"column:due_time"`
	LeaseOwner  string     `gorm:"column:lease_owner"`
	LeaseExpire *time.Time `gorm:"column:lease_expire_time"`
	LastStatus  int        `gorm:"column:last_status"`
	LastError   string     `gorm:"column:last_error"`
	CreateTime  time.Time  `gorm:"column:create_time"`
	UpdateTime  time.Time  `gorm:"column:update_time"`
}

func (deliveryRow) TableName() string { return "webhook_deliveries" }

func (r *deliveryRow) record() *store.WebhookDelivery {
	return &store.WebhookDelivery{TenantID: r.TenantID, WebhookID: r.WebhookID, EventID: r.EventID, Type: r.Type,
		Payload: r.Payload, State: r.State, Attempts: r.Attempts, DueTime: r.DueTime.UTC(), LastStatus: r.LastStatus,
		LastError: r.LastError, CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}
}

type attemptRow struct {
	ID         int64     `gorm:"column:id;primaryKey;autoIncrement"`
	TenantID   string    `gorm:"column:tenant_id"`
	WebhookID  string    `gorm:"column:webhook_id"`
	EventID    string    `gorm:"column:event_id"`
	Attempt    int       `gorm:"column:attempt"`
	Time       time.Time `gorm:"column:attempt_time"`
	StatusCode int       `gorm:"column:status_code"`
	Error      string    `gorm:"column:error"`
	LatencyUS  int64     `gorm:"column:latency_us"`
	Replica    string    `gorm:"column:replica"`
}

func (attemptRow) TableName() string { return "webhook_attempts" }

// LeaseWebhookRelay takes or keeps the relay's lease and returns its feed state.
func (s *Store) LeaseWebhookRelay(ctx context.Context, owner string, at, until time.Time) (string, bool, error) {
	at, until = at.UTC().Truncate(time.Microsecond), until.UTC().Truncate(time.Microsecond)
	var row relayRow
	ok := false
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		first := relayRow{ID: relayID, UpdateTime: at}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&first).Error; err != nil {
			return err
		}
		res := tx.Model(&relayRow{}).
			Where("id = ? AND (lease_owner = ? OR lease_owner = '' OR lease_expire_time < ?)", relayID, owner, at).
			Updates(map[string]any{"lease_owner": owner, "lease_expire_time": until})
		if ok = res.RowsAffected == 1; res.Error != nil || !ok {
			return res.Error
		}
		return tx.Where("id = ?", relayID).Take(&row).Error
	})
	if err != nil {
		return "", false, s.fail("lease webhook relay", err)
	}
	return row.FeedState, ok, nil
}

// QueueWebhookDeliveries inserts ds and saves the feed state while owner holds the relay.
func (s *Store) QueueWebhookDeliveries(ctx context.Context, owner string, ds []*store.WebhookDelivery, state string) error {
	at := now()
	rows := make([]deliveryRow, len(ds))
	for i, d := range ds {
		rows[i] = deliveryRow{TenantID: d.TenantID, WebhookID: d.WebhookID, EventID: d.EventID, Type: d.Type,
			Payload: d.Payload, State: store.DeliveryPending, DueTime: at, CreateTime: at, UpdateTime: at}
	}
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&relayRow{}).Where("id = ? AND lease_owner = ?", relayID, owner).
			Updates(map[string]any{"feed_state": state, "update_time": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrStale
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.Clauses(clause.OnConflict{DoNothing: true}).CreateInBatches(rows, insertChunk).Error
	})
	return s.fail("queue webhook deliveries", err)
}

// WebhookTargets returns the ENABLED endpoints of tenantIDs, without their secrets.
func (s *Store) WebhookTargets(ctx context.Context, tenantIDs []string) ([]*store.Webhook, error) {
	if len(tenantIDs) == 0 {
		return nil, nil
	}
	var rows []webhookRow
	err := s.db.WithContext(ctx).Omit("secret", "previous_secret").
		Where("tenant_id IN ? AND state = ?", tenantIDs, "ENABLED").Find(&rows).Error
	if err != nil {
		return nil, s.fail("webhook targets", err)
	}
	out := make([]*store.Webhook, 0, len(rows))
	for i := range rows {
		w, err := rows[i].record()
		if err != nil {
			return nil, s.fail("webhook targets", err)
		}
		out = append(out, w)
	}
	return out, nil
}

// AnyWebhookTargets reports whether any endpoint is ENABLED.
func (s *Store) AnyWebhookTargets(ctx context.Context) (bool, error) {
	var ids []string
	if err := s.db.WithContext(ctx).Model(&webhookRow{}).Where("state = ?", "ENABLED").Limit(1).Pluck("id", &ids).Error; err != nil {
		return false, s.fail("any webhook targets", err)
	}
	return len(ids) > 0, nil
}

// ClaimWebhookDeliveries leases due deliveries of enabled endpoints.
func (s *Store) ClaimWebhookDeliveries(ctx context.Context, owner string, at time.Time, lease time.Duration, limit int) ([]*store.WebhookDelivery, error) {
	if owner == "" || limit <= 0 {
		return nil, s.fail("claim webhook deliveries", fmt.Errorf("%w: claim needs an owner and a limit", store.ErrInvalid))
	}
	at = at.UTC().Truncate(time.Microsecond)
	expire := at.Add(lease)
	var out []*store.WebhookDelivery
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		out = out[:0]
		q := tx.Model(&deliveryRow{}).
			Where("state = ? AND due_time <= ? AND (lease_owner = '' OR lease_expire_time < ?)", store.DeliveryPending, at, at).
			Where("EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant_id = webhook_deliveries.tenant_id AND w.id = webhook_deliveries.webhook_id AND w.state = ?)", "ENABLED").
			Order("due_time").Limit(limit)
		if s.dialect.SkipLocked {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []deliveryRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		for i := range rows {
			r := &rows[i]
			err := tx.Model(&deliveryRow{}).Where("tenant_id = ? AND webhook_id = ? AND event_id = ?", r.TenantID, r.WebhookID, r.EventID).
				Updates(map[string]any{"lease_owner": owner, "lease_expire_time": expire}).Error
			if err != nil {
				return err
			}
			out = append(out, r.record())
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("claim webhook deliveries", err)
	}
	return out, nil
}

// RecordWebhookAttempt records a try and its effect on the delivery and the endpoint.
func (s *Store) RecordWebhookAttempt(ctx context.Context, owner string, d *store.WebhookDelivery, a *store.WebhookAttempt, disableAfter time.Duration) (bool, error) {
	at := now()
	disabled := false
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		disabled = false
		res := tx.Model(&deliveryRow{}).
			Where("tenant_id = ? AND webhook_id = ? AND event_id = ? AND lease_owner = ? AND state = ?", d.TenantID, d.WebhookID, d.EventID, owner, store.DeliveryPending).
			Updates(map[string]any{"state": d.State, "attempts": d.Attempts, "due_time": d.DueTime.UTC().Truncate(time.Microsecond),
				"last_status": d.LastStatus, "last_error": d.LastError, "lease_owner": "", "lease_expire_time": nil, "update_time": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrStale
		}
		row := attemptRow{TenantID: d.TenantID, WebhookID: d.WebhookID, EventID: d.EventID, Attempt: a.Attempt,
			Time: a.Time.UTC().Truncate(time.Microsecond), StatusCode: a.StatusCode, Error: a.Error,
			LatencyUS: a.Latency.Microseconds(), Replica: a.Replica}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		a.ID = row.ID
		// The endpoint's failure streak: cleared by a success, started by a first failure.
		hook := "tenant_id = ? AND id = ? AND failing_since IS NULL"
		if a.Error == "" {
			hook = "tenant_id = ? AND id = ? AND failing_since IS NOT NULL"
			return tx.Model(&webhookRow{}).Where(hook, d.TenantID, d.WebhookID).Update("failing_since", nil).Error
		}
		if err := tx.Model(&webhookRow{}).Where(hook, d.TenantID, d.WebhookID).Update("failing_since", at).Error; err != nil {
			return err
		}
		res = tx.Model(&webhookRow{}).
			Where("tenant_id = ? AND id = ? AND state = ? AND failing_since < ?", d.TenantID, d.WebhookID, "ENABLED", at.Add(-disableAfter)).
			Updates(map[string]any{"state": "DISABLED", "failing_since": nil,
				"state_reason": fmt.Sprintf("disabled by Reach: every call failed for more than %s (last: %s)", disableAfter, a.Error),
				"revision":     gorm.Expr("revision + 1"), "update_time": at})
		disabled = res.RowsAffected == 1
		return res.Error
	})
	if err != nil {
		return false, s.fail("record webhook attempt", err)
	}
	return disabled, nil
}

// ExtendWebhookLeases renews owner's leases on ds: one statement per endpoint, like
// ExtendLeases per channel.
func (s *Store) ExtendWebhookLeases(ctx context.Context, owner string, ds []*store.WebhookDelivery, until time.Time) (int, error) {
	n := 0
	for _, g := range groupIDs(len(ds), func(i int) (string, string, string) { return ds[i].TenantID, ds[i].WebhookID, ds[i].EventID }) {
		res := s.db.WithContext(ctx).Model(&deliveryRow{}).
			Where("tenant_id = ? AND webhook_id = ? AND event_id IN ? AND lease_owner = ? AND state = ?", g.tenant, g.channel, g.ids, owner, store.DeliveryPending).
			Update("lease_expire_time", until.UTC().Truncate(time.Microsecond))
		if res.Error != nil {
			return n, s.fail("extend webhook leases", res.Error)
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// ReleaseWebhookDeliveries clears owner's leases on ds.
func (s *Store) ReleaseWebhookDeliveries(ctx context.Context, owner string, ds []*store.WebhookDelivery) error {
	return s.fail("release webhook deliveries", s.inTx(ctx, func(tx *gorm.DB) error {
		for _, d := range ds {
			err := tx.Model(&deliveryRow{}).
				Where("tenant_id = ? AND webhook_id = ? AND event_id = ? AND lease_owner = ?", d.TenantID, d.WebhookID, d.EventID, owner).
				Updates(map[string]any{"lease_owner": "", "lease_expire_time": nil}).Error
			if err != nil {
				return err
			}
		}
		return nil
	}))
}

// ListWebhookDeliveries lists an endpoint's deliveries by event id.
func (s *Store) ListWebhookDeliveries(ctx context.Context, tenantID, webhookID string, f store.WebhookDeliveryFilter, p store.Page) ([]*store.WebhookDelivery, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("webhook_id = ?", webhookID)
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Type != "" {
		q = q.Where("event_type = ?", f.Type)
	}
	q, size, err := paginate[deliveryRow](q, p, "event_id")
	if err != nil {
		return nil, "", s.fail("list webhook deliveries", err)
	}
	var rows []deliveryRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list webhook deliveries", err)
	}
	rows, next := cut(rows, size, func(r *deliveryRow) []string { return []string{r.EventID} })
	out := make([]*store.WebhookDelivery, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, next, nil
}

// GetWebhookDelivery returns one delivery.
func (s *Store) GetWebhookDelivery(ctx context.Context, tenantID, webhookID, eventID string) (*store.WebhookDelivery, error) {
	var row deliveryRow
	err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("webhook_id = ? AND event_id = ?", webhookID, eventID).Take(&row).Error
	if err != nil {
		return nil, s.fail("get webhook delivery", err)
	}
	return row.record(), nil
}

// ListWebhookAttempts lists the tries of one delivery in the order they were made.
func (s *Store) ListWebhookAttempts(ctx context.Context, tenantID, webhookID, eventID string, p store.Page) ([]*store.WebhookAttempt, string, error) {
	size := min(max(p.Size, 0), maxPageSize)
	if size == 0 {
		size = defaultPageSize
	}
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("webhook_id = ? AND event_id = ?", webhookID, eventID)
	if p.Token != "" {
		after, err := idToken[attemptRow](p.Token)
		if err != nil {
			return nil, "", s.fail("list webhook attempts", err)
		}
		q = q.Where("id > ?", after)
	}
	var rows []attemptRow
	if err := q.Order("id").Limit(size + 1).Find(&rows).Error; err != nil {
		return nil, "", s.fail("list webhook attempts", err)
	}
	rows, next := cut(rows, size, func(r *attemptRow) []string { return []string{strconv.FormatInt(r.ID, 10)} })
	out := make([]*store.WebhookAttempt, len(rows))
	for i, r := range rows {
		out[i] = &store.WebhookAttempt{ID: r.ID, TenantID: r.TenantID, WebhookID: r.WebhookID, EventID: r.EventID,
			Attempt: r.Attempt, Time: r.Time.UTC(), StatusCode: r.StatusCode, Error: r.Error,
			Latency: time.Duration(r.LatencyUS) * time.Microsecond, Replica: r.Replica}
	}
	return out, next, nil
}
