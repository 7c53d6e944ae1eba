package main

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/server"
)

func serveCmd() *cobra.Command {
	var (
		run      runFlags
		cfg      server.Config
		dispatch bool
		disp     dispatchFlags
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the gRPC API and the JSON gateway",
		RunE: func(cmd *cobra.Command, _ []string) error {
			r, closeRun, err := run.start(cmd, true)
			if err != nil {
				return err
			}
			defer closeRun()
			ctx, st, ring, log := r.ctx, r.st, r.ring, r.log
			cfg.AlipayEndpoints = r.endpoints
			if !dispatch {
				return server.New(cfg, st, ring, log).Serve(ctx)
			}
			// The dispatcher runs beside the API and is joined before the store closes.
			var d *delivery.Dispatcher
			cfg.OnQueued = func() { d.Wake() }
			srv := server.New(cfg, st, ring, log)
			dctx, stopDispatch := context.WithCancel(ctx)
			d, wait, err := disp.start(dctx, st, ring, r.endpoints, log, srv.Registry())
			if err != nil {
				stopDispatch()
				return err
			}
			defer wait()         // second: let it finish its calls and write their outcomes
			defer stopDispatch() // first: the API stopped (or never started), so stop sending
			return srv.Serve(ctx)
		},
	}
	run.register(cmd)
	disp.register(cmd)
	cmd.Flags().BoolVar(&dispatch, "dispatch", envOr("REACH_DISPATCH", "true") != "false", "also deliver queued messages in this process; false makes an API-only replica (env REACH_DISPATCH)")
	cmd.Flags().StringVar(&cfg.GRPCAddr, "grpc-addr", envOr("REACH_GRPC_ADDR", "127.0.0.1:9090"), "gRPC listen address (env REACH_GRPC_ADDR)")
	cmd.Flags().StringVar(&cfg.HTTPAddr, "http-addr", envOr("REACH_HTTP_ADDR", "127.0.0.1:8080"), "HTTP/JSON listen address (env REACH_HTTP_ADDR)")
	cmd.Flags().DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", envDuration("REACH_SHUTDOWN_TIMEOUT", 20*time.Second), "how long in-flight calls may finish on shutdown (env REACH_SHUTDOWN_TIMEOUT)")
	return cmd
}
