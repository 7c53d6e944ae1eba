package gormstore

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/reachhq/reach/store"
)

// bytesOut normalizes a blob read back: drivers disagree on NULL versus empty.
func bytesOut(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (r *tenantRow) record() *store.Tenant {
	return &store.Tenant{ID: r.ID, Name: r.Name, CreateTime: r.CreateTime.UTC(), DeleteTime: utc(r.DeleteTime)}
}

func apiKeyToRow(k *store.APIKey) *apiKeyRow {
	return &apiKeyRow{ID: k.ID, TenantID: k.TenantID, Role: string(k.Role), Hash: k.Hash,
		CreateTime: k.CreateTime, RevokeTime: ts(k.RevokeTime), LastUsed: ts(k.LastUsed)}
}

func (r *apiKeyRow) record() *store.APIKey {
	return &store.APIKey{ID: r.ID, TenantID: r.TenantID, Role: store.Role(r.Role), Hash: r.Hash,
		CreateTime: r.CreateTime.UTC(), RevokeTime: utc(r.RevokeTime), LastUsed: utc(r.LastUsed)}
}

func channelToRow(c *store.Channel) *channelRow {
	return &channelRow{TenantID: c.TenantID, ID: c.ID, DisplayName: c.DisplayName, Type: c.Type,
		State: c.State, StateReason: c.StateReason, VerifyTime: ts(c.VerifyTime), Config: c.Config,
		Secrets: c.Secrets, Revision: c.Revision, CreateTime: c.CreateTime, UpdateTime: c.UpdateTime}
}

func (r *channelRow) record() *store.Channel {
	return &store.Channel{TenantID: r.TenantID, ID: r.ID, DisplayName: r.DisplayName, Type: r.Type,
		State: r.State, StateReason: r.StateReason, VerifyTime: utc(r.VerifyTime),
		Config: bytesOut(r.Config), Secrets: bytesOut(r.Secrets), Revision: r.Revision,
		CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}
}

func templateToRow(t *store.Template) (*templateRow, error) {
	if t.ExternalID != "" {
		if err := checkID("external id", t.ExternalID); err != nil {
			return nil, err
		}
	}
	kw, err := json.Marshal(t.Keywords)
	if err != nil {
		return nil, fmt.Errorf("%w: keywords: %w", store.ErrInvalid, err)
	}
	return &templateRow{TenantID: t.TenantID, ChannelID: t.ChannelID, ID: t.ID,
		ExternalID: nullable(t.ExternalID), DisplayName: t.DisplayName, Keywords: string(kw),
		Options: t.Options, SubscriptionType: t.SubscriptionType, State: t.State,
		StateReason: t.StateReason, InvalidTime: ts(t.InvalidTime), Revision: t.Revision,
		CreateTime: t.CreateTime, UpdateTime: t.UpdateTime}, nil
}

func (r *templateRow) record() (*store.Template, error) {
	var kw []store.Keyword
	if r.Keywords != "" {
		if err := json.Unmarshal([]byte(r.Keywords), &kw); err != nil {
			return nil, fmt.Errorf("template %s keywords: %w", r.ID, err)
		}
	}
	return &store.Template{TenantID: r.TenantID, ChannelID: r.ChannelID, ID: r.ID,
		ExternalID: deref(r.ExternalID), DisplayName: r.DisplayName, Keywords: kw,
		Options: bytesOut(r.Options), SubscriptionType: r.SubscriptionType, State: r.State,
		StateReason: r.StateReason, InvalidTime: utc(r.InvalidTime), Revision: r.Revision,
		CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}, nil
}

func (r *subscriptionRow) record() *store.Subscription {
	return &store.Subscription{TenantID: r.TenantID, ChannelID: r.ChannelID, ID: r.ID, Kind: r.Kind,
		TemplateID: r.TemplateID, User: store.UserRef{Kind: r.UserKind, ID: r.UserID}, Type: r.Type,
		State: r.State, StateReason: r.StateReason, RemainingSends: r.RemainingSends,
		AccessToken: bytesOut(r.AccessToken), RefreshToken: bytesOut(r.RefreshToken),
		TokenExpireTime: utc(r.TokenExpireTime), RefreshExpireTime: utc(r.RefreshExpireTime),
		EventTime: utc(r.EventTime), Revision: r.Revision, CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}
}

func messageToRow(m *store.Message) *messageRow {
	return &messageRow{TenantID: m.TenantID, ID: m.ID, ChannelID: m.ChannelID, TemplateID: m.TemplateID,
		RequestID: m.RequestID, BatchIndex: m.BatchIndex, RecipientKind: m.Recipient.Kind,
		RecipientID: m.Recipient.ID, Payload: m.Payload, State: m.State, StateReason: m.StateReason,
		SendTime: ts(m.SendTime), ExpireTime: ts(m.ExpireTime), Attempts: m.Attempts,
		DueTime: ts(nonZero(m.DueTime)), LeaseOwner: m.LeaseOwner, LeaseExpire: ts(m.LeaseExpireTime),
		SentTime: ts(m.SentTime), ExternalID: m.ExternalID, LastError: errorJSON(m.LastError), Reserved: m.Reserved,
		BroadcastID: nonEmpty(m.BroadcastID), TraceParent: nonEmpty(m.TraceParent), Revision: m.Revision, CreateTime: m.CreateTime, UpdateTime: m.UpdateTime}
}

func (r *messageRow) record() *store.Message {
	m := &store.Message{TenantID: r.TenantID, ID: r.ID, ChannelID: r.ChannelID, TemplateID: r.TemplateID,
		RequestID: r.RequestID, BatchIndex: r.BatchIndex,
		Recipient: store.UserRef{Kind: r.RecipientKind, ID: r.RecipientID}, Payload: bytesOut(r.Payload),
		State: r.State, StateReason: r.StateReason, SendTime: utc(r.SendTime), ExpireTime: utc(r.ExpireTime),
		Attempts: r.Attempts, LeaseOwner: r.LeaseOwner, LeaseExpireTime: utc(r.LeaseExpire),
		SentTime: utc(r.SentTime), ExternalID: r.ExternalID, LastError: errorOf(r.LastError), Reserved: r.Reserved,
		Revision: r.Revision, CreateTime: r.CreateTime.UTC(), UpdateTime: r.UpdateTime.UTC()}
	if r.BroadcastID != nil {
		m.BroadcastID = *r.BroadcastID
	}
	if r.TraceParent != nil {
		m.TraceParent = *r.TraceParent
	}
	if r.DueTime != nil {
		m.DueTime = r.DueTime.UTC()
	}
	return m
}

// nonEmpty stores "" as NULL (a column several rows may leave unset under a unique index).
func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonZero(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// errorJSON stores Alipay's answer as JSON: it is only ever read back whole.
func errorJSON(e *store.AlipayError) *string {
	if e == nil {
		return nil
	}
	b, _ := json.Marshal(e) // four strings: cannot fail
	s := string(b)
	return &s
}

func errorOf(s *string) *store.AlipayError {
	if s == nil || *s == "" {
		return nil
	}
	var e store.AlipayError
	if json.Unmarshal([]byte(*s), &e) != nil {
		return &store.AlipayError{Msg: *s}
	}
	return &e
}

func eventToRow(e *store.MessageEvent) *eventRow {
	r := &eventRow{TenantID: e.TenantID, MessageID: e.MessageID, Time: e.Time.UTC().Truncate(time.Microsecond),
		Kind: e.Kind, State: e.State, Description: e.Description, Attempt: e.Attempt, Replica: e.Replica,
		LatencyUS: e.Latency.Microseconds(), Revision: e.Revision, TraceID: nonEmpty(e.TraceID)}
	if r.Time.IsZero() {
		r.Time = now()
	}
	if e.Error != nil {
		r.Code, r.Msg, r.SubCode, r.SubMsg = e.Error.Code, e.Error.Msg, e.Error.SubCode, e.Error.SubMsg
	}
	return r
}

func (r *eventRow) record() *store.MessageEvent {
	e := &store.MessageEvent{ID: r.ID, TenantID: r.TenantID, MessageID: r.MessageID, Time: r.Time.UTC(),
		Kind: r.Kind, State: r.State, Description: r.Description, Attempt: r.Attempt, Replica: r.Replica,
		Latency: time.Duration(r.LatencyUS) * time.Microsecond, Revision: r.Revision}
	if r.TraceID != nil {
		e.TraceID = *r.TraceID
	}
	if r.Code != "" || r.Msg != "" || r.SubCode != "" || r.SubMsg != "" {
		e.Error = &store.AlipayError{Code: r.Code, Msg: r.Msg, SubCode: r.SubCode, SubMsg: r.SubMsg}
	}
	return e
}

func messageRecords(rows []messageRow) []*store.Message {
	out := make([]*store.Message, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out
}
