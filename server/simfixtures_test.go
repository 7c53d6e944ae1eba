package server

import (
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// Apps of the simulated Alipay every simulator test uses (see newSim).
const (
	simLifeApp = "2021000000000011" // Life Account, claims from simLibCode
	simMiniApp = "2021000000000012" // mini program, templates simMiniTemplates
	simCertApp = "2021000000000013" // mini program in certificate mode
	simAESApp  = "2021000000000014" // mini program that requires AES content encryption
	simPlusApp = "P000000000000001SIM1"

	simPlusClient = "SIM_CLIENT"
	simLibCode    = "TMba10b7c396674479b116f955919f631c"
)

// simLibKeywords are the names the library template simLibCode offers.
var simLibKeywords = []string{"交易笔数", "交易金额", "消息时间", "交易地点", "交易类型", "备注"}

// simMiniTemplates are the mini program's templates: ids, subscription type. MT1 is
// one-time, MT2 long-term, MT3…MT7 one-time; each has keyword1 and keyword2.
var simMiniTemplates = []struct{ id, sub string }{
	{"MT1", alipaysim.OneTime}, {"MT2", alipaysim.LongTerm}, {"MT3", alipaysim.OneTime}, {"MT4", alipaysim.OneTime},
	{"MT5", alipaysim.OneTime}, {"MT6", alipaysim.OneTime}, {"MT7", alipaysim.OneTime},
}

// newSim starts a simulated Alipay with the simulator test apps. mod, when set, changes
// the configuration first (token lifetimes, …).
func newSim(t *testing.T, mod func(*alipaysim.Config)) *alipaysim.TestServer {
	t.Helper()
	var mini []alipaysim.Template
	for _, m := range simMiniTemplates {
		mini = append(mini, alipaysim.Template{ID: m.id, Subscription: m.sub, Keywords: []string{"keyword1", "keyword2"}})
	}
	cfg := alipaysim.Config{
		TemplateLibrary: map[string]alipaysim.LibraryEntry{simLibCode: {Title: "交易确认", Keywords: simLibKeywords}},
		Apps: []alipaysim.App{
			{AppID: simLifeApp, Product: alipaysim.LifeAccount,
				Templates: []alipaysim.Template{{ID: "LT1", Title: "订单状态提醒", Keywords: []string{"keyword1", "keyword2"}}}},
			{AppID: simMiniApp, Product: alipaysim.MiniProgram, Templates: mini},
			{AppID: simCertApp, Product: alipaysim.MiniProgram, CertMode: true,
				Templates: []alipaysim.Template{{ID: "CT1", Subscription: alipaysim.LongTerm, Keywords: []string{"keyword1"}}}},
			{AppID: simAESApp, Product: alipaysim.MiniProgram, EncryptRequired: true,
				Templates: []alipaysim.Template{{ID: "AT1", Subscription: alipaysim.OneTime, Keywords: []string{"keyword1"}}}},
			{AppID: simPlusApp, Product: alipaysim.AlipayPlus, ClientID: simPlusClient,
				Templates: []alipaysim.Template{{ID: "TP_1", Keywords: []string{"orderNo"}}}},
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	return alipaysim.NewTestServer(t, cfg)
}

// simOpenChannel is a channel of typ for the Open Platform app appID of ts, in key mode.
func simOpenChannel(ts *alipaysim.TestServer, typ reachv1.ChannelType, appID string) *reachv1.Channel {
	return &reachv1.Channel{DisplayName: "Sim " + appID, Type: typ,
		Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: appID, AppPrivateKey: ts.App(appID).PrivateKeyPEM, AlipayPublicKey: ts.AlipayPublicKeyPEM(), GatewayUrl: ts.GatewayURL()}}}
}

func simLifeChannel(ts *alipaysim.TestServer) *reachv1.Channel {
	return simOpenChannel(ts, reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT, simLifeApp)
}

func simMiniChannel(ts *alipaysim.TestServer) *reachv1.Channel {
	return simOpenChannel(ts, reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM, simMiniApp)
}

// simCertChannel is the certificate-mode mini program: the app cert the simulator issued,
// and the simulator's Alipay cert and root bundle.
func simCertChannel(ts *alipaysim.TestServer) *reachv1.Channel {
	app := ts.App(simCertApp)
	return &reachv1.Channel{DisplayName: "Sim cert", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM,
		Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
			AppId: simCertApp, AppPrivateKey: app.PrivateKeyPEM, AppPublicCert: app.CertPEM,
			AlipayPublicCert: ts.AlipayCertPEM(), AlipayRootCert: ts.AlipayRootCertPEM(), GatewayUrl: ts.GatewayURL()}}}
}

// simPlusChannel is the Alipay+ channel; its gateway is the simulator's /api/open base.
func simPlusChannel(ts *alipaysim.TestServer) *reachv1.Channel {
	return &reachv1.Channel{DisplayName: "Sim plus", Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM,
		Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{
			ClientId: simPlusClient, MerchantPrivateKey: ts.App(simPlusApp).PrivateKeyPEM, PlatformPublicKey: ts.PlatformPublicKeyPEM(),
			AppId: simPlusApp, GatewayUrl: ts.URL() + "/api/open"}}}
}

// deadGatewayURL is a loopback gateway URL nothing listens on: calls fail at once with
// "connection refused", on any machine, unlike the production URL whose failure depends
// on the network.
func deadGatewayURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr + "/gateway.do"
}

// hangingGatewayURL is a loopback gateway that accepts connections and never answers.
func hangingGatewayURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String() + "/gateway.do"
}

// tenantID is the id of tenant acme (the default caller's).
func (e *testEnv) tenantID() string {
	e.t.Helper()
	e.admin()
	tn, err := e.store.GetTenantByName(context.Background(), "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	return tn.ID
}

// subs lists every ledger row of channel id (one page of up to 1000) matching filter.
func (e *testEnv) subs(id, filter string) []*reachv1.Subscription {
	e.t.Helper()
	resp := &reachv1.ListSubscriptionsResponse{}
	e.must(mListSubscriptions, &reachv1.ListSubscriptionsRequest{Parent: "channels/" + id, PageSize: 1000, Filter: filter}, resp)
	return resp.Subscriptions
}

// simRecords are the requests of api the simulator accepted for appID.
func simRecords(ts *alipaysim.TestServer, api, appID string) []alipaysim.Record {
	return ts.Requests(alipaysim.RequestFilter{API: api, AppID: appID})
}

// within fails the test when d took longer than limit.
func within(t *testing.T, what string, start time.Time, limit time.Duration) {
	t.Helper()
	if d := time.Since(start); d > limit {
		t.Errorf("%s took %v, want at most %v", what, d, limit)
	}
}

// reasonHas reports whether a state reason contains every part.
func reasonHas(reason string, parts ...string) bool {
	for _, p := range parts {
		if !strings.Contains(reason, p) {
			return false
		}
	}
	return true
}

// alipayInfo is the google.rpc.ErrorInfo of a gRPC error, nil when it has none.
func alipayInfo(err error) *errdetails.ErrorInfo {
	st, _ := status.FromError(err)
	for _, d := range st.Details() {
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			return info
		}
	}
	return nil
}

// httpErrorInfo is the ErrorInfo detail of a gateway error body: its reason and metadata.
func httpErrorInfo(body map[string]any) (reason string, metadata map[string]any) {
	details, _ := body["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		if m["@type"] == "type.googleapis.com/google.rpc.ErrorInfo" {
			reason, _ = m["reason"].(string)
			metadata, _ = m["metadata"].(map[string]any)
			return reason, metadata
		}
	}
	return "", nil
}

// wantAlipayError checks that err (gRPC) and body (HTTP) both carry an ErrorInfo with
// reason and the metadata kv (key, value, key, value…).
func wantAlipayError(t *testing.T, what string, err error, body map[string]any, reason string, kv ...string) {
	t.Helper()
	info := alipayInfo(err)
	if info == nil || info.Reason != reason || info.Domain != "reach.v1" {
		t.Errorf("%s: gRPC ErrorInfo %v, want reason %s (%v)", what, info, reason, err)
	}
	hr, hm := httpErrorInfo(body)
	if hr != reason {
		t.Errorf("%s: HTTP ErrorInfo reason %q, want %s (%v)", what, hr, reason, body)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if info != nil && info.Metadata[kv[i]] != kv[i+1] {
			t.Errorf("%s: gRPC ErrorInfo metadata %s = %q, want %q", what, kv[i], info.Metadata[kv[i]], kv[i+1])
		}
		if got, _ := hm[kv[i]].(string); got != kv[i+1] {
			t.Errorf("%s: HTTP ErrorInfo metadata %s = %q, want %q (%v)", what, kv[i], got, kv[i+1], hm)
		}
	}
}
