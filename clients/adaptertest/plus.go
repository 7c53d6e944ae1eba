package adaptertest

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/alipaysim"
)

var plusCases = []testCase{
	{"Verify/unknown client id", testPlusUnknownClient},
	{"Send/shape: first language, redirectUrl, pass-through fields", testPlusShape},
	{"Send/redirectUrl override, no language", testPlusOverride},
	{"Send/five languages", testPlusLanguages},
	{"Send/BadRequest/six languages", testPlusSixLanguages},
	{"Send/template without parameters", testPlusNoParameters},
	{"Send/BadRequest/no message id", testPlusNoID},
	{"Send/idempotent requestId", testPlusIdempotent},
	{"Send/idempotent requestId of a long message id", testPlusLongID},
	{"Send/Retryable/answer lost after delivery", testPlusLostAnswer},
	{"Send/NotSubscribed/expired token, then refreshed", testPlusExpiredToken},
	{"Send/NotSubscribed/invalid token", testPlusInvalidToken},
	{"Send/NotSubscribed/no token", testPlusNoToken},
	{"ApplyToken", testPlusApplyToken},
	{"ApplyToken/used, unknown and expired codes", testPlusBadCodes},
	{"RefreshToken", testPlusRefresh},
}

func testPlusUnknownClient(t *testing.T, f *fixture) {
	creds := f.creds
	creds.ClientID = "SANDBOX_UNKNOWN_CLIENT"
	a := f.build(t, creds, nil)
	wantErr(t, a.Verify(ctx(t)), alipayerr.Auth, "F", "INVALID_CLIENT")
}

// plusSent returns the one send to customer: its body.
func plusSent(t testing.TB, f *fixture, customer string) (alipaysim.Record, map[string]any) {
	t.Helper()
	r := f.wantRecords(t, f.appID, customer, 1)[0]
	return r, content(t, r)
}

func testPlusShape(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	res := send(t, f.main, m)
	rec, body := plusSent(t, f, m.Recipient.ID)
	if res.ExternalID == "" || res.ExternalID != rec.MessageID {
		t.Errorf("ExternalID %q, want the messageId %q", res.ExternalID, rec.MessageID)
	}
	wantJSON(t, body, `{"appId":"`+plusApp+`","accessToken":"`+m.AccessToken+`","customerBelongsTo":"ALIPAY_CN",`+
		`"authClientId":"`+plusAuthClient+`","requestId":"`+m.ID+`","templateCode":"`+plusTmpl+`",`+
		`"templates":[{"templateParameters":{"orderNo":"SO-20240501-0001","storeName":"Reach 旗舰店"},"language":"en-US"}],`+
		`"redirectUrl":"/pages/order/detail?id=1"}`)
}

func testPlusOverride(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Page = "/pages/refund/index?id=2&from=push"
	m.Template.Languages = nil
	send(t, f.main, m)
	_, body := plusSent(t, f, m.Recipient.ID)
	if got := str(t, body, "redirectUrl"); got != m.Page {
		t.Errorf("redirectUrl %q, want %q", got, m.Page)
	}
	wantJSON(t, body["templates"], `[{"templateParameters":{"orderNo":"SO-20240501-0001","storeName":"Reach 旗舰店"}}]`)
}

var fiveLanguages = []adapter.Localized{
	{Language: "en-US", Data: map[string]string{"orderNo": "1", "storeName": "Store"}},
	{Language: "zh-CN", Data: map[string]string{"orderNo": "1", "storeName": "商店"}},
	{Language: "zh-HK", Data: map[string]string{"orderNo": "1", "storeName": "商店 HK"}},
	{Language: "th-TH", Data: map[string]string{"orderNo": "1", "storeName": "ร้านค้า"}},
	{Language: "id-ID", Data: map[string]string{"orderNo": "1", "storeName": "Toko <&>"}},
}

func testPlusLanguages(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Localized = fiveLanguages
	send(t, f.main, m)
	_, body := plusSent(t, f, m.Recipient.ID)
	wantJSON(t, body["templates"], `[`+
		`{"templateParameters":{"orderNo":"1","storeName":"Store"},"language":"en-US"},`+
		`{"templateParameters":{"orderNo":"1","storeName":"商店"},"language":"zh-CN"},`+
		`{"templateParameters":{"orderNo":"1","storeName":"商店 HK"},"language":"zh-HK"},`+
		`{"templateParameters":{"orderNo":"1","storeName":"ร้านค้า"},"language":"th-TH"},`+
		`{"templateParameters":{"orderNo":"1","storeName":"Toko <&>"},"language":"id-ID"}]`)
}

func testPlusSixLanguages(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Localized = append(append([]adapter.Localized(nil), fiveLanguages...),
		adapter.Localized{Language: "ko-KR", Data: map[string]string{"orderNo": "1", "storeName": "가게"}})
	before := f.ts.Stats()
	_, err := f.main.Send(ctx(t), m)
	wantTransport(t, err, alipayerr.BadRequest, 0)
	if after := f.ts.Stats(); after != before {
		t.Errorf("a request Alipay+ forbids was sent: stats %+v → %+v", before, after)
	}
}

func testPlusNoParameters(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Template.ExternalID, m.Template.Keys, m.Data = freeTmpl, nil, nil
	send(t, f.main, m)
	_, body := plusSent(t, f, m.Recipient.ID)
	wantJSON(t, body["templates"], `[{"templateParameters":{},"language":"en-US"}]`)
}

// Without a message id there is no idempotency key: refused before sending.
func testPlusNoID(t *testing.T, f *fixture) {
	m := f.ready(t, "")
	before := f.ts.Stats()
	_, err := f.main.Send(ctx(t), m)
	wantTransport(t, err, alipayerr.BadRequest, 0)
	if after := f.ts.Stats(); after != before {
		t.Errorf("a send without a requestId reached Alipay+: stats %+v → %+v", before, after)
	}
}

// The requestId is the message's own: sending a message again, from this adapter or from a
// new one (another process), is recognised by Alipay+ and not delivered twice.
func testPlusIdempotent(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	first := send(t, f.main, m)
	again := send(t, f.main, m)
	restarted := send(t, f.build(t, f.creds, nil), m)
	if first.ExternalID == "" || again.ExternalID != first.ExternalID || restarted.ExternalID != first.ExternalID {
		t.Errorf("messageIds %q, %q, %q: want one", first.ExternalID, again.ExternalID, restarted.ExternalID)
	}
	rec, _ := plusSent(t, f, m.Recipient.ID)
	if rec.RequestID != m.ID {
		t.Errorf("requestId %q, want the message id %q", rec.RequestID, m.ID)
	}
	// A different message to the same user is a different request.
	m2 := *m
	m2.ID = f.msgID()
	if res := send(t, f.main, &m2); res.ExternalID == first.ExternalID {
		t.Errorf("a second message got the first one's messageId %q", res.ExternalID)
	}
	f.wantRecords(t, f.appID, m.Recipient.ID, 2)
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// A message id unfit for requestId (too long, other characters) is hashed, stably.
func testPlusLongID(t *testing.T, f *fixture) {
	m := f.ready(t, "tenants/acme/channels/plus/messages/"+strings.Repeat("0123456789", 7)+"/"+f.msgID())
	first := send(t, f.main, m)
	again := send(t, f.build(t, f.creds, nil), m)
	if again.ExternalID != first.ExternalID {
		t.Errorf("messageIds %q and %q, want one", first.ExternalID, again.ExternalID)
	}
	rec, _ := plusSent(t, f, m.Recipient.ID)
	if !hex64.MatchString(rec.RequestID) {
		t.Errorf("requestId %q, want 64 hex digits", rec.RequestID)
	}
}

// Alipay+ delivered the message but the answer was U: the retry with the same requestId
// gets the original messageId and nothing is delivered twice.
func testPlusLostAnswer(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	addFault(t, f, alipaysim.Fault{Kind: alipaysim.FaultUnknownError, API: f.sendAPI, Count: 1, After: true})
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.Retryable, "U", "UNKNOWN_EXCEPTION")
	rec, _ := plusSent(t, f, m.Recipient.ID)
	res := send(t, f.main, m)
	if res.ExternalID != rec.MessageID {
		t.Errorf("retry got messageId %q, want the delivered %q", res.ExternalID, rec.MessageID)
	}
	f.wantRecords(t, f.appID, m.Recipient.ID, 1)
}

func testPlusExpiredToken(t *testing.T, f *fixture) {
	customer := f.user()
	tok := f.authorize(t, f.main, plusApp, customer)
	if !tok.AccessExpiry.After(time.Now()) {
		t.Fatalf("access token expiry %v is not in the future", tok.AccessExpiry)
	}
	f.ts.Advance(time.Until(tok.AccessExpiry) + time.Minute)
	m := f.ready(t, f.msgID())
	m.Recipient.ID, m.AccessToken = customer, tok.AccessToken
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.NotSubscribed, "F", "EXPIRED_ACCESS_TOKEN")
	renewed, err := f.main.(adapter.Authorizer).RefreshToken(ctx(t), tok.RefreshToken)
	if err != nil {
		t.Fatalf("RefreshToken: %v", err)
	}
	m.AccessToken = renewed.AccessToken
	send(t, f.main, m) // the same message, now with a live token
	f.wantRecords(t, f.appID, customer, 1)
}

func testPlusInvalidToken(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	for name, token := range map[string]string{
		"never issued":        "AT0000000000000000000000000000000000000000",
		"another app's token": f.authorize(t, f.build(t, plusCreds(f.ts, otherPlusApp), nil), otherPlusApp, m.Recipient.ID).AccessToken,
	} {
		t.Run(name, func(t *testing.T) {
			m.ID, m.AccessToken = f.msgID(), token
			_, err := f.main.Send(ctx(t), m)
			wantErr(t, err, alipayerr.NotSubscribed, "F", "INVALID_ACCESS_TOKEN")
		})
	}
	f.wantRecords(t, f.appID, m.Recipient.ID, 0)
}

func testPlusNoToken(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.AccessToken = ""
	before := f.ts.Stats()
	_, err := f.main.Send(ctx(t), m)
	wantTransport(t, err, alipayerr.NotSubscribed, 0)
	if after := f.ts.Stats(); after != before {
		t.Errorf("a send without a token reached Alipay+: stats %+v → %+v", before, after)
	}
}

const tokenAPI = "/api/open/v2/authorizations/applyToken"

func testPlusApplyToken(t *testing.T, f *fixture) {
	customer := f.user()
	start := time.Now()
	tok := f.authorize(t, f.main, plusApp, customer)
	if tok.CustomerID != customer || tok.AccessToken == "" || tok.RefreshToken == "" {
		t.Errorf("token %+v, want customer %s and both tokens", tok, customer)
	}
	// The simulator's clock may have been advanced by earlier cases: compare loosely.
	if !tok.AccessExpiry.After(start) || !tok.RefreshExpiry.After(tok.AccessExpiry) {
		t.Errorf("expiries access %v refresh %v", tok.AccessExpiry, tok.RefreshExpiry)
	}
	calls := f.records(tokenAPI, f.appID, customer)
	if len(calls) != 1 {
		t.Fatalf("%d applyToken calls, want 1", len(calls))
	}
	body := content(t, calls[0])
	for k, v := range map[string]string{"appId": plusApp, "authClientId": plusAuthClient, "grantType": "AUTHORIZATION_CODE",
		"customerBelongsTo": "ALIPAY_CN"} {
		if got := str(t, body, k); got != v {
			t.Errorf("%s %q, want %q", k, got, v)
		}
	}
	// The token works.
	m := f.ready(t, f.msgID())
	m.Recipient.ID, m.AccessToken = customer, tok.AccessToken
	send(t, f.main, m)
}

func testPlusBadCodes(t *testing.T, f *fixture) {
	auth := f.main.(adapter.Authorizer)
	code, _, err := f.ts.IssueAuthCode(plusApp, f.user())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := auth.ApplyToken(ctx(t), code); err != nil {
		t.Fatalf("first ApplyToken: %v", err)
	}
	_, err = auth.ApplyToken(ctx(t), code)
	wantRefused(t, err, "F", "INVALID_AUTHCODE")
	_, err = auth.ApplyToken(ctx(t), "AC00000000000000000000000000000000")
	wantRefused(t, err, "F", "INVALID_AUTHCODE")
	expired, _, err := f.ts.IssueAuthCode(plusApp, f.user())
	if err != nil {
		t.Fatal(err)
	}
	f.ts.Advance(11 * time.Minute)
	_, err = auth.ApplyToken(ctx(t), expired)
	wantRefused(t, err, "F", "AUTH_CODE_EXPIRED")
}

// Refresh tokens rotate: each is good for one renewal; the older access token stays valid
// until it expires.
func testPlusRefresh(t *testing.T, f *fixture) {
	auth := f.main.(adapter.Authorizer)
	customer := f.user()
	tok := f.authorize(t, f.main, plusApp, customer)
	renewed, err := auth.RefreshToken(ctx(t), tok.RefreshToken)
	if err != nil {
		t.Fatalf("RefreshToken: %v", err)
	}
	if renewed.CustomerID != customer || renewed.AccessToken == tok.AccessToken || renewed.RefreshToken == tok.RefreshToken {
		t.Errorf("renewed %+v from %+v", renewed, tok)
	}
	_, err = auth.RefreshToken(ctx(t), tok.RefreshToken)
	wantRefused(t, err, "F", "USED_REFRESH_TOKEN")
	_, err = auth.RefreshToken(ctx(t), "RT0000000000000000000000000000000000000000")
	wantRefused(t, err, "F", "INVALID_REFRESH_TOKEN")
	for _, at := range []string{tok.AccessToken, renewed.AccessToken} {
		m := f.ready(t, f.msgID())
		m.Recipient.ID, m.AccessToken = customer, at
		send(t, f.main, m)
	}
	calls := f.records(tokenAPI, f.appID, customer)
	if len(calls) != 2 || str(t, content(t, calls[1]), "grantType") != "REFRESH_TOKEN" {
		t.Errorf("applyToken calls %d, want 2 ending with a REFRESH_TOKEN grant", len(calls))
	}
}
