package server

import (
	"context"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// updateChannelCase sends UpdateChannel for in with mask over gRPC, and over HTTP as PATCH
// with ?update_mask= (omitted when mask is empty) for the channel httpID (in.Name's id
// when empty).
func (e *testEnv) updateChannelCase(name string, in *reachv1.Channel, httpID string, mask []string, want codes.Code, fields ...string) transportCase {
	path := "/v1/" + in.Name
	if httpID != "" {
		path = "/v1/channels/" + httpID
	}
	if len(mask) > 0 {
		path += "?update_mask=" + strings.Join(mask, ",")
	}
	var fm *fieldmaskpb.FieldMask
	if len(mask) > 0 {
		fm = &fieldmaskpb.FieldMask{Paths: mask}
	}
	body, err := protojson.Marshal(in)
	if err != nil {
		e.t.Fatal(err)
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mUpdateChannel,
		grpcReq: &reachv1.UpdateChannelRequest{Channel: in, UpdateMask: fm}, grpcResp: &reachv1.UpdateChannelResponse{},
		httpMethod: "PATCH", httpPath: path, httpBody: string(body), want: want, fields: fields}
}

func (e *testEnv) getChannel(name string) *reachv1.Channel {
	e.t.Helper()
	resp := &reachv1.GetChannelResponse{}
	e.must(mGetChannel, &reachv1.GetChannelRequest{Name: name}, resp)
	return resp.Channel
}

// setChannelState forces a stored channel's state (VerifyChannel cannot run in tests).
func (e *testEnv) setChannelState(id, state string) {
	e.t.Helper()
	ctx := context.Background()
	tn, err := e.store.GetTenantByName(ctx, "acme")
	if err != nil {
		e.t.Fatal(err)
	}
	rec, err := e.store.GetChannel(ctx, tn.ID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	rec.State, rec.StateReason = state, "set by the test"
	if err := e.store.UpdateChannel(ctx, rec); err != nil {
		e.t.Fatal(err)
	}
}

func TestUpdateChannel(t *testing.T) {
	e := newTestEnv(t)
	appPriv, _ := testKeys(t)
	appKey, merchant := parsePrivatePEM(t, appPriv), parsePrivatePEM(t, merchantKeyPEM)
	policy := func() *reachv1.Channel {
		c := miniChannel(t)
		c.GetOpenPlatform().EncryptKey = "MDEyMzQ1Njc4OWFiY2RlZg=="
		c.DeliveryPolicy = &reachv1.DeliveryPolicy{MaxSendsPerSecond: 20, MaxAttempts: 3}
		return c
	}
	for _, id := range []string{"up-g", "up-h", "rot-g", "rot-h", "dis-g", "dis-h", "pol-g", "pol-h"} {
		e.createChannel(id, policy())
	}
	e.createChannel("plus", plusChannel(t))

	// display_name: renamed, nothing else changes, etag moves on.
	before := e.getChannel("channels/up-g")
	c := e.updateChannelCase("display_name", &reachv1.Channel{Name: "channels/up-g", DisplayName: "Renamed"}, "up-h", []string{"display_name"}, codes.OK)
	check := func(got *reachv1.Channel) {
		if got.DisplayName != "Renamed" || got.State != before.State || got.Etag == before.Etag ||
			got.GetOpenPlatform().GetAppPrivateKeyInfo().GetFingerprint() != before.GetOpenPlatform().GetAppPrivateKeyInfo().GetFingerprint() ||
			!got.GetOpenPlatform().GetEncryptKeyInfo().GetSet() || got.GetDeliveryPolicy().GetMaxAttempts() != 3 {
			t.Errorf("after rename: %v (before %v)", got, before)
		}
	}
	c.grpcCheck = func() { check(c.grpcResp.(*reachv1.UpdateChannelResponse).Channel) }
	c.httpCheck = func(body map[string]any) { got := &reachv1.Channel{}; remarshal(t, body["channel"], got); check(got) }
	e.runBoth(c)
	if got := e.getChannel("channels/up-g"); got.DisplayName != "Renamed" {
		t.Errorf("rename not stored: %v", got)
	}

	// Rotating the private key: new fingerprint, UNVERIFIED again (from AUTH_FAILED), secret
	// not returned.
	e.setChannelState("rot-g", "AUTH_FAILED")
	e.setChannelState("rot-h", "AUTH_FAILED")
	c = e.updateChannelCase("rotate app_private_key", &reachv1.Channel{Name: "channels/rot-g", Credentials: &reachv1.Channel_OpenPlatform{
		OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: merchantKeyPEM}}}, "rot-h", []string{"open_platform.app_private_key"}, codes.OK)
	rotated := func(got *reachv1.Channel) {
		op := got.GetOpenPlatform()
		if got.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED || got.StateReason == "set by the test" ||
			op.GetAppPrivateKey() != "" || op.GetAppPrivateKeyInfo().GetFingerprint() != fingerprintOf(t, merchant) ||
			op.GetAppPrivateKeyInfo().GetFingerprint() == fingerprintOf(t, appKey) || op.GetAppId() != "2021000000000001" || !op.GetEncryptKeyInfo().GetSet() {
			t.Errorf("after rotation: %v", got)
		}
	}
	c.grpcCheck = func() { rotated(c.grpcResp.(*reachv1.UpdateChannelResponse).Channel) }
	c.httpCheck = func(body map[string]any) { got := &reachv1.Channel{}; remarshal(t, body["channel"], got); rotated(got) }
	e.runBoth(c)
	rotated(e.getChannel("channels/rot-g"))

	// Rotating on a DISABLED channel keeps it DISABLED.
	e.setChannelState("dis-g", "DISABLED")
	e.setChannelState("dis-h", "DISABLED")
	c = e.updateChannelCase("rotate while disabled", &reachv1.Channel{Name: "channels/dis-g", Credentials: &reachv1.Channel_OpenPlatform{
		OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: merchantKeyPEM}}}, "dis-h", []string{"open_platform.app_private_key"}, codes.OK)
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.UpdateChannelResponse).Channel; got.State != reachv1.ChannelState_CHANNEL_STATE_DISABLED {
			t.Errorf("rotation of a disabled channel: state %v", got.State)
		}
	}
	e.runBoth(c)

	// delivery_policy.max_attempts: only that field changes.
	c = e.updateChannelCase("delivery_policy.max_attempts", &reachv1.Channel{Name: "channels/pol-g", DeliveryPolicy: &reachv1.DeliveryPolicy{MaxAttempts: 7}},
		"pol-h", []string{"delivery_policy.max_attempts"}, codes.OK)
	pol := func(got *reachv1.Channel) {
		if dp := got.GetDeliveryPolicy(); dp.GetMaxAttempts() != 7 || dp.GetMaxSendsPerSecond() != 20 {
			t.Errorf("delivery policy after update: %v", dp)
		}
	}
	c.grpcCheck = func() { pol(c.grpcResp.(*reachv1.UpdateChannelResponse).Channel) }
	c.httpCheck = func(body map[string]any) { got := &reachv1.Channel{}; remarshal(t, body["channel"], got); pol(got) }
	e.runBoth(c)
	pol(e.getChannel("channels/pol-h"))

	// delivery_policy.quiet_hours: the whole period is replaced, the rest stays.
	quiet := &reachv1.QuietHours{Start: "22:00", End: "08:00", Action: reachv1.QuietHoursAction_QUIET_HOURS_ACTION_FAIL}
	c = e.updateChannelCase("delivery_policy.quiet_hours", &reachv1.Channel{Name: "channels/pol-g", DeliveryPolicy: &reachv1.DeliveryPolicy{QuietHours: quiet}},
		"pol-h", []string{"delivery_policy.quiet_hours"}, codes.OK)
	quietPol := func(got *reachv1.Channel) {
		if dp := got.GetDeliveryPolicy(); !proto.Equal(dp.GetQuietHours(), quiet) || dp.GetMaxAttempts() != 7 {
			t.Errorf("delivery policy after quiet hours: %v", dp)
		}
	}
	c.grpcCheck = func() { quietPol(c.grpcResp.(*reachv1.UpdateChannelResponse).Channel) }
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Channel{}
		remarshal(t, body["channel"], got)
		quietPol(got)
	}
	e.runBoth(c)
	e.runBoth(e.updateChannelCase("quiet hours that never end", &reachv1.Channel{Name: "channels/pol-g", DeliveryPolicy: &reachv1.DeliveryPolicy{QuietHours: &reachv1.QuietHours{Start: "22:00", End: "22:00"}}},
		"pol-h", []string{"delivery_policy.quiet_hours"}, codes.InvalidArgument, "channel.delivery_policy.quiet_hours.end"))

	// Without a mask, the gateway makes one of the body's leaves ("delivery_policy.
	// quiet_hours.end"): only those change, inside the period too.
	code, body := e.httpCall(e.admin(), "PATCH", "/v1/channels/pol-h", `{"deliveryPolicy":{"quietHours":{"end":"07:30"}}}`)
	if got := (&reachv1.Channel{}); code != 200 {
		t.Errorf("PATCH of quiet hours' end without a mask: %d %v", code, body)
	} else if remarshal(t, body["channel"], got); got.GetDeliveryPolicy().GetQuietHours().GetEnd() != "07:30" ||
		got.GetDeliveryPolicy().GetQuietHours().GetStart() != "22:00" || got.GetDeliveryPolicy().GetMaxAttempts() != 7 {
		t.Errorf("PATCH of quiet hours' end without a mask: %v", got.GetDeliveryPolicy())
	}
	e.runBoth(e.updateChannelCase("a field quiet hours do not have", &reachv1.Channel{Name: "channels/pol-g"},
		"pol-h", []string{"delivery_policy.quiet_hours.colour"}, codes.InvalidArgument, "update_mask"))

	// JSON clients may name the paths in their JSON form.
	code, body = e.httpCall(e.admin(), "PATCH", "/v1/channels/pol-h?updateMask=deliveryPolicy.maxAttempts", `{"deliveryPolicy":{"maxAttempts":9}}`)
	if got := (&reachv1.Channel{}); code != 200 {
		t.Errorf("camelCase mask: %d %v", code, body)
	} else if remarshal(t, body["channel"], got); got.GetDeliveryPolicy().GetMaxAttempts() != 9 || got.GetDeliveryPolicy().GetMaxSendsPerSecond() != 20 {
		t.Errorf("camelCase mask: %v", got.GetDeliveryPolicy())
	}
	e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: "channels/pol-h", DeliveryPolicy: &reachv1.DeliveryPolicy{MaxAttempts: 7}},
		UpdateMask: mask("delivery_policy.max_attempts")}, &reachv1.UpdateChannelResponse{})

	// Over HTTP the query's update_mask wins over what the body holds.
	code, body = e.httpCall(e.admin(), "PATCH", "/v1/channels/pol-h?update_mask=display_name", `{"displayName":"Only name","deliveryPolicy":{"maxAttempts":1}}`)
	got := &reachv1.Channel{}
	remarshal(t, body["channel"], got)
	if code != 200 || got.DisplayName != "Only name" || got.GetDeliveryPolicy().GetMaxAttempts() != 7 {
		t.Errorf("PATCH with mask display_name and more in the body: %d %v", code, body)
	}

	// Invalid masks and values.
	up := func(name string, in *reachv1.Channel, mask []string, want codes.Code, fields ...string) {
		e.runBoth(e.updateChannelCase(name, in, "", mask, want, fields...))
	}
	name := "channels/up-g"
	up("unknown path", &reachv1.Channel{Name: name}, []string{"color"}, codes.InvalidArgument, "update_mask")
	up("type is immutable", &reachv1.Channel{Name: name, Type: reachv1.ChannelType_CHANNEL_TYPE_ALIPAY_LIFE_ACCOUNT}, []string{"type"}, codes.InvalidArgument, "update_mask")
	up("state is output only", &reachv1.Channel{Name: name, State: reachv1.ChannelState_CHANNEL_STATE_ENABLED}, []string{"state"}, codes.InvalidArgument, "update_mask")
	up("fingerprint is output only", &reachv1.Channel{Name: name}, []string{"open_platform.app_private_key_info"}, codes.InvalidArgument, "update_mask")
	up("alipay_plus on an Open Platform channel", &reachv1.Channel{Name: name}, []string{"alipay_plus.client_id"}, codes.InvalidArgument, "update_mask")
	up("open_platform on an Alipay+ channel", &reachv1.Channel{Name: "channels/plus"}, []string{"open_platform.app_id"}, codes.InvalidArgument, "update_mask")
	up("empty display name", &reachv1.Channel{Name: name}, []string{"display_name"}, codes.InvalidArgument, "channel.display_name")
	up("garbage private key", &reachv1.Channel{Name: name, Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{AppPrivateKey: "garbage"}}},
		[]string{"open_platform.app_private_key"}, codes.InvalidArgument, "channel.open_platform.app_private_key")
	up("clearing the private key", &reachv1.Channel{Name: name}, []string{"open_platform.app_private_key"}, codes.InvalidArgument, "channel.open_platform.app_private_key")
	up("alipay public key set to the app's own", &reachv1.Channel{Name: name, Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
		AlipayPublicKey: publicPEM(t, appKey)}}}, []string{"open_platform.alipay_public_key"}, codes.InvalidArgument, "channel.open_platform.alipay_public_key")
	up("http gateway", &reachv1.Channel{Name: name, Credentials: &reachv1.Channel_OpenPlatform{OpenPlatform: &reachv1.OpenPlatformCredentials{
		GatewayUrl: "http://gateway.example.com/gateway.do"}}}, []string{"open_platform.gateway_url"}, codes.InvalidArgument, "channel.open_platform.gateway_url")
	up("max_attempts out of range", &reachv1.Channel{Name: name, DeliveryPolicy: &reachv1.DeliveryPolicy{MaxAttempts: 1000}},
		[]string{"delivery_policy.max_attempts"}, codes.InvalidArgument, "channel.delivery_policy.max_attempts")
	up("bad name", &reachv1.Channel{Name: "channels/Up", DisplayName: "x"}, []string{"display_name"}, codes.InvalidArgument, "channel.name")
	up("missing channel", &reachv1.Channel{Name: "channels/nope", DisplayName: "x"}, []string{"display_name"}, codes.NotFound)
	other := e.updateChannelCase("other tenant's channel", &reachv1.Channel{Name: name, DisplayName: "x"}, "", []string{"display_name"}, codes.NotFound)
	e.runBoth(other.withToken(e.key("globex", "admin")))

	// No mask at all: gRPC without one; HTTP with an empty body (the gateway infers a mask
	// from the fields a PATCH body holds, so an empty body is the mask-less request there).
	nomask := e.updateChannelCase("no update mask", &reachv1.Channel{Name: name, DisplayName: "x"}, "", nil, codes.InvalidArgument, "update_mask")
	nomask.httpBody = `{}`
	e.runBoth(nomask)
	nochannel := e.updateChannelCase("no channel", &reachv1.Channel{Name: name}, "", []string{"display_name"}, codes.InvalidArgument, "channel.display_name")
	e.runBoth(nochannel)

	// A stale etag: ABORTED, and nothing changes; the current etag works.
	cur := e.getChannel(name)
	e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: name, DisplayName: "Newer", Etag: cur.Etag},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}, &reachv1.UpdateChannelResponse{})
	stale := e.updateChannelCase("stale etag", &reachv1.Channel{Name: name, DisplayName: "Lost update", Etag: cur.Etag}, "", []string{"display_name"}, codes.Aborted)
	stale.msg = "etag"
	e.runBoth(stale)
	if got := e.getChannel(name); got.DisplayName != "Newer" {
		t.Errorf("stale update applied: %q", got.DisplayName)
	}
	fresh := e.getChannel(name)
	c = e.updateChannelCase("current etag", &reachv1.Channel{Name: name, DisplayName: "Fresh", Etag: fresh.Etag}, "", []string{"display_name"}, codes.OK)
	c.httpBody = `{"displayName":"Fresh"}` // the gRPC call moved the etag on
	e.runBoth(c)
}

func TestDeleteChannel(t *testing.T) {
	e := newTestEnv(t)
	for _, id := range []string{"del-g", "del-h"} {
		e.createChannel(id, miniChannel(t))
		e.oneTimeTemplate(id, "order", "tpl-1")
		e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/" + id, Subscription: &reachv1.Subscription{
			Template: "channels/" + id + "/templates/order", User: uid("2088000000000001")}}, &reachv1.CreateSubscriptionResponse{})
	}
	msg := e.send(miniSend("del-g", "order", "before-delete", uid("2088000000000001")))
	del := func(name, id, etag string, want codes.Code, fields ...string) transportCase {
		path := "/v1/channels/" + id
		if etag != "" {
			path += "?etag=" + etag
		}
		return transportCase{name: name, token: e.admin(), grpcMethod: mDeleteChannel, grpcReq: &reachv1.DeleteChannelRequest{Name: "channels/" + id, Etag: etag},
			grpcResp: &reachv1.DeleteChannelResponse{}, httpMethod: "DELETE", httpPath: path, want: want, fields: fields}
	}
	stale := e.getChannel("channels/del-g").Etag
	e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: "channels/del-g", DisplayName: "x"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}, &reachv1.UpdateChannelResponse{})
	e.must(mUpdateChannel, &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: "channels/del-h", DisplayName: "x"},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}, &reachv1.UpdateChannelResponse{})
	e.runBoth(del("stale etag", "del-g", stale, codes.Aborted))
	e.runBoth(del("other tenant's", "del-g", "", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(del("bad name", "Del", "", codes.InvalidArgument, "name"))
	e.getChannel("channels/del-g") // still there

	ok := del("current etag", "del-g", e.getChannel("channels/del-g").Etag, codes.OK)
	ok.httpPath = "/v1/channels/del-h?etag=" + e.getChannel("channels/del-h").Etag
	e.runBoth(ok)
	e.runBoth(del("already deleted", "del-g", "", codes.NotFound))
	for _, id := range []string{"del-g", "del-h"} {
		if err := e.call(e.admin(), mGetChannel, &reachv1.GetChannelRequest{Name: "channels/" + id}, &reachv1.GetChannelResponse{}); codeOf(err) != codes.NotFound {
			t.Errorf("get deleted channel %s: %v", id, err)
		}
	}
	// A channel of the same id starts empty: the templates and subscriptions went with it.
	e.createChannel("del-g", miniChannel(t))
	tpls := &reachv1.ListTemplatesResponse{}
	e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/del-g"}, tpls)
	subs := &reachv1.ListSubscriptionsResponse{}
	e.must(mListSubscriptions, &reachv1.ListSubscriptionsRequest{Parent: "channels/del-g"}, subs)
	if len(tpls.Templates) != 0 || len(subs.Subscriptions) != 0 {
		t.Errorf("after delete and re-create: %d templates, %d subscriptions", len(tpls.Templates), len(subs.Subscriptions))
	}
	if err := e.call(e.admin(), mGetTemplate, &reachv1.GetTemplateRequest{Name: "channels/del-g/templates/order"}, &reachv1.GetTemplateResponse{}); codeOf(err) != codes.NotFound {
		t.Errorf("template of a deleted channel: %v", err)
	}
	// The message is kept for its history.
	e.must(mGetMessage, &reachv1.GetMessageRequest{Name: msg.Name}, &reachv1.GetMessageResponse{})
}

// TestDeleteChannelFailsQueuedMessages: the contract of DeleteChannel says queued messages
// of a deleted channel fail with a reason saying the channel was deleted.
func TestDeleteChannelFailsQueuedMessages(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("gone", miniChannel(t))
	e.oneTimeTemplate("gone", "order", "tpl-1")
	e.oneTimeTemplate("gone", "other", "tpl-2")
	m1 := e.send(miniSend("gone", "other", "q-1", uid("2088000000000001")))
	e.must(mDeleteTemplate, &reachv1.DeleteTemplateRequest{Name: "channels/gone/templates/other"}, &reachv1.DeleteTemplateResponse{})
	m2 := e.send(miniSend("gone", "order", "q-2", uid("2088000000000001")))
	e.must(mDeleteChannel, &reachv1.DeleteChannelRequest{Name: "channels/gone"}, &reachv1.DeleteChannelResponse{})
	for _, m := range []*reachv1.Message{m1, m2} {
		got := &reachv1.GetMessageResponse{}
		e.must(mGetMessage, &reachv1.GetMessageRequest{Name: m.Name}, got)
		if got.Message.State != reachv1.MessageState_MESSAGE_STATE_FAILED || !strings.Contains(got.Message.StateReason, "deleted") {
			t.Errorf("message %s after its template/channel was deleted: %v %q", m.Name, got.Message.State, got.Message.StateReason)
		}
	}
}

func TestDisableEnableVerifyChannel(t *testing.T) {
	e := newTestEnv(t)
	gateway := deadGatewayURL(t) // Alipay cannot be reached: verification cannot run
	for _, id := range []string{"a-g", "a-h", "b-g", "b-h"} {
		ch := lifeChannel(t)
		ch.GetOpenPlatform().GatewayUrl = gateway
		e.createChannel(id, ch)
	}
	disable := func(name, gid, hid, reason string, want codes.Code, fields ...string) transportCase {
		body := `{}`
		if reason != "" {
			body = `{"reason":` + jsonString(reason) + `}`
		}
		return transportCase{name: name, token: e.admin(), grpcMethod: mDisableChannel, grpcReq: &reachv1.DisableChannelRequest{Name: "channels/" + gid, Reason: reason},
			grpcResp: &reachv1.DisableChannelResponse{}, httpMethod: "POST", httpPath: "/v1/channels/" + hid + ":disable", httpBody: body, want: want, fields: fields}
	}
	enable := func(name, gid, hid string, want codes.Code) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mEnableChannel, grpcReq: &reachv1.EnableChannelRequest{Name: "channels/" + gid},
			grpcResp: &reachv1.EnableChannelResponse{}, httpMethod: "POST", httpPath: "/v1/channels/" + hid + ":enable", httpBody: `{}`, want: want}
	}

	c := disable("disable with a reason", "a-g", "a-h", "maintenance window", codes.OK)
	c.grpcCheck = func() {
		if ch := c.grpcResp.(*reachv1.DisableChannelResponse).Channel; ch.State != reachv1.ChannelState_CHANNEL_STATE_DISABLED || ch.StateReason != "maintenance window" {
			t.Errorf("disabled: %v %q", ch.State, ch.StateReason)
		}
	}
	c.httpCheck = func(body map[string]any) {
		if ch := body["channel"].(map[string]any); ch["state"] != "CHANNEL_STATE_DISABLED" || ch["stateReason"] != "maintenance window" {
			t.Errorf("disabled over HTTP: %v", ch)
		}
	}
	e.runBoth(c)
	c = disable("disable again without a reason", "b-g", "b-h", "", codes.OK)
	c.grpcCheck = func() {
		if ch := c.grpcResp.(*reachv1.DisableChannelResponse).Channel; ch.State != reachv1.ChannelState_CHANNEL_STATE_DISABLED || ch.StateReason == "" {
			t.Errorf("disabled without reason: %v %q", ch.State, ch.StateReason)
		}
	}
	e.runBoth(c)
	e.runBoth(disable("reason too long", "a-g", "a-h", strings.Repeat("x", 501), codes.InvalidArgument, "reason"))
	e.runBoth(disable("missing channel", "nope", "nope", "", codes.NotFound))
	e.runBoth(disable("other tenant's channel", "a-g", "a-h", "", codes.NotFound).withToken(e.key("globex", "admin")))

	// Enable: only a DISABLED channel, which becomes UNVERIFIED and is verified again; Alipay
	// cannot be reached here, so it stays UNVERIFIED and says why.
	c = enable("enable a disabled channel", "a-g", "a-h", codes.OK)
	enabled := func(ch *reachv1.Channel) {
		if ch.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED || !strings.HasPrefix(ch.StateReason, "verification could not run: ") || ch.VerifyTime != nil {
			t.Errorf("enabled: %v %q %v", ch.State, ch.StateReason, ch.VerifyTime)
		}
	}
	c.grpcCheck = func() { enabled(c.grpcResp.(*reachv1.EnableChannelResponse).Channel) }
	c.httpCheck = func(body map[string]any) { ch := &reachv1.Channel{}; remarshal(t, body["channel"], ch); enabled(ch) }
	e.runBoth(c)
	nd := enable("enable a channel that is not disabled", "a-g", "a-h", codes.FailedPrecondition)
	nd.msg = "not DISABLED"
	e.runBoth(nd)
	e.runBoth(enable("enable a missing channel", "nope", "nope", codes.NotFound))
	e.runBoth(enable("enable another tenant's channel", "b-g", "b-h", codes.NotFound).withToken(e.key("globex", "admin")))

	// Verify: the enabled channel is checked again and, Alipay being unreachable, stays
	// UNVERIFIED with the reason and without verify_time; the still DISABLED channel is
	// refused (enabling verifies it); a missing channel is NOT_FOUND first.
	verify := func(name, id string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mVerifyChannel, grpcReq: &reachv1.VerifyChannelRequest{Name: "channels/" + id},
			grpcResp: &reachv1.VerifyChannelResponse{}, httpMethod: "POST", httpPath: "/v1/channels/" + id + ":verify", httpBody: `{}`, want: want, fields: fields}
	}
	v := verify("verify", "a-g", codes.OK)
	v.grpcCheck = func() { enabled(v.grpcResp.(*reachv1.VerifyChannelResponse).Channel) }
	v.httpCheck = func(body map[string]any) { ch := &reachv1.Channel{}; remarshal(t, body["channel"], ch); enabled(ch) }
	e.runBoth(v)
	dv := verify("verify a disabled channel", "b-g", codes.FailedPrecondition)
	dv.msg = "is DISABLED"
	e.runBoth(dv)
	if ch := e.getChannel("channels/b-g"); ch.State != reachv1.ChannelState_CHANNEL_STATE_DISABLED {
		t.Errorf("disabled channel after a refused verify: %v", ch.State)
	}
	e.runBoth(verify("verify a missing channel", "nope", codes.NotFound))
	e.runBoth(verify("verify another tenant's channel", "a-g", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(verify("verify a bad name", "No_pe", codes.InvalidArgument, "name"))
}
