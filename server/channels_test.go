package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// createChannelCase creates ch over both transports; id (when set) becomes id-g over gRPC
// and id-h over HTTP so that both can succeed.
func (e *testEnv) createChannelCase(name, id string, ch *reachv1.Channel, want codes.Code, fields ...string) transportCase {
	gid, path := "", "/v1/channels"
	if id != "" {
		gid, path = id+"-g", path+"?channel_id="+id+"-h"
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mCreateChannel,
		grpcReq: &reachv1.CreateChannelRequest{ChannelId: gid, Channel: ch}, grpcResp: &reachv1.CreateChannelResponse{},
		httpMethod: "POST", httpPath: path, httpBody: ch, want: want, fields: fields}
}

// modOP returns a mini program channel with its Open Platform credentials changed by mod.
func modOP(t *testing.T, mod func(*reachv1.OpenPlatformCredentials)) *reachv1.Channel {
	c := miniChannel(t)
	mod(c.GetOpenPlatform())
	return c
}

// modPlus returns an Alipay+ channel with its credentials changed by mod.
func modPlus(t *testing.T, mod func(*reachv1.AlipayPlusCredentials)) *reachv1.Channel {
	c := plusChannel(t)
	mod(c.GetAlipayPlus())
	return c
}

func TestCreateChannel(t *testing.T) {
	e := newTestEnv(t)
	appPriv, alipayPubPEM := testKeys(t)
	appKey := parsePrivatePEM(t, appPriv)
	merchant := parsePrivatePEM(t, merchantKeyPEM)
	certs := testCerts(t, &appKey.PublicKey, &merchant.PublicKey)
	wrongCerts := testCerts(t, &merchant.PublicKey, &merchant.PublicKey) // app cert of another key

	// Success for each type, with the output-only credential fields filled.
	okCase := func(name, id string, ch *reachv1.Channel, check func(*reachv1.Channel)) {
		c := e.createChannelCase(name, id, ch, codes.OK)
		c.grpcCheck = func() {
			got := c.grpcResp.(*reachv1.CreateChannelResponse).Channel
			if got.Name != "channels/"+id+"-g" || got.Type != ch.Type || got.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED ||
				got.StateReason == "" || got.Etag == "" || got.CreateTime == nil {
				t.Errorf("%s: created %v", name, got)
			}
			check(got)
		}
		c.httpCheck = func(body map[string]any) {
			got := &reachv1.Channel{}
			remarshal(t, body["channel"], got)
			if got.Name != "channels/"+id+"-h" {
				t.Errorf("%s over HTTP: name %q", name, got.Name)
			}
			check(got)
		}
		e.runBoth(c)
	}
	opCheck := func(got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if op.GetAppPrivateKey() != "" || !op.GetAppPrivateKeyInfo().GetSet() || op.GetAppPrivateKeyInfo().GetFingerprint() != fingerprintOf(t, appKey) {
			t.Errorf("open platform credentials: %v", op)
		}
		if !strings.HasPrefix(op.GetAlipayPublicKeyFingerprint(), "SHA256:") {
			t.Errorf("alipay_public_key_fingerprint %q", op.GetAlipayPublicKeyFingerprint())
		}
	}
	okCase("life account", "life", lifeChannel(t), opCheck)
	okCase("mini program", "mini", miniChannel(t), opCheck)
	okCase("alipay+", "plus", plusChannel(t), func(got *reachv1.Channel) {
		ap := got.GetAlipayPlus()
		if ap.GetMerchantPrivateKey() != "" || !ap.GetMerchantPrivateKeyInfo().GetSet() ||
			ap.GetMerchantPrivateKeyInfo().GetFingerprint() != fingerprintOf(t, merchant) || !strings.HasPrefix(ap.GetPlatformPublicKeyFingerprint(), "SHA256:") {
			t.Errorf("alipay+ credentials: %v", ap)
		}
	})
	aesKey := "MDEyMzQ1Njc4OWFiY2RlZg==" // base64 of 16 bytes
	okCase("with AES key and sandbox gateway", "aes", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
		op.EncryptKey, op.GatewayUrl = aesKey, "https://openapi-sandbox.dl.alipaydev.com/gateway.do"
	}), func(got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if op.GetEncryptKey() != "" || !op.GetEncryptKeyInfo().GetSet() || !strings.HasPrefix(op.GetEncryptKeyInfo().GetFingerprint(), "SHA256:") ||
			len(op.GetEncryptKeyInfo().GetFingerprint()) != len("SHA256:")+16 || op.GetGatewayUrl() == "" {
			t.Errorf("encrypt key info: %v", op)
		}
	})
	okCase("plain http on loopback", "loop", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
		op.GatewayUrl = "http://127.0.0.1:8080/gateway.do"
	}), opCheck)
	okCase("plain http on localhost", "lh", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
		op.GatewayUrl = "http://localhost:9999/gateway.do"
	}), opCheck)
	okCase("certificate mode", "cert", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
		op.AlipayPublicKey, op.AppPublicCert, op.AlipayPublicCert, op.AlipayRootCert = "", certs.app, certs.alipay, certs.root
	}), func(got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if len(op.GetAppCertSn()) != 32 || len(op.GetAlipayRootCertSn()) != 32 || op.GetAlipayPublicKeyFingerprint() != fingerprintOf(t, merchant) {
			t.Errorf("certificate mode: app_cert_sn %q root sn %q alipay fp %q", op.GetAppCertSn(), op.GetAlipayRootCertSn(), op.GetAlipayPublicKeyFingerprint())
		}
		if op.GetAppPublicCert() != certs.app || op.GetAlipayRootCert() != certs.root {
			t.Errorf("certificates not returned as given")
		}
	})
	okCase("delivery policy", "policy", func() *reachv1.Channel {
		c := miniChannel(t)
		c.DeliveryPolicy = &reachv1.DeliveryPolicy{MaxSendsPerSecond: 20, MaxAttempts: 3, MaxPerUserPerDay: 10}
		return c
	}(), func(got *reachv1.Channel) {
		if dp := got.GetDeliveryPolicy(); dp.GetMaxSendsPerSecond() != 20 || dp.GetMaxAttempts() != 3 || dp.GetMaxPerUserPerDay() != 10 {
			t.Errorf("delivery policy %v", dp)
		}
	})

	// Output-only fields sent by the client are ignored.
	okCase("output-only fields ignored", "forged", func() *reachv1.Channel {
		c := miniChannel(t)
		c.Name, c.State, c.StateReason, c.Etag = "channels/evil", reachv1.ChannelState_CHANNEL_STATE_ENABLED, "trust me", "99"
		op := c.GetOpenPlatform()
		op.AppCertSn, op.AlipayRootCertSn, op.AlipayPublicKeyFingerprint = "forged", "forged", "SHA256:forged"
		op.AppPrivateKeyInfo = &reachv1.SecretInfo{Set: true, Fingerprint: "SHA256:forged"}
		return c
	}(), func(got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if got.Etag != "1" || strings.Contains(got.StateReason, "trust") || op.AppCertSn != "" || op.AlipayRootCertSn != "" || strings.Contains(op.AlipayPublicKeyFingerprint, "forged") {
			t.Errorf("output-only fields taken from the request: %v", got)
		}
		opCheck(got)
	})

	// A generated id when channel_id is empty.
	gen := e.createChannelCase("generated id", "", lifeChannel(t), codes.OK)
	gen.grpcCheck = func() {
		if n := gen.grpcResp.(*reachv1.CreateChannelResponse).Channel.Name; !strings.HasPrefix(n, "channels/") || len(n) != len("channels/")+36 {
			t.Errorf("generated name %q", n)
		}
	}
	e.runBoth(gen)

	// Invalid requests: each names the field at fault.
	own := publicPEM(t, appKey)
	for _, c := range []struct {
		name   string
		id     string
		ch     *reachv1.Channel
		fields []string
		msg    string
	}{
		{"bad channel_id", "Bad_ID", miniChannel(t), []string{"channel_id"}, ""},
		{"channel_id too long", "a" + strings.Repeat("b", 63), miniChannel(t), []string{"channel_id"}, ""},
		{"no display name", "", func() *reachv1.Channel { c := miniChannel(t); c.DisplayName = ""; return c }(), []string{"channel.display_name"}, ""},
		{"display name too long", "", func() *reachv1.Channel { c := miniChannel(t); c.DisplayName = strings.Repeat("名", 201); return c }(), []string{"channel.display_name"}, ""},
		{"no type", "", func() *reachv1.Channel { c := miniChannel(t); c.Type = 0; return c }(), []string{"channel.type"}, ""},
		{"mini without credentials", "", func() *reachv1.Channel { c := miniChannel(t); c.Credentials = nil; return c }(), []string{"channel.open_platform"}, ""},
		{"alipay+ with open platform credentials", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.Type = reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_PLUS_MINI_PROGRAM
			return c
		}(), []string{"channel.alipay_plus"}, ""},
		{"bad app id", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AppId = "app id!" }), []string{"channel.open_platform.app_id"}, ""},
		{"no private key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AppPrivateKey = "" }), []string{"channel.open_platform.app_private_key"}, ""},
		{"garbage private key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AppPrivateKey = "bm90IGEga2V5" }), []string{"channel.open_platform.app_private_key"}, ""},
		{"public key as private key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AppPrivateKey = alipayPubPEM }), []string{"channel.open_platform.app_private_key"}, ""},
		{"no alipay public key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AlipayPublicKey = "" }), []string{"channel.open_platform.alipay_public_key"}, ""},
		{"alipay public key is the app's own", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AlipayPublicKey = own }),
			[]string{"channel.open_platform.alipay_public_key"}, "app's own public key"},
		{"alipay public key is the app's own, bare base64", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.AlipayPublicKey = pemBody(own) }),
			[]string{"channel.open_platform.alipay_public_key"}, "app's own public key"},
		{"both key and certificate mode", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
			op.AppPublicCert, op.AlipayPublicCert, op.AlipayRootCert = certs.app, certs.alipay, certs.root
		}), []string{"channel.open_platform.alipay_public_key"}, ""},
		{"certificate mode without root", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
			op.AlipayPublicKey, op.AppPublicCert, op.AlipayPublicCert = "", certs.app, certs.alipay
		}), []string{"channel.open_platform.alipay_root_cert"}, ""},
		{"certificate mode, app cert of another key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
			op.AlipayPublicKey, op.AppPublicCert, op.AlipayPublicCert, op.AlipayRootCert = "", wrongCerts.app, certs.alipay, certs.root
		}), []string{"channel.open_platform.app_public_cert"}, "does not belong to app_private_key"},
		{"certificate mode, private key as certificate", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) {
			op.AlipayPublicKey, op.AppPublicCert, op.AlipayPublicCert, op.AlipayRootCert = "", certs.app, certs.alipay, appPriv
		}), []string{"channel.open_platform.alipay_root_cert"}, ""},
		{"bad AES key", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.EncryptKey = "c2hvcnQ=" }), []string{"channel.open_platform.encrypt_key"}, ""},
		{"http gateway on a network host", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.GatewayUrl = "http://openapi.alipay.com/gateway.do" }),
			[]string{"channel.open_platform.gateway_url"}, ""},
		{"http gateway on a private address", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.GatewayUrl = "http://10.0.0.1/gateway.do" }),
			[]string{"channel.open_platform.gateway_url"}, ""},
		{"gateway not a URL", "", modOP(t, func(op *reachv1.OpenPlatformCredentials) { op.GatewayUrl = "ftp://example.com" }),
			[]string{"channel.open_platform.gateway_url"}, ""},
		{"alipay+ without gateway", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.GatewayUrl = "" }), []string{"channel.alipay_plus.gateway_url"}, ""},
		{"alipay+ http gateway", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.GatewayUrl = "http://open-sea-global.alipay.com/api/open" }),
			[]string{"channel.alipay_plus.gateway_url"}, ""},
		{"alipay+ without platform key", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.PlatformPublicKey = "" }), []string{"channel.alipay_plus.platform_public_key"}, ""},
		{"alipay+ without merchant key", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.MerchantPrivateKey = "" }), []string{"channel.alipay_plus.merchant_private_key"}, ""},
		{"alipay+ bad client id", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.ClientId = "" }), []string{"channel.alipay_plus.client_id"}, ""},
		{"alipay+ bad app id", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.AppId = "" }), []string{"channel.alipay_plus.app_id"}, ""},
		{"alipay+ bad key version", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.KeyVersion = "v1" }), []string{"channel.alipay_plus.key_version"}, ""},
		{"alipay+ bad super app", "", modPlus(t, func(ap *reachv1.AlipayPlusCredentials) { ap.CustomerBelongsTo = "alipay_cn" }), []string{"channel.alipay_plus.customer_belongs_to"}, ""},
		{"delivery policy out of range", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.DeliveryPolicy = &reachv1.DeliveryPolicy{MaxSendsPerSecond: -1, MaxAttempts: 101, MaxPerUserPerDay: 10001, Burst: -1}
			return c
		}(), []string{"channel.delivery_policy.max_sends_per_second", "channel.delivery_policy.max_attempts", "channel.delivery_policy.max_per_user_per_day", "channel.delivery_policy.burst"}, ""},
		{"quiet hours malformed", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.DeliveryPolicy = &reachv1.DeliveryPolicy{QuietHours: &reachv1.QuietHours{Start: "22h", End: "08:00"}}
			return c
		}(), []string{"channel.delivery_policy.quiet_hours.start"}, ""},
		{"quiet hours in no time zone", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.DeliveryPolicy = &reachv1.DeliveryPolicy{QuietHours: &reachv1.QuietHours{Start: "22:00", End: "08:00", TimeZone: "Beijing"}}
			return c
		}(), []string{"channel.delivery_policy.quiet_hours.time_zone"}, ""},
		{"frequency cap without a number", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.DeliveryPolicy = &reachv1.DeliveryPolicy{FrequencyCap: &reachv1.FrequencyCap{TimeZone: "Asia/Nowhere"}}
			return c
		}(), []string{"channel.delivery_policy.frequency_cap.max_messages"}, ""},
		{"dedup window beyond 30 days", "", func() *reachv1.Channel {
			c := miniChannel(t)
			c.DeliveryPolicy = &reachv1.DeliveryPolicy{DedupWindow: durationpb.New(31 * 24 * time.Hour)}
			return c
		}(), []string{"channel.delivery_policy.dedup_window"}, ""},
		{"every violation at once", "Bad", &reachv1.Channel{Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT, Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{}}},
			[]string{"channel_id", "channel.display_name", "channel.open_platform.app_id", "channel.open_platform.app_private_key", "channel.open_platform.alipay_public_key"}, "(and 4 more)"},
	} {
		tc := e.createChannelCase(c.name, "", c.ch, codes.InvalidArgument, c.fields...)
		if c.id != "" {
			tc.grpcReq.(*reachv1.CreateChannelRequest).ChannelId = c.id
			tc.httpPath += "?channel_id=" + c.id
		}
		tc.msg = c.msg
		e.runBoth(tc)
	}
	// No channel at all: gRPC without the message; over HTTP an empty body decodes to an
	// empty channel, whose required fields are named.
	err := e.call(e.admin(), mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: "x"}, &reachv1.CreateChannelResponse{})
	if status.Code(err) != codes.InvalidArgument || !slices.Contains(grpcViolations(err), "channel") {
		t.Errorf("no channel over gRPC: %v %v", err, grpcViolations(err))
	}
	code, body := e.httpCall(e.admin(), "POST", "/v1/channels?channel_id=x", nil)
	if got := httpViolations(body); code != 400 || !slices.Contains(got, "channel.type") || !slices.Contains(got, "channel.display_name") {
		t.Errorf("no body over HTTP: %d %v", code, body)
	}
	// Malformed JSON is INVALID_ARGUMENT from the gateway.
	if code, _ := e.httpCall(e.admin(), "POST", "/v1/channels", `{"displayName":`); code != 400 {
		t.Errorf("malformed JSON: HTTP %d, want 400", code)
	}

	// Duplicate id: ALREADY_EXISTS, while the same id in another tenant is fine.
	e.createChannel("dup", miniChannel(t))
	dup := e.createChannelCase("duplicate channel_id", "", miniChannel(t), codes.AlreadyExists)
	dup.grpcReq.(*reachv1.CreateChannelRequest).ChannelId, dup.httpPath = "dup", "/v1/channels?channel_id=dup"
	dup.msg = `"channels/dup"`
	e.runBoth(dup)
	other := e.createChannelCase("same id in another tenant", "", miniChannel(t), codes.OK)
	other.token = e.key("globex", store.RoleAdmin)
	other.grpcReq.(*reachv1.CreateChannelRequest).ChannelId, other.httpPath = "dup", "/v1/channels?channel_id=dup2"
	e.runBoth(other)
}

func TestGetChannel(t *testing.T) {
	e := newTestEnv(t)
	created := e.createChannel("acme-life", lifeChannel(t))
	get := func(name, path string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mGetChannel, grpcReq: &reachv1.GetChannelRequest{Name: path},
			grpcResp: &reachv1.GetChannelResponse{}, httpMethod: "GET", httpPath: "/v1/" + path, want: want, fields: fields}
	}
	ok := get("existing", "channels/acme-life", codes.OK)
	ok.grpcCheck = func() {
		if got := ok.grpcResp.(*reachv1.GetChannelResponse).Channel; !proto.Equal(got, created) {
			t.Errorf("get\n%v\nwant the created\n%v", got, created)
		}
	}
	ok.httpCheck = func(body map[string]any) {
		got := &reachv1.Channel{}
		remarshal(t, body["channel"], got)
		if !proto.Equal(got, created) {
			t.Errorf("get over HTTP\n%v\nwant\n%v", got, created)
		}
	}
	e.runBoth(ok)
	e.runBoth(get("missing", "channels/nope", codes.NotFound))
	e.runBoth(get("bad name", "channels/Nope_1", codes.InvalidArgument, "name"))
	e.runBoth(get("other tenant's", "channels/acme-life", codes.NotFound).withToken(e.key("globex", store.RoleAdmin)))
	e.runBoth(get("viewer", "channels/acme-life", codes.OK).withToken(e.key("acme", store.RoleViewer)))
}

func (c transportCase) withToken(tok string) transportCase { c.token = tok; return c }

func TestListChannels(t *testing.T) {
	e := newTestEnv(t)
	for i, ch := range []*reachv1.Channel{lifeChannel(t), miniChannel(t), plusChannel(t), lifeChannel(t), miniChannel(t)} {
		e.createChannel(fmt.Sprintf("ch-%d", i+1), ch)
	}
	for _, id := range []string{"ch-2", "ch-4"} {
		e.must(mDisableChannel, &reachv1.DisableChannelRequest{Name: "channels/" + id}, &reachv1.DisableChannelResponse{})
	}
	e.mustAs(e.key("globex", store.RoleAdmin), mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: "ch-9", Channel: lifeChannel(t)},
		&reachv1.CreateChannelResponse{}) // invisible to acme

	// Page through 5 channels two at a time over each transport.
	var viaGRPC []string
	token := ""
	for pages := 0; ; pages++ {
		resp := &reachv1.ListChannelsResponse{}
		e.must(mListChannels, &reachv1.ListChannelsRequest{PageSize: 2, PageToken: token}, resp)
		if len(resp.Channels) > 2 {
			t.Fatalf("page of %d channels, want at most 2", len(resp.Channels))
		}
		for _, c := range resp.Channels {
			viaGRPC = append(viaGRPC, c.Name)
			if c.GetOpenPlatform().GetAppPrivateKey() != "" || c.GetAlipayPlus().GetMerchantPrivateKey() != "" {
				t.Errorf("list returns a private key")
			}
		}
		if token = resp.NextPageToken; token == "" {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
	}
	var viaHTTP []string
	token = ""
	for {
		code, body := e.httpCall(e.admin(), "GET", "/v1/channels?page_size=2&page_token="+url.QueryEscape(token), nil)
		if code != 200 {
			t.Fatalf("HTTP list: %d %v", code, body)
		}
		resp := &reachv1.ListChannelsResponse{}
		remarshal(t, body, resp)
		for _, c := range resp.Channels {
			viaHTTP = append(viaHTTP, c.Name)
		}
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	want := []string{"channels/ch-1", "channels/ch-2", "channels/ch-3", "channels/ch-4", "channels/ch-5"}
	if !slices.Equal(viaGRPC, want) || !slices.Equal(viaHTTP, want) {
		t.Errorf("paged listing: gRPC %v, HTTP %v, want %v in order without duplicates", viaGRPC, viaHTTP, want)
	}

	list := func(name, query string, filter string, size int32, want codes.Code, wantNames []string, fields ...string) {
		c := transportCase{name: name, token: e.admin(), grpcMethod: mListChannels, grpcReq: &reachv1.ListChannelsRequest{Filter: filter, PageSize: size},
			grpcResp: &reachv1.ListChannelsResponse{}, httpMethod: "GET", httpPath: "/v1/channels?" + query, want: want, fields: fields}
		names := func(cs []*reachv1.Channel) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Name)
			}
			return out
		}
		c.grpcCheck = func() {
			if got := names(c.grpcResp.(*reachv1.ListChannelsResponse).Channels); !slices.Equal(got, wantNames) {
				t.Errorf("%s: gRPC %v, want %v", name, got, wantNames)
			}
		}
		c.httpCheck = func(body map[string]any) {
			resp := &reachv1.ListChannelsResponse{}
			remarshal(t, body, resp)
			if got := names(resp.Channels); !slices.Equal(got, wantNames) {
				t.Errorf("%s: HTTP %v, want %v", name, got, wantNames)
			}
		}
		e.runBoth(c)
	}
	q := func(filter string) string { return "filter=" + url.QueryEscape(filter) }
	list("state = DISABLED", q("state = DISABLED"), "state = DISABLED", 0, codes.OK, []string{"channels/ch-2", "channels/ch-4"})
	list("full enum name", q("state = CHANNEL_STATE_UNVERIFIED"), "state = CHANNEL_STATE_UNVERIFIED", 0, codes.OK, []string{"channels/ch-1", "channels/ch-3", "channels/ch-5"})
	list("type = ALIPAY_LIFE_ACCOUNT", q("type = ALIPAY_LIFE_ACCOUNT"), "type = ALIPAY_LIFE_ACCOUNT", 0, codes.OK, []string{"channels/ch-1", "channels/ch-4"})
	list("type and state", q(`type = CHANNEL_TYPE_ALIPAY_MINI_PROGRAM AND state = DISABLED`), `type = CHANNEL_TYPE_ALIPAY_MINI_PROGRAM AND state = DISABLED`, 0, codes.OK, []string{"channels/ch-2"})
	list("nothing matches", q("state = ENABLED"), "state = ENABLED", 0, codes.OK, nil)
	list("page size above the maximum is capped", "page_size=5000", "", 5000, codes.OK, want)
	list("unknown field", q("color = red"), "color = red", 0, codes.InvalidArgument, nil, "filter")
	list("unknown state", q("state = BROKEN"), "state = BROKEN", 0, codes.InvalidArgument, nil, "filter")
	list("wrong operator", q("state != DISABLED"), "state != DISABLED", 0, codes.InvalidArgument, nil, "filter")
	list("OR", q("state = DISABLED OR state = ENABLED"), "state = DISABLED OR state = ENABLED", 0, codes.InvalidArgument, nil, "filter")
	list("incomplete", q("state ="), "state =", 0, codes.InvalidArgument, nil, "filter")
	list("negative page size", "page_size=-1", "", -1, codes.InvalidArgument, nil, "page_size")
	c := transportCase{name: "foreign page token", token: e.admin(), grpcMethod: mListChannels, grpcReq: &reachv1.ListChannelsRequest{PageToken: "!!not-a-token!!"},
		grpcResp: &reachv1.ListChannelsResponse{}, httpMethod: "GET", httpPath: "/v1/channels?page_token=" + url.QueryEscape("!!not-a-token!!"), want: codes.InvalidArgument}
	e.runBoth(c)
}
