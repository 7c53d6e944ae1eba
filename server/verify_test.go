package server

import (
	"testing"
	"time"

	"google.golang.org/grpc/codes"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// channelCheck runs check on the channel of a successful call over both transports: the
// gRPC response's channel (got by grpcChannel) and the HTTP body's "channel".
func channelCheck(t *testing.T, c *transportCase, grpcChannel func() *reachv1.Channel, check func(transport string, ch *reachv1.Channel)) {
	c.grpcCheck = func() { check("gRPC", grpcChannel()) }
	c.httpCheck = func(body map[string]any) {
		ch := &reachv1.Channel{}
		remarshal(t, body["channel"], ch)
		check("HTTP", ch)
	}
}

// createdChannel is the channel of a CreateChannel case's gRPC response.
func createdChannel(c *transportCase) func() *reachv1.Channel {
	return func() *reachv1.Channel { return c.grpcResp.(*reachv1.CreateChannelResponse).Channel }
}

// wantState checks a channel's state, that state_reason has every part, and whether
// verify_time is set.
func wantState(t *testing.T, what string, ch *reachv1.Channel, state reachv1.ChannelState, verified bool, reason ...string) {
	t.Helper()
	if ch.State != state || !reasonHas(ch.StateReason, reason...) || (ch.VerifyTime != nil) != verified {
		t.Errorf("%s: state %v %q verify_time %v; want %v with reason containing %q, verify_time set %v",
			what, ch.State, ch.StateReason, ch.VerifyTime, state, reason, verified)
	}
}

// TestCreateChannelVerifiesWithSimulator: CreateChannel checks the credentials against
// (simulated) Alipay for every product and mode and records the outcome in state,
// state_reason and verify_time.
func TestCreateChannelVerifiesWithSimulator(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	start := time.Now()

	enabled := func(name, id string, ch *reachv1.Channel, extra func(transport string, ch *reachv1.Channel)) {
		t.Helper()
		c := e.createChannelCase(name, id, ch, codes.OK)
		channelCheck(t, &c, createdChannel(&c), func(tr string, got *reachv1.Channel) {
			wantState(t, name+" over "+tr, got, reachv1.ChannelState_CHANNEL_STATE_ENABLED, true)
			if vt := got.GetVerifyTime().AsTime(); vt.Before(start.Add(-time.Second)) || vt.After(time.Now().Add(time.Second)) {
				t.Errorf("%s over %s: verify_time %v is not now", name, tr, vt)
			}
			if extra != nil {
				extra(tr, got)
			}
		})
		e.runBoth(c)
	}
	enabled("life account", "life", simLifeChannel(ts), nil)
	enabled("mini program", "mini", simMiniChannel(ts), nil)
	enabled("alipay+", "plus", simPlusChannel(ts), nil)
	enabled("certificate mode", "cert", simCertChannel(ts), func(tr string, got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if op.AppCertSn != ts.App(simCertApp).CertSN || op.AlipayRootCertSn != ts.AlipayRootCertSN() || op.AlipayPublicKeyFingerprint == "" {
			t.Errorf("certificate mode over %s: app_cert_sn %q (want %q), alipay_root_cert_sn %q (want %q), fingerprint %q", tr,
				op.AppCertSn, ts.App(simCertApp).CertSN, op.AlipayRootCertSn, ts.AlipayRootCertSN(), op.AlipayPublicKeyFingerprint)
		}
	})
	// Each verification was a signed query the simulator accepted.
	for _, q := range []struct{ api, app string }{
		{"alipay.open.public.info.query", simLifeApp}, {"alipay.open.mini.baseinfo.query", simMiniApp},
		{"alipay.open.mini.baseinfo.query", simCertApp},
	} {
		if n := len(simRecords(ts, q.api, q.app)); n != 2 {
			t.Errorf("%s by %s: the simulator accepted %d calls, want 2 (one per transport)", q.api, q.app, n)
		}
	}

	failed := func(name, id string, ch *reachv1.Channel, reason ...string) {
		t.Helper()
		c := e.createChannelCase(name, id, ch, codes.OK)
		channelCheck(t, &c, createdChannel(&c), func(tr string, got *reachv1.Channel) {
			wantState(t, name+" over "+tr, got, reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED, true, reason...)
		})
		e.runBoth(c)
	}
	noKey := simOpenChannel(ts, reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM, simAESApp)
	failed("AES required, no key", "aes-nokey", noKey, "40001/isv.missing-encrypt-key")
	wrongKey := simLifeChannel(ts)
	wrongKey.GetOpenPlatform().AppPrivateKey, _ = testKeys(t)
	failed("wrong app private key", "wrongkey", wrongKey, "40002/isv.invalid-signature")
	unknownApp := simLifeChannel(ts)
	unknownApp.GetOpenPlatform().AppId = "2021000000009999"
	failed("unknown app id", "unknown", unknownApp, "40002/isv.invalid-app-id")
	wrongMerchant := simPlusChannel(ts)
	testKeys(t)
	wrongMerchant.GetAlipayPlus().MerchantPrivateKey = merchantKeyPEM
	failed("alipay+ wrong merchant key", "plus-wrongkey", wrongMerchant, "INVALID_SIGNATURE")
	unknownClient := simPlusChannel(ts)
	unknownClient.GetAlipayPlus().ClientId = "NO_SUCH_CLIENT"
	failed("alipay+ unknown client id", "plus-unknown", unknownClient, "INVALID_CLIENT")
}

// TestCreateChannelVerifiesAESApp: an app that requires AES content encryption (§1.8)
// verifies when the channel has its key, although the verification query has no
// business content to encrypt.
func TestCreateChannelVerifiesAESApp(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	aes := simOpenChannel(ts, reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_MINI_PROGRAM, simAESApp)
	aes.GetOpenPlatform().EncryptKey = ts.App(simAESApp).EncryptKey
	c := e.createChannelCase("AES with the key", "aes", aes, codes.OK)
	channelCheck(t, &c, createdChannel(&c), func(tr string, got *reachv1.Channel) {
		wantState(t, "AES with the key over "+tr, got, reachv1.ChannelState_CHANNEL_STATE_ENABLED, true)
		if info := got.GetOpenPlatform().GetEncryptKeyInfo(); !info.GetSet() || info.GetFingerprint() == "" || got.GetOpenPlatform().EncryptKey != "" {
			t.Errorf("AES over %s: encrypt_key_info %v", tr, info)
		}
	})
	e.runBoth(c)
	if n := len(simRecords(ts, "alipay.open.mini.baseinfo.query", simAESApp)); n != 2 {
		t.Errorf("the simulator accepted %d verification calls, want 2", n)
	}
}

// TestCreateChannelVerifyCannotRun: when Alipay cannot be reached the channel is created
// UNVERIFIED with the reason, without verify_time; a gateway that never answers does not
// hold the call past the verification bound.
func TestCreateChannelVerifyCannotRun(t *testing.T) {
	t.Parallel() // mostly waiting: overlaps with the other slow tests
	ts := newSim(t, nil)
	e := newTestEnv(t)
	unverified := func(name, id, gatewayURL string, limit time.Duration) {
		t.Helper()
		ch := simLifeChannel(ts)
		ch.GetOpenPlatform().GatewayUrl = gatewayURL
		c := e.createChannelCase(name, id, ch, codes.OK)
		channelCheck(t, &c, createdChannel(&c), func(tr string, got *reachv1.Channel) {
			wantState(t, name+" over "+tr, got, reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED, false, "verification could not run")
		})
		start := time.Now()
		e.runBoth(c)
		within(t, name+" (both transports)", start, 2*limit)
	}
	unverified("nothing listens", "dead", deadGatewayURL(t), 2*time.Second)

	// A simulator that answers after 8 s (past the 4 s bound): UNVERIFIED in time too, and
	// the channel is stored. It runs beside the next case to keep the suite fast.
	if _, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultDelay, Delay: alipaysim.Duration(8 * time.Second), AppID: simMiniApp}); err != nil {
		t.Fatal(err)
	}
	slow := &reachv1.CreateChannelResponse{}
	slowErr, slowTook := make(chan error, 1), make(chan time.Duration, 1)
	token := e.admin()
	go func() {
		start := time.Now()
		slowErr <- e.call(token, mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: "slow", Channel: simMiniChannel(ts)}, slow)
		slowTook <- time.Since(start)
	}()

	unverified("gateway never answers", "hang", hangingGatewayURL(t), 6*time.Second)

	if err := <-slowErr; err != nil {
		t.Fatalf("create against a slow simulator: %v", err)
	}
	if d := <-slowTook; d > 6*time.Second {
		t.Errorf("create against a slow simulator took %v, want at most 6s", d)
	}
	wantState(t, "slow simulator", slow.Channel, reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED, false, "verification could not run")
	wantState(t, "slow simulator, stored", e.getChannel("channels/slow"), reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED, false, "verification could not run")
}

// verifyCase is VerifyChannel of channels/{id} over both transports.
func (e *testEnv) verifyCase(name, gid, hid string, want codes.Code) transportCase {
	return transportCase{name: name, token: e.admin(), grpcMethod: mVerifyChannel, grpcReq: &reachv1.VerifyChannelRequest{Name: "channels/" + gid},
		grpcResp: &reachv1.VerifyChannelResponse{}, httpMethod: "POST", httpPath: "/v1/channels/" + hid + ":verify", httpBody: `{}`, want: want}
}

// verifyExpect runs VerifyChannel on gid (gRPC) and hid (HTTP) and checks the state.
func (e *testEnv) verifyExpect(name, gid, hid string, state reachv1.ChannelState, verified bool, reason ...string) {
	e.t.Helper()
	c := e.verifyCase(name, gid, hid, codes.OK)
	channelCheck(e.t, &c, func() *reachv1.Channel { return c.grpcResp.(*reachv1.VerifyChannelResponse).Channel },
		func(tr string, got *reachv1.Channel) {
			wantState(e.t, name+" over "+tr, got, state, verified, reason...)
		})
	e.runBoth(c)
	for _, id := range []string{gid, hid} {
		if got := e.getChannel("channels/" + id); got.State != state {
			e.t.Errorf("%s: stored channel %s is %v, want %v", name, id, got.State, state)
		}
	}
}

// TestVerifyChannelRechecks: VerifyChannel asks Alipay again each time: a fault makes the
// check unable to run, a rotated Alipay certificate is downloaded and trusted, a rotated
// app key re-verifies on UpdateChannel, EnableChannel verifies, and a DISABLED channel
// cannot be verified.
func TestVerifyChannelRechecks(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	for _, id := range []string{"life-g", "life-h"} {
		if ch := e.createChannel(id, simLifeChannel(ts)); ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
			t.Fatalf("%s: %v %q", id, ch.State, ch.StateReason)
		}
	}
	first := e.getChannel("channels/life-g").VerifyTime.AsTime()

	// Verify again: ENABLED, a later verify_time, one more call at the simulator.
	before := len(simRecords(ts, "alipay.open.public.info.query", simLifeApp))
	time.Sleep(5 * time.Millisecond)
	e.verifyExpect("verify again", "life-g", "life-h", reachv1.ChannelState_CHANNEL_STATE_ENABLED, true, "verified")
	if got := e.getChannel("channels/life-g").VerifyTime.AsTime(); !got.After(first) {
		t.Errorf("verify_time %v not after %v", got, first)
	}
	if n := len(simRecords(ts, "alipay.open.public.info.query", simLifeApp)); n != before+2 {
		t.Errorf("the simulator accepted %d verification calls, want %d", n, before+2)
	}

	// Alipay fails (20000 isp.unknow-error): the check could not run; the reason says so, and
	// the channel Alipay accepted stays ENABLED (an outage must not stop a working channel).
	id, err := ts.AddFault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, AppID: simLifeApp})
	if err != nil {
		t.Fatal(err)
	}
	e.verifyExpect("verify during an Alipay outage", "life-g", "life-h", reachv1.ChannelState_CHANNEL_STATE_ENABLED, true,
		"verification could not run", "isp.unknow-error")
	ts.RemoveFault(id)
	e.verifyExpect("verify after the outage", "life-g", "life-h", reachv1.ChannelState_CHANNEL_STATE_ENABLED, true)

	// Rotating the app key to one Alipay does not know: AUTH_FAILED with Alipay's code;
	// back to the registered key: ENABLED again. Each rotation verified on the spot.
	other, _ := testKeys(t)
	rotate := func(name, key string, state reachv1.ChannelState, reason ...string) {
		t.Helper()
		c := e.updateChannelCase(name, &reachv1.Channel{Name: "channels/life-g", Credentials: &reachv1.Channel_OpenPlatform{
			OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: key}}}, "life-h", []string{"open_platform.app_private_key"}, codes.OK)
		channelCheck(t, &c, func() *reachv1.Channel { return c.grpcResp.(*reachv1.UpdateChannelResponse).Channel },
			func(tr string, got *reachv1.Channel) { wantState(t, name+" over "+tr, got, state, true, reason...) })
		e.runBoth(c)
	}
	rotate("rotate to an unknown key", other, reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED, "40002/isv.invalid-signature")
	e.verifyExpect("verify with the unknown key", "life-g", "life-h", reachv1.ChannelState_CHANNEL_STATE_AUTH_FAILED, true, "isv.invalid-signature")
	rotate("rotate back to the registered key", ts.App(simLifeApp).PrivateKeyPEM, reachv1.ChannelState_CHANNEL_STATE_ENABLED)

	// Certificate mode: Alipay rotates its certificate; the new one is downloaded, checked
	// against the root and trusted.
	for _, id := range []string{"cert-g", "cert-h"} {
		if ch := e.createChannel(id, simCertChannel(ts)); ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED {
			t.Fatalf("%s: %v %q", id, ch.State, ch.StateReason)
		}
	}
	if _, err := ts.RotateAlipayCert(false); err != nil {
		t.Fatal(err)
	}
	e.verifyExpect("verify after Alipay rotated its certificate", "cert-g", "cert-h", reachv1.ChannelState_CHANNEL_STATE_ENABLED, true)

	// Disabled: VerifyChannel refuses; EnableChannel verifies.
	for _, id := range []string{"life-g", "life-h"} {
		e.must(mDisableChannel, &reachv1.DisableChannelRequest{Name: "channels/" + id}, &reachv1.DisableChannelResponse{})
	}
	d := e.verifyCase("verify a disabled channel", "life-g", "life-h", codes.FailedPrecondition)
	d.msg = "DISABLED"
	e.runBoth(d)
	for _, id := range []string{"life-g", "life-h"} {
		if got := e.getChannel("channels/" + id); got.State != reachv1.ChannelState_CHANNEL_STATE_DISABLED {
			t.Errorf("%s after a refused verify: %v", id, got.State)
		}
	}
	en := transportCase{name: "enable", token: e.admin(), grpcMethod: mEnableChannel, grpcReq: &reachv1.EnableChannelRequest{Name: "channels/life-g"},
		grpcResp: &reachv1.EnableChannelResponse{}, httpMethod: "POST", httpPath: "/v1/channels/life-h:enable", httpBody: `{}`, want: codes.OK}
	channelCheck(t, &en, func() *reachv1.Channel { return en.grpcResp.(*reachv1.EnableChannelResponse).Channel },
		func(tr string, got *reachv1.Channel) {
			wantState(t, "enable over "+tr, got, reachv1.ChannelState_CHANNEL_STATE_ENABLED, true)
		})
	e.runBoth(en)
}
