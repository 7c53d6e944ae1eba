package server

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

// broadcastService implements reachv1.BroadcastServiceServer. The runner in package
// broadcast does the enqueuing; these handlers only record and steer broadcasts.
type broadcastService struct {
	reachv1.UnimplementedBroadcastServiceServer
	*deps
}

func (s *broadcastService) CreateBroadcast(ctx context.Context, req *reachv1.CreateBroadcastRequest) (*reachv1.CreateBroadcastResponse, error) {
	if req.Broadcast == nil {
		return nil, invalidField("broadcast", "required")
	}
	hash, err := requestHash("CreateBroadcast", req)
	if err != nil {
		return nil, err
	}
	rec, err := s.validate(ctx, req, hash)
	if err != nil {
		// A recorded request id is still a replay, whatever its template became since (as
		// for SendMessage): a retry must not get an error that invites a resend.
		if status.Code(err) == codes.InvalidArgument || status.Code(err) == codes.FailedPrecondition {
			if out, rerr := s.replay(ctx, req.RequestId, hash); rerr != nil || out != nil {
				return out, rerr
			}
		}
		return nil, err
	}
	created, existing, err := s.store.CreateBroadcast(ctx, rec)
	if err != nil {
		return nil, err
	}
	if !created {
		if existing.RequestHash != hash {
			return nil, errRequestReused(req.RequestId)
		}
		rec = existing
	}
	out, err := broadcastToProto(rec)
	if err != nil {
		return nil, err
	}
	return &reachv1.CreateBroadcastResponse{Broadcast: out, Replayed: !created}, nil
}

// replay answers a rejected request whose request id was recorded (nil when none was).
func (s *broadcastService) replay(ctx context.Context, requestID, hash string) (*reachv1.CreateBroadcastResponse, error) {
	if requestID == "" || !requestIDPattern.MatchString(requestID) {
		return nil, nil
	}
	rec, err := s.store.FindBroadcastRequest(ctx, tenantOf(ctx), requestID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if rec.RequestHash != hash {
		return nil, errRequestReused(requestID)
	}
	out, err := broadcastToProto(rec)
	if err != nil {
		return nil, err
	}
	return &reachv1.CreateBroadcastResponse{Broadcast: out, Replayed: true}, nil
}

// validate checks a create request the way SendMessage checks a send (template, content,
// times) and builds the broadcast to store.
func (s *broadcastService) validate(ctx context.Context, req *reachv1.CreateBroadcastRequest, hash string) (*store.Broadcast, error) {
	b := req.Broadcast
	var f fieldErrors
	c := content{colors: b.Colors, localizations: b.Localizations, page: b.Page, lifeAccount: b.LifeAccount}
	p, err := (&messageService{deps: s.deps}).plan(ctx, &f, req.RequestId, b.Template, c, b.StartTime, b.ExpireTime, true)
	if err != nil {
		return nil, err
	}
	var subType string
	if p != nil {
		checkRecipientData(&f, "data", b.Data, b.Localizations, p)
		if b.SubscriptionType != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_UNSPECIFIED {
			subType, err = enumValue("SUBSCRIPTION_TYPE_", b.SubscriptionType.String(), []string{"ONE_TIME", "LONG_TERM"})
			if err != nil {
				f.add("broadcast.subscription_type", err.Error())
			} else if p.channel.Type != typeMiniProgram {
				f.add("broadcast.subscription_type", "only mini program templates have subscription types")
			}
		}
	}
	nestViolations(&f)
	if err := f.err(); err != nil {
		return nil, err
	}
	payload, err := payloadOf(&reachv1.Message{Data: b.Data, Colors: b.Colors, Localizations: b.Localizations, Page: b.Page,
		LifeAccount: b.LifeAccount, Category: policy.Category(b.Category)})
	if err != nil {
		return nil, err
	}
	start := s.now()
	if p.send != nil {
		start = *p.send
	}
	kind, ledgerTemplate := ledgerOf(p.channel.Type, p.template.ID)
	return &store.Broadcast{TenantID: tenantOf(ctx), ID: newID(), ChannelID: p.channel.ID, TemplateID: p.template.ID,
		RequestID: req.RequestId, RequestHash: hash, LedgerKind: kind, LedgerTemplate: ledgerTemplate,
		SubscriptionType: subType, Payload: payload, StartTime: start, ExpireTime: p.expire}, nil
}

func (s *broadcastService) GetBroadcast(ctx context.Context, req *reachv1.GetBroadcastRequest) (*reachv1.GetBroadcastResponse, error) {
	out, err := s.steer(ctx, req.Name, s.store.GetBroadcast)
	return &reachv1.GetBroadcastResponse{Broadcast: out}, err
}

func (s *broadcastService) ListBroadcasts(ctx context.Context, req *reachv1.ListBroadcastsRequest) (*reachv1.ListBroadcastsResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListBroadcasts(ctx, tenantOf(ctx), p)
	if err != nil {
		return nil, listErr(err, "")
	}
	out := &reachv1.ListBroadcastsResponse{NextPageToken: next}
	for _, r := range recs {
		b, err := broadcastToProto(r)
		if err != nil {
			return nil, err
		}
		out.Broadcasts = append(out.Broadcasts, b)
	}
	return out, nil
}

func (s *broadcastService) PauseBroadcast(ctx context.Context, req *reachv1.PauseBroadcastRequest) (*reachv1.PauseBroadcastResponse, error) {
	out, err := s.steer(ctx, req.Name, s.store.PauseBroadcast)
	return &reachv1.PauseBroadcastResponse{Broadcast: out}, err
}

func (s *broadcastService) ResumeBroadcast(ctx context.Context, req *reachv1.ResumeBroadcastRequest) (*reachv1.ResumeBroadcastResponse, error) {
	out, err := s.steer(ctx, req.Name, s.store.ResumeBroadcast)
	return &reachv1.ResumeBroadcastResponse{Broadcast: out}, err
}

func (s *broadcastService) CancelBroadcast(ctx context.Context, req *reachv1.CancelBroadcastRequest) (*reachv1.CancelBroadcastResponse, error) {
	out, err := s.steer(ctx, req.Name, s.store.CancelBroadcast)
	return &reachv1.CancelBroadcastResponse{Broadcast: out}, err
}

// steer validates the name, applies op to the named broadcast and returns it. A state op
// does not allow (pausing a COMPLETED broadcast) answers FAILED_PRECONDITION.
func (s *broadcastService) steer(ctx context.Context, name string, op func(context.Context, string, string) (*store.Broadcast, error)) (*reachv1.Broadcast, error) {
	var f fieldErrors
	id := broadcastRef(&f, "name", name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := op(ctx, tenantOf(ctx), id)
	if errors.Is(err, store.ErrConflict) {
		if now, gerr := s.store.GetBroadcast(ctx, tenantOf(ctx), id); gerr == nil {
			return nil, withReason(codes.FailedPrecondition, "BROADCAST_STATE",
				fmt.Sprintf("broadcast %q is %s: that is not a state this call applies to", name, now.State))
		}
	}
	if err != nil {
		return nil, fmt.Errorf("broadcast %q: %w", name, err)
	}
	return broadcastToProto(rec)
}
