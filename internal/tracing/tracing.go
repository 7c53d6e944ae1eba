// Package tracing is Reach's OpenTelemetry tracing: the provider set up from the
// standard OTEL_* environment (or --otlp-endpoint), the instrumentation of the gRPC
// server, the HTTP handler and the outgoing HTTP clients, the trace context a message
// keeps from the call that queued it, and a log handler that puts trace ids in log lines.
//
// Tracing that is not configured is the zero Tracing: every helper then returns what it
// was given, so nothing is instrumented and the hot paths pay nothing.
package tracing

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc"
	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	metricnoop "go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
	tracenoop "go.opentelemetry.io/otel/trace/noop"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
)

// Tracing is where spans go. The zero value is off.
type Tracing struct {
	// Provider makes the tracers; nil is off.
	Provider trace.TracerProvider
	// Propagator carries trace context across calls (nil: W3C trace context and baggage).
	Propagator propagation.TextMapPropagator
}

// New returns tracing into tp, or the zero (off) Tracing when tp is nil.
func New(tp trace.TracerProvider) Tracing {
	if tp == nil {
		return Tracing{}
	}
	return Tracing{Provider: tp, Propagator: defaultPropagator()}
}

// Enabled reports whether spans are recorded anywhere.
func (t Tracing) Enabled() bool { return t.Provider != nil }

// instrumentation is the name Reach's own spans are made under.
const instrumentation = "github.com/reachhq/reach"

// Tracer is Reach's tracer (a no-op one when tracing is off).
func (t Tracing) Tracer() trace.Tracer {
	if t.Provider == nil {
		return tracenoop.NewTracerProvider().Tracer(instrumentation)
	}
	return t.Provider.Tracer(instrumentation)
}

func (t Tracing) propagator() propagation.TextMapPropagator {
	if t.Propagator == nil {
		return defaultPropagator()
	}
	return t.Propagator
}

func defaultPropagator() propagation.TextMapPropagator {
	return propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})
}

// noMetrics: the instrumentation libraries also record metrics; Reach's metrics are
// Prometheus's (on /metrics), so theirs go nowhere rather than to a global provider.
var noMetrics = metricnoop.NewMeterProvider()

// GRPCServerOptions trace every gRPC call the server takes (none when off). Health checks
// and reflection are left out: probes would bury the calls that matter.
func (t Tracing) GRPCServerOptions() []grpc.ServerOption {
	if !t.Enabled() {
		return nil
	}
	return []grpc.ServerOption{grpc.StatsHandler(otelgrpc.NewServerHandler(
		otelgrpc.WithTracerProvider(t.Provider), otelgrpc.WithPropagators(t.propagator()),
		otelgrpc.WithMeterProvider(noMetrics), otelgrpc.WithFilter(notProbe)))}
}

// GRPCClientOptions trace the calls of a client connection and carry their trace context
// to the server (none when off). The JSON gateway's in-process connection uses them, so a
// JSON call is one trace: HTTP server span → gRPC client span → gRPC server span.
func (t Tracing) GRPCClientOptions() []grpc.DialOption {
	if !t.Enabled() {
		return nil
	}
	return []grpc.DialOption{grpc.WithStatsHandler(otelgrpc.NewClientHandler(
		otelgrpc.WithTracerProvider(t.Provider), otelgrpc.WithPropagators(t.propagator()),
		otelgrpc.WithMeterProvider(noMetrics), otelgrpc.WithFilter(notProbe)))}
}

func notProbe(info *stats.RPCTagInfo) bool {
	return !strings.HasPrefix(info.FullMethodName, "/grpc.health.v1.Health/") &&
		!strings.HasPrefix(info.FullMethodName, "/grpc.reflection.")
}

// Transport traces the calls an HTTP client makes to someone else (Alipay, webhook
// receivers): a client span per request, as a child of the span in the request's context.
// No trace context is sent: the other side does not join Reach's traces, and a tenant's
// receiver has no use for Reach's internal ids. Off, it returns next as it is.
func (t Tracing) Transport(next http.RoundTripper) http.RoundTripper {
	if !t.Enabled() {
		return next
	}
	if next == nil {
		next = http.DefaultTransport
	}
	return otelhttp.NewTransport(next, otelhttp.WithTracerProvider(t.Provider), otelhttp.WithMeterProvider(noMetrics),
		otelhttp.WithPropagators(propagation.NewCompositeTextMapPropagator()),
		otelhttp.WithSpanNameFormatter(func(_ string, r *http.Request) string { return r.Method + " " + r.URL.Host }))
}
