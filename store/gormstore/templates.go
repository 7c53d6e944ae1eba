package gormstore

import (
	"context"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// CreateTemplate stores t with Revision 1. Its external id is unique within the channel.
func (s *Store) CreateTemplate(ctx context.Context, t *store.Template) error {
	if err := checkIDs("tenant id", t.TenantID, "channel id", t.ChannelID, "template id", t.ID); err != nil {
		return s.fail("create template", err)
	}
	row, err := templateToRow(t)
	if err != nil {
		return s.fail("create template", err)
	}
	at := now()
	row.Revision, row.CreateTime, row.UpdateTime = 1, at, at
	if err := s.db.WithContext(ctx).Create(row).Error; err != nil {
		return s.fail("create template", err)
	}
	t.Revision, t.CreateTime, t.UpdateTime = row.Revision, row.CreateTime, row.UpdateTime
	return nil
}

// GetTemplate returns one template of the tenant's channel.
func (s *Store) GetTemplate(ctx context.Context, tenantID, channelID, id string) (*store.Template, error) {
	var row templateRow
	err := s.db.WithContext(ctx).Scopes(tenantScope(tenantID)).
		Where("channel_id = ? AND id = ?", channelID, id).Take(&row).Error
	if err != nil {
		return nil, s.fail("get template", err)
	}
	t, err := row.record()
	return t, s.fail("get template", err)
}

// ListTemplates lists a channel's templates by id; channelID "" lists every channel's
// templates, ordered by id then channel id (template ids are unique per channel only).
func (s *Store) ListTemplates(ctx context.Context, tenantID, channelID string, f store.TemplateFilter, p store.Page) ([]*store.Template, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID))
	keys := []string{"id"}
	key := func(r *templateRow) []string { return []string{r.ID} }
	if channelID != "" {
		q = q.Where("channel_id = ?", channelID)
	} else {
		keys = append(keys, "channel_id")
		key = func(r *templateRow) []string { return []string{r.ID, r.ChannelID} }
	}
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.ExternalID != "" {
		q = q.Where("external_id = ?", f.ExternalID)
	}
	q, size, err := paginate[templateRow](q, p, keys...)
	if err != nil {
		return nil, "", s.fail("list templates", err)
	}
	var rows []templateRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list templates", err)
	}
	rows, next := cut(rows, size, key)
	out := make([]*store.Template, len(rows))
	for i := range rows {
		if out[i], err = rows[i].record(); err != nil {
			return nil, "", s.fail("list templates", err)
		}
	}
	return out, next, nil
}

// UpdateTemplate writes every mutable field of t if the stored revision is t.Revision. The
// key (tenant, channel, id) cannot change.
func (s *Store) UpdateTemplate(ctx context.Context, t *store.Template) error {
	row, err := templateToRow(t)
	if err != nil {
		return s.fail("update template", err)
	}
	at := now()
	key := "tenant_id = ? AND channel_id = ? AND id = ?"
	err = s.inTx(ctx, func(tx *gorm.DB) error {
		// Becoming INVALID is an event; the state it leaves is read under the same revision
		// check the update makes.
		entering, err := entersState(tx, &templateRow{}, t.State, stateInvalid,
			key+" AND revision = ?", t.TenantID, t.ChannelID, t.ID, t.Revision)
		if err != nil {
			return err
		}
		res := tx.Model(&templateRow{}).
			Where(key+" AND revision = ?", t.TenantID, t.ChannelID, t.ID, t.Revision).
			Updates(map[string]any{
				"external_id": row.ExternalID, "display_name": row.DisplayName, "keywords": row.Keywords,
				"options": row.Options, "subscription_type": row.SubscriptionType, "state": row.State,
				"state_reason": row.StateReason, "invalid_time": row.InvalidTime,
				"revision": gorm.Expr("revision + 1"), "update_time": at,
			})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return notFoundOrConflictIn(tx, &templateRow{}, key, t.TenantID, t.ChannelID, t.ID)
		}
		if !entering {
			return nil
		}
		return addResourceEvent(tx, t.TenantID, store.EventTemplateInvalid, templateSubject(t.ChannelID, t.ID), t.Revision+1, t.State, t.StateReason, at)
	})
	if err != nil {
		return s.fail("update template", err)
	}
	t.Revision++
	t.UpdateTime = at
	return nil
}

// DeleteTemplate deletes one template. Subscriptions that name it stay: they are the ledger
// of what users accepted, and a template re-created with the same id finds them again.
func (s *Store) DeleteTemplate(ctx context.Context, tenantID, channelID, id string) error {
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		res := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ? AND id = ?", channelID, id).Delete(&templateRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return store.ErrNotFound
		}
		// Consent was given to this template; a new template with the same id must not
		// inherit it.
		if err := tx.Scopes(tenantScope(tenantID)).Where("channel_id = ? AND template_id = ?", channelID, id).Delete(&subscriptionRow{}).Error; err != nil {
			return err
		}
		return failWaiting(tx, tenantID, channelID, id, store.ReasonTemplateDeleted)
	})
	if err != nil {
		return s.fail("delete template", err)
	}
	return nil
}
