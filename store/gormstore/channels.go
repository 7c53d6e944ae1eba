package gormstore

import (
	"context"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// CreateChannel stores c with Revision 1 and fresh create/update times.
func (s *Store) CreateChannel(ctx context.Context, c *store.Channel) error {
	if err := checkIDs("tenant id", c.TenantID, "channel id", c.ID); err != nil {
		return s.fail("create channel", err)
	}
	row := channelToRow(c)
	t := now()
	row.Revision, row.CreateTime, row.UpdateTime = 1, t, t
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if c.State != stateAuthFailed {
			return nil
		}
		return addResourceEvent(tx, c.TenantID, store.EventChannelAuthFailed, channelSubject(c.ID), 1, c.State, c.StateReason, t)
	})
	if err != nil {
		return s.fail("create channel", err)
	}
	c.Revision, c.CreateTime, c.UpdateTime = row.Revision, row.CreateTime, row.UpdateTime
	return nil
}

// GetChannel returns one channel of the tenant.
func (s *Store) GetChannel(ctx context.Context, tenantID, id string) (*store.Channel, error) {
	var row channelRow
	err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).Where("id = ?", id).Take(&row).Error
	if err != nil {
		return nil, s.fail("get channel", err)
	}
	return row.record(), nil
}

// ListChannels lists the tenant's channels by id.
func (s *Store) ListChannels(ctx context.Context, tenantID string, f store.ChannelFilter, p store.Page) ([]*store.Channel, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID))
	if f.Type != "" {
		q = q.Where("type = ?", f.Type)
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	q, size, err := paginate[channelRow](q, p, "id")
	if err != nil {
		return nil, "", s.fail("list channels", err)
	}
	var rows []channelRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list channels", err)
	}
	rows, next := cut(rows, size, func(r *channelRow) []string { return []string{r.ID} })
	out := make([]*store.Channel, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, next, nil
}

// UpdateChannel writes every mutable field of c if the stored revision is c.Revision.
func (s *Store) UpdateChannel(ctx context.Context, c *store.Channel) error {
	t := now()
	row := channelToRow(c)
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		// Entering AUTH_FAILED is an event; the state it leaves is read under the same
		// revision check the update makes.
		entering, err := entersState(tx, &channelRow{}, c.State, stateAuthFailed,
			"tenant_id = ? AND id = ? AND revision = ?", c.TenantID, c.ID, c.Revision)
		if err != nil {
			return err
		}
		res := tx.Model(&channelRow{}).
			Where("tenant_id = ? AND id = ? AND revision = ?", c.TenantID, c.ID, c.Revision).
			Updates(map[string]any{
				"display_name": row.DisplayName, "type": row.Type, "state": row.State,
				"state_reason": row.StateReason, "verify_time": row.VerifyTime, "config": row.Config,
				"secrets": row.Secrets, "revision": gorm.Expr("revision + 1"), "update_time": t,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFoundOrConflictIn(tx, &channelRow{}, "tenant_id = ? AND id = ?", c.TenantID, c.ID)
		}
		if !entering {
			return nil
		}
		return addResourceEvent(tx, c.TenantID, store.EventChannelAuthFailed, channelSubject(c.ID), c.Revision+1, c.State, c.StateReason, t)
	})
	if err != nil {
		return s.fail("update channel", err)
	}
	c.Revision++
	c.UpdateTime = t
	return nil
}

// DeleteChannel deletes the channel with its templates, subscriptions, send schedule,
// frequency counts and content records in one transaction.
// Messages stay: they are the history of what was sent.
func (s *Store) DeleteChannel(ctx context.Context, tenantID, id string) error {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Scopes(tenantScope(tenantID)).Where("id = ?", id).Delete(&channelRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrNotFound
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ?", id).Delete(&templateRow{}).Error; err != nil {
			return err
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ?", id).Delete(&subscriptionRow{}).Error; err != nil {
			return err
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ?", id).Delete(&pacingRow{}).Error; err != nil {
			return err
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ?", id).Delete(&frequencyCountRow{}).Error; err != nil {
			return err
		}
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ?", id).Delete(&contentSendRow{}).Error; err != nil {
			return err
		}
		return failWaiting(tx, tenantID, id, "", store.ReasonChannelDeleted)
	})
	return s.fail("delete channel", err)
}
