package main

// Walk-through step 6: a message per product, to the users the steps before prepared.

import (
	"context"
	"fmt"
	"net/http"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// demoMessages are one message per product, each to the user the steps above prepared.
func demoMessages() []*reachv1.SendMessageRequest {
	return []*reachv1.SendMessageRequest{
		{RequestId: "demo-payment-1001", Template: "channels/demo-life/templates/payment", Recipient: demoUserRef(),
			Data:        map[string]string{"first": "Payment received", "keyword1": "¥100.00", "keyword2": "Hangzhou", "remark": "Thank you"},
			LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://example.com/orders/1001", ActionName: "View order"}},
		{RequestId: "demo-shipped-1001", Template: "channels/demo-mini/templates/order-shipped", Recipient: demoUserRef(),
			Data: map[string]string{"keyword1": "1001", "keyword2": "SF Express", "keyword3": "SF1234567890"},
			Page: "pages/orders/detail?id=1001"},
		{RequestId: "demo-ready-1001", Template: "channels/demo-plus/templates/order-ready",
			Recipient: &reachv1.User{Id: &reachv1.User_CustomerId{CustomerId: demoCustomer}},
			Data:      map[string]string{"orderNo": "1001", "storeName": "Central"}, Page: "https://example.com/orders/1001"},
	}
}

func (d *demoRun) send(ctx context.Context) error {
	for _, m := range demoMessages() {
		var resp reachv1.SendMessageResponse
		if err := d.api.call(ctx, http.MethodPost, "/v1/messages:send", m, &resp); err != nil {
			return err
		}
		msg := resp.Message
		d.api.result("%s  %s  to %s via %s", msg.Name, msg.State, userText(msg.Recipient), msg.Channel)
		if msg.State != reachv1.MessageState_MESSAGE_STATE_QUEUED {
			return fmt.Errorf("message %s is %s, not QUEUED: %s", msg.Name, msg.State, msg.StateReason)
		}
		d.messages = append(d.messages, msg)
	}
	// The dispatcher in the same process was woken by each send: wait for Alipay's answers.
	for i, msg := range d.messages {
		got, err := d.waitSent(ctx, msg.Name)
		if err != nil {
			return err
		}
		d.messages[i] = got
		d.api.result("%s  %s  (attempt %d, sent %s)", got.Name, got.State, got.Attempts, got.SentTime.AsTime().Format("15:04:05.000"))
	}
	var events reachv1.ListMessageEventsResponse
	if err := d.api.call(ctx, http.MethodGet, "/v1/"+d.messages[0].Name+"/events", nil, &events); err != nil {
		return err
	}
	fmt.Fprintf(d.out, "    timeline of %s:\n", d.messages[0].Name)
	for _, e := range events.Events {
		line := fmt.Sprintf("      %s  %-9s %-22s %s", e.Time.AsTime().Format("15:04:05.000"), e.Kind, e.State, e.Description)
		if e.Latency != nil {
			line += fmt.Sprintf(" (Alipay answered in %v)", e.Latency.AsDuration().Round(100*time.Microsecond))
		}
		fmt.Fprintln(d.out, line)
	}
	return nil
}

// waitSent polls a message until it is SENT; any other end is the demo failing.
func (d *demoRun) waitSent(ctx context.Context, name string) (*reachv1.Message, error) {
	deadline := time.Now().Add(15 * time.Second)
	for {
		var got reachv1.GetMessageResponse
		if err := d.api.callQuiet(ctx, http.MethodGet, "/v1/"+name, nil, &got); err != nil {
			return nil, err
		}
		switch m := got.Message; m.State {
		case reachv1.MessageState_MESSAGE_STATE_SENT:
			return m, nil
		case reachv1.MessageState_MESSAGE_STATE_QUEUED, reachv1.MessageState_MESSAGE_STATE_SENDING:
		default:
			return nil, fmt.Errorf("message %s is %s: %s", name, m.State, m.StateReason)
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("message %s was not sent within 15s", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// createWebhook registers the demo receiver as the tenant's endpoint.
func (d *demoRun) createWebhook(ctx context.Context) error {
	body := &reachv1.Webhook{Url: d.env.hooks.url, EventTypes: []string{"message.sent", "message.failed", "broadcast.completed"}, Description: "the shop's order service"}
	var resp reachv1.CreateWebhookResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/webhooks?webhookId=orders", body, &resp); err != nil {
		return err
	}
	d.env.hooks.setSecret(resp.SigningSecret)
	d.api.result("%s  %s  %s  (signing secret whsec_… shown once, kept by the receiver)", resp.Webhook.Name, resp.Webhook.State, resp.Webhook.Url)
	return nil
}

// webhookCalls waits for the receiver to have a verified message.sent call for each message.
func (d *demoRun) webhookCalls(context.Context) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		sent := map[string]demoCall{}
		for _, c := range d.env.hooks.received() {
			if !c.Verified {
				return fmt.Errorf("webhook call %s failed signature verification", c.ID)
			}
			if c.Type == "message.sent" {
				sent[fmt.Sprint(c.Data["message"])] = c
			}
		}
		if len(sent) == len(d.messages) {
			for _, m := range d.messages {
				c := sent[m.Name]
				d.api.result("POST %s  webhook-id %s  %s %s revision %v  signature verified", d.env.hooks.url, c.ID, c.Type, m.Name, c.Data["revision"])
			}
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d message.sent webhooks arrived within 15s", len(sent), len(d.messages))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
