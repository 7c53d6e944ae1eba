package server

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/store"
)

func (s *messageService) GetMessage(ctx context.Context, req *reachv1.GetMessageRequest) (*reachv1.GetMessageResponse, error) {
	rec, err := s.getMessage(ctx, "name", req.Name)
	if err != nil {
		return nil, err
	}
	out, err := messageToProto(rec)
	return &reachv1.GetMessageResponse{Message: out}, err
}

func (s *messageService) getMessage(ctx context.Context, field, name string) (*store.Message, error) {
	var f fieldErrors
	id := messageRef(&f, field, name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := s.store.GetMessage(ctx, tenantOf(ctx), id)
	if err != nil {
		return nil, fmt.Errorf("message %q: %w", name, err)
	}
	return rec, nil
}

func (s *messageService) ListMessages(ctx context.Context, req *reachv1.ListMessagesRequest) (*reachv1.ListMessagesResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	filter := messageFilter(&f, req.Filter)
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListMessages(ctx, tenantOf(ctx), filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	out, err := messagesToProto(recs)
	return &reachv1.ListMessagesResponse{Messages: out, NextPageToken: next}, err
}

func messageFilter(f *fieldErrors, filter string) store.MessageFilter {
	var out store.MessageFilter
	var chID string // from a channel term; a template term sets out.ChannelID
	eq := []string{"="}
	terms, err := parseFilter(filter, map[string][]string{
		"state": eq, "channel": eq, "template": eq, "user_id": eq, "open_id": eq, "customer_id": eq, "request_id": eq,
		"create_time": {">=", ">", "<", "<="},
	})
	if err != nil {
		f.add("filter", err.Error())
	}
	for _, t := range terms {
		var err error
		switch t.Field {
		case "state":
			out.State, err = enumValue("MESSAGE_STATE_", t.Value, messageStates)
		case "channel":
			var tf fieldErrors
			chID = channelRef(&tf, "filter", t.Value)
			if !tf.empty() {
				err = fmt.Errorf("%q is not a channel name", t.Value)
			}
		case "template":
			var tf fieldErrors
			out.ChannelID, out.TemplateID = templateRef(&tf, "filter", t.Value)
			if !tf.empty() {
				err = fmt.Errorf("%q is not a template name", t.Value)
			}
		case "request_id":
			out.RequestID = t.Value
		case "create_time":
			tm, terr := parseFilterTime(t.Value)
			if err = terr; err == nil {
				// The store takes [after, before); > and <= are rounded to the microsecond
				// the databases keep.
				switch t.Op {
				case ">=":
					out.CreateAfter = &tm
				case ">":
					tm = tm.Add(1000)
					out.CreateAfter = &tm
				case "<":
					out.CreateBefore = &tm
				case "<=":
					tm = tm.Add(1000)
					out.CreateBefore = &tm
				}
			}
		default:
			out.Recipient = store.UserRef{Kind: userFilterFields[t.Field], ID: t.Value}
		}
		if err != nil {
			f.add("filter", t.Field+": "+err.Error())
		}
	}
	if chID != "" && out.ChannelID != "" && chID != out.ChannelID {
		f.add("filter", "channel and template name different channels: nothing could match")
	}
	if chID != "" {
		out.ChannelID = chID
	}
	return out
}

func (s *messageService) CancelMessage(ctx context.Context, req *reachv1.CancelMessageRequest) (*reachv1.CancelMessageResponse, error) {
	if utf8.RuneCountInString(req.Reason) > 500 {
		return nil, invalidField("reason", "must be at most 500 characters")
	}
	reason := req.Reason
	if reason == "" {
		reason = "cancelled by the client"
	}
	out, err := s.transition(ctx, req.Name, cancellable, "CANCELLED", reason, store.EventCancelled)
	return &reachv1.CancelMessageResponse{Message: out}, err
}

// cancellable: a message waiting to be sent or for a retry can be cancelled; one a
// dispatcher holds may be at Alipay already.
func cancellable(m *store.Message, now time.Time) error {
	switch {
	case m.State == "SENDING" && m.LeaseOwner != "" && m.LeaseExpireTime != nil && m.LeaseExpireTime.After(now):
		return withReason(codes.FailedPrecondition, "MESSAGE_IN_FLIGHT", fmt.Sprintf("message %q is being handed to Alipay and can no longer be cancelled", messageName(m.ID)))
	case m.State != "QUEUED" && m.State != "SENDING":
		return withReason(codes.FailedPrecondition, "MESSAGE_STATE", fmt.Sprintf("message %q is %s; only QUEUED or SENDING messages can be cancelled", messageName(m.ID), m.State))
	}
	return nil
}

// retriable: only a message that ended without being sent can be queued again.
func retriable(m *store.Message, _ time.Time) error {
	if m.State != "FAILED" && m.State != "EXPIRED" {
		return withReason(codes.FailedPrecondition, "MESSAGE_NOT_RETRYABLE", fmt.Sprintf("message %q is %s; only FAILED or EXPIRED messages can be retried", messageName(m.ID), m.State))
	}
	return nil
}

func (s *messageService) RetryMessage(ctx context.Context, req *reachv1.RetryMessageRequest) (*reachv1.RetryMessageResponse, error) {
	out, err := s.transition(ctx, req.Name, retriable, "QUEUED", "queued again by the client", store.EventRequeued)
	return &reachv1.RetryMessageResponse{Message: out}, err
}

// transition moves a message to another state with optimistic concurrency and records the
// step in its timeline, so a dispatcher that picked the message up in between wins and the
// caller is told.
func (s *messageService) transition(ctx context.Context, name string, allowed func(*store.Message, time.Time) error, to, reason, kind string) (*reachv1.Message, error) {
	var rec *store.Message
	err := retryConflicts(conflictAttempts, func() (err error) {
		if rec, err = s.getMessage(ctx, "name", name); err != nil {
			return err
		}
		now := s.now()
		if err := allowed(rec, now); err != nil {
			return err
		}
		rec.State, rec.StateReason = to, reason
		if to == "QUEUED" { // a re-drive gets a new expiry; attempts stay as history
			expire := now.Add(defaultExpiry)
			rec.ExpireTime = &expire
		}
		ev := &store.MessageEvent{Time: now, Kind: kind, State: to, Description: reason, Attempt: rec.Attempts,
			TraceID: tracing.TraceID(ctx)}
		if err := s.store.UpdateMessage(ctx, rec, ev); err != nil {
			return fmt.Errorf("message %q: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.wake()
	return messageToProto(rec)
}

// eventsFromStart is the page token, after a first page of one, of the stored events from
// their beginning; "~" is in no store's tokens (base64url).
const eventsFromStart = "~stored"

func (s *messageService) ListMessageEvents(ctx context.Context, req *reachv1.ListMessageEventsRequest) (*reachv1.ListMessageEventsResponse, error) {
	var f fieldErrors
	pg := page(&f, req.PageSize, req.PageToken)
	if err := f.err(); err != nil {
		return nil, err
	}
	m, err := s.getMessage(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	// The first step is the message's creation, told by the message itself, and it counts
	// toward the first page: that page holds one stored event fewer. A first page of one
	// is that step alone, and its token starts the stored events from their beginning.
	first := pg.Token == ""
	if pg.Token == eventsFromStart {
		pg.Token = ""
	}
	var evs []*store.MessageEvent
	var next string
	if first && pg.Size == 1 {
		// A token only when stored events follow.
		more, _, err := s.store.ListMessageEvents(ctx, m.TenantID, m.ID, store.Page{Size: 1})
		if err != nil {
			return nil, listErr(err, "")
		}
		if len(more) > 0 {
			next = eventsFromStart
		}
	} else {
		if first {
			pg.Size--
		}
		if evs, next, err = s.store.ListMessageEvents(ctx, m.TenantID, m.ID, pg); err != nil {
			return nil, listErr(err, "")
		}
	}
	out := &reachv1.ListMessageEventsResponse{NextPageToken: next}
	// Its trace is the message's for good: a re-drive's attempts continue it too (the
	// REQUEUED event names the re-driving call's trace), so one message is one trace.
	if first {
		out.Events = append(out.Events, &reachv1.MessageEvent{Time: ts(m.CreateTime), State: reachv1.MessageState_MESSAGE_STATE_QUEUED,
			Kind: store.EventQueued, Description: "accepted and queued", TraceId: tracing.TraceIDOf(m.TraceParent)})
	}
	for _, e := range evs {
		out.Events = append(out.Events, eventToProto(e))
	}
	return out, nil
}
