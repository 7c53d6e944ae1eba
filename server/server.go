// Package server is Reach's transport edge: the gRPC services, the JSON gateway in front of
// them, health and metrics. Handlers are thin: they validate, call the store and map errors.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/keepalive"
	"google.golang.org/grpc/reflection"

	"github.com/reachhq/reach/appconn"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/buildinfo"
	"github.com/reachhq/reach/internal/replay"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/store"
)

// Config is what the server needs to run.
type Config struct {
	GRPCAddr        string
	HTTPAddr        string
	ShutdownTimeout time.Duration
	// Limits bound each request; zero fields take DefaultLimits.
	Limits Limits
	// AlipayEndpoints are the Alipay gateways channels may name and Reach may call; nil
	// means appconn.DefaultEndpoints (Alipay's own hosts, no loopback).
	AlipayEndpoints *appconn.Endpoints
	// OnQueued, when set, is called after messages are queued (sent, re-driven), so a
	// dispatcher in the same process picks them up without waiting for its poll.
	OnQueued func()
	// KeyCacheFor is how long an API key read is reused (0: 5 s; negative: never): the
	// bound on how long a revoked key, or a key of a deleted tenant, keeps working.
	KeyCacheFor time.Duration
	// NotifyMaxAge is how old an Alipay notification may be and still apply (0:
	// replay.DefaultMaxAge); applied ones are remembered that long.
	NotifyMaxAge time.Duration
	// Webhooks is the rule for webhook endpoint URLs (the zero value: https, public hosts).
	Webhooks webhookurl.Policy
	// Tracing traces every gRPC and HTTP call and the calls to Alipay they make; the zero
	// value traces nothing and adds nothing to a call.
	Tracing tracing.Tracing
}

// notifySweepEvery is how often expired notification records are deleted.
const notifySweepEvery = 10 * time.Minute

// Server serves Reach over gRPC and HTTP/JSON.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    store.Store
	deps     *deps
	grpc     *grpc.Server
	health   *health.Server
	registry *prometheus.Registry
	limits   Limits
	edge     *edgeErrors
	auth     *authenticator
}

// New builds a server over st; keys seals channel secrets.
func New(cfg Config, st store.Store, keys *secrets.KeyRing, log *slog.Logger) *Server {
	// Times are kept to the microsecond, as every database stores them, so a response
	// shows exactly what a later read returns.
	d := &deps{store: st, keys: keys, conn: appconn.New(st, keys, log, appconn.WithEndpoints(cfg.AlipayEndpoints), appconn.WithTracing(cfg.Tracing)), log: log, queued: cfg.OnQueued, stop: make(chan struct{}), now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	d.webhooks = cfg.Webhooks
	d.replay = replay.New(st, cfg.NotifyMaxAge, func() time.Time { return d.now() })
	limits := cfg.Limits.withDefaults()
	reg := prometheus.NewRegistry()
	metrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	reg.MustRegister(metrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Collector())
	registerIngestMetrics(reg, st)
	d.cache = newReadCache(cfg.KeyCacheFor)
	auth := &authenticator{keys: st, cache: d.cache, now: d.now}
	gs := grpc.NewServer(append(cfg.Tracing.GRPCServerOptions(),
		grpc.ChainUnaryInterceptor(interceptors(log, metrics, auth)...),
		grpc.ChainStreamInterceptor(streamInterceptors(log, metrics, auth)...),
		grpc.MaxRecvMsgSize(limits.MaxMessageBytes),
		grpc.ForceServerCodecV2(newRequestCodec()),
		grpc.KeepaliveEnforcementPolicy(keepaliveEnforcement),
		grpc.KeepaliveParams(keepaliveParams),
		// Calls run on a fixed set of goroutines whose stacks have already grown through
		// the interceptor chain, instead of a new goroutine per call growing (copying) its
		// stack each time: stack growth was 9 % of SendMessage's CPU in profiles. Calls
		// beyond the workers still get goroutines of their own.
		grpc.NumStreamWorkers(streamWorkers),
	)...)
	hs := health.NewServer()
	// Registered through decodeInChain, so a request that cannot be decoded still passes
	// the interceptors (logged, counted) and answers INVALID_ARGUMENT.
	for _, svc := range []struct {
		desc *grpc.ServiceDesc
		impl any
	}{
		{&reachv1.ChannelService_ServiceDesc, &channelService{deps: d}},
		{&reachv1.TemplateService_ServiceDesc, &templateService{deps: d}},
		{&reachv1.SubscriptionService_ServiceDesc, &subscriptionService{deps: d}},
		{&reachv1.MessageService_ServiceDesc, &messageService{deps: d}},
		{&reachv1.WebhookService_ServiceDesc, &webhookService{deps: d}},
		{&reachv1.BroadcastService_ServiceDesc, &broadcastService{deps: d}},
		{&healthpb.Health_ServiceDesc, hs},
	} {
		gs.RegisterService(decodeInChain(svc.desc), svc.impl)
	}
	reflection.Register(gs)
	metrics.InitializeMetrics(gs)
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	return &Server{cfg: cfg, log: log, store: st, deps: d, grpc: gs, health: hs, registry: reg,
		limits: limits, edge: newEdgeErrors(log, limits, reg), auth: auth}
}

// streamWorkers is how many goroutines serve gRPC calls before more are started.
var streamWorkers = uint32(max(4, 4*runtime.GOMAXPROCS(0)))

// The gRPC server's keepalive rules. Enforcement: a client may ping every 10 s at most
// (grpc-go's own client minimum), also with no call open; more often gets GOAWAY. Params:
// an idle connection is closed after 15 minutes, and a silent peer is pinged after 2
// minutes and dropped 20 s later, so dead clients do not hold connections.
var (
	keepaliveEnforcement = keepalive.EnforcementPolicy{MinTime: 10 * time.Second, PermitWithoutStream: true}
	keepaliveParams      = keepalive.ServerParameters{MaxConnectionIdle: 15 * time.Minute, Time: 2 * time.Minute, Timeout: 20 * time.Second}
)

// Registry is where the server's metrics live; a dispatcher in the same process adds its
// own, so /metrics shows both.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// GRPCServer exposes the gRPC server (tests serve it on their own listeners).
func (s *Server) GRPCServer() *grpc.Server { return s.grpc }

// Serve listens on both addresses until ctx is done, then shuts down in order: health
// NOT_SERVING, stop accepting, drain in-flight calls under the shutdown deadline.
func (s *Server) Serve(ctx context.Context) error {
	gl, hl, err := s.cfg.Listen()
	if err != nil {
		return err
	}
	return s.ServeListeners(ctx, gl, hl)
}

// Listen opens the gRPC and HTTP listeners of cfg. `reach serve` calls it before it
// creates anything, so a port already in use leaves no database or key file behind.
func (cfg Config) Listen() (gl, hl net.Listener, err error) {
	gl, err = net.Listen("tcp", cfg.GRPCAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen grpc %s: %w", cfg.GRPCAddr, err)
	}
	hl, err = net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		gl.Close()
		return nil, nil, fmt.Errorf("listen http %s: %w", cfg.HTTPAddr, err)
	}
	return gl, hl, nil
}

// ServeListeners is Serve on listeners the caller opened.
func (s *Server) ServeListeners(ctx context.Context, gl, hl net.Listener) error {
	handler, closeGateway, err := s.HTTPHandler(ctx)
	if err != nil {
		return err
	}
	defer closeGateway()
	hsrv := &http.Server{Handler: handler, ReadHeaderTimeout: s.limits.ReadHeaderTimeout, ReadTimeout: s.limits.ReadTimeout,
		WriteTimeout: s.limits.WriteTimeout, IdleTimeout: s.limits.IdleTimeout, MaxHeaderBytes: http.DefaultMaxHeaderBytes}
	errc := make(chan error, 2)
	go func() { errc <- s.grpc.Serve(gl) }()
	go func() { errc <- hsrv.Serve(hl) }()
	s.log.Info("serving", "grpc", gl.Addr().String(), "http", hl.Addr().String())
	go s.watchReadiness(ctx)
	sweepCtx, stopSweep := context.WithCancel(ctx)
	swept := make(chan struct{})
	go func() { s.deps.replay.Sweep(sweepCtx, notifySweepEvery, s.log); close(swept) }()
	// Joined before returning: the caller closes the store next.
	defer func() { stopSweep(); <-swept }()
	var failed error
	select {
	case <-ctx.Done():
	case err := <-errc:
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("listener failed", "error", err)
			failed = fmt.Errorf("listener failed: %w", err)
		}
	}
	s.log.Info("shutting down")
	s.health.Shutdown()
	s.deps.shutdown() // watch streams end now, so they do not hold up the drain
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	_ = hsrv.Shutdown(sctx)
	done := make(chan struct{})
	go func() { s.grpc.GracefulStop(); close(done) }()
	select {
	case <-done:
	case <-sctx.Done():
		s.grpc.Stop()
	}
	return failed
}

// watchReadiness keeps readiness and gRPC health in step with the store: ready only while
// the database answers and its schema is current.
func (s *Server) watchReadiness(ctx context.Context) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		if s.checkStore(ctx) == nil {
			s.health.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
		} else {
			s.health.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (s *Server) checkStore(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return fmt.Errorf("database unreachable: %w", err)
	}
	current, err := s.store.SchemaCurrent(ctx)
	if err != nil {
		return fmt.Errorf("schema check: %w", err)
	}
	if !current {
		return errors.New("database schema is not current: run `reach migrate`")
	}
	return nil
}
