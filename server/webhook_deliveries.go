package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/types/known/durationpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/webhooks"
)

// deliveryStates are the webhook delivery states as stored.
var deliveryStates = []string{store.DeliveryPending, store.DeliverySucceeded, store.DeliveryFailed}

func (s *webhookService) ListWebhookDeliveries(ctx context.Context, req *reachv1.ListWebhookDeliveriesRequest) (*reachv1.ListWebhookDeliveriesResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	var filter store.WebhookDeliveryFilter
	terms, err := parseFilter(req.Filter, map[string][]string{"state": {"="}, "event_type": {"="}})
	if err != nil {
		f.add("filter", err.Error())
	}
	for _, t := range terms {
		switch t.Field {
		case "state":
			if filter.State, err = enumValue("WEBHOOK_DELIVERY_STATE_", t.Value, deliveryStates); err != nil {
				f.add("filter", t.Field+": "+err.Error())
			}
		case "event_type":
			if !slices.Contains(webhooks.EventTypes, t.Value) {
				f.add("filter", fmt.Sprintf("event_type: %q is not an event type; known: %s", t.Value, strings.Join(webhooks.EventTypes, ", ")))
			}
			filter.Type = t.Value
		}
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	hook, err := s.getWebhook(ctx, "parent", req.Parent)
	if err != nil {
		return nil, err
	}
	recs, next, err := s.store.ListWebhookDeliveries(ctx, hook.TenantID, hook.ID, filter, p)
	if err != nil {
		return nil, listErr(err, req.Filter)
	}
	resp := &reachv1.ListWebhookDeliveriesResponse{NextPageToken: next}
	for _, r := range recs {
		resp.Deliveries = append(resp.Deliveries, deliveryToProto(r))
	}
	return resp, nil
}

func (s *webhookService) ListWebhookAttempts(ctx context.Context, req *reachv1.ListWebhookAttemptsRequest) (*reachv1.ListWebhookAttemptsResponse, error) {
	var f fieldErrors
	p := page(&f, req.PageSize, req.PageToken)
	ids, ok := parseName(req.Parent, "webhooks/*/deliveries/*")
	if !ok {
		f.add("parent", `must be a delivery name "webhooks/{webhook}/deliveries/{event}"`)
	}
	if err := f.err(); err != nil {
		return nil, err
	}
	// The delivery must exist: an unknown one is NOT_FOUND, not an empty list.
	if _, err := s.store.GetWebhookDelivery(ctx, tenantOf(ctx), ids[0], ids[1]); err != nil {
		return nil, fmt.Errorf("webhook delivery %q: %w", req.Parent, err)
	}
	recs, next, err := s.store.ListWebhookAttempts(ctx, tenantOf(ctx), ids[0], ids[1], p)
	if err != nil {
		return nil, listErr(err, "")
	}
	resp := &reachv1.ListWebhookAttemptsResponse{NextPageToken: next}
	for _, a := range recs {
		resp.Attempts = append(resp.Attempts, &reachv1.WebhookAttempt{Attempt: int32(a.Attempt), AttemptTime: ts(a.Time),
			StatusCode: int32(a.StatusCode), Error: a.Error, Latency: durationpb.New(a.Latency), Replica: a.Replica})
	}
	return resp, nil
}

func deliveryToProto(d *store.WebhookDelivery) *reachv1.WebhookDelivery {
	out := &reachv1.WebhookDelivery{
		Name:      webhookName(d.WebhookID) + "/deliveries/" + d.EventID,
		EventType: d.Type,
		State:     reachv1.WebhookDeliveryState(reachv1.WebhookDeliveryState_value["WEBHOOK_DELIVERY_STATE_"+d.State]),
		Attempts:  int32(d.Attempts), LastStatusCode: int32(d.LastStatus), LastError: d.LastError, Payload: d.Payload,
		CreateTime: ts(d.CreateTime), UpdateTime: ts(d.UpdateTime),
	}
	if d.State == store.DeliveryPending {
		out.NextAttemptTime = ts(d.DueTime)
	}
	return out
}
