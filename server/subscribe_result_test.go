package server

import (
	"strings"
	"sync"
	"testing"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

func (e *testEnv) recordCase(name, ch string, user *reachv1.User, result string, want codes.Code, fields ...string) transportCase {
	req := &reachv1.RecordSubscribeResultRequest{Parent: "channels/" + ch, User: user, ResultJson: result}
	return transportCase{name: name, token: e.admin(), grpcMethod: mRecordSubscribe, grpcReq: req, grpcResp: &reachv1.RecordSubscribeResultResponse{},
		httpMethod: "POST", httpPath: "/v1/channels/" + ch + "/subscriptions:recordSubscribeResult", httpBody: req, want: want, fields: fields}
}

func recOf(c transportCase) *reachv1.RecordSubscribeResultResponse {
	return c.grpcResp.(*reachv1.RecordSubscribeResultResponse)
}

func httpRec(t *testing.T, body map[string]any) *reachv1.RecordSubscribeResultResponse {
	r := &reachv1.RecordSubscribeResultResponse{}
	remarshal(t, body, r)
	return r
}

// ledger returns the user's row for template, or nil.
func (e *testEnv) ledger(ch, template string, user *reachv1.User) *reachv1.Subscription {
	e.t.Helper()
	filter := `template = "channels/` + ch + `/templates/` + template + `"`
	switch id := user.Id.(type) {
	case *reachv1.User_UserId:
		filter += ` AND user_id = "` + id.UserId + `"`
	case *reachv1.User_OpenId:
		filter += ` AND open_id = "` + id.OpenId + `"`
	}
	resp := &reachv1.ListSubscriptionsResponse{}
	e.must(mListSubscriptions, &reachv1.ListSubscriptionsRequest{Parent: "channels/" + ch, Filter: filter}, resp)
	if len(resp.Subscriptions) > 1 {
		e.t.Fatalf("%d rows for %s", len(resp.Subscriptions), filter)
	}
	if len(resp.Subscriptions) == 0 {
		return nil
	}
	return resp.Subscriptions[0]
}

func TestRecordSubscribeResult(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e) // mini: order = ONE_TIME tpl-1, bill = LONG_TERM tpl-2
	alice, bob := uid("2088000000000001"), oid("open-bob")

	// One-time acceptances add up: one per call, so two accepts give two sends.
	accept := `{"behavior":"subscribe","show":true,"keep":false,"result":{"subscribeEntityIds":["tpl-1"],"subscribedEntityIds":["tpl-1"],"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["tpl-1"]},"tpl-1":"accept"}`
	c := e.recordCase("one-time accept, twice", "mini", alice, accept, codes.OK)
	c.grpcCheck = func() {
		r := recOf(c)
		if r.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED || len(r.Subscriptions) != 1 || r.Subscriptions[0].RemainingSends != 1 ||
			r.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE || r.Subscriptions[0].Template != "channels/mini/templates/order" || len(r.UnknownTemplateIds) != 0 {
			t.Errorf("first accept: %v", r)
		}
	}
	c.httpCheck = func(body map[string]any) {
		if r := httpRec(t, body); r.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED || len(r.Subscriptions) != 1 || r.Subscriptions[0].RemainingSends != 2 {
			t.Errorf("second accept: %v", r)
		}
	}
	e.runBoth(c)
	if s := e.ledger("mini", "order", alice); s == nil || s.RemainingSends != 2 {
		t.Errorf("ledger after two accepts: %v", s)
	}

	// A one-time rejection with sends left keeps them usable; the row is answered as it is.
	c = e.recordCase("one-time reject with sends left", "mini", alice, `{"behavior":"subscribe","result":{"unsubscribedEntityIds":["tpl-1"]},"tpl-1":"reject"}`, codes.OK)
	c.grpcCheck = func() {
		r := recOf(c)
		if r.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED || len(r.Subscriptions) != 1 ||
			r.Subscriptions[0].RemainingSends != 2 || r.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE {
			t.Errorf("reject with sends left: %v", r)
		}
	}
	e.runBoth(c)
	if s := e.ledger("mini", "order", alice); s.RemainingSends != 2 || s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE {
		t.Errorf("ledger after a one-time reject: %v", s)
	}
	// With nothing recorded, a one-time rejection marks the row REJECTED.
	c = e.recordCase("one-time reject with nothing left", "mini", bob, `{"behavior":"subscribe","tpl-1":"reject"}`, codes.OK)
	c.grpcCheck = func() {
		if r := recOf(c); len(r.Subscriptions) != 1 || r.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED || r.Subscriptions[0].RemainingSends != 0 {
			t.Errorf("one-time reject: %v", r)
		}
	}
	e.runBoth(c)

	// Long-term: accept activates, reject deactivates (REJECTED).
	c = e.recordCase("long-term accept", "mini", alice, `{"behavior":"subscribe","result":{"subscribeEntityIds":["tpl-2"]}}`, codes.OK)
	c.grpcCheck = func() {
		if r := recOf(c); len(r.Subscriptions) != 1 || r.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE ||
			r.Subscriptions[0].Type != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM || r.Subscriptions[0].RemainingSends != 0 {
			t.Errorf("long-term accept: %v", r)
		}
	}
	e.runBoth(c)
	c = e.recordCase("long-term reject", "mini", alice, `{"behavior":"subscribe","refuse":true,"result":{"unsubscribedEntityIds":["tpl-2"]}}`, codes.OK)
	rejected := func(r *reachv1.RecordSubscribeResultResponse) {
		if len(r.Subscriptions) != 1 || r.Subscriptions[0].State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED || r.Subscriptions[0].StateReason == "" {
			t.Errorf("long-term reject: %v", r)
		}
	}
	c.grpcCheck = func() { rejected(recOf(c)) }
	c.httpCheck = func(body map[string]any) { rejected(httpRec(t, body)) }
	e.runBoth(c)
	if s := e.ledger("mini", "bill", alice); s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_REJECTED {
		t.Errorf("ledger after a long-term reject: %v", s)
	}

	// Cancel and failure change nothing and say why.
	before := e.ledger("mini", "order", alice)
	c = e.recordCase("user closed the panel", "mini", alice, `{"behavior":"cancel","errorCode":11,"errorMessage":"用户取消","tpl-1":"accept"}`, codes.OK)
	closed := func(r *reachv1.RecordSubscribeResultResponse) {
		if r.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_CANCELLED || len(r.Subscriptions) != 0 || r.ErrorCode != "11" {
			t.Errorf("cancel: %v", r)
		}
	}
	c.grpcCheck = func() { closed(recOf(c)) }
	c.httpCheck = func(body map[string]any) { closed(httpRec(t, body)) }
	e.runBoth(c)
	c = e.recordCase("subscribe call failed", "mini", alice, `{"errorCode":106008,"errorMessage":"模板不存在","tpl-1":"accept"}`, codes.OK)
	failed := func(r *reachv1.RecordSubscribeResultResponse) {
		if r.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_FAILED || len(r.Subscriptions) != 0 || r.ErrorCode != "106008" {
			t.Errorf("failure: %v", r)
		}
	}
	c.grpcCheck = func() { failed(recOf(c)) }
	c.httpCheck = func(body map[string]any) { failed(httpRec(t, body)) }
	e.runBoth(c)
	if after := e.ledger("mini", "order", alice); after.RemainingSends != before.RemainingSends || after.Etag != before.Etag {
		t.Errorf("cancel/failure changed the ledger: %v → %v", before, after)
	}

	// Template ids that match no template are reported, the known ones still recorded.
	c = e.recordCase("unknown template id", "mini", bob, `{"behavior":"subscribe","result":{"subscribeEntityIds":["tpl-1","tpl-404"]}}`, codes.OK)
	unknown := func(r *reachv1.RecordSubscribeResultResponse) {
		if len(r.UnknownTemplateIds) != 1 || r.UnknownTemplateIds[0] != "tpl-404" || len(r.Subscriptions) != 1 {
			t.Errorf("unknown id: %v", r)
		}
	}
	c.grpcCheck = func() { unknown(recOf(c)) }
	c.httpCheck = func(body map[string]any) { unknown(httpRec(t, body)) }
	e.runBoth(c)

	// Invalid requests.
	for _, x := range []struct {
		name   string
		ch     string
		user   *reachv1.User
		result string
		want   codes.Code
		fields []string
	}{
		{"malformed JSON", "mini", alice, `{"behavior":"subscribe",`, codes.InvalidArgument, []string{"result_json"}},
		{"not an object", "mini", alice, `["tpl-1"]`, codes.InvalidArgument, []string{"result_json"}},
		{"empty result", "mini", alice, ``, codes.InvalidArgument, []string{"result_json"}},
		{"bad template id in a list", "mini", alice, `{"behavior":"subscribe","result":{"subscribeEntityIds":["tpl 1"]}}`, codes.InvalidArgument, []string{"result_json"}},
		{"result over 64 KiB", "mini", alice, `{"x":"` + strings.Repeat("a", 64<<10) + `"}`, codes.InvalidArgument, []string{"result_json"}},
		{"no user", "mini", nil, accept, codes.InvalidArgument, []string{"user"}},
		{"bad user_id", "mini", uid("2099"), accept, codes.InvalidArgument, []string{"user.user_id"}},
		{"customer_id on a mini program", "mini", cid("cust-1"), accept, codes.InvalidArgument, []string{"user"}},
		{"life account channel", "life", alice, accept, codes.FailedPrecondition, nil},
		{"alipay+ channel", "plus", cid("cust-1"), accept, codes.FailedPrecondition, nil},
		{"missing channel", "nope", alice, accept, codes.NotFound, nil},
		{"bad parent", "Mini", alice, accept, codes.InvalidArgument, []string{"parent"}},
	} {
		c := e.recordCase(x.name, x.ch, x.user, x.result, x.want, x.fields...)
		if x.ch == "life" {
			c.msg = "subscribe results come from mini program channels"
		}
		e.runBoth(c)
	}
	e.runBoth(e.recordCase("other tenant's channel", "mini", alice, accept, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(e.recordCase("viewer", "mini", alice, accept, codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	c = e.recordCase("sender", "mini", oid("open-carol"), accept, codes.OK).withToken(e.key("acme", "sender"))
	e.runBoth(c)
	if s := e.ledger("mini", "order", oid("open-carol")); s == nil || s.RemainingSends != 2 {
		t.Errorf("sender's accepts: %v", s)
	}
}

// TestConcurrentAcceptancesAddUp: one-time acceptances recorded at the same time, over
// both transports and by both RPCs, are all counted.
func TestConcurrentAcceptancesAddUp(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e)
	token := e.key("acme", "sender")
	user := uid("2088000000000007")
	rec := &reachv1.RecordSubscribeResultRequest{Parent: "channels/mini", User: user, ResultJson: `{"behavior":"subscribe","tpl-1":"accept"}`}
	create := &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{Template: "channels/mini/templates/order", User: user, RemainingSends: 2}}
	const n = 16
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 4 {
			case 0:
				errs[i] = e.call(token, mRecordSubscribe, rec, &reachv1.RecordSubscribeResultResponse{})
			case 1:
				errs[i] = e.postJSON(token, "/v1/channels/mini/subscriptions:recordSubscribeResult", rec, &reachv1.RecordSubscribeResultResponse{})
			case 2:
				errs[i] = e.call(token, mCreateSubscription, create, &reachv1.CreateSubscriptionResponse{})
			case 3:
				errs[i] = e.postJSON(token, "/v1/channels/mini/subscriptions", create.Subscription, &reachv1.CreateSubscriptionResponse{})
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("caller %d: %v", i, err)
		}
	}
	// 8 acceptances of one send and 8 records of two.
	if s := e.ledger("mini", "order", user); s == nil || s.RemainingSends != 8+16 {
		t.Errorf("after concurrent acceptances: %v, want 24 sends", s)
	}
}
