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
	"testing"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

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
}

const testKeyRing = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// newTestEnv starts a server on a new database file in a temp dir.
func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	return startTestEnv(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"))
}

// startTestEnv starts a server on the database dsn (migrating it).
func startTestEnv(t *testing.T, dsn string) *testEnv {
	t.Helper()
	ctx := context.Background()
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	ring, err := secrets.Parse(testKeyRing)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := New(Config{ShutdownTimeout: 5 * time.Second}, st, ring, log)
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = srv.ServeListeners(sctx, gl, hl); close(done) }()
	conn, err := grpc.NewClient(gl.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	e := &testEnv{t: t, dsn: dsn, store: st, conn: conn, baseURL: "http://" + hl.Addr().String(), keys: map[string]string{}}
	e.stop = func() {
		conn.Close()
		cancel()
		<-done
		st.Close()
	}
	t.Cleanup(func() { e.stop() })
	return e
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
}

// runBoth sends c over gRPC and over the gateway and asserts the gRPC code and the HTTP
// status that goes with it.
func (e *testEnv) runBoth(c transportCase) {
	e.t.Helper()
	err := e.call(c.token, c.grpcMethod, c.grpcReq, c.grpcResp)
	if got := status.Code(err); got != c.want {
		e.t.Errorf("%s: gRPC code %v (%v), want %v", c.name, got, err, c.want)
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
	}
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
