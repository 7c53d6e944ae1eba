package adaptertest

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"testing"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipaysim"
)

// Simulated apps and templates. Each product has its own simulator; the cert-mode and AES
// apps of the gateway products exist only for those cases.
const (
	lifeApp     = "2021000000000101"
	lifeCertApp = "2021000000000102"
	lifeAESApp  = "2021000000000103"
	lifeCertAES = "2021000000000104"
	lifeForeign = "2021000000000109" // a mini program in the Life Account simulator
	lifeTmpl    = "TM9f1a1af9c3d9418bb0f66af22c817f41"
	lifeTmpl5   = "TM5f1a1af9c3d9418bb0f66af22c817f45" // keyword1..keyword5
	libCode     = "TMba10b7c396674479b116f955919f631c"

	miniApp     = "2021000000000201"
	miniCertApp = "2021000000000202"
	miniAESApp  = "2021000000000203"
	miniCertAES = "2021000000000204"
	miniForeign = "2021000000000209"                 // a Life Account in the mini program simulator
	longTmpl    = "cbc3487d54a648e0b38e334b2b047dd3" // long-term, keyword1..2
	onceTmpl    = "ab72b134e7584250876d23000000000b" // one-time, keyword1..3
	elevenTmpl  = "e1e1b134e7584250876d2300000000e1" // long-term, keyword1..11
	miniPage    = "pages/order/detail?id%3D1"

	plusApp         = "P000000000000001SIM1"
	plusClient      = "SANDBOX_5Y000000000001"
	plusAuthClient  = "AUTH_CLIENT_0000000001"
	otherPlusApp    = "P000000000000002SIM2"
	otherPlusClient = "SANDBOX_5Y000000000002"
	plusTmpl        = "TP_202109305800000001" // orderNo, storeName
	freeTmpl        = "TP_202109305800000002" // any parameters
)

// keywords returns keyword1…keywordN.
func keywords(n int) []string {
	k := make([]string, n)
	for i := range k {
		k[i] = fmt.Sprintf("keyword%d", i+1)
	}
	return k
}

// openPlatformCreds are the credentials of a gateway app as the console hands them out:
// public-key mode, or certificate mode for an app registered with a certificate.
func openPlatformCreds(ts *alipaysim.TestServer, appID string) adapter.Credentials {
	app := ts.App(appID)
	c := adapter.Credentials{AppID: appID, AppPrivateKey: app.PrivateKeyPEM, GatewayURL: ts.GatewayURL(), EncryptKey: app.EncryptKey}
	if app.CertPEM != "" {
		c.AppPublicCert, c.AlipayPublicCert, c.AlipayRootCert = app.CertPEM, ts.AlipayCertPEM(), ts.AlipayRootCertPEM()
	} else {
		c.AlipayPublicKey = ts.AlipayPublicKeyPEM()
	}
	return c
}

// openPlatformFixture fills what the Life Account and mini program fixtures share; other is
// an app of the same simulator whose key serves as a wrong key.
func openPlatformFixture(t testing.TB, ts *alipaysim.TestServer, newAdapter Factory, channelType, appID, other string) *fixture {
	f := &fixture{
		channelType: channelType, newAdapter: newAdapter, ts: ts, appID: appID, creds: openPlatformCreds(ts, appID),
		otherPrivateKey: ts.App(other).PrivateKeyPEM, otherPublicKey: ts.App(other).PublicKeyPEM,
		codes: codes{
			badSignature: code{"40002", "isv.invalid-signature"},
			unknownApp:   code{"40002", "isv.invalid-app-id"},
			unknownError: code{"20000", "isp.unknow-error"},
			rateLimited:  code{"40005", "aop.call-limited"},
			lackKeyword:  code{"40004", "USER_TEMPLATE_LACK_KEYWORD"},
		},
	}
	f.unknownApp = func(c adapter.Credentials) adapter.Credentials { c.AppID = "2021000000009999"; return c }
	f.ownKeyAsAlipays = func(c adapter.Credentials) adapter.Credentials {
		c.AlipayPublicKey = ts.App(c.AppID).PublicKeyPEM
		return c
	}
	f.wrongResponseKey = func(c adapter.Credentials) adapter.Credentials { c.AlipayPublicKey = f.otherPublicKey; return c }
	f.signWith = func(c adapter.Credentials, key string) adapter.Credentials { c.AppPrivateKey = key; return c }
	f.withBaseURL = func(c adapter.Credentials, base string) adapter.Credentials {
		c.GatewayURL = base + "/gateway.do"
		return c
	}
	f.consoleForm = func(t testing.TB, c adapter.Credentials) adapter.Credentials {
		c.AppPrivateKey, c.AlipayPublicKey = bareKey(t, c.AppPrivateKey), bareKey(t, c.AlipayPublicKey)
		return c
	}
	f.main = f.build(t, f.creds, nil)
	return f
}

// gatewayReady sets ready for an Open Platform product: prepare lets a user receive
// messages of appID's main template, data is a valid message's data.
func (f *fixture) gatewayReady(prepare func(t testing.TB, appID, user string), data map[string]string) {
	f.prepare, f.data = prepare, data
	f.ready = func(t testing.TB, id string) *adapter.Message {
		t.Helper()
		return f.readyOn(t, f.appID, id)
	}
}

// readyOn is ready for another app of an Open Platform product's simulator (certificate
// mode, AES), whose templates are the main app's.
func (f *fixture) readyOn(t testing.TB, appID, id string) *adapter.Message {
	t.Helper()
	user := f.user()
	f.prepare(t, appID, user)
	d := make(map[string]string, len(f.data))
	for k, v := range f.data {
		d[k] = v
	}
	return &adapter.Message{ID: id, Template: f.template, Recipient: adapter.User{Kind: adapter.UserID, ID: user}, Data: d}
}

func setupLife(t testing.TB, newAdapter Factory) *fixture {
	tmpls := []alipaysim.Template{
		{ID: lifeTmpl, Title: "订单状态提醒", Keywords: keywords(2)},
		{ID: lifeTmpl5, Title: "交易提醒", Keywords: keywords(5)},
	}
	ts := alipaysim.NewTestServer(t, alipaysim.Config{
		TemplateLibrary: map[string]alipaysim.LibraryEntry{
			libCode: {Title: "交易确认", Keywords: []string{"交易笔数", "交易金额", "消息时间", "交易地点"}},
		},
		Apps: []alipaysim.App{
			{AppID: lifeApp, Product: alipaysim.LifeAccount, Templates: tmpls},
			{AppID: lifeCertApp, Product: alipaysim.LifeAccount, CertMode: true, Templates: tmpls},
			{AppID: lifeAESApp, Product: alipaysim.LifeAccount, EncryptRequired: true, Templates: tmpls},
			{AppID: lifeCertAES, Product: alipaysim.LifeAccount, CertMode: true, EncryptRequired: true, Templates: tmpls},
			{AppID: lifeForeign, Product: alipaysim.MiniProgram, Templates: []alipaysim.Template{
				{ID: longTmpl, Subscription: alipaysim.LongTerm, Keywords: keywords(2)}}},
		},
	})
	f := openPlatformFixture(t, ts, newAdapter, LifeAccount, lifeApp, lifeCertApp)
	f.sendAPI, f.verifyAPI = "alipay.open.public.message.single.send", "alipay.open.public.info.query"
	f.codes.templateMissing = code{"40004", "MSG_TEMPLATE_NOT_EXIST"}
	f.codes.notSubscribed = code{"40004", "MSG_SD_NOFOLLOW"}
	f.template = adapter.Template{ExternalID: lifeTmpl, Keys: keywords(2), HeadColor: "#85be53",
		URL: "https://example.com/orders?id=1&from=alipay", ActionName: "查看详情"}
	f.gatewayReady(func(t testing.TB, appID, user string) {
		if err := ts.Follow(appID, user); err != nil {
			t.Fatal(err)
		}
	}, map[string]string{"keyword1": "订单已发货", "keyword2": "2024-05-01 12:00"})
	f.withdraw = func(t testing.TB, m *adapter.Message) {
		if err := ts.Unfollow(f.appID, m.Recipient.ID); err != nil {
			t.Fatal(err)
		}
	}
	f.useTemplate = func(t testing.TB, m *adapter.Message, id string) {
		if err := ts.AddTemplate(lifeApp, alipaysim.Template{ID: id, Keywords: keywords(2)}); err != nil {
			t.Fatal(err)
		}
		m.Template.ExternalID = id
	}
	return f
}

func setupMini(t testing.TB, newAdapter Factory) *fixture {
	tmpls := []alipaysim.Template{
		{ID: longTmpl, Subscription: alipaysim.LongTerm, Keywords: keywords(2)},
		{ID: onceTmpl, Subscription: alipaysim.OneTime, Keywords: keywords(3)},
		{ID: elevenTmpl, Subscription: alipaysim.LongTerm, Keywords: keywords(11)},
	}
	ts := alipaysim.NewTestServer(t, alipaysim.Config{Apps: []alipaysim.App{
		{AppID: miniApp, Product: alipaysim.MiniProgram, Templates: tmpls},
		{AppID: miniCertApp, Product: alipaysim.MiniProgram, CertMode: true, Templates: tmpls},
		{AppID: miniAESApp, Product: alipaysim.MiniProgram, EncryptRequired: true, Templates: tmpls},
		{AppID: miniCertAES, Product: alipaysim.MiniProgram, CertMode: true, EncryptRequired: true, Templates: tmpls},
		{AppID: miniForeign, Product: alipaysim.LifeAccount, Templates: []alipaysim.Template{{ID: lifeTmpl, Keywords: keywords(2)}}},
	}})
	f := openPlatformFixture(t, ts, newAdapter, MiniProgram, miniApp, miniCertApp)
	f.sendAPI, f.verifyAPI = "alipay.open.app.mini.templatemessage.send", "alipay.open.mini.baseinfo.query"
	f.codes.templateMissing = code{"40004", "USER_TEMPLATE_ILLEGAL"}
	f.codes.notSubscribed = code{"40004", "MSG_UNSUBSCRIBED"}
	f.template = adapter.Template{ExternalID: longTmpl, Keys: keywords(2), Page: miniPage}
	f.gatewayReady(func(t testing.TB, appID, user string) {
		if err := ts.Subscribe(appID, user, longTmpl, 0); err != nil {
			t.Fatal(err)
		}
	}, map[string]string{"keyword1": "订单已发货", "keyword2": "2024-05-01 12:00"})
	f.withdraw = func(t testing.TB, m *adapter.Message) {
		if err := ts.Unsubscribe(f.appID, m.Recipient.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	f.useTemplate = func(t testing.TB, m *adapter.Message, id string) {
		if err := ts.AddTemplate(miniApp, alipaysim.Template{ID: id, Subscription: alipaysim.LongTerm, Keywords: keywords(2)}); err != nil {
			t.Fatal(err)
		}
		if err := ts.Subscribe(miniApp, m.Recipient.ID, id, 0); err != nil {
			t.Fatal(err)
		}
		m.Template.ExternalID = id
	}
	return f
}

// plusCreds are the credentials of an Alipay+ mini program.
func plusCreds(ts *alipaysim.TestServer, appID string) adapter.Credentials {
	app := ts.App(appID)
	return adapter.Credentials{AppID: appID, ClientID: app.ClientID, MerchantPrivateKey: app.PrivateKeyPEM,
		PlatformPublicKey: ts.PlatformPublicKeyPEM(), GatewayURL: ts.URL() + "/api/open"}
}

func setupPlus(t testing.TB, newAdapter Factory) *fixture {
	tmpls := []alipaysim.Template{{ID: plusTmpl, Keywords: []string{"orderNo", "storeName"}}, {ID: freeTmpl}}
	ts := alipaysim.NewTestServer(t, alipaysim.Config{Apps: []alipaysim.App{
		{AppID: plusApp, Product: alipaysim.AlipayPlus, ClientID: plusClient, AuthClientID: plusAuthClient, Templates: tmpls},
		{AppID: otherPlusApp, Product: alipaysim.AlipayPlus, ClientID: otherPlusClient, Templates: tmpls},
	}})
	creds := plusCreds(ts, plusApp)
	creds.AuthClientID, creds.CustomerBelongsTo = plusAuthClient, "ALIPAY_CN"
	f := &fixture{
		channelType: PlusMini, newAdapter: newAdapter, ts: ts, appID: plusApp, creds: creds,
		sendAPI: "/api/open/v2/miniprogram/message/send", verifyAPI: "/api/open/v2/authorizations/applyToken",
		template:        adapter.Template{ExternalID: plusTmpl, Keys: []string{"orderNo", "storeName"}, Page: "/pages/order/detail?id=1", Languages: []string{"en-US", "zh-CN"}},
		otherPrivateKey: ts.App(otherPlusApp).PrivateKeyPEM, otherPublicKey: ts.App(otherPlusApp).PublicKeyPEM,
		codes: codes{
			badSignature:    code{"F", "INVALID_SIGNATURE"},
			unknownApp:      code{"F", "ACCESS_DENIED"},
			unknownError:    code{"U", "UNKNOWN_EXCEPTION"},
			rateLimited:     code{"F", "REQUEST_TRAFFIC_EXCEED_LIMIT"},
			templateMissing: code{"F", "TEMPLATE_NOT_EXIST"},
			notSubscribed:   code{"F", "USER_NOT_SUBSCRIBED"},
			lackKeyword:     code{"F", "PARAM_ILLEGAL"},
		},
	}
	f.unknownApp = func(c adapter.Credentials) adapter.Credentials { c.AppID = "P000000000000099SIM9"; return c }
	f.ownKeyAsAlipays = func(c adapter.Credentials) adapter.Credentials {
		c.PlatformPublicKey = ts.App(plusApp).PublicKeyPEM
		return c
	}
	f.wrongResponseKey = func(c adapter.Credentials) adapter.Credentials { c.PlatformPublicKey = f.otherPublicKey; return c }
	f.signWith = func(c adapter.Credentials, key string) adapter.Credentials { c.MerchantPrivateKey = key; return c }
	f.withBaseURL = func(c adapter.Credentials, base string) adapter.Credentials {
		c.GatewayURL = base + "/api/open"
		return c
	}
	f.consoleForm = func(t testing.TB, c adapter.Credentials) adapter.Credentials {
		c.MerchantPrivateKey, c.PlatformPublicKey = bareKey(t, c.MerchantPrivateKey), bareKey(t, c.PlatformPublicKey)
		return c
	}
	f.main = f.build(t, f.creds, nil)
	f.ready = func(t testing.TB, id string) *adapter.Message {
		t.Helper()
		customer := f.user()
		tok := f.authorize(t, f.main, plusApp, customer)
		return &adapter.Message{ID: id, Template: f.template, Recipient: adapter.User{Kind: adapter.CustomerID, ID: customer},
			Data: map[string]string{"orderNo": "SO-20240501-0001", "storeName": "Reach 旗舰店"}, AccessToken: tok.AccessToken}
	}
	f.withdraw = func(t testing.TB, m *adapter.Message) {
		if err := ts.Unsubscribe(plusApp, m.Recipient.ID, ""); err != nil {
			t.Fatal(err)
		}
	}
	f.useTemplate = func(t testing.TB, m *adapter.Message, id string) {
		if err := ts.AddTemplate(plusApp, alipaysim.Template{ID: id, Keywords: []string{"orderNo", "storeName"}}); err != nil {
			t.Fatal(err)
		}
		m.Template.ExternalID = id
	}
	return f
}

// authorize issues an auth code for customer of appID in the simulator and exchanges it
// through a's ApplyToken.
func (f *fixture) authorize(t testing.TB, a adapter.Adapter, appID, customer string) *adapter.Token {
	t.Helper()
	code, _, err := f.ts.IssueAuthCode(appID, customer)
	if err != nil {
		t.Fatal(err)
	}
	auth, ok := a.(adapter.Authorizer)
	if !ok {
		t.Fatalf("%T does not implement adapter.Authorizer", a)
	}
	tok, err := auth.ApplyToken(ctx(t), code)
	if err != nil {
		t.Fatalf("ApplyToken: %v", err)
	}
	return tok
}

// bareKey turns a PEM key into the bare base64 the consoles show; a private key becomes
// PKCS#1, what Alipay's key tool writes for non-Java languages.
func bareKey(t testing.TB, pemText string) string {
	t.Helper()
	b, _ := pem.Decode([]byte(pemText))
	if b == nil {
		t.Fatalf("not PEM: %q", pemText)
	}
	der := b.Bytes
	if b.Type == "PRIVATE KEY" {
		k, err := x509.ParsePKCS8PrivateKey(der)
		if err != nil {
			t.Fatal(err)
		}
		der = x509.MarshalPKCS1PrivateKey(k.(*rsa.PrivateKey))
	}
	return base64.StdEncoding.EncodeToString(der)
}
