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
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	"github.com/reachhq/reach/appconn"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
)

// Config is what the server needs to run.
type Config struct {
	GRPCAddr        string
	HTTPAddr        string
	ShutdownTimeout time.Duration
	// AlipayEndpoints are the Alipay gateways channels may name and Reach may call; nil
	// means appconn.DefaultEndpoints (Alipay's own hosts, no loopback).
	AlipayEndpoints *appconn.Endpoints
	// OnQueued, when set, is called after messages are queued (sent, re-driven), so a
	// dispatcher in the same process picks them up without waiting for its poll.
	OnQueued func()
}

// Server serves Reach over gRPC and HTTP/JSON.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    store.Store
	deps     *deps
	grpc     *grpc.Server
	health   *health.Server
	registry *prometheus.Registry
}

// New builds a server over st; keys seals channel secrets.
func New(cfg Config, st store.Store, keys *secrets.KeyRing, log *slog.Logger) *Server {
	// Times are kept to the microsecond, as every database stores them, so a response
	// shows exactly what a later read returns.
	d := &deps{store: st, keys: keys, conn: appconn.New(st, keys, log, appconn.WithEndpoints(cfg.AlipayEndpoints)), log: log, queued: cfg.OnQueued, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
	reg := prometheus.NewRegistry()
	metrics := grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	reg.MustRegister(metrics, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	auth := &authenticator{keys: st, now: d.now}
	gs := grpc.NewServer(grpc.ChainUnaryInterceptor(interceptors(log, metrics, auth)...))
	reachv1.RegisterChannelServiceServer(gs, &channelService{deps: d})
	reachv1.RegisterTemplateServiceServer(gs, &templateService{deps: d})
	reachv1.RegisterSubscriptionServiceServer(gs, &subscriptionService{deps: d})
	reachv1.RegisterMessageServiceServer(gs, &messageService{deps: d})
	hs := health.NewServer()
	healthpb.RegisterHealthServer(gs, hs)
	reflection.Register(gs)
	metrics.InitializeMetrics(gs)
	hs.SetServingStatus("", healthpb.HealthCheckResponse_NOT_SERVING)
	return &Server{cfg: cfg, log: log, store: st, deps: d, grpc: gs, health: hs, registry: reg}
}

// Registry is where the server's metrics live; a dispatcher in the same process adds its
// own, so /metrics shows both.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// GRPCServer exposes the gRPC server (tests serve it on their own listeners).
func (s *Server) GRPCServer() *grpc.Server { return s.grpc }

// Serve listens on both addresses until ctx is done, then shuts down in order: health
// NOT_SERVING, stop accepting, drain in-flight calls under the shutdown deadline.
func (s *Server) Serve(ctx context.Context) error {
	gl, err := net.Listen("tcp", s.cfg.GRPCAddr)
	if err != nil {
		return fmt.Errorf("listen grpc %s: %w", s.cfg.GRPCAddr, err)
	}
	hl, err := net.Listen("tcp", s.cfg.HTTPAddr)
	if err != nil {
		gl.Close()
		return fmt.Errorf("listen http %s: %w", s.cfg.HTTPAddr, err)
	}
	return s.ServeListeners(ctx, gl, hl)
}

// ServeListeners is Serve on listeners the caller opened.
func (s *Server) ServeListeners(ctx context.Context, gl, hl net.Listener) error {
	handler, closeGateway, err := s.HTTPHandler(ctx)
	if err != nil {
		return err
	}
	defer closeGateway()
	hsrv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 2)
	go func() { errc <- s.grpc.Serve(gl) }()
	go func() { errc <- hsrv.Serve(hl) }()
	s.log.Info("serving", "grpc", gl.Addr().String(), "http", hl.Addr().String())
	go s.watchReadiness(ctx)
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
