package tracing

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

// Setup is off unless an endpoint is configured, and OTEL_SDK_DISABLED wins.
func TestSetupOnlyWhenConfigured(t *testing.T) {
	for _, v := range []string{"OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_SDK_DISABLED",
		"OTEL_TRACES_EXPORTER", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"} {
		t.Setenv(v, "")
	}
	ctx := context.Background()
	tr, stop, err := Setup(ctx, Options{})
	if err != nil || tr.Enabled() {
		t.Fatalf("nothing configured: enabled %v, err %v", tr.Enabled(), err)
	}
	_ = stop(ctx)
	if next := http.NewServeMux(); tr.Handler(next) != http.Handler(next) {
		t.Fatal("tracing off wrapped the handler")
	}

	tr, stop, err = Setup(ctx, Options{Endpoint: "http://127.0.0.1:1", Version: "v1.2.3"})
	if err != nil || !tr.Enabled() {
		t.Fatalf("--otlp-endpoint: enabled %v, err %v", tr.Enabled(), err)
	}
	_ = stop(ctx)

	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
	t.Setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1")
	tr, stop, err = Setup(ctx, Options{})
	if err != nil || !tr.Enabled() {
		t.Fatalf("OTEL_EXPORTER_OTLP_ENDPOINT over grpc: enabled %v, err %v", tr.Enabled(), err)
	}
	_ = stop(ctx)

	t.Setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "carrier-pigeon")
	if _, _, err := Setup(ctx, Options{}); err == nil {
		t.Fatal("an unknown protocol was accepted")
	}
	t.Setenv("OTEL_SDK_DISABLED", "true")
	if tr, _, err := Setup(ctx, Options{Endpoint: "http://127.0.0.1:1"}); err != nil || tr.Enabled() {
		t.Fatalf("OTEL_SDK_DISABLED=true: enabled %v, err %v", tr.Enabled(), err)
	}
}

// A traceparent stored from a span's context brings a later span into the same trace.
func TestTraceParentRoundTrip(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := New(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	if TraceParent(context.Background()) != "" || TraceIDOf("") != "" || TraceIDOf("garbage") != "" {
		t.Fatal("a context without a span has a trace context")
	}
	ctx, call := tr.Tracer().Start(context.Background(), "call")
	tp := TraceParent(ctx)
	call.End()
	if TraceIDOf(tp) != call.SpanContext().TraceID().String() {
		t.Fatalf("traceparent %q does not hold trace %s", tp, call.SpanContext().TraceID())
	}
	_, later := tr.Tracer().Start(WithTraceParent(context.Background(), tp), "later")
	later.End()
	got := rec.Ended()[1]
	if got.Parent().SpanID() != call.SpanContext().SpanID() || got.SpanContext().TraceID() != call.SpanContext().TraceID() {
		t.Fatalf("later span: parent %v, trace %s", got.Parent(), got.SpanContext().TraceID())
	}
}

// LogHandler adds the ids of the span in the context, through With, and nothing without one.
func TestLogHandler(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(LogHandler(slog.NewJSONHandler(&buf, nil))).With("replica", "r1")
	tr := New(sdktrace.NewTracerProvider())
	ctx, span := tr.Tracer().Start(context.Background(), "op")
	log.InfoContext(ctx, "in a span")
	span.End()
	log.Info("no span")
	dec := json.NewDecoder(&buf)
	var in, out map[string]any
	if err := dec.Decode(&in); err != nil {
		t.Fatal(err)
	}
	if err := dec.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if in["trace_id"] != span.SpanContext().TraceID().String() || in["span_id"] != span.SpanContext().SpanID().String() || in["replica"] != "r1" {
		t.Fatalf("line in a span: %v", in)
	}
	if _, ok := out["trace_id"]; ok {
		t.Fatalf("line without a span: %v", out)
	}
}

// The HTTP span is named after the ServeMux pattern, and the probes are not traced.
func TestHandlerSpanNames(t *testing.T) {
	rec := tracetest.NewSpanRecorder()
	tr := New(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec)))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/notify/{tenant}/{channel}", func(http.ResponseWriter, *http.Request) {})
	mux.HandleFunc("GET /healthz", func(http.ResponseWriter, *http.Request) {})
	h := tr.Handler(tr.Routes(mux))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/v1/notify/acme/life", nil))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/healthz", nil))
	spans := rec.Ended()
	if len(spans) != 1 || spans[0].Name() != "POST /v1/notify/{tenant}/{channel}" {
		var names []string
		for _, s := range spans {
			names = append(names, s.Name())
		}
		t.Fatalf("spans %q, want one named after the notify route", names)
	}
}
