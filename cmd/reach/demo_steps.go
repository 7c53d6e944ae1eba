package main

// The walk-through: its steps in order, and what several steps share. The steps are in
// demo_steps_*.go.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// demoRun is one walk-through and what it created, for the summary.
type demoRun struct {
	api      *demoAPI
	env      *demoEnv
	out      io.Writer
	channels map[string]*reachv1.Channel // by channel id
	ledger   []*reachv1.Subscription
	messages []*reachv1.Message
}

// walk runs the steps in order; the first failure stops it.
func (d *demoRun) walk(ctx context.Context) error {
	steps := []struct {
		title string
		run   func(context.Context) error
	}{
		{"Channels: one per Alipay product; Reach verifies each one's credentials with Alipay", d.createChannels},
		{"Templates: claimed from the Life Account library, imported, created", d.createTemplates},
		{"Life Account: a user follows; Alipay notifies Reach", d.follow},
		{"Mini program: a user accepts a subscription message", d.subscribe},
		{"Alipay+: a user authorizes the mini program", d.authorize},
		{"Webhook: the tenant's server asks for message.sent, message.failed and broadcast.completed events", d.createWebhook},
		{"Messages: one per product", d.send},
		{"Webhook calls arrive, signed (Standard Webhooks)", d.webhookCalls},
		{"Broadcast: a template to every follower of the Life Account", d.broadcast},
	}
	for i, s := range steps {
		fmt.Fprintf(d.out, "\n%d. %s\n", i+1, s.title)
		if err := s.run(ctx); err != nil {
			return fmt.Errorf("step %d (%s): %w", i+1, s.title, err)
		}
	}
	return nil
}

func demoUserRef() *reachv1.User { return &reachv1.User{Id: &reachv1.User_UserId{UserId: demoUser}} }

// listLedger lists a channel's ledger rows (optionally filtered) and prints them.
func (d *demoRun) listLedger(ctx context.Context, channel, filter string) ([]*reachv1.Subscription, error) {
	var resp reachv1.ListSubscriptionsResponse
	if err := d.api.call(ctx, http.MethodGet, withFilter("/v1/channels/"+channel+"/subscriptions", filter), nil, &resp); err != nil {
		return nil, err
	}
	if len(resp.Subscriptions) == 0 {
		d.api.result("no rows")
	}
	for _, s := range resp.Subscriptions {
		d.printRow(s)
	}
	return resp.Subscriptions, nil
}

func (d *demoRun) printRow(s *reachv1.Subscription) {
	detail := ""
	switch s.Kind {
	case reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE:
		detail = fmt.Sprintf("  %s %s", s.Template, short(s.Type))
		if s.Type == reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME {
			detail += fmt.Sprintf(", %d send(s) left", s.RemainingSends)
		}
	case reachv1.SubscriptionKind_SUBSCRIPTION_KIND_AUTHORIZATION:
		a := s.Authorization
		// A user token has no fingerprint (it changes on every refresh): only whether it is stored.
		detail = fmt.Sprintf("  access token stored=%t (never shown) expires %s", a.GetAccessTokenInfo().GetSet(),
			a.GetAccessTokenExpireTime().AsTime().Format(time.RFC3339))
	}
	d.api.result("%s  %s  %s  user %s%s  (%s)", s.Name, short(s.Kind), short(s.State), userText(s.User), detail, s.StateReason)
}

// expectActive checks that rows hold an ACTIVE row of kind for the demo user.
func (d *demoRun) expectActive(rows []*reachv1.Subscription, kind reachv1.SubscriptionKind) error {
	for _, s := range rows {
		if s.Kind == kind && s.State == reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE {
			d.ledger = append(d.ledger, s)
			return nil
		}
	}
	return fmt.Errorf("no ACTIVE %s row in the ledger", kind)
}
