package server

import (
	"bytes"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

const testAESKey = "MDEyMzQ1Njc4OWFiY2RlZg==" // base64 of the 16 bytes "0123456789abcdef"

// secretNeedles are byte strings that must never leave the server or reach the disk in
// clear: 40-character chunks of each private key's base64 (from several places), a chunk
// of its DER, the PEM label, and the AES key in base64 and raw.
func secretNeedles(t *testing.T, privatePEMs ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, p := range privatePEMs {
		body := pemBody(p)
		for _, off := range []int{0, 200, 600, len(body) - 40} {
			out = append(out, []byte(body[off:off+40]))
		}
		b, _ := pem.Decode([]byte(p))
		out = append(out, b.Bytes[100:132])
	}
	raw, _ := base64.StdEncoding.DecodeString(testAESKey)
	return append(out, []byte("PRIVATE KEY"), []byte(testAESKey), raw)
}

func assertNoNeedle(t *testing.T, where string, hay []byte, needles [][]byte) {
	t.Helper()
	for _, n := range needles {
		if bytes.Contains(hay, n) {
			t.Errorf("%s contains secret material %q", where, n)
		}
	}
}

// TestChannelSecretsNeverReturned: no response of any channel RPC carries a private key or
// the AES key, over gRPC (the encoded message) or HTTP (the raw body), including errors.
func TestChannelSecretsNeverReturned(t *testing.T) {
	e := newTestEnv(t)
	appPriv, _ := testKeys(t)
	needles := secretNeedles(t, appPriv, merchantKeyPEM)
	grpcBytes := func(what string, m proto.Message) {
		t.Helper()
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		assertNoNeedle(t, "gRPC "+what, b, needles)
	}
	httpBytes := func(what, method, path, body string) {
		t.Helper()
		_, raw := e.httpRaw(e.admin(), method, path, body, nil)
		assertNoNeedle(t, "HTTP "+what, raw, needles)
	}
	withAES := func(c *reachv1.Channel) *reachv1.Channel { c.GetOpenPlatform().EncryptKey = testAESKey; return c }

	// Create.
	for _, c := range []struct {
		id string
		ch *reachv1.Channel
	}{{"life", withAES(lifeChannel(t))}, {"mini", withAES(miniChannel(t))}, {"plus", plusChannel(t)}} {
		resp := &reachv1.CreateChannelResponse{}
		e.must(mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: c.id + "-g", Channel: c.ch}, resp)
		grpcBytes("CreateChannel "+c.id, resp)
		body, _ := protojsonString(c.ch)
		httpBytes("CreateChannel "+c.id, "POST", "/v1/channels?channel_id="+c.id+"-h", body)
	}
	// Get and List.
	for _, id := range []string{"life-g", "mini-h", "plus-g"} {
		resp := &reachv1.GetChannelResponse{}
		e.must(mGetChannel, &reachv1.GetChannelRequest{Name: "channels/" + id}, resp)
		grpcBytes("GetChannel "+id, resp)
		httpBytes("GetChannel "+id, "GET", "/v1/channels/"+id, "")
	}
	list := &reachv1.ListChannelsResponse{}
	e.must(mListChannels, &reachv1.ListChannelsRequest{}, list)
	if len(list.Channels) != 6 {
		t.Fatalf("listed %d channels, want 6", len(list.Channels))
	}
	grpcBytes("ListChannels", list)
	httpBytes("ListChannels", "GET", "/v1/channels", "")
	// Update: a rename, a rotation (the new key must not come back either), and the whole
	// credentials replaced.
	for _, u := range []struct {
		id   string
		in   *reachv1.Channel
		mask string
	}{
		{"life-g", &reachv1.Channel{DisplayName: "Renamed"}, "display_name"},
		{"mini-g", &reachv1.Channel{Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: merchantKeyPEM}}}, "open_platform.app_private_key"},
		{"plus-g", &reachv1.Channel{Credentials: &reachv1.Channel_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusCredentials{MerchantPrivateKey: appPriv}}}, "alipay_plus.merchant_private_key"},
		{"life-h", withAES(lifeChannel(t)), "open_platform"},
	} {
		u.in.Name = "channels/" + u.id
		resp := &reachv1.UpdateChannelResponse{}
		e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: u.in, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{u.mask}}}, resp)
		grpcBytes("UpdateChannel "+u.mask, resp)
		body, _ := protojsonString(u.in)
		httpBytes("UpdateChannel "+u.mask, "PATCH", "/v1/"+u.in.Name+"?update_mask="+u.mask, body)
	}
	// Disable and Enable return the channel too.
	httpBytes("DisableChannel", "POST", "/v1/channels/mini-g:disable", `{}`)
	httpBytes("EnableChannel", "POST", "/v1/channels/mini-g:enable", `{}`)

	// Errors do not echo a key back: a truncated key, a key in the public key's place.
	trunc := withAES(miniChannel(t))
	trunc.GetOpenPlatform().AppPrivateKey = appPriv[:len(appPriv)/2]
	trunc.GetOpenPlatform().AlipayPublicKey = merchantKeyPEM
	err := e.call(e.admin(), mCreateChannel, &reachv1.CreateChannelRequest{Channel: trunc}, &reachv1.CreateChannelResponse{})
	if codeOf(err) != 3 {
		t.Fatalf("broken keys: %v", err)
	}
	assertNoNeedle(t, "gRPC error", []byte(err.Error()), needles)
	body, _ := protojsonString(trunc)
	httpBytes("CreateChannel error", "POST", "/v1/channels", body)
}

// TestChannelSecretsAtRest: the database files never hold a private key or the AES key in
// clear, neither while serving (WAL) nor after shutdown.
func TestChannelSecretsAtRest(t *testing.T) {
	dir := t.TempDir()
	e := startTestEnv(t, "sqlite:"+filepath.Join(dir, "reach.db"))
	appPriv, _ := testKeys(t)
	certMode := miniChannel(t)
	appKey := parsePrivatePEM(t, appPriv)
	merchant := parsePrivatePEM(t, merchantKeyPEM)
	certs := testCerts(t, &appKey.PublicKey, &merchant.PublicKey)
	op := certMode.GetOpenPlatform()
	op.AlipayPublicKey, op.AppPublicCert, op.AlipayPublicCert, op.AlipayRootCert, op.EncryptKey = "", certs.app, certs.alipay, certs.root, testAESKey
	life := lifeChannel(t)
	life.GetOpenPlatform().EncryptKey = testAESKey
	e.createChannel("life", life)
	e.createChannel("cert", certMode)
	e.createChannel("plus", plusChannel(t))
	// A rotation writes the row again with the other key.
	e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: "channels/life", Credentials: &reachv1.Channel_OpenPlatform{
		OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: merchantKeyPEM}}}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"open_platform.app_private_key"}}},
		&reachv1.UpdateChannelResponse{})

	needles := secretNeedles(t, appPriv, merchantKeyPEM)
	scan := func(when string) {
		t.Helper()
		files, err := filepath.Glob(filepath.Join(dir, "reach.db*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("database files: %v %v", files, err)
		}
		total := 0
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			total += len(b)
			assertNoNeedle(t, when+" "+filepath.Base(f), b, needles)
		}
		// The non-secret configuration is stored: the scan looks at the right bytes.
		var all []byte
		for _, f := range files {
			b, _ := os.ReadFile(f)
			all = append(all, b...)
		}
		if !bytes.Contains(all, []byte("2021000000000001")) || !strings.Contains(string(all), "3333000000000001") {
			t.Errorf("%s: the channels' app ids are not in the %d scanned bytes", when, total)
		}
	}
	scan("while serving")
	e.stop()
	scan("after shutdown")
}
