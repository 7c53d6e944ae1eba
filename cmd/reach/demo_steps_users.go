package main

// Walk-through steps 3 to 5: a user follows the Life Account, accepts the mini program's
// subscription message, and authorizes the Alipay+ mini program.

import (
	"context"
	"fmt"
	"net/http"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// follow has the simulator send the signed follow event Alipay sends to a Life Account's
// application gateway, which is the channel's notify_path on Reach.
func (d *demoRun) follow(ctx context.Context) error {
	ch := d.channels["demo-life"]
	fmt.Fprintf(d.out, "Alipay (simulator) → POST %s   follow event of user %s, signed with Alipay's key\n", ch.NotifyPath, demoUser)
	res, err := d.env.sim.Notify(ctx, alipaysim.Notification{URL: d.env.httpURL + ch.NotifyPath,
		Kind: alipaysim.NotifyFollow, AppID: demoLifeApp, User: demoUser})
	if err != nil {
		return fmt.Errorf("send the follow notification: %w", err)
	}
	if !res.Acknowledged {
		return fmt.Errorf("reach did not acknowledge the follow notification: HTTP %d %q", res.Status, res.Body)
	}
	d.api.result("HTTP %d, a reply signed with the app's key; the simulator verified it", res.Status)
	rows, err := d.listLedger(ctx, "demo-life", `kind = FOLLOWER`)
	if err != nil {
		return err
	}
	return d.expectActive(rows, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_FOLLOWER)
}

// demoSubscribeResult is what my.requestSubscribeMessage hands the mini program when the
// user accepts the one-time template, passed to Reach unchanged.
const demoSubscribeResult = `{"behavior":"subscribe","show":true,"keep":false,` +
	`"result":{"subscribeEntityIds":["` + demoMiniTemplate + `"],"subscribedEntityIds":["` + demoMiniTemplate + `"],` +
	`"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["` + demoMiniTemplate + `"]},"` + demoMiniTemplate + `":"accept"}`

func (d *demoRun) subscribe(ctx context.Context) error {
	var rec reachv1.RecordSubscribeResultResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-mini/subscriptions:recordSubscribeResult",
		&reachv1.RecordSubscribeResultRequest{User: demoUserRef(), ResultJson: demoSubscribeResult}, &rec); err != nil {
		return err
	}
	d.api.result("%s, %d row(s) changed", short(rec.Outcome), len(rec.Subscriptions))
	// Alipay learns of the acceptance from the user directly; the simulator plays that part.
	if err := d.env.sim.Subscribe(demoMiniApp, demoUser, demoMiniTemplate, 1); err != nil {
		return fmt.Errorf("subscribe the user in the simulator: %w", err)
	}
	fmt.Fprintf(d.out, "Alipay (simulator): user %s accepted template %s (one send)\n", demoUser, demoMiniTemplate)
	var synced reachv1.SyncSubscriptionsResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-mini/subscriptions:sync",
		&reachv1.SyncSubscriptionsRequest{User: demoUserRef()}, &synced); err != nil {
		return err
	}
	for _, s := range synced.Subscriptions {
		d.printRow(s)
	}
	rows, err := d.listLedger(ctx, "demo-mini", "")
	if err != nil {
		return err
	}
	return d.expectActive(rows, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE)
}

func (d *demoRun) authorize(ctx context.Context) error {
	code, _, err := d.env.sim.IssueAuthCode(demoPlusApp, demoCustomer)
	if err != nil {
		return fmt.Errorf("issue an auth code in the simulator: %w", err)
	}
	fmt.Fprintf(d.out, "Alipay+ (simulator): my.getAuthCode gave the mini program auth code %s for customer %s\n", code, demoCustomer)
	var resp reachv1.AuthorizeUserResponse
	if err := d.api.call(ctx, http.MethodPost, "/v1/channels/demo-plus/subscriptions:authorize",
		&reachv1.AuthorizeUserRequest{AuthCode: code}, &resp); err != nil {
		return err
	}
	d.printRow(resp.Subscription)
	fmt.Fprintln(d.out, "    (the tokens are stored encrypted and refreshed by Reach; they are never returned)")
	return d.expectActive([]*reachv1.Subscription{resp.Subscription}, reachv1.SubscriptionKind_SUBSCRIPTION_KIND_AUTHORIZATION)
}
