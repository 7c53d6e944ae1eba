package server

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestGatewayURLAllowlist: a gateway_url that is not one of the operator's Alipay gateways,
// or that carries a user name or password, is INVALID_ARGUMENT naming the field, on create
// and on update (finding 2 of issue 7: any https host or loopback port was accepted).
func TestGatewayURLAllowlist(t *testing.T) {
	e := newTestEnv(t)
	const field = "channel.open_platform.gateway_url"
	for _, c := range []struct{ name, url, msg string }{
		{"host not on the list", "https://example.com/gateway.do", "is not one of the Alipay gateways"},
		{"listed host on another port", "https://openapi.alipay.com:8443/gateway.do", "is not one of the Alipay gateways"},
		{"look-alike host", "https://openapi.alipay.com.evil.example/gateway.do", "is not one of the Alipay gateways"},
		{"private address", "https://10.0.0.1/gateway.do", "is not one of the Alipay gateways"},
		{"cloud metadata over http", "http://169.254.169.254/latest/meta-data", "must use https"},
		{"user and password", "https://user:pass@openapi.alipay.com/gateway.do", "user name or password"},
		{"user and password on loopback", "http://user:pass@127.0.0.1:1/gateway.do", "user name or password"},
	} {
		ch := modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.GatewayUrl = c.url })
		tc := e.createChannelCase("create: "+c.name, "", ch, codes.InvalidArgument, field)
		tc.msg = c.msg
		e.runBoth(tc)
	}
	plus := e.createChannelCase("create: alipay+ host not on the list", "",
		modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.GatewayUrl = "https://wallet.example/api/open" }),
		codes.InvalidArgument, "channel.alipay_plus.gateway_url")
	e.runBoth(plus)

	// The listed hosts themselves are fine (verification then fails offline, which is not
	// what this test is about).
	stored := e.createChannel("mini", miniChannel(t)).GetOpenPlatform().GatewayUrl
	in := &reachv1.Channel{Name: "channels/mini", Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
		GatewayUrl: "https://user:pass@openapi.alipay.com/gateway.do"}}}
	e.runBoth(e.updateChannelCase("update: user and password", in, "", []string{"open_platform.gateway_url"}, codes.InvalidArgument, field))
	in.GetOpenPlatform().GatewayUrl = "https://internal.example:8443/admin"
	e.runBoth(e.updateChannelCase("update: host not on the list", in, "", []string{"open_platform.gateway_url"}, codes.InvalidArgument, field))
	if got := e.getChannel("channels/mini").GetOpenPlatform().GatewayUrl; got != stored {
		t.Errorf("a refused update changed gateway_url to %q", got)
	}
}

// TestDefaultAllowlistRefusesLoopback: without --alipay-allow-loopback a server accepts
// only Alipay's own gateways, so a channel on a loopback port (here the simulator) is
// refused before anything is sent to it.
func TestDefaultAllowlistRefusesLoopback(t *testing.T) {
	ts := newSim(t, nil)
	e := startTestEnvConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"), Config{ShutdownTimeout: 5 * time.Second})
	tc := e.createChannelCase("simulator on loopback", "", simLifeChannel(ts), codes.InvalidArgument, "channel.open_platform.gateway_url")
	tc.msg = "--alipay-hosts"
	e.runBoth(tc)
	e.runBoth(e.createChannelCase("alipay+ simulator on loopback", "", simPlusChannel(ts), codes.InvalidArgument, "channel.alipay_plus.gateway_url"))
	if n := len(ts.Requests(alipaysim.RequestFilter{})); n != 0 {
		t.Errorf("the simulator received %d requests", n)
	}
}

// TestStoredChannelOutsideAllowlist: the allowlist holds where requests are made, so a
// channel stored while its gateway was allowed cannot be used once it is not: a claim is
// FAILED_PRECONDITION saying why, verification makes the channel AUTH_FAILED with that
// reason, and the gateway receives nothing.
func TestStoredChannelOutsideAllowlist(t *testing.T) {
	ts := newSim(t, nil)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	before := startTestEnv(t, dsn)
	before.simLife(ts, "life")
	before.simLife(ts, "life2")
	before.stop()
	sent := len(ts.Requests(alipaysim.RequestFilter{}))

	e := startTestEnvConfig(t, dsn, Config{ShutdownTimeout: 5 * time.Second}) // Alipay's hosts only
	claim := e.claimCase("claim on a channel outside the list", &reachv1.ClaimTemplateRequest{Parent: "channels/life2", LibCode: simLibCode,
		Keywords: []string{"交易金额", "交易笔数"}}, "", codes.FailedPrecondition)
	claim.msg = "gateway_url is not one of the Alipay gateways"
	e.runBoth(claim)
	e.verifyExpect("verify a channel outside the list", "life", "life", reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED, true,
		"gateway_url is not one of the Alipay gateways")
	if got := e.getChannel("channels/life2"); got.State != reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED || strings.Contains(got.StateReason, "127.0.0.1") {
		t.Errorf("after the refused claim: %v %q, want AUTH_FAILED without the address", got.State, got.StateReason)
	}
	if n := len(ts.Requests(alipaysim.RequestFilter{})); n != sent {
		t.Errorf("the simulator received %d requests after the allowlist changed", n-sent)
	}
}
