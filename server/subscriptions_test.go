package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// subscriptionWorld creates channels mini (templates order: ONE_TIME tpl-1, bill:
// LONG_TERM tpl-2), mini2 (template order: tpl-1), life and plus.
func subscriptionWorld(t *testing.T, e *testEnv) {
	t.Helper()
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "order", "tpl-1")
	e.longTermTemplate("mini", "bill", "tpl-2")
	e.createChannel("mini2", miniChannel(t))
	e.oneTimeTemplate("mini2", "order", "tpl-1")
	e.createChannel("life", lifeChannel(t))
	e.createChannel("plus", plusChannel(t))
}

// createSubCase records g over gRPC and h (g when nil) over HTTP under channel ch.
func (e *testEnv) createSubCase(name, ch string, g, h *reachv1.Subscription, want codes.Code, fields ...string) transportCase {
	if h == nil {
		h = g
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mCreateSubscription,
		grpcReq: &reachv1.CreateSubscriptionRequest{Parent: "channels/" + ch, Subscription: g}, grpcResp: &reachv1.CreateSubscriptionResponse{},
		httpMethod: "POST", httpPath: "/v1/channels/" + ch + "/subscriptions", httpBody: h, want: want, fields: fields}
}

func subOf(c transportCase) *reachv1.Subscription {
	return c.grpcResp.(*reachv1.CreateSubscriptionResponse).Subscription
}

func httpSub(t *testing.T, body map[string]any, key string) *reachv1.Subscription {
	s := &reachv1.Subscription{}
	remarshal(t, body[key], s)
	return s
}

func TestCreateSubscription(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e)
	const order, bill = "channels/mini/templates/order", "channels/mini/templates/bill"

	// A Life Account follower.
	c := e.createSubCase("follower", "life", &reachv1.Subscription{User: uid("2088000000000001")}, &reachv1.Subscription{User: oid("open-1")}, codes.OK)
	follower := func(s *reachv1.Subscription) {
		if s.Kind != reachv1.SubscriptionKind_SUBSCRIPTION_KIND_FOLLOWER || s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE || s.Template != "" ||
			!strings.HasPrefix(s.Name, "channels/life/subscriptions/") || s.Etag == "" {
			t.Errorf("follower: %v", s)
		}
	}
	c.grpcCheck = func() {
		follower(subOf(c))
		if subOf(c).GetUser().GetUserId() != "2088000000000001" {
			t.Errorf("user %v", subOf(c).User)
		}
	}
	c.httpCheck = func(body map[string]any) {
		s := httpSub(t, body, "subscription")
		follower(s)
		if s.GetUser().GetOpenId() != "open-1" {
			t.Errorf("user %v", s.User)
		}
	}
	e.runBoth(c)

	// ONE_TIME: acceptances add up across calls (3 over gRPC, then 2 over HTTP).
	c = e.createSubCase("one-time adds up", "mini", &reachv1.Subscription{Template: order, User: uid("2088000000000002"), RemainingSends: 3},
		&reachv1.Subscription{Template: order, User: uid("2088000000000002"), RemainingSends: 2}, codes.OK)
	c.grpcCheck = func() {
		if s := subOf(c); s.RemainingSends != 3 || s.Type != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME || s.Kind != reachv1.SubscriptionKind_SUBSCRIPTION_KIND_TEMPLATE || s.Template != order {
			t.Errorf("first one-time: %v", s)
		}
	}
	c.httpCheck = func(body map[string]any) {
		if s := httpSub(t, body, "subscription"); s.RemainingSends != 5 || s.Name != subOf(c).Name {
			t.Errorf("second one-time: %v (first %s)", s, subOf(c).Name)
		}
	}
	e.runBoth(c)
	c = e.createSubCase("one-time default is one", "mini", &reachv1.Subscription{Template: order, User: uid("2088000000000003")}, nil, codes.OK)
	c.grpcCheck = func() {
		if s := subOf(c); s.RemainingSends != 1 || s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE {
			t.Errorf("default one-time: %v", s)
		}
	}
	c.httpCheck = func(body map[string]any) {
		if s := httpSub(t, body, "subscription"); s.RemainingSends != 2 {
			t.Errorf("default one-time, second: %v", s)
		}
	}
	e.runBoth(c)
	// LONG_TERM.
	c = e.createSubCase("long-term", "mini", &reachv1.Subscription{Template: bill, User: oid("open-2")}, nil, codes.OK)
	c.grpcCheck = func() {
		if s := subOf(c); s.Type != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM || s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE || s.RemainingSends != 0 {
			t.Errorf("long-term: %v", s)
		}
	}
	e.runBoth(c)
	e.runBoth(e.createSubCase("sender records subscriptions", "mini", &reachv1.Subscription{Template: bill, User: oid("open-3")}, nil, codes.OK).withToken(e.key("acme", "sender")))

	// Invalid requests.
	for _, x := range []struct {
		name   string
		ch     string
		s      *reachv1.Subscription
		fields []string
	}{
		{"no user", "mini", &reachv1.Subscription{Template: order}, []string{"subscription.user"}},
		{"bad user_id", "mini", &reachv1.Subscription{Template: order, User: uid("12345")}, []string{"subscription.user.user_id"}},
		{"bad open_id", "mini", &reachv1.Subscription{Template: order, User: oid("open id")}, []string{"subscription.user.open_id"}},
		{"customer_id on a mini program", "mini", &reachv1.Subscription{Template: order, User: cid("cust-1")}, []string{"subscription.user"}},
		{"customer_id on a life account", "life", &reachv1.Subscription{User: cid("cust-1")}, []string{"subscription.user"}},
		{"template on a life account", "life", &reachv1.Subscription{Template: order, User: uid("2088000000000001")}, []string{"subscription.template"}},
		{"no template on a mini program", "mini", &reachv1.Subscription{User: uid("2088000000000001")}, []string{"subscription.template"}},
		{"template of another channel", "mini", &reachv1.Subscription{Template: "channels/mini2/templates/order", User: uid("2088000000000001")}, []string{"subscription.template"}},
		{"unknown template", "mini", &reachv1.Subscription{Template: "channels/mini/templates/nope", User: uid("2088000000000001")}, []string{"subscription.template"}},
		{"bad template name", "mini", &reachv1.Subscription{Template: "templates/order", User: uid("2088000000000001")}, []string{"subscription.template"}},
		{"too many sends", "mini", &reachv1.Subscription{Template: order, User: uid("2088000000000001"), RemainingSends: 1001}, []string{"subscription.remaining_sends"}},
		{"negative sends", "mini", &reachv1.Subscription{Template: order, User: uid("2088000000000001"), RemainingSends: -1}, []string{"subscription.remaining_sends"}},
		{"sends on a long-term template", "mini", &reachv1.Subscription{Template: bill, User: uid("2088000000000001"), RemainingSends: 2}, []string{"subscription.remaining_sends"}},
	} {
		e.runBoth(e.createSubCase(x.name, x.ch, x.s, nil, codes.InvalidArgument, x.fields...))
	}
	if err := e.call(e.admin(), mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini"}, &reachv1.CreateSubscriptionResponse{}); !slices.Contains(grpcViolations(err), "subscription") {
		t.Errorf("no subscription: %v", err)
	}
	plus := e.createSubCase("alipay+ channel", "plus", &reachv1.Subscription{User: cid("cust-1")}, nil, codes.FailedPrecondition)
	plus.msg = "AuthorizeUser"
	e.runBoth(plus)
	e.runBoth(e.createSubCase("missing channel", "nope", &reachv1.Subscription{User: uid("2088000000000001")}, nil, codes.NotFound))
	e.runBoth(e.createSubCase("other tenant's channel", "life", &reachv1.Subscription{User: uid("2088000000000001")}, nil, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(e.createSubCase("viewer", "life", &reachv1.Subscription{User: uid("2088000000000001")}, nil, codes.PermissionDenied).withToken(e.key("acme", "viewer")))
}

// TestUserIDKindsNeverMix: the same id string as user_id and as open_id is two users.
func TestUserIDKindsNeverMix(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e)
	const id = "2088000000000009" // a valid user_id and a valid open_id
	a, b := &reachv1.CreateSubscriptionResponse{}, &reachv1.CreateSubscriptionResponse{}
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{Template: "channels/mini/templates/order", User: uid(id), RemainingSends: 2}}, a)
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{Template: "channels/mini/templates/order", User: oid(id), RemainingSends: 5}}, b)
	if a.Subscription.Name == b.Subscription.Name || a.Subscription.RemainingSends != 2 || b.Subscription.RemainingSends != 5 ||
		a.Subscription.User.GetUserId() != id || b.Subscription.User.GetOpenId() != id {
		t.Fatalf("user_id and open_id rows: %v / %v", a.Subscription, b.Subscription)
	}
	for _, f := range []struct {
		filter string
		want   *reachv1.Subscription
	}{{`user_id = "` + id + `"`, a.Subscription}, {`open_id = "` + id + `"`, b.Subscription}} {
		resp := &reachv1.ListSubscriptionsResponse{}
		e.must(mListSubscriptions, &reachv1.ListSubscriptionsRequest{Parent: "channels/mini", Filter: f.filter}, resp)
		if len(resp.Subscriptions) != 1 || resp.Subscriptions[0].Name != f.want.Name {
			t.Errorf("%s: %v", f.filter, resp.Subscriptions)
		}
	}
	// A subscribe result for the open id only changes the open id's row.
	rec := &reachv1.RecordSubscribeResultResponse{}
	e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{Parent: "channels/mini", User: oid(id), ResultJson: `{"behavior":"subscribe","tpl-1":"accept"}`}, rec)
	if len(rec.Subscriptions) != 1 || rec.Subscriptions[0].Name != b.Subscription.Name || rec.Subscriptions[0].RemainingSends != 6 {
		t.Errorf("record for the open id: %v", rec.Subscriptions)
	}
	got := &reachv1.GetSubscriptionResponse{}
	e.must(mGetSubscription, &reachv1.GetSubscriptionRequest{Name: a.Subscription.Name}, got)
	if got.Subscription.RemainingSends != 2 {
		t.Errorf("the user_id row changed: %v", got.Subscription)
	}
	// Messages too: a send to each kind is listed under its own filter only.
	m1 := e.send(miniSend("mini", "order", "kind-1", uid(id)))
	m2 := e.send(miniSend("mini", "order", "kind-2", oid(id)))
	for _, f := range []struct{ filter, want string }{{`user_id = "` + id + `"`, m1.Name}, {`open_id = "` + id + `"`, m2.Name}} {
		resp := &reachv1.ListMessagesResponse{}
		e.must(mListMessages, &reachv1.ListMessagesRequest{Filter: f.filter}, resp)
		if len(resp.Messages) != 1 || resp.Messages[0].Name != f.want {
			t.Errorf("messages %s: %v", f.filter, resp.Messages)
		}
	}
}

func TestGetListCancelSubscriptions(t *testing.T) {
	e := newTestEnv(t)
	subscriptionWorld(t, e)
	mk := func(ch string, s *reachv1.Subscription) *reachv1.Subscription {
		resp := &reachv1.CreateSubscriptionResponse{}
		e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/" + ch, Subscription: s}, resp)
		return resp.Subscription
	}
	s1 := mk("mini", &reachv1.Subscription{Template: "channels/mini/templates/order", User: uid("2088000000000001")})
	s2 := mk("mini", &reachv1.Subscription{Template: "channels/mini/templates/bill", User: uid("2088000000000001")})
	s3 := mk("mini", &reachv1.Subscription{Template: "channels/mini/templates/order", User: oid("open-1")})
	s4 := mk("mini", &reachv1.Subscription{Template: "channels/mini/templates/bill", User: uid("2088000000000002")})
	f1 := mk("life", &reachv1.Subscription{User: uid("2088000000000001")})
	f2 := mk("life", &reachv1.Subscription{User: oid("open-1")})

	get := func(name, sub string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mGetSubscription, grpcReq: &reachv1.GetSubscriptionRequest{Name: sub},
			grpcResp: &reachv1.GetSubscriptionResponse{}, httpMethod: "GET", httpPath: "/v1/" + sub, want: want, fields: fields}
	}
	c := get("existing", s1.Name, codes.OK)
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.GetSubscriptionResponse).Subscription; got.Name != s1.Name || got.RemainingSends != 1 {
			t.Errorf("get %v", got)
		}
	}
	c.httpCheck = func(body map[string]any) {
		if got := httpSub(t, body, "subscription"); got.Name != s1.Name || got.Etag != s1.Etag {
			t.Errorf("get over HTTP %v", got)
		}
	}
	e.runBoth(c)
	e.runBoth(get("missing", "channels/mini/subscriptions/nope", codes.NotFound))
	e.runBoth(get("wrong channel", strings.Replace(s1.Name, "channels/mini/", "channels/life/", 1), codes.NotFound))
	e.runBoth(get("bad name", "channels/mini/subscriptions/NOPE", codes.InvalidArgument, "name"))
	e.runBoth(get("other tenant's", s1.Name, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(get("viewer", s1.Name, codes.OK).withToken(e.key("acme", "viewer")))

	// Cancel s4 (gRPC) and s2 (HTTP).
	cancel := func(name, g, h, reason string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mCancelSubscription, grpcReq: &reachv1.CancelSubscriptionRequest{Name: g, Reason: reason},
			grpcResp: &reachv1.CancelSubscriptionResponse{}, httpMethod: "POST", httpPath: "/v1/" + h + ":cancel", httpBody: `{"reason":` + jsonString(reason) + `}`, want: want, fields: fields}
	}
	c = cancel("cancel", s4.Name, s2.Name, "user unfollowed", codes.OK)
	cancelled := func(s *reachv1.Subscription) {
		if s.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED || s.StateReason != "user unfollowed" || s.RemainingSends != 0 {
			t.Errorf("cancelled: %v", s)
		}
	}
	c.grpcCheck = func() { cancelled(c.grpcResp.(*reachv1.CancelSubscriptionResponse).Subscription) }
	c.httpCheck = func(body map[string]any) { cancelled(httpSub(t, body, "subscription")) }
	e.runBoth(c)
	e.runBoth(cancel("cancel one-time with sends left", s3.Name, s3.Name, "", codes.OK))
	got := &reachv1.GetSubscriptionResponse{}
	e.must(mGetSubscription, &reachv1.GetSubscriptionRequest{Name: s3.Name}, got)
	if got.Subscription.State != reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED || got.Subscription.RemainingSends != 0 || got.Subscription.StateReason == "" {
		t.Errorf("cancelled one-time: %v", got.Subscription)
	}
	e.runBoth(cancel("reason too long", s1.Name, s1.Name, strings.Repeat("r", 501), codes.InvalidArgument, "reason"))
	e.runBoth(cancel("missing", "channels/mini/subscriptions/nope", "channels/mini/subscriptions/nope", "", codes.NotFound))
	e.runBoth(cancel("bad name", "channels/mini/subscriptions/X", "channels/mini/subscriptions/X", "", codes.InvalidArgument, "name"))
	e.runBoth(cancel("other tenant's", s1.Name, s1.Name, "", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(cancel("sender may not cancel subscriptions", s1.Name, s1.Name, "", codes.PermissionDenied).withToken(e.key("acme", "sender")))

	// List with filters: s1 ACTIVE, s2 CANCELLED, s3 CANCELLED, s4 CANCELLED on mini.
	list := func(name, ch, filter string, want codes.Code, wantNames []string, fields ...string) {
		q := url.Values{}
		if filter != "" {
			q.Set("filter", filter)
		}
		c := transportCase{name: name, token: e.admin(), grpcMethod: mListSubscriptions, grpcReq: &reachv1.ListSubscriptionsRequest{Parent: "channels/" + ch, Filter: filter},
			grpcResp: &reachv1.ListSubscriptionsResponse{}, httpMethod: "GET", httpPath: "/v1/channels/" + ch + "/subscriptions?" + q.Encode(), want: want, fields: fields}
		names := func(ss []*reachv1.Subscription) []string {
			var out []string
			for _, s := range ss {
				out = append(out, s.Name)
			}
			slices.Sort(out)
			return out
		}
		slices.Sort(wantNames)
		c.grpcCheck = func() {
			if got := names(c.grpcResp.(*reachv1.ListSubscriptionsResponse).Subscriptions); !slices.Equal(got, wantNames) {
				t.Errorf("%s: %v, want %v", name, got, wantNames)
			}
		}
		c.httpCheck = func(body map[string]any) {
			resp := &reachv1.ListSubscriptionsResponse{}
			remarshal(t, body, resp)
			if got := names(resp.Subscriptions); !slices.Equal(got, wantNames) {
				t.Errorf("%s over HTTP: %v, want %v", name, got, wantNames)
			}
		}
		e.runBoth(c)
	}
	list("all of mini", "mini", "", codes.OK, []string{s1.Name, s2.Name, s3.Name, s4.Name})
	list("user_id", "mini", `user_id = "2088000000000001"`, codes.OK, []string{s1.Name, s2.Name})
	list("open_id", "mini", `open_id = "open-1"`, codes.OK, []string{s3.Name})
	list("state = ACTIVE", "mini", `state = ACTIVE`, codes.OK, []string{s1.Name})
	list("state = CANCELLED", "mini", `state = SUBSCRIPTION_STATE_CANCELLED`, codes.OK, []string{s2.Name, s3.Name, s4.Name})
	list("template", "mini", `template = "channels/mini/templates/bill"`, codes.OK, []string{s2.Name, s4.Name})
	list("template and user", "mini", `template = "channels/mini/templates/order" AND user_id = "2088000000000001"`, codes.OK, []string{s1.Name})
	list("kind = FOLLOWER", "life", `kind = FOLLOWER`, codes.OK, []string{f1.Name, f2.Name})
	list("kind = TEMPLATE on the life account", "life", `kind = TEMPLATE`, codes.OK, nil)
	list("kind = FOLLOWER and open_id", "life", `kind = SUBSCRIPTION_KIND_FOLLOWER AND open_id = "open-1"`, codes.OK, []string{f2.Name})
	list("template of another channel", "mini", `template = "channels/mini2/templates/order"`, codes.InvalidArgument, nil, "filter")
	list("template not a name", "mini", `template = "order"`, codes.InvalidArgument, nil, "filter")
	list("unknown state", "mini", `state = GONE`, codes.InvalidArgument, nil, "filter")
	list("unknown kind", "mini", `kind = FAN`, codes.InvalidArgument, nil, "filter")
	list("unknown field", "mini", `remaining_sends = 1`, codes.InvalidArgument, nil, "filter")
	list("missing channel", "nope", "", codes.NotFound, nil)
	other := transportCase{name: "other tenant's channel", token: e.key("globex", "admin"), grpcMethod: mListSubscriptions, grpcReq: &reachv1.ListSubscriptionsRequest{Parent: "channels/mini"},
		grpcResp: &reachv1.ListSubscriptionsResponse{}, httpMethod: "GET", httpPath: "/v1/channels/mini/subscriptions", want: codes.NotFound}
	e.runBoth(other)

	// Pagination: 7 followers in pages of 3.
	for i := 0; i < 5; i++ {
		mk("life", &reachv1.Subscription{User: oid(fmt.Sprintf("page-%d", i))})
	}
	var seen []string
	token := ""
	pages := 0
	for ; ; pages++ {
		code, body := e.httpCall(e.admin(), "GET", "/v1/channels/life/subscriptions?page_size=3&page_token="+url.QueryEscape(token), nil)
		if code != 200 {
			t.Fatalf("page: %d %v", code, body)
		}
		resp := &reachv1.ListSubscriptionsResponse{}
		remarshal(t, body, resp)
		for _, s := range resp.Subscriptions {
			seen = append(seen, s.Name)
		}
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	if len(seen) != 7 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 7 || pages != 2 || !slices.IsSorted(seen) {
		t.Errorf("paged followers (%d pages): %v", pages+1, seen)
	}
}

// TestSyncAndAuthorizeAlipayUnreachable: SyncSubscriptions and AuthorizeUser call Alipay;
// when it cannot be reached they fail with UNAVAILABLE (retry later) and an ErrorInfo, and
// change nothing. Before calling Alipay they check the channel, its type and the caller.
func TestSyncAndAuthorizeAlipayUnreachable(t *testing.T) {
	e := newTestEnv(t)
	gateway := deadGatewayURL(t) // nothing listens there
	mini := miniChannel(t)
	mini.GetOpenPlatform().GatewayUrl = gateway
	e.createChannel("mini", mini)
	e.oneTimeTemplate("mini", "order", "tpl-1")
	plus := plusChannel(t)
	plus.GetAlipayPlus().GatewayUrl = strings.TrimSuffix(gateway, "/gateway.do") + "/api/open"
	e.createChannel("plus", plus)
	e.createChannel("life", lifeChannel(t))

	unreachable := func(c *transportCase) {
		c.msg = ": could not reach the Alipay gateway" // one text, whatever the cause (issue 7)
	}
	sync := func(name, ch string, want codes.Code) transportCase {
		req := &reachv1.SyncSubscriptionsRequest{Parent: "channels/" + ch, User: uid("2088000000000001"), Templates: []string{"channels/mini/templates/order"}}
		return transportCase{name: name, token: e.admin(), grpcMethod: mSyncSubscriptions, grpcReq: req, grpcResp: &reachv1.SyncSubscriptionsResponse{},
			httpMethod: "POST", httpPath: "/v1/channels/" + ch + "/subscriptions:sync", httpBody: req, want: want}
	}
	c := sync("sync", "mini", codes.Unavailable)
	unreachable(&c)
	e.runBoth(c)
	if err := e.call(e.admin(), mSyncSubscriptions, c.grpcReq, &reachv1.SyncSubscriptionsResponse{}); alipayInfo(err) == nil || alipayInfo(err).Reason != "ALIPAY_RETRYABLE" {
		t.Errorf("sync: ErrorInfo %v (%v)", alipayInfo(err), err)
	}
	if rows := e.subs("mini", ""); len(rows) != 0 {
		t.Errorf("ledger after a failed sync: %v", rows)
	}
	e.runBoth(sync("sync by a sender", "mini", codes.Unavailable).withToken(e.key("acme", "sender")))
	e.runBoth(sync("sync on a missing channel", "nope", codes.NotFound))
	e.runBoth(sync("sync on another tenant's channel", "mini", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(sync("sync as viewer", "mini", codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(sync("sync on a Life Account", "life", codes.FailedPrecondition))

	auth := func(name, ch string, want codes.Code) transportCase {
		req := &reachv1.AuthorizeUserRequest{Parent: "channels/" + ch, AuthCode: "0123456789"}
		return transportCase{name: name, token: e.admin(), grpcMethod: mAuthorizeUser, grpcReq: req, grpcResp: &reachv1.AuthorizeUserResponse{},
			httpMethod: "POST", httpPath: "/v1/channels/" + ch + "/subscriptions:authorize", httpBody: req, want: want}
	}
	c = auth("authorize", "plus", codes.Unavailable)
	unreachable(&c)
	e.runBoth(c)
	if rows := e.subs("plus", ""); len(rows) != 0 {
		t.Errorf("ledger after a failed authorization: %v", rows)
	}
	e.runBoth(auth("authorize on a missing channel", "nope", codes.NotFound))
	e.runBoth(auth("authorize on another tenant's channel", "plus", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(auth("authorize as viewer", "plus", codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(auth("authorize on a mini program", "mini", codes.FailedPrecondition))
}
