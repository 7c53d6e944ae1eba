package server

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

const subscribeQueryAPI = "alipay.open.app.messagetemplate.subscribe.query"

// simMiniWorld creates the ENABLED mini program channel "mini" on the simulator with one
// Reach template per simulator template: mt1…mt7 (external ids MT1…MT7, MT2 long-term).
func (e *testEnv) simMiniWorld(ts *alipaysim.TestServer) {
	e.t.Helper()
	if ch := e.createChannel("mini", simMiniChannel(ts)); ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
		e.t.Fatalf("mini: %v %q", ch.State, ch.StateReason)
	}
	for _, m := range simMiniTemplates {
		id := strings.ToLower(m.id)
		if m.sub == alipaysim.LongTerm {
			e.longTermTemplate("mini", id, m.id)
		} else {
			e.oneTimeTemplate("mini", id, m.id)
		}
	}
}

// syncCase is SyncSubscriptions of user for templates (resource ids under channels/mini).
func (e *testEnv) syncCase(name string, user *reachv1.User, want codes.Code, templates ...string) transportCase {
	req := &reachv1.SyncSubscriptionsRequest{Parent: "channels/mini", User: user}
	for _, t := range templates {
		req.Templates = append(req.Templates, "channels/mini/templates/"+t)
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mSyncSubscriptions, grpcReq: req, grpcResp: &reachv1.SyncSubscriptionsResponse{},
		httpMethod: "POST", httpPath: "/v1/channels/mini/subscriptions:sync", httpBody: req, want: want}
}

// syncExpect runs a sync over both transports; check gets the response's rows by template
// id (mt1…) each time.
func (e *testEnv) syncExpect(name string, user *reachv1.User, check func(tr string, rows map[string]*reachv1.Subscription), templates ...string) {
	e.t.Helper()
	c := e.syncCase(name, user, codes.OK, templates...)
	byTemplate := func(subs []*reachv1.Subscription) map[string]*reachv1.Subscription {
		out := map[string]*reachv1.Subscription{}
		for _, s := range subs {
			tid := strings.TrimPrefix(s.Template, "channels/mini/templates/")
			if _, dup := out[tid]; dup {
				e.t.Errorf("%s: two rows for %s", name, tid)
			}
			out[tid] = s
		}
		return out
	}
	c.grpcCheck = func() { check("gRPC", byTemplate(c.grpcResp.(*reachv1.SyncSubscriptionsResponse).Subscriptions)) }
	c.httpCheck = func(body map[string]any) {
		resp := &reachv1.SyncSubscriptionsResponse{}
		remarshal(e.t, body, resp)
		check("HTTP", byTemplate(resp.Subscriptions))
	}
	e.runBoth(c)
}

// rowIs checks one ledger row's state, type and remaining sends.
func rowIs(t *testing.T, what string, s *reachv1.Subscription, state reachv1.SubscriptionState, typ reachv1.SubscriptionType, remaining int64) {
	t.Helper()
	if s == nil {
		t.Errorf("%s: no row", what)
		return
	}
	if s.State != state || s.Type != typ || s.RemainingSends != remaining || s.Kind != reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE {
		t.Errorf("%s: %v %v %v remaining %d %q; want %v %v remaining %d", what, s.Kind, s.State, s.Type, s.RemainingSends, s.StateReason, state, typ, remaining)
	}
}

// queried is the template ids of each subscribe.query the simulator accepted for
// recipient, and the recipient field used ("user_id" or "open_id"), oldest first.
func queried(t *testing.T, ts *alipaysim.TestServer, recipient string) (batches [][]string, fields []string) {
	t.Helper()
	for _, r := range ts.Requests(alipaysim.RequestFilter{API: subscribeQueryAPI, AppID: simMiniApp, Recipient: recipient}) {
		var biz map[string]json.RawMessage
		if err := json.Unmarshal(r.Content, &biz); err != nil {
			t.Fatal(err)
		}
		var ids []string
		_ = json.Unmarshal(biz["template_id_list"], &ids)
		batches = append(batches, ids)
		var keys []string
		for k := range biz {
			if k != "template_id_list" {
				keys = append(keys, k)
			}
		}
		fields = append(fields, strings.Join(keys, ","))
	}
	return batches, fields
}

const (
	typeOneTime  = reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME
	typeLongTerm = reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM
	stateActive  = reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE
)

// TestSyncSubscriptionsWithSimulator: the ledger follows what Alipay reports: one-time
// and long-term subscriptions become ACTIVE rows, a withdrawn long-term one CANCELLED, a
// spent one-time one EXHAUSTED; templates never subscribed get no row; every ACTIVE
// template is asked about, 3 per call.
func TestSyncSubscriptionsWithSimulator(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	const user = "2088000000000201"
	if err := ts.Subscribe(simMiniApp, user, "MT1", 2); err != nil {
		t.Fatal(err)
	}
	if err := ts.Subscribe(simMiniApp, user, "MT2", 0); err != nil {
		t.Fatal(err)
	}

	// The named templates: MT1 one-time (Alipay does not say how many sends are left: one
	// is recorded), MT2 long-term, MT3 not subscribed (no row). Synced twice (gRPC, HTTP):
	// the second sync changes nothing.
	e.syncExpect("named templates", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		if len(rows) != 2 {
			t.Errorf("named templates over %s: rows %v", tr, rows)
		}
		rowIs(t, "mt1 over "+tr, rows["mt1"], stateActive, typeOneTime, 1)
		rowIs(t, "mt2 over "+tr, rows["mt2"], stateActive, typeLongTerm, 0)
		if u := rows["mt1"].GetUser(); u.GetUserId() != user {
			t.Errorf("mt1 user %v", u)
		}
	}, "mt1", "mt2", "mt3")
	if rows := e.subs("mini", ""); len(rows) != 2 {
		t.Errorf("ledger: %v", rows)
	}

	// No templates named: every ACTIVE one, 7 ids in 3 calls of 3, 3 and 1.
	before, _ := queried(t, ts, user)
	e.syncExpect("all templates", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		if len(rows) != 2 || rows["mt1"] == nil || rows["mt2"] == nil {
			t.Errorf("all templates over %s: %v", tr, rows)
		}
	})
	batches, fields := queried(t, ts, user)
	batches, fields = batches[len(before):], fields[len(before):]
	if len(batches) != 6 { // 3 per sync, two syncs
		t.Fatalf("subscribe.query calls: %v", batches)
	}
	var all []string
	for i, b := range batches[:3] {
		if want := []int{3, 3, 1}[i]; len(b) != want {
			t.Errorf("call %d asked about %v, want %d ids", i, b, want)
		}
		all = append(all, b...)
	}
	if slices.Sort(all); !slices.Equal(all, []string{"MT1", "MT2", "MT3", "MT4", "MT5", "MT6", "MT7"}) {
		t.Errorf("asked about %v", all)
	}
	for _, f := range fields {
		if f != "user_id" {
			t.Errorf("a user id was sent as %q", f)
		}
	}

	// The user turns the long-term template off and spends the one-time acceptances.
	if err := ts.Unsubscribe(simMiniApp, user, "MT2"); err != nil {
		t.Fatal(err)
	}
	if err := ts.Unsubscribe(simMiniApp, user, "MT1"); err != nil {
		t.Fatal(err)
	}
	e.syncExpect("after unsubscribing", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		rowIs(t, "mt1 over "+tr, rows["mt1"], reachv1.SubscriptionState_SUBSCRIPTION_STATE_EXHAUSTED, typeOneTime, 0)
		rowIs(t, "mt2 over "+tr, rows["mt2"], reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED, typeLongTerm, 0)
	}, "mt1", "mt2")

	// Subscribing again: a one-time acceptance recorded in Reach first (3 sends) is kept,
	// not reset to one, when Alipay confirms a subscription.
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{
		Template: "channels/mini/templates/mt4", User: uid(user), RemainingSends: 3}}, &reachv1.CreateSubscriptionResponse{})
	for _, id := range []string{"MT2", "MT4"} {
		if err := ts.Subscribe(simMiniApp, user, id, 1); err != nil {
			t.Fatal(err)
		}
	}
	e.syncExpect("subscribed again", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		rowIs(t, "mt2 over "+tr, rows["mt2"], stateActive, typeLongTerm, 0)
		rowIs(t, "mt4 over "+tr, rows["mt4"], stateActive, typeOneTime, 3)
	}, "mt2", "mt4")
}

// TestSyncSubscriptionsUserKinds: a user id and an open id are different users: each is
// sent to Alipay in its own field, and their rows never mix.
func TestSyncSubscriptionsUserKinds(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	const user, open = "2088000000000301", "open-301"
	if err := ts.Subscribe(simMiniApp, user, "MT1", 1); err != nil {
		t.Fatal(err)
	}
	if err := ts.Subscribe(simMiniApp, open, "MT2", 0); err != nil {
		t.Fatal(err)
	}
	e.syncExpect("user id", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		if len(rows) != 1 || rows["mt1"].GetUser().GetUserId() != user {
			t.Errorf("user id over %s: %v", tr, rows)
		}
	}, "mt1", "mt2")
	e.syncExpect("open id", oid(open), func(tr string, rows map[string]*reachv1.Subscription) {
		if len(rows) != 1 || rows["mt2"].GetUser().GetOpenId() != open {
			t.Errorf("open id over %s: %v", tr, rows)
		}
	}, "mt1", "mt2")
	if _, f := queried(t, ts, user); len(f) != 2 || f[0] != "user_id" || f[1] != "user_id" {
		t.Errorf("user id sent as %v", f)
	}
	if _, f := queried(t, ts, open); len(f) != 2 || f[0] != "open_id" || f[1] != "open_id" {
		t.Errorf("open id sent as %v", f)
	}
	byUser := e.subs("mini", `user_id = "`+user+`"`)
	byOpen := e.subs("mini", `open_id = "`+open+`"`)
	if len(byUser) != 1 || byUser[0].Template != "channels/mini/templates/mt1" || len(byOpen) != 1 || byOpen[0].Template != "channels/mini/templates/mt2" {
		t.Errorf("rows by user id %v, by open id %v", byUser, byOpen)
	}
	if all := e.subs("mini", ""); len(all) != 2 {
		t.Errorf("ledger: %v", all)
	}
}

// TestSyncSubscriptionsErrors: invalid requests are refused before Alipay is called;
// Alipay's failures map to codes with ErrorInfo and leave the ledger alone.
func TestSyncSubscriptionsErrors(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	e.simLife(ts, "life")
	e.createChannel("mini2", simMiniChannel(ts))
	e.oneTimeTemplate("mini2", "other", "MT1")
	if err := ts.Subscribe(simMiniApp, "2088000000000401", "MT1", 1); err != nil {
		t.Fatal(err)
	}

	stats := ts.Stats()
	bad := func(name string, user *reachv1.User, want codes.Code, field string, templates ...string) {
		t.Helper()
		c := e.syncCase(name, user, want, templates...)
		if field != "" {
			c.fields = []string{field}
		}
		e.runBoth(c)
	}
	bad("no user", nil, codes.InvalidArgument, "user", "mt1")
	bad("customer id", cid("c-1"), codes.InvalidArgument, "user", "mt1")
	bad("malformed user id", uid("12345"), codes.InvalidArgument, "user.user_id", "mt1")
	bad("unknown template", uid("2088000000000401"), codes.InvalidArgument, "templates[0]", "nope")
	other := e.syncCase("another channel's template", uid("2088000000000401"), codes.InvalidArgument)
	other.grpcReq.(*reachv1.SyncSubscriptionsRequest).Templates = []string{"channels/mini2/templates/other"}
	other.fields = []string{"templates[0]"}
	e.runBoth(other)
	life := e.syncCase("Life Account channel", uid("2088000000000401"), codes.FailedPrecondition)
	life.grpcReq.(*reachv1.SyncSubscriptionsRequest).Parent = "channels/life"
	life.httpPath = "/v1/channels/life/subscriptions:sync"
	e.runBoth(life)
	if after := ts.Stats(); after != stats {
		t.Errorf("refused syncs reached the simulator: %+v, before %+v", after, stats)
	}

	// Alipay throttles, or fails on the second of three calls: nothing is recorded.
	if _, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultRateLimit, API: subscribeQueryAPI, Count: 4}); err != nil {
		t.Fatal(err)
	}
	c := e.syncCase("throttled", uid("2088000000000401"), codes.ResourceExhausted, "mt1")
	e.runBoth(c)
	err := e.call(e.admin(), mSyncSubscriptions, c.grpcReq, &reachv1.SyncSubscriptionsResponse{})
	reqJSON, _ := protojsonString(c.grpcReq)
	_, body := e.httpCall(e.admin(), "POST", c.httpPath, reqJSON)
	wantAlipayError(t, "throttled", err, body, "ALIPAY_RATE_LIMITED", "code", "40005", "sub_code", "aop.call-limited")
	ts.ClearFaults()

	if _, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 502, API: subscribeQueryAPI}); err != nil {
		t.Fatal(err)
	}
	e.runBoth(e.syncCase("Alipay answers 502", uid("2088000000000401"), codes.Unavailable))
	ts.ClearFaults()
	if rows := e.subs("mini", ""); len(rows) != 0 {
		t.Errorf("ledger after failed syncs: %v", rows)
	}
}

// TestSyncSubscriptionsKeepsRejection: a user's recorded rejection stays REJECTED when
// Alipay reports no subscription: the user did not spend sends (EXHAUSTED) nor turn a
// subscription off (CANCELLED), and Alipay's answer says nothing new.
func TestSyncSubscriptionsKeepsRejection(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	const user = "2088000000000701"
	for _, result := range []string{`{"behavior":"subscribe","MT1":"reject"}`, `{"behavior":"subscribe","refuse":true,"result":{"unsubscribedEntityIds":["MT2"]}}`} {
		rec := &reachv1.RecordSubscribeResultResponse{}
		e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{Parent: "channels/mini", User: uid(user), ResultJson: result}, rec)
		if len(rec.Subscriptions) != 1 || rec.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED {
			t.Fatalf("recorded %s: %v", result, rec.Subscriptions)
		}
	}
	e.syncExpect("after rejections", uid(user), func(tr string, rows map[string]*reachv1.Subscription) {
		rowIs(t, "mt1 over "+tr, rows["mt1"], reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED, typeOneTime, 0)
		rowIs(t, "mt2 over "+tr, rows["mt2"], reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED, typeLongTerm, 0)
	}, "mt1", "mt2")
}

// TestSyncAppliesAlipayVerdicts: the API calls that talk to Alipay follow the
// dispatcher's rules: a template Alipay says no longer exists becomes INVALID, and
// refused credentials make the channel AUTH_FAILED.
func TestSyncAppliesAlipayVerdicts(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	ctx := context.Background()
	tn, err := e.store.GetTenantByName(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	if err := ts.DeleteTemplate(simMiniApp, "MT3"); err != nil {
		t.Fatal(err)
	}
	e.runBoth(e.syncCase("template gone", uid("2088000000000401"), codes.FailedPrecondition, "mt3"))
	tpl, err := e.store.GetTemplate(ctx, tn.ID, "mini", "mt3")
	if err != nil {
		t.Fatal(err)
	}
	if tpl.State != "INVALID" || !strings.Contains(tpl.StateReason, "does not exist") {
		t.Fatalf("template after Alipay said it is gone: %s %q", tpl.State, tpl.StateReason)
	}

	ch, err := e.store.GetChannel(ctx, tn.ID, "mini")
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := e.srv.deps.conn.SealSecrets(tn.ID, "mini", appconn.Secrets{AppPrivateKey: ts.App(simLifeApp).PrivateKeyPEM})
	if err != nil {
		t.Fatal(err)
	}
	ch.Secrets = wrong
	if err := e.store.UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	e.runBoth(e.syncCase("credentials refused", uid("2088000000000401"), codes.FailedPrecondition, "mt1"))
	ch, err = e.store.GetChannel(ctx, tn.ID, "mini")
	if err != nil {
		t.Fatal(err)
	}
	if ch.State != "AUTH_FAILED" || !strings.Contains(ch.StateReason, "invalid-signature") {
		t.Fatalf("channel after refused credentials: %s %q", ch.State, ch.StateReason)
	}
}
