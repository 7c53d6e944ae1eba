package server

import (
	"context"
	"errors"
	"fmt"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/subscribe"
	"github.com/reachhq/reach/store"
)

// maxSubscribeTemplates is how many templates one my.requestSubscribeMessage call asks
// about (§5): a result answering more was not produced by that call.
const maxSubscribeTemplates = 3

func (s *subscriptionService) RecordSubscribeResult(ctx context.Context, req *reachv1.RecordSubscribeResultRequest) (*reachv1.RecordSubscribeResultResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	if ch.Type != typeMiniProgram {
		return nil, status.Errorf(codes.FailedPrecondition, "channel %q is %s; subscribe results come from mini program channels", req.Parent, ch.Type)
	}
	var f fieldErrors
	user := userRef(&f, "user", req.User, ch.Type)
	res, perr := subscribe.Parse([]byte(req.ResultJson))
	if perr != nil {
		var pe *subscribe.Error
		if errors.As(perr, &pe) && pe.Field != "" {
			f.add("result_json", pe.Field+": "+pe.Reason)
		} else {
			f.add("result_json", perr.Error())
		}
	}
	if res != nil && len(res.Accepted)+len(res.Rejected) > maxSubscribeTemplates {
		f.add("result_json", fmt.Sprintf("answers %d templates; my.requestSubscribeMessage asks about at most %d",
			len(res.Accepted)+len(res.Rejected), maxSubscribeTemplates))
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	resp := &reachv1.RecordSubscribeResultResponse{ErrorCode: res.ErrorCode}
	switch res.Outcome {
	case subscribe.OutcomeCancelled:
		resp.Outcome = reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_CANCELLED
		return resp, nil
	case subscribe.OutcomeFailed:
		resp.Outcome = reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_FAILED
		return resp, nil
	}
	resp.Outcome = reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED
	for _, answer := range []struct {
		ids    []string
		accept bool
	}{{res.Accepted, true}, {res.Rejected, false}} {
		for _, ext := range answer.ids {
			tpl, err := s.templateByExternalID(ctx, ch.TenantID, ch.ID, ext)
			if errors.Is(err, store.ErrNotFound) {
				resp.UnknownTemplateIds = append(resp.UnknownTemplateIds, ext)
				continue
			}
			if err != nil {
				return nil, err
			}
			row, err := s.recordAnswer(ctx, store.SubscriptionKey{TenantID: ch.TenantID, ChannelID: ch.ID, TemplateID: tpl.ID, User: user}, tpl, answer.accept, res.Refuse)
			if err != nil {
				return nil, err
			}
			if row != nil {
				resp.Subscriptions = append(resp.Subscriptions, subscriptionToProto(row))
			}
		}
	}
	return resp, nil
}

// recordAnswer applies one template's answer to the ledger and returns the changed row (nil
// when nothing changed).
//
// One-time: each acceptance allows one more send (they add up, as at Alipay). A rejection
// adds nothing and does not take back earlier acceptances, which Alipay still honours; it
// only marks a row with nothing left as REJECTED. Long-term: accept activates, reject
// deactivates.
func (s *subscriptionService) recordAnswer(ctx context.Context, key store.SubscriptionKey, tpl *store.Template, accept, refuse bool) (*store.Subscription, error) {
	ch := store.SubscriptionChange{Kind: "TEMPLATE", Type: tpl.SubscriptionType}
	switch {
	case accept && tpl.SubscriptionType == "ONE_TIME":
		ch.AddSends, ch.State, ch.StateReason = 1, "ACTIVE", "accepted by the user"
	case accept:
		ch.State, ch.StateReason = "ACTIVE", "accepted by the user"
	default:
		ch.State, ch.StateReason = "REJECTED", "rejected by the user"
		if refuse {
			ch.StateReason = "rejected by the user, who asked not to be asked again"
		}
		// Earlier one-time acceptances stay usable; the store decides in one statement.
		ch.StateIfNoSends = tpl.SubscriptionType == "ONE_TIME"
	}
	return s.store.ApplySubscription(ctx, key, ch)
}

// templateByExternalID finds a channel's template by Alipay's template id.
func (d *deps) templateByExternalID(ctx context.Context, tenantID, channelID, externalID string) (*store.Template, error) {
	recs, _, err := d.store.ListTemplates(ctx, tenantID, channelID, store.TemplateFilter{ExternalID: externalID}, store.Page{Size: 1})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, store.ErrNotFound
	}
	return recs[0], nil
}
