package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/clients/alipaysim"
)

// alipaySimCmd runs the Alipay simulator (clients/alipaysim) as a process, for local
// development and benchmarks against a machine that cannot reach Alipay.
func alipaySimCmd() *cobra.Command {
	var addr, config, exportDir, logFormat, logLevel string
	cmd := &cobra.Command{
		Use:   "alipay-sim",
		Short: "Run a local Alipay: gateway.do, Alipay+ and the /sim/ admin API",
		Long: `Run a local Alipay simulator: the Open Platform gateway at /gateway.do, the Alipay+
OpenAPI under /api/open/v2/, and an admin API under /sim/ (see clients/alipaysim/README.md).

The config file registers the apps and their public keys, so it is required; the repository
has a ready one: --config clients/alipaysim/testdata/sim.json (its private keys are in the
same directory). Missing Alipay keys and certificates are generated; --export writes the
public material clients need (also served at GET /sim/info).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			log, err := newLogger(logFormat, logLevel)
			if err != nil {
				return err
			}
			if config == "" {
				return errors.New("no config: pass --config FILE or set REACH_SIM_CONFIG (example: clients/alipaysim/testdata/sim.json)")
			}
			cfg, err := alipaysim.LoadConfig(config)
			if err != nil {
				return err
			}
			cfg.Addr, cfg.Logger = addr, log
			sim, err := alipaysim.New(cfg)
			if err != nil {
				return err
			}
			if exportDir != "" {
				if err := exportPublic(sim, exportDir); err != nil {
					return err
				}
			}
			if err := sim.Start(); err != nil {
				return err
			}
			log.Info("alipay simulator listening", "gateway", sim.GatewayURL(), "alipay_plus", sim.URL()+"/api/open/v2/",
				"admin", sim.URL()+"/sim/", "apps", len(cfg.Apps), "alipay_cert_sn", sim.AlipayCertSN(), "alipay_root_cert_sn", sim.AlipayRootCertSN())
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			log.Info("alipay simulator shutting down")
			shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			return sim.Shutdown(shutdown)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:9999", "listen address (env REACH_SIM_ADDR)")
	f.StringVar(&config, "config", "", "simulator config file, JSON (env REACH_SIM_CONFIG)")
	f.StringVar(&exportDir, "export", "", "write alipay_public.pem, alipay_cert.pem, alipay_root_cert.pem and platform_public.pem here")
	f.StringVar(&logFormat, "log-format", "text", "log format: text or json (env REACH_LOG_FORMAT)")
	f.StringVar(&logLevel, "log-level", "info", "log level; debug shows every rejected request (env REACH_LOG_LEVEL)")
	// REACH_SIM_…: the simulator's address and file are not those of Reach.
	withEnv(cmd, "addr", "REACH_SIM_ADDR")
	withEnv(cmd, "config", "REACH_SIM_CONFIG")
	addrSettings(cmd, "addr")
	notSettings(cmd, "export")
	return cmd
}

// exportPublic writes the simulator's public keys and certificates for clients.
func exportPublic(sim *alipaysim.Server, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for name, text := range map[string]string{
		"alipay_public.pem":    sim.AlipayPublicKeyPEM(),
		"alipay_cert.pem":      sim.AlipayCertPEM(),
		"alipay_root_cert.pem": sim.AlipayRootCertPEM(),
		"platform_public.pem":  sim.PlatformPublicKeyPEM(),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	return nil
}
