package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// heldChannel is true for a message whose channel holds its messages on purpose; the
// dispatcher does not claim them until the channel is enabled again.
const heldChannel = "EXISTS (SELECT 1 FROM channels c WHERE c.tenant_id = messages.tenant_id AND c.id = messages.channel_id AND c.state IN ('DISABLED', 'AUTH_FAILED'))"

// OldestDueMessage reads the oldest due time per waiting state, each as "state = ? ORDER
// BY due_time LIMIT 1": a seek on messages_due (state, due_time) that stops at the first
// row of a channel that may send. (A MIN() over both states would not use the index
// order on every database once the channel check is added.)
func (s *Store) OldestDueMessage(ctx context.Context, now time.Time) (time.Time, bool, error) {
	at := now.UTC().Truncate(time.Microsecond)
	var oldest time.Time
	found := false
	for _, state := range waitingStates {
		due, ok, err := s.firstDue(s.db.WithContext(ctx).Model(&messageRow{}).
			Where("state = ? AND due_time <= ?", state, at).Where("NOT " + heldChannel))
		if err != nil {
			return time.Time{}, false, s.fail("oldest due message", err)
		}
		if ok && (!found || due.Before(oldest)) {
			oldest, found = due, true
		}
	}
	return oldest, found, nil
}

// OldestDueWebhookDelivery seeks webhook_deliveries_due (state, due_time) the same way,
// with the check ClaimWebhookDeliveries makes: the endpoint is ENABLED.
func (s *Store) OldestDueWebhookDelivery(ctx context.Context, now time.Time) (time.Time, bool, error) {
	at := now.UTC().Truncate(time.Microsecond)
	due, ok, err := s.firstDue(s.db.WithContext(ctx).Model(&deliveryRow{}).
		Where("state = ? AND due_time <= ?", store.DeliveryPending, at).
		Where("EXISTS (SELECT 1 FROM webhooks w WHERE w.tenant_id = webhook_deliveries.tenant_id AND w.id = webhook_deliveries.webhook_id AND w.state = ?)", "ENABLED"))
	if err != nil {
		return time.Time{}, false, s.fail("oldest due webhook delivery", err)
	}
	return due, ok, nil
}

// firstDue returns the due_time of q's first row by due_time.
func (s *Store) firstDue(q *gorm.DB) (time.Time, bool, error) {
	var due []time.Time
	if err := q.Order("due_time").Limit(1).Pluck("due_time", &due).Error; err != nil {
		return time.Time{}, false, err
	}
	if len(due) == 0 {
		return time.Time{}, false, nil
	}
	return due[0].UTC(), true, nil
}

// CountChannels counts channels by state: a scan of the channels table, which holds a
// row per configured Alipay app, not per message.
func (s *Store) CountChannels(ctx context.Context) (map[string]int64, error) {
	var rows []struct {
		State string
		N     int64
	}
	err := s.db.WithContext(ctx).Model(&channelRow{}).Select("state, COUNT(*) AS n").Group("state").Scan(&rows).Error
	if err != nil {
		return nil, s.fail("count channels", err)
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, nil
}

// CountWebhooks counts endpoints by state and failure streak, in one scan of webhooks.
func (s *Store) CountWebhooks(ctx context.Context) (store.WebhookCounts, error) {
	var rows []struct {
		State   string
		Failing bool
		N       int64
	}
	err := s.db.WithContext(ctx).Model(&webhookRow{}).
		Select("state, CASE WHEN failing_since IS NULL THEN 0 ELSE 1 END AS failing, COUNT(*) AS n").
		Group("state, CASE WHEN failing_since IS NULL THEN 0 ELSE 1 END").Scan(&rows).Error
	if err != nil {
		return store.WebhookCounts{}, s.fail("count webhooks", err)
	}
	out := store.WebhookCounts{ByState: map[string]int64{}}
	for _, r := range rows {
		out.ByState[r.State] += r.N
		if r.Failing && r.State == "ENABLED" {
			out.Failing += r.N
		}
	}
	return out, nil
}
