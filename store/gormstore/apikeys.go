package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// CreateAPIKey stores k and sets its CreateTime, if its tenant exists and is not deleted.
// (A tenant deleted concurrently may still get the key: GetAPIKey refuses it all the same.)
func (s *Store) CreateAPIKey(ctx context.Context, k *store.APIKey) error {
	if err := checkIDs("api key id", k.ID, "tenant id", k.TenantID); err != nil {
		return s.fail("create api key", err)
	}
	row := apiKeyToRow(k)
	row.CreateTime = now()
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var t tenantRow
		if err := tx.Where("id = ?", k.TenantID).Take(&t).Error; err != nil {
			return fmt.Errorf("tenant %s: %w", k.TenantID, err)
		}
		if t.DeleteTime != nil {
			return fmt.Errorf("tenant %s: %w", k.TenantID, store.ErrDeleted)
		}
		return tx.Create(row).Error
	})
	if err != nil {
		return s.fail("create api key", err)
	}
	k.CreateTime = row.CreateTime
	return nil
}

// GetAPIKey looks a key up by id alone: the key, not the caller, names the tenant. The
// tenant must be live: deleting a tenant revokes its keys too, but this holds even for a
// key created while the deletion ran.
func (s *Store) GetAPIKey(ctx context.Context, id string) (*store.APIKey, error) {
	var row apiKeyRow
	err := s.db.WithContext(ctx).Where("id = ? AND tenant_id IN (SELECT id FROM tenants WHERE delete_time IS NULL)", id).Take(&row).Error
	if err != nil {
		return nil, s.fail("get api key", err)
	}
	return row.record(), nil
}

// ListAPIKeys lists the keys of one tenant, or of all tenants when tenantID is "". Keys are
// few per tenant, so the listing is not paginated.
func (s *Store) ListAPIKeys(ctx context.Context, tenantID string) ([]*store.APIKey, error) {
	q := s.db.WithContext(ctx).Order("id")
	if tenantID != "" {
		q = q.Scopes(tenantScope(tenantID))
	}
	var rows []apiKeyRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.fail("list api keys", err)
	}
	out := make([]*store.APIKey, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, nil
}

// RevokeAPIKey sets RevokeTime once; revoking again keeps the first time.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&apiKeyRow{}).Where("id = ? AND revoke_time IS NULL", id).
		Update("revoke_time", ts(&at))
	if res.Error != nil {
		return s.fail("revoke api key", res.Error)
	}
	if res.RowsAffected == 0 {
		return s.fail("revoke api key", s.apiKeyExists(ctx, id))
	}
	return nil
}

// TouchAPIKey records when the key was last used.
func (s *Store) TouchAPIKey(ctx context.Context, id string, at time.Time) error {
	res := s.db.WithContext(ctx).Model(&apiKeyRow{}).Where("id = ?", id).Update("last_used", ts(&at))
	if res.Error != nil {
		return s.fail("touch api key", res.Error)
	}
	if res.RowsAffected == 0 {
		// MySQL counts changed rows, not matched ones: an identical time touches nothing.
		return s.fail("touch api key", s.apiKeyExists(ctx, id))
	}
	return nil
}

func (s *Store) apiKeyExists(ctx context.Context, id string) error {
	var n int64
	if err := s.db.WithContext(ctx).Model(&apiKeyRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
