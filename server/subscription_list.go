package server

import (
	"context"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

func (s *subscriptionService) ListSubscriptions(ctx context.Context, req *reachv1.ListSubscriptionsRequest) (*reachv1.ListSubscriptionsResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	filter := subscriptionFilter(&f, req.Filter, ch.ID)
	if err := f.err(); err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListSubscriptions(ctx, ch.TenantID, ch.ID, filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	resp := &reachv1.ListSubscriptionsResponse{NextPageToken: next}
	for _, r := range recs {
		resp.Subscriptions = append(resp.Subscriptions, subscriptionToProto(r))
	}
	return resp, nil
}

// userFilterFields are the filter fields that name a user, by the kind they name.
var userFilterFields = map[string]string{"user_id": kindUserID, "open_id": kindOpenID, "customer_id": kindCustomerID}

func subscriptionFilter(f *fieldErrors, filter, channelID string) store.SubscriptionFilter {
	var out store.SubscriptionFilter
	eq := []string{"="}
	terms, err := parseFilter(filter, map[string][]string{"user_id": eq, "open_id": eq, "customer_id": eq, "template": eq, "state": eq, "kind": eq})
	if err != nil {
		f.add("filter", err.Error())
	}
	for _, t := range terms {
		var err error
		switch t.Field {
		case "template":
			var tf fieldErrors
			chID, id := templateRef(&tf, "filter", t.Value)
			if !tf.empty() || chID != channelID {
				f.add("filter", "template: must be a template name of this channel")
			}
			out.TemplateID = id
		case "state":
			out.State, err = enumValue("SUBSCRIPTION_STATE_", t.Value, subscriptionStates)
		case "kind":
			out.Kind, err = enumValue("SUBSCRIPTION_KIND_", t.Value, subscriptionKinds)
		default:
			out.User = store.UserRef{Kind: userFilterFields[t.Field], ID: t.Value}
		}
		if err != nil {
			f.add("filter", t.Field+": "+err.Error())
		}
	}
	return out
}
