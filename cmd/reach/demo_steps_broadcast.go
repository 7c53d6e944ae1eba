package main

// Walk-through step 9: a broadcast to every follower of the Life Account, and the webhook
// that says it completed.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func (d *demoRun) broadcast(ctx context.Context) error {
	req := &reachv1.CreateBroadcastRequest{RequestId: "demo-sale-1", Broadcast: &reachv1.Broadcast{
		Template:    "channels/demo-life/templates/payment",
		Data:        map[string]string{"first": "Spring sale", "keyword1": "20% off", "keyword2": "all stores", "remark": "Until Sunday"},
		Category:    reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING,
		LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://example.com/sale", ActionName: "See the sale"},
	}}
	var created reachv1.CreateBroadcastResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/broadcasts", req, &created); err != nil {
		return err
	}
	b := created.Broadcast
	d.api.result("%s  %s", b.Name, b.State)
	deadline := time.Now().Add(15 * time.Second)
	for b.State != reachv1.BroadcastState_BROADCAST_STATE_COMPLETED {
		if time.Now().After(deadline) {
			return fmt.Errorf("broadcast %s is %s after 15s: %s", b.Name, b.State, b.StateReason)
		}
		time.Sleep(50 * time.Millisecond)
		var got reachv1.GetBroadcastResponse
		if err := d.api.callQuiet(ctx, http.MethodGet, "/v1/"+b.Name, nil, &got); err != nil {
			return err
		}
		b = got.Broadcast
	}
	p := b.Progress
	d.api.result("%s  %s  enqueued %d: sent %d, failed %d, skipped %d", b.Name, b.State, b.Enqueued, p.GetSent(), p.GetFailed(), p.GetSkipped())
	if b.Enqueued == 0 || p.GetSent() != b.Enqueued {
		return fmt.Errorf("broadcast %s: %d enqueued, %d sent", b.Name, b.Enqueued, p.GetSent())
	}
	for time.Now().Before(deadline) {
		for _, c := range d.env.hooks.received() {
			if c.Type == "broadcast.completed" && c.Data["name"] == b.Name {
				d.api.result("POST %s  webhook-id %s  broadcast.completed %s  signature verified", d.env.hooks.url, c.ID, b.Name)
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no broadcast.completed webhook for %s within 15s", b.Name)
}
