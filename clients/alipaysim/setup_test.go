package alipaysim

import (
	"encoding/base64"
	"testing"
)

const (
	lifeApp   = "2021000000000001"
	miniApp   = "2021000000000002"
	certApp   = "2021000000000003"
	aesApp    = "2021000000000004"
	openLife  = "2021000000000005" // Life Account with require_follow=false
	plusApp   = "P000000000000001SIM1"
	plusID    = "SANDBOX_SIM_CLIENT"
	user1     = "2088000000000001"
	user2     = "2088000000000002"
	lifeTmpl  = "TM9f1a1af9c3d9418bb0f66af22c817f41"
	oneTmpl   = "ab72b134e7584250876d23000000000b"
	longTmpl  = "cbc3487d54a648e0b38e334b2b047dd3"
	plusTmpl  = "TP_202109305800000001"
	libCode   = "TMba10b7c396674479b116f955919f631c"
	aesKeyB64 = "MTIzNDU2Nzg5MGFiY2RlZg=="
)

var no = false

// testConfig registers one app of each flavour.
func testConfig() Config {
	miniTemplates := []Template{
		{ID: oneTmpl, Subscription: OneTime, Keywords: []string{"keyword1", "keyword2", "keyword3"}},
		{ID: longTmpl, Subscription: LongTerm, Keywords: []string{"keyword1", "keyword2"}},
	}
	lifeTemplates := []Template{{ID: lifeTmpl, Title: "订单状态提醒", Keywords: []string{"keyword1", "keyword2"}}}
	return Config{
		MaxTemplates:    3,
		TemplateLibrary: map[string]LibraryEntry{libCode: {Title: "交易确认", Keywords: []string{"交易笔数", "交易金额", "消息时间"}}},
		Apps: []App{
			{AppID: lifeApp, Product: LifeAccount, Name: "Sim Life", Templates: lifeTemplates, Followers: []string{user1}},
			{AppID: miniApp, Product: MiniProgram, Name: "Sim Mini", Templates: miniTemplates},
			{AppID: certApp, Product: MiniProgram, CertMode: true, Templates: miniTemplates},
			{AppID: aesApp, Product: LifeAccount, EncryptKey: aesKeyB64, EncryptRequired: true, Templates: lifeTemplates, Followers: []string{user1}},
			{AppID: openLife, Product: LifeAccount, RequireFollow: &no, Templates: lifeTemplates},
			{AppID: plusApp, Product: AlipayPlus, ClientID: plusID, Templates: []Template{
				{ID: plusTmpl, Keywords: []string{"orderNo", "storeName"}}, {ID: "TP_FREE"}}},
		},
	}
}

func newSim(t testing.TB) *TestServer {
	t.Helper()
	return NewTestServer(t, testConfig())
}

// gw returns an independent gateway client for appID, set up the way the app is
// registered (certificate mode, AES).
func gw(t testing.TB, ts *TestServer, appID string) *gwClient {
	t.Helper()
	creds := ts.App(appID)
	c := &gwClient{t: t, url: ts.URL(), appID: appID, key: creds.PrivateKey, verify: parsePub(t, ts.AlipayPublicKeyPEM())}
	if creds.CertPEM != "" {
		c.appCertSN = testCertSN(testCerts(t, creds.CertPEM)[0])
		c.rootCertSN = testRootSN(t, ts.AlipayRootCertPEM())
		c.verify = parsePub(t, ts.AlipayCertPEM())
	}
	if creds.EncryptKey != "" {
		c.aesKey, _ = base64.StdEncoding.DecodeString(creds.EncryptKey)
	}
	return c
}

func plus(t testing.TB, ts *TestServer) *plusClient {
	t.Helper()
	return &plusClient{t: t, url: ts.URL(), clientID: plusID, key: ts.App(plusApp).PrivateKey, platform: parsePub(t, ts.PlatformPublicKeyPEM())}
}

// want checks an Open Platform answer's code and sub_code.
func want(t testing.TB, a *gwAnswer, code, subCode string) {
	t.Helper()
	if a.code() != code || a.subCode() != subCode {
		t.Fatalf("answer %s/%s, want %s/%s; body %s", a.code(), a.subCode(), code, subCode, a.body)
	}
}

func wantPlus(t testing.TB, a *plusAnswer, status, code string) {
	t.Helper()
	if s, c := a.result(); s != status || c != code || a.status != 200 {
		t.Fatalf("answer HTTP %d %s/%s, want 200 %s/%s; body %s", a.status, s, c, status, code, a.raw)
	}
}

// Business request bodies.
func miniSendBiz(user, tmpl string, data string) map[string]any {
	return map[string]any{"to_user_id": user, "user_template_id": tmpl, "page": "pages/index/index?id%3D1", "data": data}
}

const data3 = `{"keyword1":{"value":"12:00"},"keyword2":{"value":"20180808"},"keyword3":{"value":"支付宝"}}`
const data2 = `{"keyword1":{"value":"a"},"keyword2":{"value":"b"}}`

func lifeSendBiz(user, tmpl string, keywords ...string) map[string]any {
	ctx := map[string]any{"head_color": "#85be53", "url": "https://example.com/o/1", "action_name": "查看详情",
		"first": map[string]string{"value": "您好", "color": "#000000"}, "remark": map[string]string{"value": "谢谢", "color": "#000000"}}
	for _, k := range keywords {
		ctx[k] = map[string]string{"value": "v-" + k, "color": "#333333"}
	}
	return map[string]any{"to_user_id": user, "template": map[string]any{"template_id": tmpl, "context": ctx}}
}
