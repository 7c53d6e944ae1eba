package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/spf13/cobra"
)

// adminFlags select the operator's admin listener: Go's profiler, so the next bottleneck
// can be found on a running server. It is off unless an address is given, and never
// shares the public HTTP port: profiles reveal code paths, and a CPU profile costs CPU.
type adminFlags struct {
	addr string
}

func (f *adminFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.addr, "admin-addr", "",
		"listen address of the admin endpoints (/debug/pprof/); empty: off. Keep it on loopback or a private network (env REACH_ADMIN_ADDR)")
	addrSettings(cmd, "admin-addr")
}

// adminHandler serves the profiler under /debug/pprof/.
func adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// listen binds the admin address, if one is set (nil otherwise). Commands bind it before
// they create anything, like their other listeners.
func (f *adminFlags) listen() (net.Listener, error) {
	if f.addr == "" {
		return nil, nil
	}
	l, err := net.Listen("tcp", f.addr)
	if err != nil {
		return nil, fmt.Errorf("admin listener: %w", err)
	}
	return l, nil
}

// serve serves the admin endpoints on l (if any) until ctx is done.
func serveAdmin(ctx context.Context, l net.Listener, log *slog.Logger) {
	if l == nil {
		return
	}
	// No write timeout: a CPU profile or trace streams for as long as it was asked to.
	srv := &http.Server{Handler: adminHandler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: time.Minute}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin listener stopped", "error", err)
		}
	}()
	log.Info("admin endpoints listening", "addr", l.Addr().String(), "pprof", "/debug/pprof/")
}
