package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/adapter"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// syncTimeout bounds one SyncSubscriptions call to Alipay (several batched queries).
const syncTimeout = 15 * time.Second

// maxSyncTemplates bounds how many templates one sync asks about.
const maxSyncTemplates = 100

func (s *subscriptionService) SyncSubscriptions(ctx context.Context, req *reachv1.SyncSubscriptionsRequest) (*reachv1.SyncSubscriptionsResponse, error) {
	ch, err := s.getChannel(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	if ch.Type != typeMiniProgram {
		return nil, status.Errorf(codes.FailedPrecondition, "channel %q is %s; subscriptions are synced on mini program channels", req.Parent, ch.Type)
	}
	var f fieldErrors
	user := userRef(&f, "user", req.User, ch.Type)
	tpls, err := s.syncTemplates(ctx, &f, ch, req.Templates)
	if err := cmp.Or(err, f.err()); err != nil {
		return nil, err
	}
	a, err := s.conn.Adapter(ch)
	if err != nil {
		return nil, err
	}
	q, ok := a.(adapter.SubscriptionQuerier)
	if !ok {
		return nil, status.Error(codes.FailedPrecondition, "this channel's product cannot query subscriptions")
	}
	ids := make([]string, len(tpls))
	for i, t := range tpls {
		ids[i] = t.ExternalID
	}
	qctx, cancel := context.WithTimeout(ctx, syncTimeout)
	defer cancel()
	rels, err := q.QuerySubscriptions(qctx, adapter.User{Kind: user.Kind, ID: user.ID}, ids)
	if err != nil {
		var one *store.Template // Alipay's "template does not exist" names no template
		if len(tpls) == 1 {
			one = tpls[0]
		}
		s.noteAlipayVerdict(ctx, ch, one, err)
		return nil, s.alipayStatus(ctx, "query subscriptions", err)
	}
	byID := map[string]adapter.Relation{}
	for _, r := range rels {
		byID[r.TemplateID] = r
	}
	resp := &reachv1.SyncSubscriptionsResponse{}
	for _, t := range tpls {
		row, err := s.syncOne(ctx, store.SubscriptionKey{TenantID: ch.TenantID, ChannelID: ch.ID, TemplateID: t.ID, User: user}, t, byID[t.ExternalID])
		if err != nil {
			return nil, err
		}
		if row != nil {
			resp.Subscriptions = append(resp.Subscriptions, subscriptionToProto(row))
		}
	}
	return resp, nil
}

// syncTemplates resolves the templates to ask about: the named ones, or every ACTIVE one.
func (s *subscriptionService) syncTemplates(ctx context.Context, f *fieldErrors, ch *store.Channel, names []string) ([]*store.Template, error) {
	var out []*store.Template
	if len(names) == 0 {
		for p := (store.Page{Size: maxSyncTemplates}); ; {
			recs, next, err := s.store.ListTemplates(ctx, ch.TenantID, ch.ID, store.TemplateFilter{State: "ACTIVE"}, p)
			if err != nil {
				return nil, err
			}
			out = append(out, recs...)
			if next == "" || len(out) >= maxSyncTemplates {
				break
			}
			p.Token = next
		}
		if len(out) == 0 {
			f.add("templates", "the channel has no ACTIVE templates to sync")
		}
		return out, nil
	}
	if len(names) > maxSyncTemplates {
		f.add("templates", fmt.Sprintf("at most %d templates per sync", maxSyncTemplates))
		return nil, nil
	}
	for i, n := range names {
		t, err := s.templateOfChannel(ctx, f, fmt.Sprintf("templates[%d]", i), n, ch.ID)
		if err != nil {
			return nil, err
		}
		if t != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// syncOne makes the ledger row agree with what Alipay reports. Alipay does not say how many
// one-time acceptances remain, only whether a relation exists: a reported one-time relation
// with nothing left in the ledger becomes one send; no relation clears what the ledger
// still counts. Rows are not created for templates the user never subscribed to.
func (s *subscriptionService) syncOne(ctx context.Context, key store.SubscriptionKey, t *store.Template, rel adapter.Relation) (*store.Subscription, error) {
	row, err := s.store.FindSubscription(ctx, key.TenantID, key.ChannelID, key.TemplateID, key.User)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	ch := store.SubscriptionChange{Kind: "TEMPLATE", Type: t.SubscriptionType}
	switch {
	case rel.Subscribed && t.SubscriptionType == "ONE_TIME":
		ch.State, ch.StateReason, ch.MinSends = "ACTIVE", "Alipay reports a subscription (synced)", 1
	case rel.Subscribed:
		ch.State, ch.StateReason = "ACTIVE", "Alipay reports a subscription (synced)"
	case row == nil:
		return nil, nil
	case row.State == "REJECTED":
		return row, nil // the user said no; Alipay reporting no relation agrees
	case t.SubscriptionType == "ONE_TIME":
		ch.ClearSends, ch.State, ch.StateReason = true, "EXHAUSTED", "Alipay reports no subscription left (synced)"
	default:
		ch.State, ch.StateReason = "CANCELLED", "Alipay reports no subscription (synced)"
	}
	return s.store.ApplySubscription(ctx, key, ch)
}
