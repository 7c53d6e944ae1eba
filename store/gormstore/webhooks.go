package gormstore

import (
	"context"
	"encoding/json"
	"fmt"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// CreateWebhook stores w with Revision 1 and fresh create/update times.
func (s *Store) CreateWebhook(ctx context.Context, w *store.Webhook) error {
	if err := checkIDs("tenant id", w.TenantID, "webhook id", w.ID); err != nil {
		return s.fail("create webhook", err)
	}
	row, err := webhookToRow(w)
	if err != nil {
		return s.fail("create webhook", err)
	}
	t := now()
	row.Revision, row.CreateTime, row.UpdateTime = 1, t, t
	if err := s.db.WithContext(ctx).Create(row).Error; err != nil {
		return s.fail("create webhook", err)
	}
	w.Revision, w.CreateTime, w.UpdateTime = row.Revision, row.CreateTime, row.UpdateTime
	return nil
}

// GetWebhook returns one webhook of the tenant.
func (s *Store) GetWebhook(ctx context.Context, tenantID, id string) (*store.Webhook, error) {
	var row webhookRow
	if err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, s.fail("get webhook", err)
	}
	w, err := row.record()
	return w, s.fail("get webhook", err)
}

// ListWebhooks lists the tenant's webhooks by id.
func (s *Store) ListWebhooks(ctx context.Context, tenantID string, f store.WebhookFilter, p store.Page) ([]*store.Webhook, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID))
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	q, size, err := paginate[webhookRow](q, p, "id")
	if err != nil {
		return nil, "", s.fail("list webhooks", err)
	}
	var rows []webhookRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list webhooks", err)
	}
	rows, next := cut(rows, size, func(r *webhookRow) []string { return []string{r.ID} })
	out := make([]*store.Webhook, len(rows))
	for i := range rows {
		if out[i], err = rows[i].record(); err != nil {
			return nil, "", s.fail("list webhooks", err)
		}
	}
	return out, next, nil
}

// UpdateWebhook writes every mutable field of w if the stored revision is w.Revision.
func (s *Store) UpdateWebhook(ctx context.Context, w *store.Webhook) error {
	row, err := webhookToRow(w)
	if err != nil {
		return s.fail("update webhook", err)
	}
	t := now()
	fields := map[string]any{
		"url": row.URL, "event_types": row.EventTypes, "description": row.Description,
		"state": row.State, "state_reason": row.StateReason, "secret": row.Secret,
		"secret_fingerprint": row.SecretFingerprint, "previous_secret": row.PreviousSecret,
		"previous_secret_expire_time": row.PreviousSecretExpireTime,
		"revision":                    gorm.Expr("revision + 1"), "update_time": t,
	}
	if w.State == "DISABLED" {
		// A disabled endpoint is not called; its failure streak starts again when enabled.
		fields["failing_since"] = nil
	}
	res := s.db.WithContext(ctx).Model(&webhookRow{}).
		Where("tenant_id = ? AND id = ? AND revision = ?", w.TenantID, w.ID, w.Revision).
		Updates(fields)
	if res.Error != nil {
		return s.fail("update webhook", res.Error)
	}
	if res.RowsAffected == 0 {
		return s.fail("update webhook", s.notFoundOrConflict(ctx, &webhookRow{}, "tenant_id = ? AND id = ?", w.TenantID, w.ID))
	}
	w.Revision++
	w.UpdateTime = t
	return nil
}

// DeleteWebhook deletes one webhook of the tenant.
// Its queued deliveries and their attempts go with it.
func (s *Store) DeleteWebhook(ctx context.Context, tenantID, id string) error {
	return s.fail("delete webhook", s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Scopes(tenantScope(tenantID)).Where("id = ?", id).Delete(&webhookRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrNotFound
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("webhook_id = ?", id).Delete(&deliveryRow{}).Error; err != nil {
			return err
		}
		return tx.Scopes(tenantScope(tenantID)).Where("webhook_id = ?", id).Delete(&attemptRow{}).Error
	}))
}

func webhookToRow(w *store.Webhook) (*webhookRow, error) {
	types, err := json.Marshal(w.EventTypes)
	if err != nil {
		return nil, fmt.Errorf("%w: event types: %w", store.ErrInvalid, err)
	}
	return &webhookRow{TenantID: w.TenantID, ID: w.ID, URL: w.URL, EventTypes: string(types),
		Description: w.Description, State: w.State, StateReason: w.StateReason, Secret: w.Secret,
		SecretFingerprint: w.SecretFingerprint, PreviousSecret: w.PreviousSecret,
		PreviousSecretExpireTime: ts(w.PreviousSecretExpireTime), Revision: w.Revision,
		CreateTime: w.CreateTime, UpdateTime: w.UpdateTime}, nil
}

func (r *webhookRow) record() (*store.Webhook, error) {
	var types []string
	if err := json.Unmarshal([]byte(r.EventTypes), &types); err != nil {
		return nil, fmt.Errorf("webhook %s: event types: %w", r.ID, err)
	}
	return &store.Webhook{TenantID: r.TenantID, ID: r.ID, URL: r.URL, EventTypes: types,
		Description: r.Description, State: r.State, StateReason: r.StateReason,
		Secret: bytesOut(r.Secret), SecretFingerprint: r.SecretFingerprint,
		PreviousSecret: bytesOut(r.PreviousSecret), PreviousSecretExpireTime: utc(r.PreviousSecretExpireTime),
		Revision: r.Revision, CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}, nil
}
