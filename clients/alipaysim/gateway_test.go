package alipaysim

import (
	"strings"
	"testing"
	"time"
)

const miniSend = "alipay.open.app.mini.templatemessage.send"

func TestGatewayAcceptsSignedRequestsInEveryPlacement(t *testing.T) {
	ts := newSim(t)
	if err := ts.Subscribe(miniApp, user1, longTmpl, 0); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		placement string
		extra     map[string]string
	}{
		{"form body (smartwalle, gopay)", "form", nil},
		{"query string + biz_content in body (EZ, python)", "query", nil},
		{"extra signed param (EZ alipay_sdk)", "form", map[string]string{"alipay_sdk": "alipay-easysdk-java-2.0.0"}},
		{"empty param sent but not signed (§1.4 step 2)", "form", map[string]string{"app_auth_token": ""}},
		{"value needing URL encoding, signed raw", "query", map[string]string{"notify_url": "https://example.com/n?a=1&b=空 格"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := gw(t, ts, miniApp)
			c.placement, c.extra = tc.placement, tc.extra
			a := c.call(miniSend, miniSendBiz(user1, longTmpl, data2))
			want(t, a, "10000", "")
			if a.sign == "" || a.key != "alipay_open_app_mini_templatemessage_send_response" {
				t.Fatalf("answer not signed under the method key: %s", a.body)
			}
			if a.body != `{"alipay_open_app_mini_templatemessage_send_response":{"code":"10000","msg":"Success"},"sign":"`+a.sign+`"}` {
				t.Errorf("body shape: %s", a.body)
			}
		})
	}
}

// gopay posts to gateway.do?charset=utf-8 while charset is also in the body: it counts
// once in the string-to-sign.
func TestGatewayParamInBothPlacesCountsOnce(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	p := c.params("alipay.open.public.info.query", nil)
	p["sign"] = testSign(c.key, p)
	c.rawQuery = "charset=utf-8"
	a := c.send(p)
	want(t, a, "10000", "")
	if a.str("app_name") != "Sim Life" || a.str("audit_status") != "AUDIT_SUCCESS" {
		t.Errorf("info.query = %v", a.fields)
	}
}

func TestGatewayRejections(t *testing.T) {
	ts := newSim(t)
	other := ts.App(miniApp).PrivateKey
	tests := []struct {
		name          string
		mutate        func(c *gwClient, p map[string]string)
		code, sub     string
		errorResponse bool // under error_response rather than the method's key
	}{
		{"missing method", func(_ *gwClient, p map[string]string) { delete(p, "method") }, "40001", "isv.missing-method", true},
		{"missing app_id", func(_ *gwClient, p map[string]string) { delete(p, "app_id") }, "40001", "isv.missing-app-id", true},
		{"unknown app", func(_ *gwClient, p map[string]string) { p["app_id"] = "2021999999999999" }, "40002", "isv.invalid-app-id", true},
		{"Alipay+ app on the gateway", func(_ *gwClient, p map[string]string) { p["app_id"] = plusApp }, "40002", "isv.invalid-app-id", true},
		{"missing sign", func(_ *gwClient, p map[string]string) { p["sign"] = "" }, "40001", "isv.missing-signature", false},
		{"missing sign_type", func(_ *gwClient, p map[string]string) { delete(p, "sign_type") }, "40001", "isv.missing-signature-type", false},
		{"missing timestamp", func(_ *gwClient, p map[string]string) { delete(p, "timestamp") }, "40001", "isv.missing-timestamp", false},
		{"missing version", func(_ *gwClient, p map[string]string) { delete(p, "version") }, "40001", "isv.missing-version", false},
		{"unknown method", func(_ *gwClient, p map[string]string) { p["method"] = "alipay.trade.pay" }, "40002", "isv.invalid-method", false},
		{"format xml", func(_ *gwClient, p map[string]string) { p["format"] = "xml" }, "40002", "isv.invalid-format", false},
		{"charset gbk", func(_ *gwClient, p map[string]string) { p["charset"] = "GBK" }, "40002", "isv.invalid-charset", false},
		{"legacy RSA", func(_ *gwClient, p map[string]string) { p["sign_type"] = "RSA" }, "40002", "isv.invalid-signature-type", false},
		{"bad timestamp format", func(_ *gwClient, p map[string]string) { p["timestamp"] = "2024-01-02T03:04:05Z" }, "40002", "isv.invalid-timestamp", false},
		{"stale timestamp", func(c *gwClient, p map[string]string) {
			p["timestamp"] = time.Now().Add(-31 * time.Minute).In(cst).Format(timestampLayout)
		}, "40002", "isv.invalid-timestamp", false},
		{"stale timestamp read as UTC too", func(c *gwClient, p map[string]string) {
			p["timestamp"] = time.Now().Add(-31 * time.Minute).UTC().Format(timestampLayout)
		}, "40002", "isv.invalid-timestamp", false},
		{"signed with another key", func(c *gwClient, p map[string]string) { p["sign"] = testSign(other, p) }, "40002", "isv.invalid-signature", false},
		{"param changed after signing", func(c *gwClient, p map[string]string) { p["biz_content"] = `{"to_user_id":"x"}` }, "40002", "isv.invalid-signature", false},
		{"signature not base64", func(c *gwClient, p map[string]string) { p["sign"] = "not base64!" }, "40002", "isv.invalid-signature", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := gw(t, ts, lifeApp)
			p := c.params("alipay.open.public.message.single.send", lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2"))
			p["sign"] = testSign(c.key, p)
			tt.mutate(c, p)
			a := c.send(p)
			want(t, a, tt.code, tt.sub)
			if got := a.key == "error_response"; got != tt.errorResponse {
				t.Errorf("key %s, want error_response=%v", a.key, tt.errorResponse)
			}
			if a.sign != "" || a.status != 200 {
				t.Errorf("verification failure answered HTTP %d signed=%v, want 200 unsigned", a.status, a.sign != "")
			}
		})
	}
	if got := ts.Stats(); got.Rejected != int64(len(tests)) || got.Accepted != 0 {
		t.Errorf("stats %+v", got)
	}
}

// The invalid-signature sub_msg carries the string the gateway verified, as Alipay's does.
func TestGatewayInvalidSignatureShowsVerifiedString(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	c.key = ts.App(miniApp).PrivateKey
	a := c.call("alipay.open.public.info.query", nil)
	want(t, a, "40002", "isv.invalid-signature")
	if sub := a.str("sub_msg"); !strings.Contains(sub, "app_id="+lifeApp+"&charset=utf-8&format=JSON&method=alipay.open.public.info.query&sign_type=RSA2&timestamp=") {
		t.Errorf("sub_msg %q", sub)
	}
}

func TestGatewayPermissionIsSignedBusinessAnswer(t *testing.T) {
	ts := newSim(t)
	a := gw(t, ts, lifeApp).call(miniSend, miniSendBiz(user1, longTmpl, data2))
	want(t, a, "40006", "isv.insufficient-isv-permissions")
	if a.sign == "" || a.key != "alipay_open_app_mini_templatemessage_send_response" {
		t.Errorf("40006 should be signed under the method key: %s", a.body)
	}
}

func TestGatewayTimestampSkewConfigurable(t *testing.T) {
	cfg := testConfig()
	cfg.TimestampSkew = Duration(-1)
	ts := NewTestServer(t, cfg)
	c := gw(t, ts, lifeApp)
	c.now = time.Now().Add(-48 * time.Hour)
	want(t, c.call("alipay.open.public.info.query", nil), "10000", "")
}

func TestGatewayRejectsNonPostGet(t *testing.T) {
	ts := newSim(t)
	req, _ := newRequest("PUT", ts.URL()+"/gateway.do", "")
	if resp := do(t, req); resp.StatusCode != 405 {
		t.Errorf("PUT gateway.do = %d", resp.StatusCode)
	}
}
