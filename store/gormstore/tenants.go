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

const maxNameLen = 255

// EnsureTenant returns the tenant named name, creating it if needed. Concurrent callers with
// the same name agree on one tenant: the insert ignores a conflict and everyone reads back.
func (s *Store) EnsureTenant(ctx context.Context, name string) (*store.Tenant, error) {
	if name == "" || len(name) > maxNameLen {
		return nil, fmt.Errorf("ensure tenant: %w: name must be 1 to %d bytes", store.ErrInvalid, maxNameLen)
	}
	t, err := s.GetTenantByName(ctx, name)
	if err == nil || !errors.Is(err, store.ErrNotFound) {
		return t, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return nil, fmt.Errorf("ensure tenant: %w", err)
	}
	row := tenantRow{ID: id.String(), Name: name, CreateTime: now()}
	if err := s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
		return nil, s.fail("ensure tenant", err)
	}
	return s.GetTenantByName(ctx, name)
}

// GetTenantByName returns the tenant named name.
func (s *Store) GetTenantByName(ctx context.Context, name string) (*store.Tenant, error) {
	var row tenantRow
	if err := s.db.WithContext(ctx).Where("name = ?", name).Take(&row).Error; err != nil {
		return nil, s.fail("get tenant", err)
	}
	return row.record(), nil
}

// tenantScope is the condition every tenant-owned query starts with.
func tenantScope(tenantID string) func(*gorm.DB) *gorm.DB {
	return func(q *gorm.DB) *gorm.DB { return q.Where("tenant_id = ?", tenantID) }
}
