package tracing

import (
	"net/http"
	"strings"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"
)

// routeAttr is the semantic-convention name of a request's route template.
const routeAttr = "http.route"

// Handler traces every HTTP request next serves (a server span, continuing the caller's
// trace context) except the probes and /metrics, which scrapers call every few seconds.
// Off, it returns next as it is.
func (t Tracing) Handler(next http.Handler) http.Handler {
	if !t.Enabled() {
		return next
	}
	return otelhttp.NewHandler(next, "http", otelhttp.WithTracerProvider(t.Provider),
		otelhttp.WithPropagators(t.propagator()), otelhttp.WithMeterProvider(noMetrics),
		otelhttp.WithFilter(notScrape), otelhttp.WithSpanNameFormatter(spanName))
}

func notScrape(r *http.Request) bool {
	switch r.URL.Path {
	case "/metrics", "/healthz", "/readyz":
		return false
	}
	return true
}

// SetRoute names the route template of the request in ctx's HTTP span ("/v1/messages",
// "/v1/{parent=messages/*}/events"), for routes the ServeMux pattern does not tell: the
// JSON gateway routes everything under /v1/ itself. The span is named after it when the
// handler returns.
func SetRoute(r *http.Request, route string) {
	if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
		l.Add(attribute.String(routeAttr, route))
	}
	trace.SpanFromContext(r.Context()).SetAttributes(attribute.String(routeAttr, route))
}

// spanName is "METHOD route": the route the gateway set (SetRoute), else the ServeMux
// pattern (known once the mux has routed), else the method alone. Never the path itself,
// which holds ids and would make every span name different.
func spanName(_ string, r *http.Request) string {
	if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
		for _, a := range l.Get() {
			if a.Key == routeAttr {
				return r.Method + " " + a.Value.AsString()
			}
		}
	}
	if r.Pattern != "" {
		p := r.Pattern
		if i := strings.IndexByte(p, ' '); i >= 0 {
			p = p[i+1:] // "POST /v1/notify/{tenant}/{channel}" already names the method
		}
		return r.Method + " " + p
	}
	return r.Method
}
