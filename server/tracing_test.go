package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.opentelemetry.io/otel"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/delivery"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/tracing"
)

// lockedBuffer is a log sink the server's goroutines may write to at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines returns the JSON log lines whose msg is msg.
func (l *lockedBuffer) lines(t *testing.T, msg string) []map[string]any {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for line := range strings.Lines(l.b.String()) {
		m := map[string]any{}
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if m["msg"] == msg {
			out = append(out, m)
		}
	}
	return out
}

// TestTracingFollowsAMessage: one message is one trace, from the JSON call to Alipay's
// answer. SendMessage over the gateway makes an HTTP server span and a gRPC server span
// in one trace; its log line names the trace; the dispatcher's attempt against the
// simulator continues the trace, with the HTTP client span of the call to Alipay under
// it; and the message's QUEUED and SENT events carry the trace id.
func TestTracingFollowsAMessage(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := tracing.New(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	logs := &lockedBuffer{}
	log := slog.New(tracing.LogHandler(slog.NewJSONHandler(logs, nil)))
	ts := newSim(t, nil)
	cfg := testConfig(t)
	cfg.Tracing = tr
	srv, st, conn, baseURL, stop := startServerConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"), cfg, log)
	e := &testEnv{t: t, store: st, conn: conn, baseURL: baseURL, keys: map[string]string{}, stop: stop, srv: srv}
	t.Cleanup(stop)

	e.createChannel("shop", simMiniChannel(ts))
	e.must(mImportTemplate, &reachv1.ImportTemplateRequest{Parent: "channels/shop", TemplateId: "shipped", ExternalId: "MT1",
		DisplayName: "Order shipped", Content: "keyword1: 订单号\nkeyword2: 快递公司", SubscriptionType: typeOneTime}, &reachv1.ImportTemplateResponse{})
	const user = "2088000000000901"
	if err := ts.Subscribe(simMiniApp, user, "MT1", 1); err != nil {
		t.Fatal(err)
	}
	e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{Parent: "channels/shop", User: uid(user),
		ResultJson: `{"behavior":"subscribe","result":{"subscribeEntityIds":["MT1"]},"MT1":"accept"}`}, &reachv1.RecordSubscribeResultResponse{})

	code, body := e.httpCall(e.admin(), "POST", "/v1/messages:send", map[string]any{"requestId": "traced-1",
		"template": "channels/shop/templates/shipped", "recipient": map[string]any{"userId": user},
		"data": map[string]string{"keyword1": "1001", "keyword2": "顺丰"}, "page": "pages/order/order?id=1001"})
	if code != 200 {
		t.Fatalf("send: %d %v", code, body)
	}
	name := body["message"].(map[string]any)["name"].(string)

	httpSpan := findSpan(t, rec, func(s sdktrace.ReadOnlySpan) bool {
		return s.SpanKind() == trace.SpanKindServer && s.Name() == "POST /v1/messages:send"
	})
	traceID := httpSpan.SpanContext().TraceID()
	grpcSpan := findSpan(t, rec, func(s sdktrace.ReadOnlySpan) bool {
		return s.SpanKind() == trace.SpanKindServer && s.Name() == "reach.v1.MessageService/SendMessage" && s.SpanContext().TraceID() == traceID
	})
	// Between them, the gateway's call on its in-process connection.
	client := findSpan(t, rec, func(s sdktrace.ReadOnlySpan) bool {
		return s.SpanKind() == trace.SpanKindClient && s.Parent().SpanID() == httpSpan.SpanContext().SpanID()
	})
	if grpcSpan.Parent().SpanID() != client.SpanContext().SpanID() {
		t.Errorf("gRPC server span's parent %s, want the gateway's client span %s", grpcSpan.Parent().SpanID(), client.SpanContext().SpanID())
	}
	var logged bool
	for _, l := range logs.lines(t, "finished call") {
		if l["grpc.method"] == "SendMessage" {
			logged = true
			if l["trace_id"] != traceID.String() || l["span_id"] != grpcSpan.SpanContext().SpanID().String() {
				t.Errorf("log line of SendMessage: trace_id %v span_id %v, want %s %s", l["trace_id"], l["span_id"], traceID, grpcSpan.SpanContext().SpanID())
			}
		}
	}
	if !logged {
		t.Fatal("no log line for SendMessage")
	}

	// The dispatcher, as `reach serve` runs it beside the API.
	ctx, cancel := context.WithCancel(context.Background())
	conn2 := appconn.New(st, srv.deps.keys, log, appconn.WithEndpoints(srv.deps.conn.Endpoints()), appconn.WithTracing(tr))
	d := delivery.New(delivery.Config{Poll: 20 * time.Millisecond, Tracing: tr}, st, conn2, log, nil)
	done := make(chan struct{})
	go func() { _ = d.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	waitState(t, e, name, reachv1.MessageState_MESSAGE_STATE_SENT)

	attempt := findSpan(t, rec, func(s sdktrace.ReadOnlySpan) bool { return s.Name() == "delivery.attempt" })
	if attempt.SpanContext().TraceID() != traceID || attempt.Parent().TraceID() != traceID || !attempt.Parent().IsRemote() {
		t.Fatalf("attempt span: trace %s parent %v; want a child of the send's trace %s", attempt.SpanContext().TraceID(), attempt.Parent(), traceID)
	}
	findSpan(t, rec, func(s sdktrace.ReadOnlySpan) bool {
		return s.SpanKind() == trace.SpanKindClient && s.Parent().SpanID() == attempt.SpanContext().SpanID() &&
			s.SpanContext().TraceID() == traceID && strings.HasPrefix(s.Name(), "POST ")
	})

	code, body = e.httpCall(e.admin(), "GET", "/v1/"+name+"/events", nil)
	if code != 200 {
		t.Fatalf("events: %d %v", code, body)
	}
	kinds := map[string]string{}
	for _, ev := range body["events"].([]any) {
		m := ev.(map[string]any)
		id, _ := m["traceId"].(string)
		kinds[m["kind"].(string)+"/"+m["state"].(string)] = id
	}
	for _, k := range []string{"QUEUED/MESSAGE_STATE_QUEUED", "ATTEMPT/MESSAGE_STATE_SENT"} {
		if kinds[k] != traceID.String() {
			t.Errorf("event %s: trace id %q, want %s (events %v)", k, kinds[k], traceID, kinds)
		}
	}
}

// TestTracingOff: with no Tracing configured nothing is recorded, not even into a global
// provider someone else set, no trace context is stored and events carry no trace id.
func TestTracingOff(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	prev := otel.GetTracerProvider()
	otel.SetTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	t.Cleanup(func() { otel.SetTracerProvider(prev) })
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	e.must(mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/mini", TemplateId: "order", Template: oneTime("tpl-1")}, &reachv1.CreateTemplateResponse{})
	req, merr := protojson.Marshal(miniSend("mini", "order", "off-1", uid("2088000000000001")))
	if merr != nil {
		t.Fatal(merr)
	}
	code, body := e.httpCall(e.admin(), "POST", "/v1/messages:send", string(req))
	if code != 200 {
		t.Fatalf("send: %d %v", code, body)
	}
	name := body["message"].(map[string]any)["name"].(string)
	m, err := e.store.GetMessage(context.Background(), tenantOfKey(t, e), strings.TrimPrefix(name, "messages/"))
	if err != nil {
		t.Fatal(err)
	}
	if m.TraceParent != "" {
		t.Errorf("trace parent stored with tracing off: %q", m.TraceParent)
	}
	evs := &reachv1.ListMessageEventsResponse{}
	e.must(mListMessageEvents, &reachv1.ListMessageEventsRequest{Parent: name}, evs)
	for _, ev := range evs.Events {
		if ev.TraceId != "" {
			t.Errorf("event %s has trace id %q with tracing off", ev.Kind, ev.TraceId)
		}
	}
	if n := len(rec.Ended()) + len(rec.Started()); n != 0 {
		t.Fatalf("%d spans recorded with tracing off", n)
	}
}

// findSpan returns the first ended span that matches, failing the test when none does
// within a few seconds (spans end after the response is written).
func findSpan(t *testing.T, rec *tracetest.SpanRecorder, match func(sdktrace.ReadOnlySpan) bool) sdktrace.ReadOnlySpan {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		for _, s := range rec.Ended() {
			if match(s) {
				return s
			}
		}
		if time.Now().After(deadline) {
			var names []string
			for _, s := range rec.Ended() {
				names = append(names, s.SpanKind().String()+" "+s.Name())
			}
			t.Fatalf("no such span among %q", names)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitState waits until the message name is in state.
func waitState(t *testing.T, e *testEnv, name string, state reachv1.MessageState) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		got := &reachv1.GetMessageResponse{}
		e.must(mGetMessage, &reachv1.GetMessageRequest{Name: name}, got)
		if got.Message.State == state {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %s is %s (%s), want %s", name, got.Message.State, got.Message.StateReason, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tenantOfKey is the id of the admin key's tenant.
func tenantOfKey(t *testing.T, e *testEnv) string {
	tn, err := e.store.EnsureTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return tn.ID
}
