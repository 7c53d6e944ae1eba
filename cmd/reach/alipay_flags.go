package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/reachhq/reach/appconn"
)

// alipayFlags are the Alipay gateways this process may call (serve and dispatch both send).
type alipayFlags struct {
	hosts         string
	allowLoopback bool
}

func (f *alipayFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.hosts, "alipay-hosts", strings.Join(appconn.DefaultAlipayHosts, ","),
		"Alipay gateways channels may use, as host or host:port (port 443 when omitted), comma-separated; a gateway_url elsewhere is refused (env REACH_ALIPAY_HOSTS)")
	cmd.Flags().BoolVar(&f.allowLoopback, "alipay-allow-loopback", false,
		"also allow any loopback host and port, over http or https: a local simulator, never production (env REACH_ALIPAY_ALLOW_LOOPBACK)")
}

// endpoints is the allowlist the flags describe.
func (f *alipayFlags) endpoints() (*appconn.Endpoints, error) {
	return appconn.ParseEndpoints(f.hosts, f.allowLoopback)
}
