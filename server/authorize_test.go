package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

const applyTokenAPI = "/api/open/v2/authorizations/applyToken"

// plusProxy sits between Reach and the simulator's Alipay+ API and counts applyToken calls
// by grant type, so a test sees every call, including the ones the simulator refuses.
type plusProxy struct {
	url     string // base URL for AlipayPlusCredentials.gateway_url
	refresh atomic.Int64
	code    atomic.Int64
}

func newPlusProxy(t *testing.T, ts *alipaysim.TestServer) *plusProxy {
	t.Helper()
	target, err := url.Parse(ts.URL())
	if err != nil {
		t.Fatal(err)
	}
	p := &plusProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.URL.Path == applyTokenAPI {
			var req struct {
				GrantType string `json:"grantType"`
			}
			_ = json.Unmarshal(body, &req)
			switch req.GrantType {
			case "REFRESH_TOKEN":
				p.refresh.Add(1)
			case "AUTHORIZATION_CODE":
				p.code.Add(1)
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL + "/api/open"
	return p
}

// simPlus creates the ENABLED Alipay+ channel "plus" whose gateway is gatewayBase.
func (e *testEnv) simPlus(ts *alipaysim.TestServer, gatewayBase string) {
	e.t.Helper()
	ch := simPlusChannel(ts)
	ch.GetAlipayPlus().GatewayUrl = gatewayBase
	if got := e.createChannel("plus", ch); got.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
		e.t.Fatalf("plus: %v %q", got.State, got.StateReason)
	}
}

// authCode issues an auth code for customer at the simulator.
func authCode(t *testing.T, ts *alipaysim.TestServer, customer string) string {
	t.Helper()
	code, _, err := ts.IssueAuthCode(simPlusApp, customer)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// authorizeCase is AuthorizeUser on channel plus with code over gRPC and hcode over HTTP.
func (e *testEnv) authorizeCase(name, code, hcode string, want codes.Code) transportCase {
	g := &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: code}
	h := &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: hcode}
	return transportCase{name: name, token: e.admin(), grpcMethod: mAuthorizeUser, grpcReq: g, grpcResp: &reachv1.AuthorizeUserResponse{},
		httpMethod: "POST", httpPath: "/v1/channels/plus/subscriptions:authorize", httpBody: h, want: want}
}

// authRow is the stored AUTHORIZATION row of customer on channel plus.
func (e *testEnv) authRow(customer string) *store.Subscription {
	e.t.Helper()
	row, err := e.store.FindSubscription(context.Background(), e.tenantID(), "plus", "", store.UserRef{Kind: kindCustomerID, ID: customer})
	if err != nil {
		e.t.Fatalf("authorization of %s: %v", customer, err)
	}
	return row
}

// tokens opens the stored tokens of an authorization row.
func (e *testEnv) tokens(row *store.Subscription) (access, refresh string) {
	e.t.Helper()
	a, err := e.srv.deps.keys.Open(row.AccessToken, appconn.TokenAD(row, "access_token"))
	if err != nil {
		e.t.Fatalf("open access token: %v", err)
	}
	r, err := e.srv.deps.keys.Open(row.RefreshToken, appconn.TokenAD(row, "refresh_token"))
	if err != nil {
		e.t.Fatalf("open refresh token: %v", err)
	}
	return string(a), string(r)
}

// near reports whether got is within 2 minutes of want.
func near(got, want time.Time) bool {
	d := got.Sub(want)
	return d > -2*time.Minute && d < 2*time.Minute
}

// TestAuthorizeUserWithSimulator: an auth code becomes an ACTIVE AUTHORIZATION row for the
// customer Alipay+ names, with token expiry times (access_token_info is set, without a
// fingerprint: common.proto leaves it empty for user tokens); the tokens are stored sealed
// and appear in no response and nowhere in the database files.
func TestAuthorizeUserWithSimulator(t *testing.T) {
	ts := newSim(t, nil) // access tokens live 1 h, refresh tokens 720 h
	dir := t.TempDir()
	e := startTestEnv(t, "sqlite:"+filepath.Join(dir, "reach.db"))
	e.simPlus(ts, ts.URL()+"/api/open")

	var responses [][]byte
	c := e.authorizeCase("authorize", authCode(t, ts, "CUST-G"), authCode(t, ts, "CUST-H"), codes.OK)
	check := func(tr, customer string, s *reachv1.Subscription) {
		t.Helper()
		a := s.GetAuthorization()
		now := time.Now()
		if s.Kind != reachv1.SubscriptionKind_SUBSCRIPTION_KIND_AUTHORIZATION || s.State != stateActive || s.GetUser().GetCustomerId() != customer ||
			s.Template != "" || !strings.HasPrefix(s.Name, "channels/plus/subscriptions/") || s.Etag == "" ||
			!a.GetAccessTokenInfo().GetSet() || a.GetAccessTokenInfo().GetFingerprint() != "" || !near(a.GetAccessTokenExpireTime().AsTime(), now.Add(time.Hour)) ||
			!near(a.GetRefreshTokenExpireTime().AsTime(), now.Add(720*time.Hour)) {
			t.Errorf("authorized over %s: %v", tr, s)
		}
	}
	c.grpcCheck = func() {
		resp := c.grpcResp.(*reachv1.AuthorizeUserResponse)
		check("gRPC", "CUST-G", resp.Subscription)
		b, _ := proto.Marshal(resp)
		responses = append(responses, b)
	}
	c.httpCheck = func(body map[string]any) {
		s := &reachv1.Subscription{}
		remarshal(t, body["subscription"], s)
		check("HTTP", "CUST-H", s)
		b, _ := json.Marshal(body)
		responses = append(responses, b)
	}
	e.runBoth(c)

	// The row as stored, read back over both transports.
	rows := e.subs("plus", `customer_id = "CUST-G"`)
	if len(rows) != 1 {
		t.Fatalf("rows of CUST-G: %v", rows)
	}
	check("ListSubscriptions", "CUST-G", rows[0])
	code, body := e.httpCall(e.admin(), "GET", "/v1/"+rows[0].Name, nil)
	if code != 200 {
		t.Fatalf("GET %s: %d %v", rows[0].Name, code, body)
	}
	b, _ := json.Marshal(body)
	responses = append(responses, b)
	list, _ := proto.Marshal(&reachv1.ListSubscriptionsResponse{Subscriptions: rows})
	responses = append(responses, list)

	// Authorizing the same customer again updates the same row with new tokens.
	g := e.authRow("CUST-G")
	oldAccess, oldRefresh := e.tokens(g)
	again := &reachv1.AuthorizeUserResponse{}
	e.must(mAuthorizeUser, &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: authCode(t, ts, "CUST-G")}, again)
	if again.Subscription.Name != rows[0].Name {
		t.Errorf("re-authorization made row %s, want %s", again.Subscription.Name, rows[0].Name)
	}
	newAccess, newRefresh := e.tokens(e.authRow("CUST-G"))
	if newAccess == oldAccess || newRefresh == oldRefresh || !strings.HasPrefix(newAccess, "AT") || !strings.HasPrefix(newRefresh, "RT") {
		t.Errorf("re-authorization stored %q/%q (before %q/%q)", newAccess, newRefresh, oldAccess, oldRefresh)
	}
	b, _ = proto.Marshal(again)
	responses = append(responses, b)

	// No token in any response, nor in clear in the database files.
	h := e.authRow("CUST-H")
	hAccess, hRefresh := e.tokens(h)
	secrets := []string{oldAccess, oldRefresh, newAccess, newRefresh, hAccess, hRefresh}
	for i, r := range responses {
		for _, s := range secrets {
			if bytes.Contains(r, []byte(s)) || bytes.Contains(r, []byte(s[2:22])) {
				t.Errorf("response %d contains a token", i)
			}
		}
	}
	scan := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(dir, "reach.db*"))
		var all []byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		for _, s := range secrets {
			if bytes.Contains(all, []byte(s[2:22])) {
				t.Errorf("%s: the database files hold a token in clear", when)
			}
		}
		if !bytes.Contains(all, []byte("CUST-H")) {
			t.Errorf("%s: the customer id is not in the %d scanned bytes", when, len(all))
		}
	}
	scan("while serving")
	e.stop()
	scan("after shutdown")
}

// TestAuthorizeUserErrors: an auth code Alipay+ refuses (invalid, used, expired) is the
// caller's INVALID_ARGUMENT naming auth_code, with Alipay's result in ErrorInfo; malformed
// requests are refused before Alipay+ is called.
func TestAuthorizeUserErrors(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simPlus(ts, ts.URL()+"/api/open")
	e.createChannel("mini", simMiniChannel(ts))

	refused := func(name, code, hcode, resultCode string) {
		t.Helper()
		c := e.authorizeCase(name, code, hcode, codes.InvalidArgument)
		c.msg, c.fields = "F/"+resultCode, []string{"auth_code"}
		e.runBoth(c)
	}
	used := authCode(t, ts, "CUST-U")
	e.must(mAuthorizeUser, &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: used}, &reachv1.AuthorizeUserResponse{})
	refused("used code", used, used, "INVALID_AUTHCODE")
	refused("unknown code", "AC0123456789", "AC0123456789", "INVALID_AUTHCODE")
	expiredG, expiredH := authCode(t, ts, "CUST-E"), authCode(t, ts, "CUST-E")
	ts.Advance(11 * time.Minute) // auth codes live 10 minutes
	refused("expired code", expiredG, expiredH, "AUTH_CODE_EXPIRED")

	for _, x := range []struct{ code, sub string }{{used, "INVALID_AUTHCODE"}, {expiredG, "AUTH_CODE_EXPIRED"}} {
		req := &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: x.code}
		err := e.call(e.admin(), mAuthorizeUser, req, &reachv1.AuthorizeUserResponse{})
		reqJSON, _ := protojsonString(req)
		_, body := e.httpCall(e.admin(), "POST", "/v1/channels/plus/subscriptions:authorize", reqJSON)
		wantAlipayError(t, x.sub, err, body, "ALIPAY_PERMANENT", "code", "F", "sub_code", x.sub)
	}
	if rows := e.subs("plus", ""); len(rows) != 1 || rows[0].GetUser().GetCustomerId() != "CUST-U" {
		t.Errorf("ledger after refused codes: %v", rows)
	}

	stats := ts.Stats()
	bad := e.authorizeCase("no code", "", "", codes.InvalidArgument)
	bad.fields = []string{"auth_code"}
	e.runBoth(bad)
	long := strings.Repeat("x", 257)
	bad = e.authorizeCase("code too long", long, long, codes.InvalidArgument)
	bad.fields = []string{"auth_code"}
	e.runBoth(bad)
	mini := e.authorizeCase("mini program channel", "AC1", "AC1", codes.FailedPrecondition)
	mini.grpcReq.(*reachv1.AuthorizeUserRequest).Parent = "channels/mini"
	mini.httpPath = "/v1/channels/mini/subscriptions:authorize"
	e.runBoth(mini)
	if after := ts.Stats(); after != stats {
		t.Errorf("refused requests reached the simulator: %+v, before %+v", after, stats)
	}
}

// refreshEnv is an Alipay+ channel behind a counting proxy, with short-lived access tokens
// (5 minutes: due for refresh at once, the refresher renewing 10 minutes ahead) and
// refresh tokens living one hour.
func refreshEnv(t *testing.T) (*alipaysim.TestServer, *testEnv, *plusProxy) {
	t.Helper()
	ts := newSim(t, func(c *alipaysim.Config) {
		c.AccessTokenTTL, c.RefreshTokenTTL = alipaysim.Duration(5*time.Minute), alipaysim.Duration(time.Hour)
	})
	e := newTestEnv(t)
	p := newPlusProxy(t, ts)
	e.simPlus(ts, p.url)
	return ts, e, p
}

// authorize authorizes customer and returns the stored row.
func (e *testEnv) authorize(ts *alipaysim.TestServer, customer string) *store.Subscription {
	e.t.Helper()
	e.must(mAuthorizeUser, &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: authCode(e.t, ts, customer)}, &reachv1.AuthorizeUserResponse{})
	return e.authRow(customer)
}

// TestTokenRefresh: the refresher renews a token that expires within 10 minutes with one
// REFRESH_TOKEN call and stores the new tokens and expiry; the rotated refresh token works
// for the next renewal; a failure Alipay+ may recover from changes nothing.
func TestTokenRefresh(t *testing.T) {
	ts, e, p := refreshEnv(t)
	ctx := context.Background()
	before := e.authorize(ts, "CUST-R")
	a1, r1 := e.tokens(before)
	if !near(*before.TokenExpireTime, time.Now().Add(5*time.Minute)) {
		t.Fatalf("access token expires at %v", before.TokenExpireTime)
	}

	ts.Advance(2 * time.Minute) // the new token's expiry differs from the old one's
	e.refresher().RefreshDue(ctx)
	after := e.authRow("CUST-R")
	a2, r2 := e.tokens(after)
	if n := p.refresh.Load(); n != 1 {
		t.Errorf("%d REFRESH_TOKEN calls, want 1", n)
	}
	if a2 == a1 || r2 == r1 || after.State != "ACTIVE" || !after.TokenExpireTime.After(*before.TokenExpireTime) ||
		!near(*after.TokenExpireTime, time.Now().Add(7*time.Minute)) || after.Revision <= before.Revision {
		t.Errorf("after refresh: state %s, expiry %v (before %v), tokens changed %v/%v", after.State, after.TokenExpireTime, before.TokenExpireTime, a2 != a1, r2 != r1)
	}
	got := &reachv1.GetSubscriptionResponse{}
	e.must(mGetSubscription, &reachv1.GetSubscriptionRequest{Name: subscriptionName("plus", after.ID)}, got)
	if exp := got.Subscription.GetAuthorization().GetAccessTokenExpireTime().AsTime(); !exp.Equal(*after.TokenExpireTime) || got.Subscription.State != stateActive {
		t.Errorf("GetSubscription after refresh: %v", got.Subscription)
	}

	// Alipay+ fails (U): nothing changes; the next round renews with the stored token.
	id, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, API: applyTokenAPI})
	if err != nil {
		t.Fatal(err)
	}
	e.refresher().RefreshDue(ctx)
	failed := e.authRow("CUST-R")
	if a, r := e.tokens(failed); a != a2 || r != r2 || failed.State != "ACTIVE" {
		t.Errorf("after a failed refresh: state %s, tokens changed %v/%v", failed.State, a != a2, r != r2)
	}
	ts.RemoveFault(id)
	e.refresher().RefreshDue(ctx)
	third := e.authRow("CUST-R")
	if a3, _ := e.tokens(third); a3 == a2 || third.State != "ACTIVE" {
		t.Errorf("second renewal: state %s %q, token changed %v", third.State, third.StateReason, a3 != a2)
	}
	if n := p.refresh.Load(); n != 3 {
		t.Errorf("%d REFRESH_TOKEN calls, want 3", n)
	}
	// A token far from expiry is left alone.
	ts.Advance(time.Hour)
	far := e.authorize(ts, "CUST-FAR")
	ts.Advance(-time.Hour)
	farAccess, _ := e.tokens(far)
	e.refresher().RefreshDue(ctx)
	if a, _ := e.tokens(e.authRow("CUST-FAR")); a != farAccess {
		t.Errorf("a token valid for another hour was refreshed")
	}
	if n := p.refresh.Load(); n != 4 { // CUST-R once more, CUST-FAR not
		t.Errorf("%d REFRESH_TOKEN calls, want 4", n)
	}
}

// TestTokenRefreshExpired: an authorization whose refresh token expired, or that Alipay+
// no longer accepts, becomes EXPIRED with a reason.
func TestTokenRefreshExpired(t *testing.T) {
	ts, e, p := refreshEnv(t)
	ctx := context.Background()

	// Issued two hours ago: the refresh token expired an hour ago. Alipay+ is not asked.
	ts.Advance(-2 * time.Hour)
	old := e.authorize(ts, "CUST-OLD")
	ts.Advance(2 * time.Hour)
	if !old.RefreshExpireTime.Before(time.Now()) {
		t.Fatalf("refresh token expires at %v", old.RefreshExpireTime)
	}
	e.refresher().RefreshDue(ctx)
	row := e.authRow("CUST-OLD")
	if row.State != "EXPIRED" || !strings.Contains(row.StateReason, "refresh token expired") {
		t.Errorf("expired refresh token: %s %q", row.State, row.StateReason)
	}
	if n := p.refresh.Load(); n != 0 {
		t.Errorf("%d REFRESH_TOKEN calls for an expired refresh token", n)
	}

	// Alipay+ forgot the tokens (INVALID_REFRESH_TOKEN): EXPIRED with Alipay's code.
	e.authorize(ts, "CUST-GONE")
	ts.Reset()
	e.refresher().RefreshDue(ctx)
	row = e.authRow("CUST-GONE")
	if row.State != "EXPIRED" || !strings.Contains(row.StateReason, "INVALID_REFRESH_TOKEN") {
		t.Errorf("refused refresh token: %s %q", row.State, row.StateReason)
	}
	got := e.subs("plus", "state = EXPIRED")
	if len(got) != 2 || got[0].StateReason == "" || got[1].StateReason == "" {
		t.Errorf("EXPIRED rows: %v", got)
	}
	// EXPIRED rows are not refreshed again.
	n := p.refresh.Load()
	e.refresher().RefreshDue(ctx)
	if p.refresh.Load() != n {
		t.Errorf("EXPIRED rows were refreshed again")
	}
}

// TestTokenRefreshConcurrent: two refreshers (replicas) running at the same moment spend
// the refresh token once.
func TestTokenRefreshConcurrent(t *testing.T) {
	ts, e, p := refreshEnv(t)
	e.authorize(ts, "CUST-C")
	replicas := []*delivery.Refresher{e.refresher(), e.refresher()}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, d := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			d.RefreshDue(context.Background())
		}()
	}
	close(start)
	wg.Wait()
	if n := p.refresh.Load(); n != 1 {
		t.Errorf("%d REFRESH_TOKEN calls reached Alipay+, want 1", n)
	}
	if row := e.authRow("CUST-C"); row.State != "ACTIVE" {
		t.Errorf("after concurrent refreshes: %s %q", row.State, row.StateReason)
	}
}

// TestTokenRefreshOverlapping: a replica that starts its round while another one's
// REFRESH_TOKEN call is in flight must not spend the same refresh token again.
func TestTokenRefreshOverlapping(t *testing.T) {
	t.Parallel() // mostly waiting
	ts, e, p := refreshEnv(t)
	e.authorize(ts, "CUST-O")
	if _, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultDelay, Delay: alipaysim.Duration(time.Second), API: applyTokenAPI}); err != nil {
		t.Fatal(err)
	}
	other := e.refresher()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); e.refresher().RefreshDue(context.Background()) }()
	time.Sleep(300 * time.Millisecond) // the first call is waiting at Alipay+
	other.RefreshDue(context.Background())
	wg.Wait()
	row := e.authRow("CUST-O")
	if n := p.refresh.Load(); n != 1 {
		t.Errorf("%d REFRESH_TOKEN calls reached Alipay+, want 1 (row now %s %q)", n, row.State, row.StateReason)
	}
	if row.State != "ACTIVE" {
		t.Errorf("after overlapping refreshes: %s %q", row.State, row.StateReason)
	}
}

// refresher is a token refresher over the test server's store, as a dispatcher replica
// runs one (each call gives another replica).
func (e *testEnv) refresher() *delivery.Refresher {
	return delivery.NewRefresher(e.srv.deps.store, appconn.New(e.srv.deps.store, e.srv.deps.keys, e.srv.deps.log, appconn.WithEndpoints(e.srv.deps.conn.Endpoints())), e.srv.deps.log)
}
