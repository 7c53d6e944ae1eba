package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/reachhq/reach/appconn"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

// testEnv is a running server on loopback listeners over a fresh SQLite database, with a
// gRPC client and the gateway's base URL.
type testEnv struct {
	t       *testing.T
	dsn     string
	store   store.Store
	conn    *grpc.ClientConn
	baseURL string
	keys    map[string]string // "tenant/role" → token
	stop    func()
	// srv is the running server, for in-package tests that reach its deps (the token
	// refresher) directly.
	srv *Server
}

// testKeyCacheFor is how long the test servers reuse an API key read: the bound within
// which a revoked key stops working.
const testKeyCacheFor = 300 * time.Millisecond

const testKeyRing = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// newTestEnv starts a server on a new database file in a temp dir.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return startTestEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"))
}

// startTestEnv starts a server on the database dsn (migrating it).
func startTestEnv(t *testing.T, dsn string) *testEnv {
	t.Helper()
	return startTestEnvConfig(t, dsn, testConfig(t))
}

// startTestEnvConfig is startTestEnv with the server's configuration.
func startTestEnvConfig(t *testing.T, dsn string, cfg Config) *testEnv {
	t.Helper()
	srv, st, conn, baseURL, stop := startServerConfig(t, dsn, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	e := &testEnv{t: t, dsn: dsn, store: st, conn: conn, baseURL: baseURL, keys: map[string]string{}, stop: stop, srv: srv}
	t.Cleanup(func() { e.stop() })
	return e
}

// startServerWithSrv is startServer that also returns the *Server it runs.
func startServerWithSrv(tb testing.TB, dsn string) (srv *Server, st store.Store, conn *grpc.ClientConn, baseURL string, stop func()) {
	tb.Helper()
	// The tests' Alipay is the simulator on loopback.
	return startServerConfig(tb, dsn, testConfig(tb), slog.New(slog.NewTextHandler(io.Discard, nil)))
}

// testConfig is the configuration of the test servers.
func testConfig(tb testing.TB) Config {
	return Config{ShutdownTimeout: 5 * time.Second, KeyCacheFor: testKeyCacheFor, AlipayEndpoints: loopbackAlipay(tb)}
}

// startServerConfig is startServerWithSrv with the server's config and logger.
func startServerConfig(tb testing.TB, dsn string, cfg Config, log *slog.Logger) (srv *Server, st store.Store, conn *grpc.ClientConn, baseURL string, stop func()) {
	tb.Helper()
	ctx := context.Background()
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	ring, err := secrets.Parse(testKeyRing)
	if err != nil {
		tb.Fatal(err)
	}
	srv = New(cfg, st, ring, log)
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = srv.ServeListeners(sctx, gl, hl); close(done) }()
	conn, err = grpc.NewClient(gl.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		tb.Fatal(err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			conn.Close()
			cancel()
			<-done
			st.Close()
		})
	}
	return srv, st, conn, "http://" + hl.Addr().String(), stop
}

// key returns (creating once) an API key of role for tenant.
func (e *testEnv) key(tenant string, role store.Role) string {
	e.t.Helper()
	k := tenant + "/" + string(role)
	if tok, ok := e.keys[k]; ok {
		return tok
	}
	ctx := context.Background()
	tn, err := e.store.EnsureTenant(ctx, tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, id, hash, err := apikey.New()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.CreateAPIKey(ctx, &store.APIKey{ID: id, TenantID: tn.ID, Role: role, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
		e.t.Fatal(err)
	}
	e.keys[k] = tok
	return tok
}

// admin is the default caller of the tests: tenant "acme", role admin.
func (e *testEnv) admin() string { return e.key("acme", store.RoleAdmin) }

// call invokes a gRPC method with token (none when empty) and returns the error.
func (e *testEnv) call(token, method string, req, resp proto.Message) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
	}
	return e.conn.Invoke(ctx, method, req, resp)
}

// must invokes a gRPC method as admin and fails the test on error.
func (e *testEnv) must(method string, req, resp proto.Message) {
	e.t.Helper()
	if err := e.call(e.admin(), method, req, resp); err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}

// httpCall sends a JSON request to the gateway and returns the status and decoded body.
func (e *testEnv) httpCall(token, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = bytes.NewBufferString(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, e.baseURL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			out["_raw"] = string(raw)
		}
	}
	return resp.StatusCode, out
}

// transportCase is one request sent over both transports that must end in the same code.
type transportCase struct {
	name       string
	token      string
	grpcMethod string
	grpcReq    proto.Message
	grpcResp   proto.Message
	httpMethod string
	httpPath   string
	httpBody   any // nil, a JSON string, or a value to marshal; a proto.Message is protojson
	want       codes.Code
	// fields, when set, are field names that must each appear as a google.rpc.BadRequest
	// field violation: in the gRPC status details and in the HTTP body's details.
	fields []string
	// msg, when set, must appear in the error message of both transports.
	msg string
	// grpcCheck runs after a successful gRPC call (it reads grpcResp); httpCheck runs on the
	// decoded HTTP body after a successful HTTP call.
	grpcCheck func()
	httpCheck func(body map[string]any)
}

// runBoth sends c over gRPC and over the gateway and asserts the gRPC code and the HTTP
// status that goes with it.
func (e *testEnv) runBoth(c transportCase) {
	e.t.Helper()
	if c.grpcResp == nil {
		c.grpcResp = &emptypb.Empty{}
	}
	err := e.call(c.token, c.grpcMethod, c.grpcReq, c.grpcResp)
	if got := status.Code(err); got != c.want {
		e.t.Errorf("%s: gRPC code %v (%v), want %v", c.name, got, err, c.want)
	} else if err == nil && c.grpcCheck != nil {
		c.grpcCheck()
	}
	if len(c.fields) > 0 {
		got := grpcViolations(err)
		for _, f := range c.fields {
			if !slices.Contains(got, f) {
				e.t.Errorf("%s: gRPC field violations %q lack %q (%v)", c.name, got, f, err)
			}
		}
	}
	if c.msg != "" && !strings.Contains(status.Convert(err).Message(), c.msg) {
		e.t.Errorf("%s: gRPC message %q does not contain %q", c.name, status.Convert(err).Message(), c.msg)
	}
	body := c.httpBody
	if m, ok := body.(proto.Message); ok {
		b, err := protojson.Marshal(m)
		if err != nil {
			e.t.Fatal(err)
		}
		body = string(b)
	}
	code, out := e.httpCall(c.token, c.httpMethod, c.httpPath, body)
	if want := runtime.HTTPStatusFromCode(c.want); code != want {
		e.t.Errorf("%s: HTTP status %d, want %d (body %v)", c.name, code, want, out)
	}
	if c.want != codes.OK {
		if got, _ := out["code"].(float64); codes.Code(got) != c.want {
			e.t.Errorf("%s: HTTP body code %v, want %d (%v)", c.name, out["code"], c.want, out)
		}
	} else if code == http.StatusOK && c.httpCheck != nil {
		c.httpCheck(out)
	}
	if len(c.fields) > 0 {
		got := httpViolations(out)
		for _, f := range c.fields {
			if !slices.Contains(got, f) {
				e.t.Errorf("%s: HTTP details fieldViolations %q lack %q (%v)", c.name, got, f, out)
			}
		}
	}
	if msg, _ := out["message"].(string); c.msg != "" && !strings.Contains(msg, c.msg) {
		e.t.Errorf("%s: HTTP message %q does not contain %q", c.name, msg, c.msg)
	}
}

// grpcViolations returns the field names of the google.rpc.BadRequest details of err.
func grpcViolations(err error) []string {
	st, _ := status.FromError(err)
	var out []string
	for _, d := range st.Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.FieldViolations {
				out = append(out, v.Field)
			}
		}
	}
	return out
}

// httpViolations returns the field names of the BadRequest details of a gateway error body.
func httpViolations(body map[string]any) []string {
	var out []string
	details, _ := body["details"].([]any)
	for _, d := range details {
		m, _ := d.(map[string]any)
		if m["@type"] != "type.googleapis.com/google.rpc.BadRequest" {
			continue
		}
		fvs, _ := m["fieldViolations"].([]any)
		for _, fv := range fvs {
			if f, ok := fv.(map[string]any)["field"].(string); ok {
				out = append(out, f)
			}
		}
	}
	return out
}

// httpRaw sends a request to the gateway with extra headers and returns the response (body
// already read and closed) and the raw body.
func (e *testEnv) httpRaw(token, method, path, body string, header map[string]string) (*http.Response, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.baseURL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, raw
}

// Full method names used by the tests.
const (
	mCreateChannel  = "/reach.v1.ChannelService/CreateChannel"
	mGetChannel     = "/reach.v1.ChannelService/GetChannel"
	mListChannels   = "/reach.v1.ChannelService/ListChannels"
	mUpdateChannel  = "/reach.v1.ChannelService/UpdateChannel"
	mDeleteChannel  = "/reach.v1.ChannelService/DeleteChannel"
	mVerifyChannel  = "/reach.v1.ChannelService/VerifyChannel"
	mDisableChannel = "/reach.v1.ChannelService/DisableChannel"
	mEnableChannel  = "/reach.v1.ChannelService/EnableChannel"

	mCreateTemplate = "/reach.v1.TemplateService/CreateTemplate"
	mGetTemplate    = "/reach.v1.TemplateService/GetTemplate"
	mListTemplates  = "/reach.v1.TemplateService/ListTemplates"
	mUpdateTemplate = "/reach.v1.TemplateService/UpdateTemplate"
	mDeleteTemplate = "/reach.v1.TemplateService/DeleteTemplate"
	mImportTemplate = "/reach.v1.TemplateService/ImportTemplate"
	mClaimTemplate  = "/reach.v1.TemplateService/ClaimTemplate"

	mCreateSubscription = "/reach.v1.SubscriptionService/CreateSubscription"
	mGetSubscription    = "/reach.v1.SubscriptionService/GetSubscription"
	mListSubscriptions  = "/reach.v1.SubscriptionService/ListSubscriptions"
	mCancelSubscription = "/reach.v1.SubscriptionService/CancelSubscription"
	mRecordSubscribe    = "/reach.v1.SubscriptionService/RecordSubscribeResult"
	mSyncSubscriptions  = "/reach.v1.SubscriptionService/SyncSubscriptions"
	mAuthorizeUser      = "/reach.v1.SubscriptionService/AuthorizeUser"

	mSendMessage       = "/reach.v1.MessageService/SendMessage"
	mBatchSend         = "/reach.v1.MessageService/BatchSendMessages"
	mGetMessage        = "/reach.v1.MessageService/GetMessage"
	mListMessages      = "/reach.v1.MessageService/ListMessages"
	mCancelMessage     = "/reach.v1.MessageService/CancelMessage"
	mRetryMessage      = "/reach.v1.MessageService/RetryMessage"
	mListMessageEvents = "/reach.v1.MessageService/ListMessageEvents"
)

var _ = reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT

// mustAs invokes a gRPC method with token and fails the test on error.
func (e *testEnv) mustAs(token, method string, req, resp proto.Message) {
	e.t.Helper()
	if err := e.call(token, method, req, resp); err != nil {
		e.t.Fatalf("%s: %v", method, err)
	}
}

// remarshal decodes a JSON value taken from a gateway response (a decoded map) into m.
func remarshal(t testing.TB, v any, m proto.Message) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := protojson.Unmarshal(b, m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// codeOf is the gRPC code of err.
func codeOf(err error) codes.Code { return status.Code(err) }

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// protojsonString is m as protobuf JSON.
func protojsonString(m proto.Message) (string, error) {
	b, err := protojson.Marshal(m)
	return string(b), err
}

// loopbackAlipay is the default allowlist plus loopback, where the tests' simulator runs.
func loopbackAlipay(tb testing.TB) *appconn.Endpoints {
	tb.Helper()
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		tb.Fatal(err)
	}
	return ep
}
