package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/spf13/cobra"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/gauges"
	"github.com/reachhq/reach/internal/buildinfo"
	"github.com/reachhq/reach/webhooks"
)

// dispatchFlags are the dispatcher's settings, shared by serve and dispatch.
type dispatchFlags struct {
	cfg delivery.Config
	// hooks: webhook delivery runs wherever messages are dispatched.
	hooks          webhooks.Config
	retries        string
	broadcastBatch int
}

func (f *dispatchFlags) register(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.cfg.Replica, "replica", "", "this dispatcher's name in leases and message events; default host-pid-random (env REACH_REPLICA)")
	fl.DurationVar(&f.cfg.Lease, "lease", time.Minute, "how long a claimed message is this replica's before another may take it over after a crash (env REACH_LEASE)")
	fl.DurationVar(&f.cfg.Poll, "poll", 200*time.Millisecond, "how often an idle dispatcher looks for messages other replicas queued (env REACH_POLL)")
	fl.IntVar(&f.cfg.Batch, "claim-batch", 200, "messages claimed at most at once (env REACH_CLAIM_BATCH)")
	fl.DurationVar(&f.cfg.CallTimeout, "call-timeout", 15*time.Second, "how long one call to Alipay may take (env REACH_CALL_TIMEOUT)")
	fl.IntVar(&f.cfg.MaxInFlight, "max-in-flight", 16, "a channel's default concurrent calls per replica; a channel's delivery_policy.max_in_flight wins (env REACH_MAX_IN_FLIGHT)")
	fl.Float64Var(&f.cfg.SendsPerSecond, "sends-per-second", 50, "a channel's default sends per second, one limit for all replicas together; delivery_policy.max_sends_per_second wins (env REACH_SENDS_PER_SECOND)")
	fl.IntVar(&f.cfg.MaxAttempts, "max-attempts", 5, "a channel's default attempts per message; delivery_policy.max_attempts wins (env REACH_MAX_ATTEMPTS)")
	fl.DurationVar(&f.cfg.BackoffInitial, "backoff", time.Second, "the first wait before a retry; it doubles, with jitter (env REACH_BACKOFF)")
	fl.DurationVar(&f.cfg.BackoffMax, "backoff-max", 5*time.Minute, "the longest wait between retries (env REACH_BACKOFF_MAX)")
	fl.BoolVar(&f.hooks.AllowPrivate, "webhook-allow-private", false, "allow webhook endpoints on loopback, private and link-local addresses, and plain http: local receivers only, never with untrusted tenants (env REACH_WEBHOOK_ALLOW_PRIVATE)")
	fl.StringVar(&f.retries, "webhook-retries", "5s,5m,30m,2h,5h,10h,10h", "waits between the tries of a webhook delivery; after the last it FAILED (env REACH_WEBHOOK_RETRIES)")
	fl.DurationVar(&f.hooks.DisableAfter, "webhook-disable-after", 5*24*time.Hour, "disable a webhook endpoint whose every call failed for this long (env REACH_WEBHOOK_DISABLE_AFTER)")
	fl.DurationVar(&f.hooks.Timeout, "webhook-timeout", 15*time.Second, "how long one webhook call may take (env REACH_WEBHOOK_TIMEOUT)")
	fl.IntVar(&f.hooks.Concurrency, "webhook-concurrency", 16, "webhook calls this replica makes at once (env REACH_WEBHOOK_CONCURRENCY)")
	fl.IntVar(&f.broadcastBatch, "broadcast-batch", 10000, "recipients a broadcast enqueues per transaction (env REACH_BROADCAST_BATCH)")
}

// validate checks the dispatcher's settings; commands call it before they create anything
// (the database, the key file), so a bad value stops them first.
func (f *dispatchFlags) validate() error {
	if err := f.cfg.Validate(); err != nil {
		return err
	}
	if _, err := webhooks.ParseRetries(f.retries); err != nil {
		return err
	}
	if f.hooks.DisableAfter <= 0 || f.hooks.Timeout <= 0 || f.hooks.Concurrency <= 0 {
		return errors.New("--webhook-disable-after, --webhook-timeout and --webhook-concurrency must be positive")
	}
	if f.broadcastBatch <= 0 {
		return errors.New("--broadcast-batch must be positive")
	}
	return nil
}

// start runs a dispatcher and the webhook poster over st until ctx is done; the returned
// function waits for both. ep are the Alipay gateways it may call.
func (f *dispatchFlags) start(ctx context.Context, r running, reg prometheus.Registerer) (*delivery.Dispatcher, func(), error) {
	st, log := r.st, r.log
	if err := f.validate(); err != nil {
		return nil, nil, err
	}
	retries, err := webhooks.ParseRetries(f.retries)
	if err != nil {
		return nil, nil, err
	}
	cfg := f.cfg
	cfg.Tracing = r.tracing
	d := delivery.New(cfg, st, appconn.New(st, r.ring, log, appconn.WithEndpoints(r.endpoints), appconn.WithTracing(r.tracing)), log, reg)
	hooks := f.hooks
	hooks.Replica, hooks.Retries, hooks.Metrics, hooks.Tracing = d.Replica(), retries, reg, r.tracing
	hooks.Lease = f.cfg.Lease // one take-over time after a crash, for messages and webhook deliveries
	// Every process that dispatches exports the database's view too (the same values on
	// every replica), so any one of them is enough to alert on the queue's age.
	reg.MustRegister(gauges.New(st, log))
	poster := webhooks.New(hooks, st, r.ring, log)
	// Broadcasts are enqueued where messages are dispatched, under the same replica name.
	b := broadcast.New(broadcast.Config{Owner: d.Replica(), Lease: f.cfg.Lease, Batch: f.broadcastBatch}, st, log, d.Wake)
	var wg sync.WaitGroup
	wg.Add(3)
	go func() {
		defer wg.Done()
		if err := d.Run(ctx); err != nil {
			log.Error("dispatcher stopped", "error", err)
		}
	}()
	go func() { defer wg.Done(); poster.Run(ctx) }()
	go func() {
		defer wg.Done()
		if err := b.Run(ctx); err != nil {
			log.Error("broadcast runner stopped", "error", err)
		}
	}()
	return d, wg.Wait, nil
}

func dispatchCmd() *cobra.Command {
	var (
		run      runFlags
		disp     dispatchFlags
		admin    adminFlags
		httpAddr string
	)
	cmd := &cobra.Command{
		Use:   "dispatch",
		Short: "Deliver queued messages to Alipay, without serving the API",
		Long: "Runs only the dispatcher, so senders can be scaled apart from the API. Any number of " +
			"dispatchers (and `reach serve` replicas) may share one PostgreSQL or MariaDB database.",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := disp.validate(); err != nil {
				return err
			}
			al, err := admin.listen()
			if err != nil {
				return err
			}
			r, closeRun, err := run.start(cmd, false)
			if err != nil {
				return err
			}
			defer closeRun()
			ctx, log := r.ctx, r.log
			serveAdmin(ctx, al, log)
			reg := prometheus.NewRegistry()
			reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}), buildinfo.Collector())
			ln, err := net.Listen("tcp", httpAddr)
			if err != nil {
				return fmt.Errorf("listen http %s: %w", httpAddr, err)
			}
			mux := http.NewServeMux()
			mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
			mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
			hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
			go func() {
				if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
					log.Error("metrics listener failed", "error", err)
				}
			}()
			_, wait, err := disp.start(ctx, r, reg)
			if err != nil {
				return err
			}
			log.Info("dispatching", "metrics", ln.Addr().String())
			wait()
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			return hs.Shutdown(sctx)
		},
	}
	run.register(cmd)
	disp.register(cmd)
	admin.register(cmd)
	cmd.Flags().StringVar(&httpAddr, "http-addr", "127.0.0.1:9091", "address of /metrics and /healthz (env REACH_DISPATCH_HTTP_ADDR)")
	// Not REACH_HTTP_ADDR: one environment or file may hold both serve's API address and this.
	withEnv(cmd, "http-addr", "REACH_DISPATCH_HTTP_ADDR")
	addrSettings(cmd, "http-addr")
	return cmd
}
