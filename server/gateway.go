package server

import (
	"context"
	"net"
	"net/http"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/encoding/protojson"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apidoc"
	"github.com/reachhq/reach/internal/buildinfo"
	"github.com/reachhq/reach/internal/tracing"
)

// HTTPHandler returns the HTTP side: the JSON gateway under /v1/, /healthz, /readyz,
// /metrics, the API's description at /openapi.json and /docs, and the operator console
// under /console/. The gateway talks to the gRPC server over an in-memory connection, so every
// JSON call passes the same interceptors (auth, logging, metrics, recovery) as gRPC.
func (s *Server) HTTPHandler(ctx context.Context) (http.Handler, func(), error) {
	lis := bufconn.Listen(1 << 20)
	go func() { _ = s.grpc.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///reach-in-process", append(s.cfg.Tracing.GRPCClientOptions(),
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		// The server's own limit, checked before a too-large message is sent at all.
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(s.limits.MaxMessageBytes)))...)
	if err != nil {
		return nil, nil, err
	}
	gw := runtime.NewServeMux(append(s.gatewayTracing(),
		runtime.WithMarshalerOption(runtime.MIMEWildcard, gatewayMarshaler),
		runtime.SetQueryParameterParser(&gatewayQuery{}),
		runtime.WithErrorHandler(s.edge.gatewayError),
		runtime.WithRoutingErrorHandler(s.edge.routingError),
		runtime.WithOutgoingHeaderMatcher(func(k string) (string, bool) {
			if k == requestIDHeader {
				return "X-Request-Id", true
			}
			return "", false
		}),
		runtime.WithIncomingHeaderMatcher(func(k string) (string, bool) {
			if http.CanonicalHeaderKey(k) == "X-Request-Id" {
				return requestIDHeader, true
			}
			return runtime.DefaultHeaderMatcher(k)
		}),
	)...)
	for _, register := range []func(context.Context, *runtime.ServeMux, *grpc.ClientConn) error{
		reachv1.RegisterChannelServiceHandler,
		reachv1.RegisterTemplateServiceHandler,
		reachv1.RegisterSubscriptionServiceHandler,
		reachv1.RegisterMessageServiceHandler,
		reachv1.RegisterWebhookServiceHandler,
		reachv1.RegisterBroadcastServiceHandler,
	} {
		if err := register(ctx, gw, conn); err != nil {
			conn.Close()
			return nil, nil, err
		}
	}
	s.edge.mux = gw
	con, err := s.console()
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	mux := http.NewServeMux()
	// The console's session becomes an API key here, in front of the gateway; everything
	// after is the gateway's own authentication.
	mux.Handle("/v1/", con.Bearer(withCallTimeout(s.limits.callTimeout(), gw)))
	mux.Handle("GET /v1/messages:watch", con.Bearer(longLived(gw)))
	pages := con.Handler()
	mux.Handle("/console/", pages)
	mux.Handle("/console", pages)
	mux.HandleFunc("POST /v1/notify/{tenant}/{channel}", s.serveNotify)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", s.serveReady)
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	// The API's description, public like the routes above: the OpenAPI document with this
	// build's version, and the reference page rendered from it.
	docs, err := apidoc.New(buildinfo.Read().Version)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	mux.Handle("GET /openapi.json", docs.Spec())
	mux.Handle("GET /docs", docs.Page())
	mux.Handle("GET /docs/", docs.Assets())
	// The body limit wraps every route, so it holds before the gateway decodes, before
	// authentication and before a notification is parsed. Tracing wraps it, so a request
	// refused for its size is in a trace too.
	h := s.cfg.Tracing.Handler(limitBodies(s.limits.MaxBodyBytes, s.cfg.Tracing.Routes(mux), s.edge.tooLarge))
	return h, func() { conn.Close(); lis.Close() }, nil
}

// gatewayTracing names a traced JSON call's HTTP span after the gateway route it took
// ("POST /v1/messages"), which only the gateway knows: the ServeMux sees "/v1/".
func (s *Server) gatewayTracing() []runtime.ServeMuxOption {
	if !s.cfg.Tracing.Enabled() {
		return nil
	}
	return []runtime.ServeMuxOption{runtime.WithMiddlewares(func(next runtime.HandlerFunc) runtime.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request, params map[string]string) {
			if p, ok := runtime.HTTPPattern(r.Context()); ok {
				tracing.SetRoute(r, p.String())
			}
			next(w, r, params)
		}
	})}
}

// gatewayMarshaler reads and writes the gateway's JSON: protobuf JSON names, unknown fields
// refused, zero values left out, and decoding errors that never quote the body
// (gateway_decode.go).
var gatewayMarshaler = gatewayJSON{&runtime.JSONPb{
	MarshalOptions:   protojson.MarshalOptions{EmitUnpopulated: false},
	UnmarshalOptions: protojson.UnmarshalOptions{DiscardUnknown: false},
}}

// withCallTimeout gives a gateway call a deadline inside the server's write timeout, so a
// slow call ends with DEADLINE_EXCEEDED, written to the client, instead of a connection the
// write timeout drops without a word. A shorter Grpc-Timeout from the client still wins.
func withCallTimeout(d time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// longLived serves a stream that lasts as long as the client wants (WatchMessages): no call
// timeout, and the connection's read and write deadlines lifted. It still ends when the
// server stops (see deps.untilStop).
func longLived(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Time{})
		_ = rc.SetWriteDeadline(time.Time{})
		next.ServeHTTP(w, r)
	})
}

// serveReady answers 200 only when the store is reachable and its schema current; it
// checks on the spot so a probe never sees a stale answer.
func (s *Server) serveReady(w http.ResponseWriter, r *http.Request) {
	if err := s.checkStore(r.Context()); err != nil {
		http.Error(w, "not ready: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}
