package gormstore

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// resourceEventRow is one change to a template, channel or broadcast (resource_events).
type resourceEventRow struct {
	ID        int64     `gorm:"column:id;primaryKey;autoIncrement"`
	TenantID  string    `gorm:"column:tenant_id"`
	Type      string    `gorm:"column:event_type"`
	Subject   string    `gorm:"column:subject"`
	Revision  int64     `gorm:"column:revision"`
	State     string    `gorm:"column:state"`
	Reason    string    `gorm:"column:reason"`
	EventTime time.Time `gorm:"column:event_time"`
}

func (resourceEventRow) TableName() string { return "resource_events" }

// addResourceEvent writes a resource event inside tx, the transaction of the change.
func addResourceEvent(tx *gorm.DB, tenantID, typ, subject string, revision int64, state, reason string, at time.Time) error {
	return tx.Create(&resourceEventRow{TenantID: tenantID, Type: typ, Subject: subject, Revision: revision,
		State: state, Reason: reason, EventTime: at}).Error
}

// feedRow is a message event joined with what its message is. (Flat: GORM does not fill
// an embedded eventRow from a joined select.)
type feedRow struct {
	ID            int64     `gorm:"column:id"`
	TenantID      string    `gorm:"column:tenant_id"`
	MessageID     string    `gorm:"column:message_id"`
	Time          time.Time `gorm:"column:event_time"`
	Kind          string    `gorm:"column:kind"`
	State         string    `gorm:"column:state"`
	Description   string    `gorm:"column:description"`
	Attempt       int       `gorm:"column:attempt"`
	Replica       string    `gorm:"column:replica"`
	Code          string    `gorm:"column:code"`
	Msg           string    `gorm:"column:msg"`
	SubCode       string    `gorm:"column:sub_code"`
	SubMsg        string    `gorm:"column:sub_msg"`
	LatencyUS     int64     `gorm:"column:latency_us"`
	Revision      int64     `gorm:"column:revision"`
	TraceID       *string   `gorm:"column:trace_id"`
	ChannelID     string    `gorm:"column:channel_id"`
	TemplateID    string    `gorm:"column:template_id"`
	RequestID     string    `gorm:"column:request_id"`
	RecipientKind string    `gorm:"column:recipient_kind"`
	RecipientID   string    `gorm:"column:recipient_id"`
}

func (r *feedRow) record() *store.FeedEvent {
	e := eventRow{ID: r.ID, TenantID: r.TenantID, MessageID: r.MessageID, Time: r.Time, Kind: r.Kind, State: r.State,
		Description: r.Description, Attempt: r.Attempt, Replica: r.Replica, Code: r.Code, Msg: r.Msg, SubCode: r.SubCode,
		SubMsg: r.SubMsg, LatencyUS: r.LatencyUS, Revision: r.Revision, TraceID: r.TraceID}
	return &store.FeedEvent{MessageEvent: *e.record(), ChannelID: r.ChannelID, TemplateID: r.TemplateID,
		RequestID: r.RequestID, Recipient: store.UserRef{Kind: r.RecipientKind, ID: r.RecipientID}}
}

// feedWhere is "id > after OR id BETWEEN … OR …" over col.
func feedWhere(col string, after int64, gaps [][2]int64) (string, []any) {
	conds := []string{col + " > ?"}
	args := []any{after}
	for _, g := range gaps {
		conds = append(conds, col+" BETWEEN ? AND ?")
		args = append(args, g[0], g[1])
	}
	return "(" + strings.Join(conds, " OR ") + ")", args
}

// ReadMessageFeed reads message events after after or inside gaps, in id order.
func (s *Store) ReadMessageFeed(ctx context.Context, tenantID string, after int64, gaps [][2]int64, limit int) ([]*store.FeedEvent, error) {
	where, args := feedWhere("e.id", after, gaps)
	q := s.db.WithContext(ctx).Table("message_events e").
		Select("e.id, e.tenant_id, e.message_id, e.event_time, e.kind, e.state, e.description, e.attempt, e.replica, e.code, e.msg, e.sub_code, e.sub_msg, e.latency_us, e.revision, e.trace_id, m.channel_id, m.template_id, m.request_id, m.recipient_kind, m.recipient_id").
		Joins("JOIN messages m ON m.tenant_id = e.tenant_id AND m.id = e.message_id").
		Where(where, args...)
	if tenantID != "" {
		q = q.Where("e.tenant_id = ?", tenantID)
	}
	var rows []feedRow
	if err := q.Order("e.id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, s.fail("read message feed", err)
	}
	out := make([]*store.FeedEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, nil
}

// ReadResourceFeed reads resource events after after or inside gaps, in id order.
func (s *Store) ReadResourceFeed(ctx context.Context, after int64, gaps [][2]int64, limit int) ([]*store.ResourceEvent, error) {
	where, args := feedWhere("id", after, gaps)
	var rows []resourceEventRow
	if err := s.db.WithContext(ctx).Where(where, args...).Order("id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, s.fail("read resource feed", err)
	}
	out := make([]*store.ResourceEvent, len(rows))
	for i, r := range rows {
		out[i] = &store.ResourceEvent{ID: r.ID, TenantID: r.TenantID, Type: r.Type, Subject: r.Subject,
			Revision: r.Revision, State: r.State, Reason: r.Reason, Time: r.EventTime.UTC()}
	}
	return out, nil
}

// LatestEventIDs are the highest ids of the two event tables.
func (s *Store) LatestEventIDs(ctx context.Context) (int64, int64, error) {
	var ids [2]*int64
	for i, model := range []any{&eventRow{}, &resourceEventRow{}} {
		if err := s.db.WithContext(ctx).Model(model).Select("MAX(id)").Scan(&ids[i]).Error; err != nil {
			return 0, 0, s.fail("latest event ids", err)
		}
	}
	deref := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	}
	return deref(ids[0]), deref(ids[1]), nil
}

// The states whose entry is a resource event.
const (
	stateAuthFailed = "AUTH_FAILED"
	stateInvalid    = "INVALID"
)

func channelSubject(id string) string           { return "channels/" + id }
func templateSubject(channel, id string) string { return "channels/" + channel + "/templates/" + id }

// entersState reports whether an update that sets newState enters event (a state whose
// entry is an event): newState is event and the row at where, as the update finds it, is
// in another state. Only then is the row read.
func entersState(tx *gorm.DB, model any, newState, event, where string, args ...any) (bool, error) {
	if newState != event {
		return false, nil
	}
	var old []string
	if err := tx.Model(model).Where(where, args...).Pluck("state", &old).Error; err != nil {
		return false, err
	}
	return len(old) == 1 && old[0] != event, nil
}

// resourceEventNow writes the event of a change tx just made to the row of model at key,
// with the revision the change left.
func resourceEventNow(tx *gorm.DB, model any, key string, args []any, tenantID, typ, subject, state, reason string, at time.Time) error {
	var rev []int64
	if err := tx.Model(model).Where(key, args...).Pluck("revision", &rev).Error; err != nil {
		return err
	}
	if len(rev) != 1 {
		return nil
	}
	return addResourceEvent(tx, tenantID, typ, subject, rev[0], state, reason, at)
}
