package gormstore

import (
	"context"
	"time"

	"github.com/reachhq/reach/store"
)

// ListMessages lists the tenant's messages by id. The time range applies to create_time.
func (s *Store) ListMessages(ctx context.Context, tenantID string, f store.MessageFilter, p store.Page) ([]*store.Message, string, error) {
	q := s.db.WithContext(ctx).Scopes(tenantScope(tenantID))
	// A fixed column order keeps the SQL text stable for the drivers' statement caches.
	for _, c := range [...]struct{ col, val string }{
		{"state", f.State}, {"channel_id", f.ChannelID}, {"template_id", f.TemplateID}, {"request_id", f.RequestID},
	} {
		if c.val != "" {
			q = q.Where(c.col+" = ?", c.val)
		}
	}
	if f.Recipient.ID != "" {
		q = q.Where("recipient_id = ?", f.Recipient.ID)
		if f.Recipient.Kind != "" {
			q = q.Where("recipient_kind = ?", f.Recipient.Kind)
		}
	}
	if f.CreateAfter != nil {
		q = q.Where("create_time >= ?", ts(f.CreateAfter))
	}
	if f.CreateBefore != nil {
		// Round an exclusive bound up to the stored resolution so nothing before it is lost.
		before := f.CreateBefore.UTC()
		if t := before.Truncate(time.Microsecond); !t.Equal(before) {
			before = t.Add(time.Microsecond)
		}
		q = q.Where("create_time < ?", before)
	}
	q, size, err := paginate[messageRow](q, p, "id")
	if err != nil {
		return nil, "", s.fail("list messages", err)
	}
	var rows []messageRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, "", s.fail("list messages", err)
	}
	rows, next := cut(rows, size, func(r *messageRow) []string { return []string{r.ID} })
	return messageRecords(rows), next, nil
}
