package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// notify sends n with the simulator to url and fails the test when it cannot be sent.
func notify(t *testing.T, ts *alipaysim.TestServer, n alipaysim.Notification) *alipaysim.NotifyResult {
	t.Helper()
	res, err := ts.Notify(context.Background(), n)
	if err != nil {
		t.Fatalf("notify %s: %v", n.Kind, err)
	}
	return res
}

// signedParams are the parameters of a notification the simulator signed, captured by a
// server that is not Reach (so Reach has not seen them yet).
func signedParams(t *testing.T, ts *alipaysim.TestServer, n alipaysim.Notification) map[string]string {
	t.Helper()
	capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "success") }))
	defer capture.Close()
	n.URL = capture.URL
	return notify(t, ts, n).Params
}

// postForm posts params as a form to u and returns the status and body.
func postForm(t *testing.T, u string, params map[string]string) (int, string) {
	t.Helper()
	form := url.Values{}
	for k, v := range params {
		form.Set(k, v)
	}
	resp, err := http.Post(u, "application/x-www-form-urlencoded; charset=utf-8", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// followerIs checks the one FOLLOWER row of a user on channel id.
func (e *testEnv) followerIs(id, filter string, state reachv1.SubscriptionState) *reachv1.Subscription {
	e.t.Helper()
	rows := e.subs(id, filter)
	if len(rows) != 1 {
		e.t.Errorf("%s rows on %s: %v", filter, id, rows)
		return nil
	}
	if s := rows[0]; s.Kind != reachv1.SubscriptionKind_SUBSCRIPTION_KIND_FOLLOWER || s.State != state || s.Template != "" || s.StateReason == "" {
		e.t.Errorf("%s on %s: %v %v %q, want FOLLOWER %v", filter, id, s.Kind, s.State, s.StateReason, state)
	}
	return rows[0]
}

// TestNotifyLifeAccount: follow and unfollow events keep the follower ledger, the gateway
// check and every event are answered with an envelope signed by the app key, which the
// simulator verifies.
func TestNotifyLifeAccount(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	ch := e.getChannel("channels/life")
	if want := "/v1/notify/" + e.tenantID() + "/life"; ch.NotifyPath != want {
		t.Fatalf("notify_path %q, want %q", ch.NotifyPath, want)
	}
	target := e.baseURL + ch.NotifyPath

	// The gateway check (what the console does when the gateway URL is set).
	res := notify(t, ts, alipaysim.Notification{URL: target, Kind: alipaysim.NotifyVerifyGateway, AppID: simLifeApp})
	if res.Status != 200 || !res.Acknowledged || res.Ack == nil || !res.Ack.SignatureValid || !res.Ack.Success || !res.Ack.PublicKeyMatch {
		t.Errorf("verifygw: %d %+v %q", res.Status, res.Ack, res.Body)
	}

	// Follow by a 2088 user id: an ACTIVE follower by user_id; by an open id: by open_id;
	// in the 2014 XML format too.
	const user, open, xmlUser = "2088000000000501", "open-501", "2088000000000502"
	for _, n := range []alipaysim.Notification{
		{Kind: alipaysim.NotifyFollow, User: user},
		{Kind: alipaysim.NotifyFollow, User: open},
		{Kind: alipaysim.NotifyFollow, User: xmlUser, Format: "xml"},
	} {
		n.URL, n.AppID = target, simLifeApp
		res := notify(t, ts, n)
		if res.Status != 200 || !res.Acknowledged || !res.Ack.SignatureValid || !strings.Contains(res.Ack.Response, "<ToUserId><![CDATA["+n.User+"]]></ToUserId>") {
			t.Errorf("follow %s (%s): %d %+v %q", n.User, n.Format, res.Status, res.Ack, res.Body)
		}
	}
	followed := e.followerIs("life", `user_id = "`+user+`"`, stateActive)
	e.followerIs("life", `open_id = "`+open+`"`, stateActive)
	e.followerIs("life", `user_id = "`+xmlUser+`"`, stateActive)
	if rows := e.subs("life", `user_id = "`+open+`"`); len(rows) != 0 {
		t.Errorf("open id recorded as a user id: %v", rows)
	}

	// Unfollow: the same row, CANCELLED.
	res = notify(t, ts, alipaysim.Notification{URL: target, Kind: alipaysim.NotifyUnfollow, AppID: simLifeApp, User: user})
	if res.Status != 200 || !res.Acknowledged {
		t.Errorf("unfollow: %d %+v %q", res.Status, res.Ack, res.Body)
	}
	if got := e.followerIs("life", `user_id = "`+user+`"`, reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED); got != nil && followed != nil && got.Name != followed.Name {
		t.Errorf("unfollow made row %s, follow %s", got.Name, followed.Name)
	}
	// Following again reactivates it.
	notify(t, ts, alipaysim.Notification{URL: target, Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user})
	e.followerIs("life", `user_id = "`+user+`"`, stateActive)
	if n := len(e.subs("life", "")); n != 3 {
		t.Errorf("%d ledger rows, want 3", n)
	}

	// A message-service notification (§3.1) on the same endpoint: exactly "success".
	res = notify(t, ts, alipaysim.Notification{URL: target, Kind: alipaysim.NotifyMessage, AppID: simLifeApp,
		MsgMethod: "alipay.open.public.message.status.notify", BizContent: []byte(`{"msg_id":"m-1","status":"SUCCESS"}`)})
	if res.Status != 200 || res.Body != "success" || !res.Acknowledged {
		t.Errorf("message notification: %d %q", res.Status, res.Body)
	}
}

// TestNotifyMessage: a §3.1 notification on a mini program channel is verified and
// answered with exactly the 7 bytes "success".
func TestNotifyMessage(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simMiniWorld(ts)
	target := e.baseURL + e.getChannel("channels/mini").NotifyPath
	for _, biz := range []string{`{"complain_event_id":"2024010100000001"}`, `"{\"text\":\"as a JSON string\"}"`} {
		res := notify(t, ts, alipaysim.Notification{URL: target, Kind: alipaysim.NotifyMessage, AppID: simMiniApp,
			MsgMethod: "alipay.merchant.tradecomplain.changed", BizContent: []byte(biz)})
		if res.Status != 200 || res.Body != "success" || !res.Acknowledged {
			t.Errorf("message %s: %d %q", biz, res.Status, res.Body)
		}
	}
	// Certificate mode: signed with the key of Alipay's certificate.
	cert := e.createChannel("cert", simCertChannel(ts))
	res := notify(t, ts, alipaysim.Notification{URL: e.baseURL + cert.NotifyPath, Kind: alipaysim.NotifyMessage, AppID: simCertApp,
		MsgMethod: "alipay.merchant.tradecomplain.changed", BizContent: []byte(`{"a":"b"}`)})
	if res.Status != 200 || res.Body != "success" {
		t.Errorf("certificate mode message: %d %q", res.Status, res.Body)
	}
}

// TestNotifyRejected: notifications that do not verify are refused with 403 and change
// nothing; unknown tenants and channels are 404; Alipay+ channels take no Open Platform
// notifications.
func TestNotifyRejected(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	e.simMiniWorld(ts)
	e.simPlus(ts, ts.URL()+"/api/open")
	life := e.baseURL + e.getChannel("channels/life").NotifyPath
	mini := e.baseURL + e.getChannel("channels/mini").NotifyPath

	// The simulator's wrong signature.
	for _, n := range []alipaysim.Notification{
		{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: "2088000000000601"},
		{Kind: alipaysim.NotifyVerifyGateway, AppID: simLifeApp},
		{Kind: alipaysim.NotifyMessage, AppID: simLifeApp, MsgMethod: "x.y", BizContent: []byte(`{}`)},
	} {
		n.URL, n.Tamper = life, true
		if res := notify(t, ts, n); res.Status != http.StatusForbidden || res.Acknowledged {
			t.Errorf("tampered %s: %d %q", n.Kind, res.Status, res.Body)
		}
	}

	// Signed notifications changed after signing: a follow for another user, and a
	// message whose content was changed. The originals, posted as they were, are accepted
	// (so the refusals are the tampering's doing).
	follow := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: "2088000000000602"})
	forged := map[string]string{}
	for k, v := range follow {
		forged[k] = v
	}
	forged["biz_content"] = strings.ReplaceAll(follow["biz_content"], "2088000000000602", "2088000000000699")
	if forged["biz_content"] == follow["biz_content"] {
		t.Fatalf("biz_content %q names no user", follow["biz_content"])
	}
	if code, body := postForm(t, life, forged); code != http.StatusForbidden {
		t.Errorf("forged follow: %d %q", code, body)
	}
	forged = map[string]string{}
	for k, v := range follow {
		forged[k] = v
	}
	forged["sign_type"] = "RSA" // signed in §3.2
	if code, body := postForm(t, life, forged); code != http.StatusForbidden {
		t.Errorf("follow with sign_type changed: %d %q", code, body)
	}
	if rows := e.subs("life", ""); len(rows) != 0 {
		t.Errorf("ledger after forged follows: %v", rows)
	}
	if code, body := postForm(t, life, follow); code != 200 || !strings.Contains(body, "<sign>") {
		t.Errorf("the original follow: %d %q", code, body)
	}
	e.followerIs("life", `user_id = "2088000000000602"`, stateActive)

	msg := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyMessage, AppID: simMiniApp,
		MsgMethod: "alipay.merchant.tradecomplain.changed", BizContent: []byte(`{"complain_event_id":"1"}`)})
	for _, change := range []struct{ key, value string }{{"biz_content", `{"complain_event_id":"2"}`}, {"notify_id", "another"}, {"msg_method", "x.y"}, {"sign", ""}} {
		forged := map[string]string{}
		for k, v := range msg {
			forged[k] = v
		}
		forged[change.key] = change.value
		if code, body := postForm(t, mini, forged); code != http.StatusForbidden || body == "success" {
			t.Errorf("message with %s changed: %d %q", change.key, code, body)
		}
	}
	if code, body := postForm(t, mini, msg); code != 200 || body != "success" {
		t.Errorf("the original message: %d %q", code, body)
	}

	// Unknown tenant or channel: 404, whatever the signature.
	for _, path := range []string{"/v1/notify/no-such-tenant/life", "/v1/notify/" + e.tenantID() + "/nope"} {
		if code, _ := postForm(t, e.baseURL+path, msg); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	// An Alipay+ channel takes no Open Platform notification.
	plus := e.baseURL + e.getChannel("channels/plus").NotifyPath
	if code, body := postForm(t, plus, msg); code < 400 || code >= 500 || body == "success" {
		t.Errorf("Alipay+ channel: %d %q, want a refusal", code, body)
	}
	if rows := e.subs("plus", ""); len(rows) != 0 {
		t.Errorf("Alipay+ ledger after a notification: %v", rows)
	}
}

// TestNotifyAfterAlipayCertRotation: in certificate mode, Alipay signs with the key of
// its current certificate; after a rotation (§1.7), which Reach adopts when it sees the
// new alipay_cert_sn, notifications must still verify.
func TestNotifyAfterAlipayCertRotation(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	cert := e.createChannel("cert", simCertChannel(ts))
	if _, err := ts.RotateAlipayCert(false); err != nil {
		t.Fatal(err)
	}
	v := &reachv1.VerifyChannelResponse{}
	e.must(mVerifyChannel, &reachv1.VerifyChannelRequest{Name: "channels/cert"}, v) // sees the new alipay_cert_sn
	if v.Channel.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
		t.Fatalf("verify after the rotation: %v %q", v.Channel.State, v.Channel.StateReason)
	}
	res := notify(t, ts, alipaysim.Notification{URL: e.baseURL + cert.NotifyPath, Kind: alipaysim.NotifyMessage, AppID: simCertApp,
		MsgMethod: "alipay.merchant.tradecomplain.changed", BizContent: []byte(`{"a":"b"}`)})
	if res.Status != 200 || res.Body != "success" {
		t.Errorf("notification after the rotation: %d %q", res.Status, res.Body)
	}
}
