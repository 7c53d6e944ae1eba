package main

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/internal/replay"
	"github.com/reachhq/reach/server"
)

func serveCmd() *cobra.Command {
	var (
		run      runFlags
		cfg      server.Config
		dispatch bool
		disp     dispatchFlags
		admin    adminFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gRPC API and the JSON gateway",
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.NotifyMaxAge <= 0 {
				return fmt.Errorf("--notify-max-age must be positive (default %s)", replay.DefaultMaxAge)
			}
			if err := cfg.Limits.Validate(); err != nil {
				return err
			}
			if dispatch {
				if err := disp.validate(); err != nil {
					return err
				}
			}
			// Ports first: a port in use must fail the start before the database or the key
			// file is created. Serving closes the listeners; the deferred closes cover an
			// earlier failure.
			gl, hl, err := cfg.Listen()
			if err != nil {
				return err
			}
			defer gl.Close()
			defer hl.Close()
			al, err := admin.listen()
			if err != nil {
				return err
			}
			r, closeRun, err := run.start(cmd, true)
			if err != nil {
				return err
			}
			defer closeRun()
			ctx, st, ring, log := r.ctx, r.st, r.ring, r.log
			serveAdmin(ctx, al, log)
			cfg.AlipayEndpoints = r.endpoints
			cfg.Tracing = r.tracing
			cfg.Webhooks.AllowPrivate = disp.hooks.AllowPrivate // one rule for the API and the poster
			if !dispatch {
				return server.New(cfg, st, ring, log).ServeListeners(ctx, gl, hl)
			}
			// The dispatcher runs beside the API and is joined before the store closes.
			var d *delivery.Dispatcher
			cfg.OnQueued = func() { d.Wake() }
			srv := server.New(cfg, st, ring, log)
			dctx, stopDispatch := context.WithCancel(ctx)
			d, wait, err := disp.start(dctx, r, srv.Registry())
			if err != nil {
				stopDispatch()
				return err
			}
			defer wait()         // second: let it finish its calls and write their outcomes
			defer stopDispatch() // first: the API stopped (or never started), so stop sending
			return srv.ServeListeners(ctx, gl, hl)
		},
	}
	run.register(cmd)
	disp.register(cmd)
	admin.register(cmd)
	cmd.Flags().BoolVar(&dispatch, "dispatch", true, "also deliver queued messages in this process; false makes an API-only replica (env REACH_DISPATCH)")
	cmd.Flags().StringVar(&cfg.GRPCAddr, "grpc-addr", "127.0.0.1:9090", "gRPC listen address (env REACH_GRPC_ADDR)")
	cmd.Flags().StringVar(&cfg.HTTPAddr, "http-addr", "127.0.0.1:8080", "HTTP/JSON listen address (env REACH_HTTP_ADDR)")
	addrSettings(cmd, "grpc-addr", "http-addr")
	cmd.Flags().DurationVar(&cfg.KeyCacheFor, "key-cache", 5*time.Second, "how long an API key read is reused: a revoked key stops working within this time on every replica; negative: never cache (env REACH_KEY_CACHE)")
	registerLimits(cmd, &cfg.Limits)
	cmd.Flags().DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 20*time.Second, "how long in-flight calls may finish on shutdown (env REACH_SHUTDOWN_TIMEOUT)")
	cmd.Flags().DurationVar(&cfg.NotifyMaxAge, "notify-max-age", replay.DefaultMaxAge,
		"how old an Alipay notification may be and still apply; older ones are refused, applied ones remembered this long (env REACH_NOTIFY_MAX_AGE)")
	return cmd
}

// registerLimits adds the flags of the per-request limits (see server.Limits).
func registerLimits(cmd *cobra.Command, l *server.Limits) {
	d, fl := server.DefaultLimits(), cmd.Flags()
	fl.Int64Var(&l.MaxBodyBytes, "http-max-body-bytes", d.MaxBodyBytes, "largest HTTP request body (JSON gateway and notifications); larger is refused with 413 while reading (env REACH_HTTP_MAX_BODY_BYTES)")
	fl.IntVar(&l.MaxMessageBytes, "grpc-max-message-bytes", d.MaxMessageBytes, "largest gRPC request message (env REACH_GRPC_MAX_MESSAGE_BYTES)")
	fl.DurationVar(&l.ReadHeaderTimeout, "http-read-header-timeout", d.ReadHeaderTimeout, "how long a request's headers may take to arrive (env REACH_HTTP_READ_HEADER_TIMEOUT)")
	fl.DurationVar(&l.ReadTimeout, "http-read-timeout", d.ReadTimeout, "how long a whole request, body included, may take to arrive (env REACH_HTTP_READ_TIMEOUT)")
	fl.DurationVar(&l.WriteTimeout, "http-write-timeout", d.WriteTimeout, "how long a request may take from its headers to the end of its answer; gateway calls get 90% of it as their deadline (env REACH_HTTP_WRITE_TIMEOUT)")
	fl.DurationVar(&l.IdleTimeout, "http-idle-timeout", d.IdleTimeout, "how long an idle keep-alive connection stays open (env REACH_HTTP_IDLE_TIMEOUT)")
}
