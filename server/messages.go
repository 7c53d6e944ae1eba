package server

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

// messageService implements reachv1.MessageServiceServer.
type messageService struct {
	reachv1.UnimplementedMessageServiceServer
	*deps
}

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)

// Batch and scheduling limits.
const (
	maxBatch         = 1000
	defaultExpiry    = 7 * 24 * time.Hour
	maxScheduleAhead = 365 * 24 * time.Hour
)

// sendPlan is a validated send request's shared part: the template, its channel and when.
type sendPlan struct {
	channel  *store.Channel
	template *store.Template
	options  *reachv1.Template
	send     *time.Time
	expire   time.Time
}

// plan validates what every message of a request shares. Violations go to f; a template
// that Alipay reported as gone fails the call outright with FAILED_PRECONDITION.
// fresh skips the read cache.
func (s *messageService) plan(ctx context.Context, f *fieldErrors, requestID, tplName string, c content, send, expire *timestamppb.Timestamp, fresh bool) (*sendPlan, error) {
	if requestID != "" && !requestIDPattern.MatchString(requestID) {
		f.add("request_id", "must be 1-128 letters, digits or ._:-")
	}
	if tplName == "" {
		f.add("template", "required")
		return nil, nil
	}
	var tf fieldErrors
	chID, templateID := templateRef(&tf, "template", tplName)
	if !tf.empty() {
		f.add("template", tf.violations[0].Description)
		return nil, nil
	}
	cached, err := s.cache.template(ctx, s.store, tenantOf(ctx), chID, templateID, fresh)
	if errors.Is(err, store.ErrNotFound) {
		f.add("template", "no such template")
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	tpl, opts := cached.tpl, cached.options
	ch, err := s.cache.channel(ctx, s.store, store.ChannelRef{TenantID: tpl.TenantID, ChannelID: tpl.ChannelID}, fresh)
	if err != nil {
		return nil, fmt.Errorf("channel of template %q: %w", tplName, err)
	}
	if tpl.State == "INVALID" {
		return nil, withReason(codes.FailedPrecondition, "TEMPLATE_INVALID",
			fmt.Sprintf("template %q is INVALID (%s); fix it at Alipay and set it ACTIVE again", tplName, tpl.StateReason))
	}
	p := &sendPlan{channel: ch, template: tpl, options: opts}
	now := s.now()
	start := now
	if send != nil {
		t := send.AsTime().UTC().Truncate(time.Microsecond)
		if !send.IsValid() || t.After(now.Add(maxScheduleAhead)) {
			f.add("send_time", "must be a valid time at most a year ahead")
		}
		p.send, start = &t, t
	}
	p.expire = start.Add(defaultExpiry)
	if expire != nil {
		p.expire = expire.AsTime().UTC().Truncate(time.Microsecond)
		if !expire.IsValid() || !p.expire.After(start) || !p.expire.After(now) {
			f.add("expire_time", "must be in the future and after send_time")
		}
	}
	checkContent(f, c, tpl, opts, ch.Type)
	return p, nil
}

// message builds one queued message of the plan for one recipient.
func (p *sendPlan) message(tenantID, requestID string, index int, to store.UserRef, m *reachv1.Message) (draft, error) {
	payload, err := payloadOf(m)
	if err != nil {
		return draft{}, err
	}
	expire := p.expire
	return draft{rec: &store.Message{
		TenantID: tenantID, ID: newID(), ChannelID: p.channel.ID, TemplateID: p.template.ID,
		RequestID: requestID, BatchIndex: index, Recipient: to, Payload: payload,
		State: "QUEUED", StateReason: reasonQueued, SendTime: p.send, ExpireTime: &expire,
	}, content: m}, nil
}

// replayRejected answers a request that validation rejected (cause): if its request id
// was recorded, the client gets what was recorded, since the template may have been
// changed or deleted, or the expiry passed, since the first call, and a retry must not
// get an error that invites a resend. Checking only after a rejection keeps the common
// path to one write: the insert itself finds a recorded request id (group commit).
func (s *messageService) replayRejected(ctx context.Context, requestID, hash string, cause error) ([]*reachv1.Message, error) {
	switch status.Code(cause) {
	case codes.InvalidArgument, codes.FailedPrecondition, codes.NotFound:
	default:
		if !errors.Is(cause, store.ErrNotFound) {
			return nil, cause
		}
	}
	out, ok, err := s.replay(ctx, requestID, hash)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, cause
	}
	return out, nil
}

// replay answers a request id seen before from what was recorded.
func (s *messageService) replay(ctx context.Context, requestID, hash string) ([]*reachv1.Message, bool, error) {
	if requestID == "" || !requestIDPattern.MatchString(requestID) {
		return nil, false, nil
	}
	msgs, stored, err := s.store.GetSendRequest(ctx, tenantOf(ctx), requestID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if stored != hash {
		return nil, false, errRequestReused(requestID)
	}
	out, err := messagesToProto(msgs)
	return out, err == nil, err
}

func errRequestReused(requestID string) error {
	return withReason(codes.AlreadyExists, "REQUEST_ID_REUSED",
		fmt.Sprintf("request_id %q was already used for a different request; use a new request_id for new content", requestID))
}

// create stores msgs under the idempotency key and resolves a replay.
func (s *messageService) create(ctx context.Context, requestID, hash string, guard store.SendGuard, drafts []draft) ([]*reachv1.Message, bool, error) {
	msgs := make([]*store.Message, len(drafts))
	traceParent := tracing.TraceParent(ctx) // "" when untraced: nothing more to store
	for i, d := range drafts {
		d.rec.TraceParent = traceParent
		msgs[i] = d.rec
	}
	created, existing, existingHash, err := s.store.CreateGuardedMessages(ctx, tenantOf(ctx), requestID, hash, guard, msgs)
	if err != nil {
		return nil, false, err
	}
	if created {
		s.wake()
		return draftsToProto(drafts), false, nil
	}
	if existingHash != hash {
		return nil, false, errRequestReused(requestID)
	}
	out, err := messagesToProto(existing)
	return out, true, err
}

func (s *messageService) SendMessage(ctx context.Context, req *reachv1.SendMessageRequest) (*reachv1.SendMessageResponse, error) {
	hash, err := requestHash("SendMessage", req)
	if err != nil {
		return nil, err
	}
	out, replayed, err := s.send(ctx, req.RequestId, hash, func(fresh bool) (*sendPlan, []draft, error) {
		p, m, err := s.sendMessage(ctx, req, fresh)
		return p, []draft{m}, err
	})
	if err != nil {
		return nil, err
	}
	return &reachv1.SendMessageResponse{Message: out[0], Replayed: replayed}, nil
}

// send validates a request with build and stores its messages. Validation first reads
// the template and channel from a cache; a rejection, or a template that changed before
// the insert, is checked again on fresh reads, once (a template that keeps changing
// answers ABORTED). A request that validation rejects is still answered as a replay
// when its request id was recorded.
func (s *messageService) send(ctx context.Context, requestID, hash string, build func(fresh bool) (*sendPlan, []draft, error)) ([]*reachv1.Message, bool, error) {
	for fresh := false; ; fresh = true {
		p, msgs, err := build(fresh)
		if err != nil && !fresh {
			continue
		}
		if err != nil {
			out, err := s.replayRejected(ctx, requestID, hash, err)
			return out, err == nil, err
		}
		guard := store.SendGuard{ChannelID: p.template.ChannelID, TemplateID: p.template.ID, Revision: p.template.Revision}
		out, replayed, err := s.create(ctx, requestID, hash, guard, msgs)
		if errors.Is(err, store.ErrStale) && !fresh {
			continue
		}
		return out, replayed, err
	}
}

// sendMessage validates a SendMessage request and builds its message.
func (s *messageService) sendMessage(ctx context.Context, req *reachv1.SendMessageRequest, fresh bool) (*sendPlan, draft, error) {
	var f fieldErrors
	c := content{colors: req.Colors, localizations: req.Localizations, page: req.Page, lifeAccount: req.LifeAccount}
	p, err := s.plan(ctx, &f, req.RequestId, req.Template, c, req.SendTime, req.ExpireTime, fresh)
	if err != nil {
		return nil, draft{}, err
	}
	var to store.UserRef
	if p != nil {
		to = userRef(&f, "recipient", req.Recipient, p.channel.Type)
		checkRecipientData(&f, "data", req.Data, req.Localizations, p)
	} else if req.Recipient.GetId() == nil {
		// Without a template the rest cannot be checked, but a missing recipient can.
		f.add("recipient", "required: set user_id, open_id or customer_id")
	}
	if err := f.err(); err != nil {
		return nil, draft{}, err
	}
	m, err := p.message(tenantOf(ctx), req.RequestId, 0, to, &reachv1.Message{
		Data: req.Data, Colors: req.Colors, Localizations: req.Localizations, Page: req.Page, LifeAccount: req.LifeAccount,
		Category: policy.Category(req.Category)})
	return p, m, err
}

// checkRecipientData validates one recipient's keyword values: either data, or (Alipay+)
// localizations, which checkContent already validated.
func checkRecipientData(f *fieldErrors, field string, data map[string]string, locs []*reachv1.LocalizedData, p *sendPlan) {
	if len(locs) > 0 {
		if len(data) > 0 {
			f.add(field, "set either data or localizations, not both")
		}
		return
	}
	checkData(f, field, data, p.template, p.options, p.channel.Type)
}
