package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// subscriptionService implements reachv1.SubscriptionServiceServer.
type subscriptionService struct {
	reachv1.UnimplementedSubscriptionServiceServer
	*deps
}

func (s *subscriptionService) CreateSubscription(ctx context.Context, req *reachv1.CreateSubscriptionRequest) (*reachv1.CreateSubscriptionResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	in := req.Subscription
	if in == nil {
		return nil, invalidField("subscription", "required")
	}
	var f fieldErrors
	key := store.SubscriptionKey{TenantID: ch.TenantID, ChannelID: ch.ID, User: userRef(&f, "subscription.user", in.User, ch.Type)}
	var change store.SubscriptionChange
	switch ch.Type {
	case typeAlipayPlus:
		return nil, status.Error(codes.FailedPrecondition, "Alipay+ users are authorized with AuthorizeUser, not recorded by hand")
	case typeLifeAccount:
		if in.Template != "" {
			f.add("subscription.template", "Life Account followers follow the channel, not a template: leave it empty")
		}
		change = store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE", StateReason: "recorded by an operator"}
	case typeMiniProgram:
		tpl, err := s.templateOfChannel(ctx, &f, "subscription.template", in.Template, ch.ID)
		if tpl == nil || err != nil {
			return nil, cmp.Or(err, f.err())
		}
		key.TemplateID = tpl.ID
		change = store.SubscriptionChange{Kind: "TEMPLATE", Type: tpl.SubscriptionType, State: "ACTIVE", StateReason: "recorded by an operator"}
		if tpl.SubscriptionType == "ONE_TIME" {
			change.AddSends = 1
			if in.RemainingSends != 0 {
				change.AddSends = in.RemainingSends
			}
			if change.AddSends < 1 || change.AddSends > 1000 {
				f.add("subscription.remaining_sends", "must be between 1 and 1000 acceptances to add")
			}
		} else if in.RemainingSends != 0 {
			f.add("subscription.remaining_sends", "only one-time templates count sends")
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := s.store.ApplySubscription(ctx, key, change)
	if err != nil {
		return nil, err
	}
	return &reachv1.CreateSubscriptionResponse{Subscription: subscriptionToProto(rec)}, nil
}

// templateOfChannel loads a template named in field that must belong to channelID; a
// missing or foreign template is a field violation (nil, nil). Any other failure is an
// error: a database outage must not read as bad input.
func (d *deps) templateOfChannel(ctx context.Context, f *fieldErrors, field, name, channelID string) (*store.Template, error) {
	chID, id := templateRef(f, field, name)
	if chID == "" {
		return nil, nil
	}
	if chID != channelID {
		f.add(field, "must be a template of channel "+channelName(channelID))
		return nil, nil
	}
	tpl, err := d.store.GetTemplate(ctx, tenantOf(ctx), chID, id)
	if errors.Is(err, store.ErrNotFound) {
		f.add(field, "no such template")
		return nil, nil
	}
	return tpl, err
}

func (s *subscriptionService) GetSubscription(ctx context.Context, req *reachv1.GetSubscriptionRequest) (*reachv1.GetSubscriptionResponse, error) {
	var f fieldErrors
	chID, id := subscriptionRef(&f, "name", req.Name)
	if err := f.err(); err != nil {
		return nil, err
	}
	rec, err := s.store.GetSubscription(ctx, tenantOf(ctx), chID, id)
	if err != nil {
		return nil, fmt.Errorf("subscription %q: %w", req.Name, err)
	}
	return &reachv1.GetSubscriptionResponse{Subscription: subscriptionToProto(rec)}, nil
}

func (s *subscriptionService) CancelSubscription(ctx context.Context, req *reachv1.CancelSubscriptionRequest) (*reachv1.CancelSubscriptionResponse, error) {
	var f fieldErrors
	chID, id := subscriptionRef(&f, "name", req.Name)
	if utf8.RuneCountInString(req.Reason) > 500 {
		f.add("reason", "must be at most 500 characters")
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	reason := req.Reason
	if reason == "" {
		reason = "cancelled by an operator"
	}
	var rec *store.Subscription
	err := retryConflicts(conflictAttempts, func() (err error) {
		if rec, err = s.store.GetSubscription(ctx, tenantOf(ctx), chID, id); err == nil {
			rec.State, rec.StateReason, rec.RemainingSends = "CANCELLED", reason, 0
			err = s.store.UpdateSubscription(ctx, rec)
		}
		if err != nil {
			return fmt.Errorf("subscription %q: %w", req.Name, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &reachv1.CancelSubscriptionResponse{Subscription: subscriptionToProto(rec)}, nil
}
