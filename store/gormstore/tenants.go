package gormstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// EnsureTenant returns the tenant named name, creating it if needed. Concurrent callers with
// the same name agree on one tenant: the insert ignores a conflict and everyone reads back.
func (s *Store) EnsureTenant(ctx context.Context, name string) (*store.Tenant, error) {
	if !store.TenantNameOK(name) {
		return nil, fmt.Errorf("ensure tenant: %w: name must be 1 to %d bytes of UTF-8 without control characters", store.ErrInvalid, store.MaxTenantNameLen)
	}
	t, err := s.GetTenantByName(ctx, name)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return live(t, err)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("ensure tenant: %w", err)
	}
	row := tenantRow{ID: id.String(), Name: name, CreateTime: now()}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, s.fail("ensure tenant", err)
	}
	return live(s.GetTenantByName(ctx, name))
}

// live refuses a deleted tenant: its name stays with the tombstone.
func live(t *store.Tenant, err error) (*store.Tenant, error) {
	if err == nil && t.DeleteTime != nil {
		return nil, fmt.Errorf("ensure tenant %q: %w", t.Name, store.ErrDeleted)
	}
	return t, err
}

// GetTenantByName returns the tenant named name.
func (s *Store) GetTenantByName(ctx context.Context, name string) (*store.Tenant, error) {
	var row tenantRow
	if err := s.db.WithContext(ctx).Where("name = ?", name).Take(&row).Error; err != nil {
		return nil, s.fail("get tenant", err)
	}
	return row.record(), nil
}

// GetTenant returns the tenant with this id (a primary-key read).
func (s *Store) GetTenant(ctx context.Context, id string) (*store.Tenant, error) {
	var row tenantRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, s.fail("get tenant", err)
	}
	return row.record(), nil
}

// ListTenants lists every tenant by name, tombstones included.
func (s *Store) ListTenants(ctx context.Context) ([]*store.Tenant, error) {
	var rows []tenantRow
	if err := s.db.WithContext(ctx).Order("name").Find(&rows).Error; err != nil {
		return nil, s.fail("list tenants", err)
	}
	out := make([]*store.Tenant, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, nil
}

// tenantScope is the condition every tenant-owned query starts with.
func tenantScope(tenantID string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB { return q.Where("tenant_id = ?", tenantID) }
}
