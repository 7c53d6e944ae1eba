package gormstore

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// tenantData are the tables whose rows belong to one tenant and go with it. The order does
// not matter (there are no foreign keys between them); timelines go first, before the
// messages they describe.
var tenantData = []any{&eventRow{}, &messageRow{}, &sendRequestRow{}, &subscriptionRow{},
	&templateRow{}, &channelRow{}, &notificationRow{}, &pacingRow{}, &frequencyCountRow{}, &contentSendRow{},
	&webhookRow{}, &deliveryRow{}, &attemptRow{}, &resourceEventRow{}, &broadcastRow{}}

// DeleteTenant tombstones the tenant, revokes its keys and erases its data, in one
// transaction: a key of the tenant fails from the commit on, on every replica (nothing
// caches keys), and no half-deleted tenant is ever visible. A message a dispatcher holds
// at that moment is gone when its outcome is written, which then applies to nothing.
func (s *Store) DeleteTenant(ctx context.Context, id string, at time.Time) (int, error) {
	when := ts(&at)
	revoked := 0
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		var row tenantRow
		if err := tx.Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		if row.DeleteTime == nil {
			if err := tx.Model(&tenantRow{}).Where("id = ?", id).Update("delete_time", when).Error; err != nil {
				return err
			}
		}
		res := tx.Model(&apiKeyRow{}).Where("tenant_id = ? AND revoke_time IS NULL", id).Update("revoke_time", when)
		if res.Error != nil {
			return res.Error
		}
		revoked = int(res.RowsAffected)
		for _, model := range tenantData {
			if err := tx.Scopes(tenantScope(id)).Delete(model).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, s.fail("delete tenant", err)
	}
	return revoked, nil
}
