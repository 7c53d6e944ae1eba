package main

import (
	"log/slog"
	"strings"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/signer"
)

// alipayFlags are the Alipay gateways this process may call (serve and dispatch both send).
type alipayFlags struct {
	hosts         string
	allowLoopback bool
	rsaSigner     string
}

func (f *alipayFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.hosts, "alipay-hosts", strings.Join(appconn.DefaultAlipayHosts, ","),
		"Alipay gateways channels may use, as host or host:port (port 443 when omitted), comma-separated; a gateway_url elsewhere is refused (env REACH_ALIPAY_HOSTS)")
	cmd.Flags().BoolVar(&f.allowLoopback, "alipay-allow-loopback", false,
		"also allow any loopback host and port, over http or https: a local simulator, never production (env REACH_ALIPAY_ALLOW_LOOPBACK)")
	cmd.Flags().StringVar(&f.rsaSigner, "rsa-signer", signer.BackendAuto,
		"what signs Alipay calls: auto (the system's OpenSSL when it loads, else Go), openssl (refuse to start without it) or go; OpenSSL signs about three times as fast (env REACH_RSA_SIGNER)")
}

// useSigner selects the RSA implementation and says which one signs.
func (f *alipayFlags) useSigner(log *slog.Logger) error {
	inUse, err := signer.Use(f.rsaSigner)
	if err != nil {
		return err
	}
	log.Info("signing Alipay calls with " + inUse)
	return nil
}

// endpoints is the allowlist the flags describe.
func (f *alipayFlags) endpoints() (*appconn.Endpoints, error) {
	return appconn.ParseEndpoints(f.hosts, f.allowLoopback)
}
