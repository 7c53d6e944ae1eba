package alipaysim

import (
	"strings"
	"testing"
	"time"
)

const (
	pathSend  = "/api/open/v2/miniprogram/message/send"
	pathToken = "/api/open/v2/authorizations/applyToken"
)

// authorize runs the auth-code flow and returns the access and refresh tokens.
func authorize(t *testing.T, ts *TestServer, c *plusClient, customer string) (string, string) {
	t.Helper()
	code, _, err := ts.IssueAuthCode(plusApp, customer)
	if err != nil {
		t.Fatal(err)
	}
	a := c.call(pathToken, map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": code})
	wantPlus(t, a, "S", "SUCCESS")
	if a.str("customerId") != customer || a.str("accessToken") == "" || a.str("refreshToken") == "" {
		t.Fatalf("applyToken %s", a.raw)
	}
	if _, err := time.Parse(time.RFC3339, a.str("accessTokenExpiryTime")); err != nil {
		t.Errorf("accessTokenExpiryTime: %v", err)
	}
	return a.str("accessToken"), a.str("refreshToken")
}

func plusSendBody(token, requestID string, params map[string]string) map[string]any {
	return map[string]any{"appId": plusApp, "accessToken": token, "customerBelongsTo": "ALIPAY_CN", "requestId": requestID,
		"templateCode": plusTmpl, "templates": []any{map[string]any{"templateParameters": params, "language": "zh-CN"}}}
}

var plusParams = map[string]string{"orderNo": "123456", "storeName": "Yummy Chicken Rice"}

func TestPlusAuthCodeFlow(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	code, _, _ := ts.IssueAuthCode(plusApp, "cust-1")
	body := map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": code}
	wantPlus(t, c.call(pathToken, body), "S", "SUCCESS")
	wantPlus(t, c.call(pathToken, body), "F", "INVALID_AUTHCODE") // single use
	body["authCode"] = "AC-unknown"
	wantPlus(t, c.call(pathToken, body), "F", "INVALID_AUTHCODE")
	expiring, _, _ := ts.IssueAuthCode(plusApp, "cust-1")
	ts.Advance(11 * time.Minute) // codes live 10 minutes
	body["authCode"] = expiring
	wantPlus(t, c.call(pathToken, body), "F", "AUTH_CODE_EXPIRED")
	body["grantType"] = "PASSWORD"
	wantPlus(t, c.call(pathToken, body), "F", "PARAM_ILLEGAL")
	body = map[string]any{"appId": "P0000OTHER", "grantType": "AUTHORIZATION_CODE", "authCode": code}
	wantPlus(t, c.call(pathToken, body), "F", "ACCESS_DENIED")
}

func TestPlusRefreshAndExpiry(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	access, refresh := authorize(t, ts, c, "cust-1")
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r1", plusParams)), "S", "SUCCESS")
	ts.Advance(61 * time.Minute) // access tokens live 1h
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r2", plusParams)), "F", "EXPIRED_ACCESS_TOKEN")
	body := map[string]any{"appId": plusApp, "grantType": "REFRESH_TOKEN", "refreshToken": refresh}
	a := c.call(pathToken, body)
	wantPlus(t, a, "S", "SUCCESS")
	if a.str("customerId") != "cust-1" || a.str("accessToken") == access {
		t.Fatalf("refresh %s", a.raw)
	}
	// Retrying the failed send with the same requestId after renewing works (F is not cached).
	wantPlus(t, c.call(pathSend, plusSendBody(a.str("accessToken"), "r2", plusParams)), "S", "SUCCESS")
	wantPlus(t, c.call(pathToken, body), "F", "USED_REFRESH_TOKEN")
	body["refreshToken"] = "RT-unknown"
	wantPlus(t, c.call(pathToken, body), "F", "INVALID_REFRESH_TOKEN")
	ts.Advance(31 * 24 * time.Hour)
	body["refreshToken"] = a.str("refreshToken")
	wantPlus(t, c.call(pathToken, body), "F", "EXPIRED_REFRESH_TOKEN")
}

func TestPlusSendIdempotency(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	access, _ := authorize(t, ts, c, "cust-1")
	first := c.call(pathSend, plusSendBody(access, "order-42", plusParams))
	wantPlus(t, first, "S", "SUCCESS")
	again := c.call(pathSend, plusSendBody(access, "order-42", plusParams))
	wantPlus(t, again, "S", "SUCCESS")
	if first.str("messageId") == "" || again.str("messageId") != first.str("messageId") {
		t.Errorf("messageIds %q and %q", first.str("messageId"), again.str("messageId"))
	}
	if n := len(ts.Requests(RequestFilter{RequestID: "order-42"})); n != 1 {
		t.Errorf("recorded %d times, want once", n)
	}
	other := map[string]string{"orderNo": "999", "storeName": "x"}
	wantPlus(t, c.call(pathSend, plusSendBody(access, "order-42", other)), "F", "REPEAT_REQ_INCONSISTENT")
	third := c.call(pathSend, plusSendBody(access, "order-43", plusParams))
	if third.str("messageId") == first.str("messageId") {
		t.Error("a new requestId must get a new messageId")
	}
}

func TestPlusSendErrors(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	access, _ := authorize(t, ts, c, "cust-1")
	six := plusSendBody(access, "r-six", plusParams)
	entry := map[string]any{"templateParameters": plusParams}
	six["templates"] = []any{entry, entry, entry, entry, entry, entry}
	badTmpl := plusSendBody(access, "r-tmpl", plusParams)
	badTmpl["templateCode"] = "TP_nope"
	free := plusSendBody(access, "r-free", map[string]string{"anything": "goes"})
	free["templateCode"] = "TP_FREE"
	tests := []struct {
		name   string
		body   any
		status string
		code   string
	}{
		{"unknown token", plusSendBody("AT-nope", "r1", plusParams), "F", "INVALID_ACCESS_TOKEN"},
		{"unknown template", badTmpl, "F", "TEMPLATE_NOT_EXIST"},
		{"missing variable", plusSendBody(access, "r2", map[string]string{"orderNo": "1"}), "F", "PARAM_ILLEGAL"},
		{"six templates", six, "F", "PARAM_ILLEGAL"},
		{"no requestId", plusSendBody(access, "", plusParams), "F", "PARAM_ILLEGAL"},
		{"not JSON", "nope", "F", "PARAM_ILLEGAL"},
		{"template without declared variables accepts any", free, "S", "SUCCESS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantPlus(t, c.call(pathSend, tt.body), tt.status, tt.code) })
	}
	// Consent withdrawn, then given again.
	_ = ts.Unsubscribe(plusApp, "cust-1", "")
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r3", plusParams)), "F", "USER_NOT_SUBSCRIBED")
	_ = ts.Subscribe(plusApp, "cust-1", "", 0)
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r3", plusParams)), "S", "SUCCESS")
	// A token without SEND_MESSAGE scope.
	code, _, _ := ts.IssueAuthCode(plusApp, "cust-2", "auth_base")
	a := c.call(pathToken, map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": code})
	wantPlus(t, c.call(pathSend, plusSendBody(a.str("accessToken"), "r4", plusParams)), "F", "USER_NOT_SUBSCRIBED")
	_ = ts.DeleteTemplate(plusApp, plusTmpl)
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r5", plusParams)), "F", "TEMPLATE_NOT_EXIST")
}

func TestPlusSignature(t *testing.T) {
	ts := newSim(t)
	good := plus(t, ts)
	body := map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": "x"}
	epoch := plus(t, ts)
	epoch.epoch = true
	wantPlus(t, epoch.call(pathToken, body), "F", "INVALID_AUTHCODE") // verified: got to the business check
	wantPlus(t, good.call(pathToken, body), "F", "INVALID_AUTHCODE")
	wrongKey := plus(t, ts)
	wrongKey.key = ts.App(miniApp).PrivateKey
	a := wrongKey.call(pathToken, body)
	wantPlus(t, a, "F", "INVALID_SIGNATURE")
	if _, msg := a.result(); !strings.Contains(a.raw, "POST "+pathToken) {
		t.Errorf("message should show the verified content: %s %s", msg, a.raw)
	}
	raw := plus(t, ts)
	raw.noEscape = true // base64 with + / = sent as is: not the §4.2 encoding
	for i := 0; i < 20; i++ {
		b := map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": strings.Repeat("y", i)}
		if a := raw.call(pathToken, b); strings.Contains(a.raw, "INVALID_SIGNATURE") {
			return // some signature contained '+', which decodes to ' ' and fails, as it should
		}
	}
	t.Error("an unencoded signature with '+' was accepted 20 times in a row")
}

func TestPlusTransportErrors(t *testing.T) {
	ts := newSim(t)
	unknown := plus(t, ts)
	unknown.clientID = "NOPE"
	wantPlus(t, unknown.call(pathSend, map[string]any{}), "F", "INVALID_CLIENT")
	wantPlus(t, plus(t, ts).call("/api/open/v2/payments/pay", map[string]any{}), "F", "INVALID_API")
}
