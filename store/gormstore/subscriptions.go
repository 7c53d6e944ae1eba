package gormstore

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// stateActive is the state of a row ApplySubscription creates without an explicit state.
const stateActive = "ACTIVE"

// naturalKey is the WHERE clause of the (tenant, channel, template, user) primary key.
const naturalKey = "tenant_id = ? AND channel_id = ? AND template_id = ? AND user_kind = ? AND user_id = ?"

func keyArgs(k store.SubscriptionKey) []any {
	return []any{k.TenantID, k.ChannelID, k.TemplateID, k.User.Kind, k.User.ID}
}

// GetSubscription returns one ledger row by id.
func (s *Store) GetSubscription(ctx context.Context, tenantID, channelID, id string) (*store.Subscription, error) {
	var row subscriptionRow
	err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).
		Where("channel_id = ? AND id = ?", channelID, id).Take(&row).Error
	if err != nil {
		return nil, s.fail("get subscription", err)
	}
	return row.record(), nil
}

// FindSubscription returns the ledger row of a natural key.
func (s *Store) FindSubscription(ctx context.Context, tenantID, channelID, templateID string, user store.UserRef) (*store.Subscription, error) {
	key := store.SubscriptionKey{TenantID: tenantID, ChannelID: channelID, TemplateID: templateID, User: user}
	var row subscriptionRow
	if err := s.db.WithContext(ctx).Where(naturalKey, keyArgs(key)...).Take(&row).Error; err != nil {
		return nil, s.fail("find subscription", err)
	}
	return row.record(), nil
}

// FindSubscriptions returns the rows of keys, in chunks of one statement each.
func (s *Store) FindSubscriptions(ctx context.Context, keys []store.SubscriptionKey) ([]*store.Subscription, error) {
	var out []*store.Subscription
	for chunk := range slices.Chunk(keys, insertChunk*5) {
		tuples := make([][]any, len(chunk))
		for i, k := range chunk {
			tuples[i] = keyArgs(k)
		}
		var rows []subscriptionRow
		err := s.db.WithContext(ctx).Where("(tenant_id, channel_id, template_id, user_kind, user_id) IN ?", tuples).Find(&rows).Error
		if err != nil {
			return nil, s.fail("find subscriptions", err)
		}
		for i := range rows {
			out = append(out, rows[i].record())
		}
	}
	return out, nil
}

// ApplySubscription changes the row of key relative to what is stored, creating it when
// absent, in one transaction. The common case (the row exists) is a single relative UPDATE,
// which takes one row lock: concurrent calls queue on it and none is lost. Creation inserts
// with ON CONFLICT DO NOTHING; a call that loses the creation race applies its change to the
// winner's row instead. Should creators racing on a missing key still deadlock (InnoDB),
// inTx runs them again and the retry takes the UPDATE path.
func (s *Store) ApplySubscription(ctx context.Context, key store.SubscriptionKey, ch store.SubscriptionChange) (*store.Subscription, error) {
	if err := checkKey(key); err != nil {
		return nil, s.fail("apply subscription", err)
	}
	var row subscriptionRow
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if _, err := upsertSubscription(tx, key, ch, now()); err != nil {
			return err
		}
		return tx.Where(naturalKey, keyArgs(key)...).Take(&row).Error
	})
	if err != nil {
		return nil, s.fail("apply subscription", err)
	}
	return row.record(), nil
}

// checkKey rejects a subscription key the schema cannot hold.
func checkKey(key store.SubscriptionKey) error {
	if err := checkIDs("tenant id", key.TenantID, "channel id", key.ChannelID, "user kind", key.User.Kind, "user id", key.User.ID); err != nil {
		return err
	}
	if key.TemplateID != "" { // "" is the template of followers and authorizations
		return checkID("template id", key.TemplateID)
	}
	return nil
}

// upsertSubscription applies ch to the row of key in tx, creating the row when absent. It
// reports false when ch comes from an event older than the row's last one: the row is then
// left exactly as it is.
func upsertSubscription(tx *gorm.DB, key store.SubscriptionKey, ch store.SubscriptionChange, at time.Time) (bool, error) {
	n, err := applyChange(tx, key, ch, at)
	if err != nil || n == 1 {
		return n == 1, err
	}
	if n, err = insertSubscription(tx, key, ch, at); err != nil || n == 1 {
		return n == 1, err
	}
	// The row exists: created concurrently since our UPDATE (change that row), or it holds
	// a newer event than ch.
	if n, err = applyChange(tx, key, ch, at); err != nil || n == 1 {
		return n == 1, err
	}
	if ch.EventTime != nil {
		return false, nil
	}
	return false, errRetry
}

// applyChange updates the stored row of key by ch and returns how many rows it changed.
func applyChange(tx *gorm.DB, key store.SubscriptionKey, ch store.SubscriptionChange, at time.Time) (int64, error) {
	// The state may depend on the new count (StateIfNoSends), so it is computed from the
	// old count first and the count is written by a second statement in the same
	// transaction, whose row lock keeps the two together.
	sends := remainingExpr(ch)
	set := map[string]any{
		"revision":    gorm.Expr("revision + 1"),
		"update_time": at,
	}
	if ch.Type != "" {
		set["type"] = ch.Type
	}
	switch {
	case ch.State != "" && ch.StateIfNoSends:
		set["state"] = gorm.Expr("CASE WHEN "+sends.SQL+" <= 0 THEN ? ELSE state END", append(sends.Vars, ch.State)...)
		set["state_reason"] = gorm.Expr("CASE WHEN "+sends.SQL+" <= 0 THEN ? ELSE state_reason END", append(sends.Vars, ch.StateReason)...)
	case ch.State != "":
		set["state"], set["state_reason"] = ch.State, ch.StateReason
	}
	if ch.AccessToken != nil || ch.RefreshToken != nil {
		set["access_token"], set["refresh_token"] = ch.AccessToken, ch.RefreshToken
		set["token_expire_time"], set["refresh_expire_time"] = ts(ch.TokenExpireTime), ts(ch.RefreshExpireTime)
	}
	q := tx.Model(&subscriptionRow{}).Where(naturalKey, keyArgs(key)...)
	if ch.EventTime != nil {
		set["event_time"] = ts(ch.EventTime)
		q = q.Where("(event_time IS NULL OR event_time <= ?)", ts(ch.EventTime))
	}
	res := q.Updates(set)
	if res.Error == nil && res.RowsAffected == 1 {
		// The count last, so the state expressions above saw the old count. (MySQL counts
		// only rows whose values changed, so this statement's count is not the answer.)
		err := tx.Model(&subscriptionRow{}).Where(naturalKey, keyArgs(key)...).UpdateColumn("remaining_sends", gorm.Expr(sends.SQL, sends.Vars...)).Error
		if err != nil {
			return 0, err
		}
	}
	if res.RowsAffected > 1 {
		return 0, fmt.Errorf("%d rows for one subscription key", res.RowsAffected)
	}
	return res.RowsAffected, res.Error
}

// remainingExpr is the new remaining_sends of ch, as SQL over the row's current value.
func remainingExpr(ch store.SubscriptionChange) clause.Expr {
	switch {
	case ch.ClearSends:
		return clause.Expr{SQL: "0"}
	case ch.MinSends > 0:
		return clause.Expr{SQL: "(CASE WHEN remaining_sends + ? < ? THEN ? ELSE remaining_sends + ? END)", Vars: []any{ch.AddSends, ch.MinSends, ch.MinSends, ch.AddSends}}
	}
	return clause.Expr{SQL: "(remaining_sends + ?)", Vars: []any{ch.AddSends}}
}

// insertSubscription creates the row of key as ch describes it, unless a row exists; it
// returns how many rows it inserted.
func insertSubscription(tx *gorm.DB, key store.SubscriptionKey, ch store.SubscriptionChange, at time.Time) (int64, error) {
	id, err := uuid.NewV7()
	if err != nil {
		return 0, err
	}
	sends := ch.AddSends
	switch {
	case ch.ClearSends:
		sends = 0
	case sends < ch.MinSends:
		sends = ch.MinSends
	}
	state, reason := ch.State, ch.StateReason
	if state == "" || (ch.StateIfNoSends && sends > 0) {
		state, reason = stateActive, ""
	}
	row := subscriptionRow{TenantID: key.TenantID, ChannelID: key.ChannelID, ID: id.String(),
		Kind: ch.Kind, TemplateID: key.TemplateID, UserKind: key.User.Kind, UserID: key.User.ID,
		Type: ch.Type, State: state, StateReason: reason, RemainingSends: sends,
		AccessToken: ch.AccessToken, RefreshToken: ch.RefreshToken,
		TokenExpireTime: ts(ch.TokenExpireTime), RefreshExpireTime: ts(ch.RefreshExpireTime),
		EventTime: ts(ch.EventTime), Revision: 1, CreateTime: at, UpdateTime: at}
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
	return res.RowsAffected, res.Error
}

// UpdateSubscription writes every mutable field of sub if the stored revision is
// sub.Revision. The identity (kind, template, user) is fixed when ApplySubscription creates
// the row, so it is not written.
func (s *Store) UpdateSubscription(ctx context.Context, sub *store.Subscription) error {
	at := now()
	res := s.db.WithContext(ctx).Model(&subscriptionRow{}).
		Where("tenant_id = ? AND channel_id = ? AND id = ? AND revision = ?", sub.TenantID, sub.ChannelID, sub.ID, sub.Revision).
		Updates(map[string]any{
			"type": sub.Type, "state": sub.State, "state_reason": sub.StateReason,
			"remaining_sends": sub.RemainingSends, "access_token": sub.AccessToken,
			"refresh_token": sub.RefreshToken, "token_expire_time": ts(sub.TokenExpireTime),
			"refresh_expire_time": ts(sub.RefreshExpireTime),
			"revision":            gorm.Expr("revision + 1"), "update_time": at,
		})
	if res.Error != nil {
		return s.fail("update subscription", res.Error)
	}
	if res.RowsAffected == 0 {
		return s.fail("update subscription", s.notFoundOrConflict(ctx, &subscriptionRow{},
			"tenant_id = ? AND channel_id = ? AND id = ?", sub.TenantID, sub.ChannelID, sub.ID))
	}
	sub.Revision++
	sub.UpdateTime = at
	return nil
}
