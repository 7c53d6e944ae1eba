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

// SetRoute names the span of the HTTP request r after its route template
// ("POST /v1/messages", "GET /v1/{parent=messages/*}/events") and records the template as
// http.route. The JSON gateway calls it, since only it knows the route of a /v1/ call.
func SetRoute(r *http.Request, route string) {
	if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
		l.Add(attribute.String(routeAttr, route))
	}
	span := trace.SpanFromContext(r.Context())
	span.SetName(r.Method + " " + route)
	span.SetAttributes(attribute.String(routeAttr, route))
}

// Routes names the HTTP span of every request mux routes after the ServeMux pattern it
// matched ("POST /v1/notify/{tenant}/{channel}"), unless a handler named it more exactly
// (SetRoute). Off, it returns mux as it is.
func (t Tracing) Routes(mux http.Handler) http.Handler {
	if !t.Enabled() {
		return mux
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r) // a ServeMux sets r.Pattern on the request it is given
		if r.Pattern == "" || route(r) != "" {
			return
		}
		p := r.Pattern
		if i := strings.IndexByte(p, ' '); i >= 0 {
			p = p[i+1:] // "POST /v1/notify/…" names the method already
		}
		SetRoute(r, p)
	})
}

// route is the route SetRoute recorded for r, "" when none.
func route(r *http.Request) string {
	if l, ok := otelhttp.LabelerFromContext(r.Context()); ok {
		for _, a := range l.Get() {
			if a.Key == routeAttr {
				return a.Value.AsString()
			}
		}
	}
	return ""
}

// spanName is "METHOD route" once the route is known (otelhttp asks again after the
// handler when the ServeMux set a pattern), the method alone before: never the path
// itself, which holds ids and would make every span name different.
func spanName(_ string, r *http.Request) string {
	if rt := route(r); rt != "" {
		return r.Method + " " + rt
	}
	return r.Method
}
