package server

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

const (
	mListDeliveries = "/reach.v1.WebhookService/ListWebhookDeliveries"
	mListAttempts   = "/reach.v1.WebhookService/ListWebhookAttempts"
)

// TestWebhookDeliveriesAPI: an endpoint's deliveries and each delivery's tries are listed
// over gRPC and HTTP, filtered by state and type; bad names and filters are field errors.
func TestWebhookDeliveriesAPI(t *testing.T) {
	e := newTestEnv(t)
	e.createWebhook("orders", orderHook())
	tenant := e.tenantID()
	ctx := context.Background()
	// What the relay and a deliverer would write: two events, one tried twice and done.
	if _, _, err := e.store.LeaseWebhookRelay(ctx, "relay", time.Now(), time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	ds := []*store.WebhookDelivery{
		{TenantID: tenant, WebhookID: "orders", EventID: "evt-m000000000000001", Type: "message.failed", Payload: `{"type":"message.failed"}`},
		{TenantID: tenant, WebhookID: "orders", EventID: "evt-m000000000000002", Type: "message.sent", Payload: `{"type":"message.sent"}`},
	}
	if err := e.store.QueueWebhookDeliveries(ctx, "relay", ds, ""); err != nil {
		t.Fatal(err)
	}
	claimed, err := e.store.ClaimWebhookDeliveries(ctx, "d1", time.Now().Add(time.Second), time.Minute, 1)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	d := claimed[0]
	d.Attempts, d.LastStatus, d.LastError, d.DueTime = 1, 503, "HTTP 503", time.Now()
	record := func(a *store.WebhookAttempt) {
		if _, err := e.store.RecordWebhookAttempt(ctx, "d1", d, a, time.Hour); err != nil {
			t.Fatal(err)
		}
	}
	record(&store.WebhookAttempt{TenantID: tenant, WebhookID: "orders", EventID: d.EventID, Attempt: 1, Time: time.Now(), StatusCode: 503, Error: "HTTP 503", Replica: "d1"})
	// Both are due now: the retry and the other event (released again, untried).
	again, _ := e.store.ClaimWebhookDeliveries(ctx, "d1", time.Now().Add(time.Second), time.Minute, 10)
	if len(again) != 2 {
		t.Fatalf("claimed %d, want the retry and the other event", len(again))
	}
	if err := e.store.ReleaseWebhookDeliveries(ctx, "d1", again[:1]); err != nil && again[0].EventID != d.EventID {
		t.Fatal(err)
	}
	d.Attempts, d.State, d.LastStatus, d.LastError = 2, store.DeliverySucceeded, 204, ""
	record(&store.WebhookAttempt{TenantID: tenant, WebhookID: "orders", EventID: d.EventID, Attempt: 2, Time: time.Now(), StatusCode: 204, Latency: 3 * time.Millisecond, Replica: "d1"})

	list := &reachv1.ListWebhookDeliveriesResponse{}
	e.runBoth(transportCase{name: "list succeeded", token: e.key("acme", store.RoleViewer), grpcMethod: mListDeliveries,
		grpcReq: &reachv1.ListWebhookDeliveriesRequest{Parent: "webhooks/orders", Filter: "state = SUCCEEDED"}, grpcResp: list,
		httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries?filter=state%20%3D%20SUCCEEDED", want: codes.OK,
		grpcCheck: func() {
			if len(list.Deliveries) != 1 || list.Deliveries[0].Name != "webhooks/orders/deliveries/"+d.EventID ||
				list.Deliveries[0].Attempts != 2 || list.Deliveries[0].LastStatusCode != 204 || list.Deliveries[0].NextAttemptTime != nil {
				t.Errorf("succeeded deliveries: %v", list.Deliveries)
			}
		}})
	pending := &reachv1.ListWebhookDeliveriesResponse{}
	e.must(mListDeliveries, &reachv1.ListWebhookDeliveriesRequest{Parent: "webhooks/orders", Filter: `event_type = "message.sent" AND state = PENDING`}, pending)
	if len(pending.Deliveries) != 1 || pending.Deliveries[0].EventType != "message.sent" || pending.Deliveries[0].NextAttemptTime == nil ||
		pending.Deliveries[0].Payload != `{"type":"message.sent"}` {
		t.Errorf("pending message.sent deliveries: %v", pending.Deliveries)
	}
	attempts := &reachv1.ListWebhookAttemptsResponse{}
	e.runBoth(transportCase{name: "attempts", token: e.admin(), grpcMethod: mListAttempts,
		grpcReq: &reachv1.ListWebhookAttemptsRequest{Parent: "webhooks/orders/deliveries/" + d.EventID}, grpcResp: attempts,
		httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries/" + d.EventID + "/attempts", want: codes.OK,
		grpcCheck: func() {
			a := attempts.Attempts
			if len(a) != 2 || a[0].Attempt != 1 || a[0].StatusCode != 503 || a[0].Error != "HTTP 503" || a[1].Error != "" ||
				a[1].Latency.AsDuration() != 3*time.Millisecond || a[1].Replica != "d1" {
				t.Errorf("attempts: %v", a)
			}
		}})

	for _, c := range []transportCase{
		{name: "unknown webhook", grpcMethod: mListDeliveries, grpcReq: &reachv1.ListWebhookDeliveriesRequest{Parent: "webhooks/nope"},
			httpMethod: "GET", httpPath: "/v1/webhooks/nope/deliveries", want: codes.NotFound},
		{name: "bad state", grpcMethod: mListDeliveries, grpcReq: &reachv1.ListWebhookDeliveriesRequest{Parent: "webhooks/orders", Filter: "state = DONE"},
			httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries?filter=state%3DDONE", want: codes.InvalidArgument, fields: []string{"filter"}},
		{name: "bad type", grpcMethod: mListDeliveries, grpcReq: &reachv1.ListWebhookDeliveriesRequest{Parent: "webhooks/orders", Filter: "event_type = message.read"},
			httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries?filter=event_type%3Dmessage.read", want: codes.InvalidArgument, fields: []string{"filter"}},
		{name: "unknown delivery", grpcMethod: mListAttempts, grpcReq: &reachv1.ListWebhookAttemptsRequest{Parent: "webhooks/orders/deliveries/evt-x"},
			httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries/evt-x/attempts", want: codes.NotFound},
		{name: "bad parent", grpcMethod: mListAttempts, grpcReq: &reachv1.ListWebhookAttemptsRequest{Parent: "webhooks/orders/deliveries/Evt_1"},
			httpMethod: "GET", httpPath: "/v1/webhooks/orders/deliveries/Evt_1/attempts", want: codes.InvalidArgument, fields: []string{"parent"}},
	} {
		c.token = e.admin()
		e.runBoth(c)
	}
}
