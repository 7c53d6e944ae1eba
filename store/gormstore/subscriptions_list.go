package gormstore

import (
	"context"
	"time"

	"github.com/reachhq/reach/store"
)

// ListSubscriptions lists a channel's ledger rows by id; channelID "" lists every channel's.
// Subscription ids are generated UUIDs, unique per tenant, so id alone orders the listing.
func (s *Store) ListSubscriptions(ctx context.Context, tenantID, channelID string, f store.SubscriptionFilter, p store.Page) ([]*store.Subscription, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID))
	if channelID != "" {
		q = q.Where("channel_id = ?", channelID)
	}
	if f.TemplateID != "" {
		q = q.Where("template_id = ?", f.TemplateID)
	}
	if f.User.ID != "" {
		q = q.Where("user_id = ?", f.User.ID)
	}
	if f.User.Kind != "" {
		q = q.Where("user_kind = ?", f.User.Kind)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Kind != "" {
		q = q.Where("kind = ?", f.Kind)
	}
	q, size, err := paginate[subscriptionRow](q, p, "id")
	if err != nil {
		return nil, "", s.fail("list subscriptions", err)
	}
	var rows []subscriptionRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list subscriptions", err)
	}
	rows, next := cut(rows, size, func(r *subscriptionRow) []string { return []string{r.ID} })
	out := make([]*store.Subscription, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, next, nil
}

// ListExpiringTokens lists ACTIVE authorizations whose access token expires before before,
// across tenants, soonest first (index subscriptions_token_expiry).
func (s *Store) ListExpiringTokens(ctx context.Context, before time.Time, limit int) ([]*store.Subscription, error) {
	if limit <= 0 {
		limit = 100
	}
	var rows []subscriptionRow
	err := s.db.WithContext(ctx).
		Where("kind = ? AND state = ? AND token_expire_time IS NOT NULL AND token_expire_time < ?", "AUTHORIZATION", "ACTIVE", before.UTC()).
		Order("token_expire_time").Order("tenant_id").Order("id").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, s.fail("list expiring tokens", err)
	}
	out := make([]*store.Subscription, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, nil
}
