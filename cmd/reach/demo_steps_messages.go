package main

// Walk-through step 6: a message per product, to the users the steps before prepared.

import (
	"context"
	"fmt"
	"net/http"

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
	var list reachv1.ListMessagesResponse
	if err := d.api.call(ctx, http.MethodGet, withFilter("/v1/messages", "state = QUEUED"), nil, &list); err != nil {
		return err
	}
	d.api.result("%d message(s) QUEUED", len(list.Messages))
	fmt.Fprintln(d.out, "    (delivery to Alipay is not built yet — a later issue — so the messages stay QUEUED)")
	if len(list.Messages) != len(d.messages) {
		return fmt.Errorf("listed %d QUEUED messages, sent %d", len(list.Messages), len(d.messages))
	}
	return nil
}
