package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

// Who may call an RPC.
const (
	accessRead   = "read"   // every role
	accessSender = "sender" // admin and sender
	accessAdmin  = "admin"  // admin only
)

// rpcSpec is one RPC with a request naming resources of tenant acme (see authWorld).
type rpcSpec struct {
	method     string
	req        proto.Message
	resp       func() proto.Message
	httpMethod string
	httpPath   string
	httpBody   any
	access     string
	// allowedWant is the code an allowed non-admin caller (sender, or viewer on reads) gets.
	allowedWant codes.Code
	// foreignWant is the code an admin of another tenant gets (NOT_FOUND unless set), and
	// foreignField the field violation that goes with INVALID_ARGUMENT.
	foreignWant  codes.Code
	foreignField string
}

func (r rpcSpec) tc(name, token string, want codes.Code) transportCase {
	return transportCase{name: name + " " + r.method, token: token, grpcMethod: r.method, grpcReq: r.req, grpcResp: r.resp(),
		httpMethod: r.httpMethod, httpPath: r.httpPath, httpBody: r.httpBody, want: want}
}

func respOf[T any, P interface {
	*T
	proto.Message
}]() func() proto.Message {
	return func() proto.Message { return P(new(T)) }
}

// authWorld creates, in tenant acme, channel acme-mini with template order (external id
// tpl-1), a subscription, a queued message and a cancelled one, and returns every RPC of
// the four services with a request about them.
func authWorld(t *testing.T, e *testEnv) []rpcSpec {
	t.Helper()
	// The channels' gateway is a loopback port nothing listens on: calls that reach out to
	// Alipay fail at once, the same way on every machine.
	gateway := deadGatewayURL(t)
	mini := miniChannel(t)
	mini.GetOpenPlatform().GatewayUrl = gateway
	e.createChannel("acme-mini", mini)
	e.oneTimeTemplate("acme-mini", "order", "tpl-1")
	sub := &reachv1.CreateSubscriptionResponse{}
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/acme-mini",
		Subscription: &reachv1.Subscription{Template: "channels/acme-mini/templates/order", User: uid("2088000000000001")}}, sub)
	queued := e.send(miniSend("acme-mini", "order", "auth-queued", uid("2088000000000001")))
	cancelled := e.send(miniSend("acme-mini", "order", "auth-cancelled", uid("2088000000000002")))
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: cancelled.Name}, &reachv1.CancelMessageResponse{})

	ch := "channels/acme-mini"
	tpl := ch + "/templates/order"
	sendReq := miniSend("acme-mini", "order", "auth-send", uid("2088000000000003"))
	batchReq := &reachv1.BatchSendMessagesRequest{RequestId: "auth-batch", Template: tpl,
		Recipients: []*reachv1.Recipient{{User: uid("2088000000000004")}}, Data: map[string]string{"keyword1": "1", "keyword2": "2"}}
	recordReq := &reachv1.RecordSubscribeResultRequest{Parent: ch, User: uid("2088000000000001"),
		ResultJson: `{"behavior":"subscribe","result":{"subscribeEntityIds":["tpl-1"]}}`}
	createSub := &reachv1.CreateSubscriptionRequest{Parent: ch, Subscription: &reachv1.Subscription{Template: tpl, User: uid("2088000000000005")}}
	channel := miniChannel(t)
	channel.GetOpenPlatform().GatewayUrl = gateway
	newTpl := &reachv1.Template{ExternalId: "tpl-new", DisplayName: "New", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME, Keywords: kws("keyword1", "x")}
	importReq := &reachv1.ImportTemplateRequest{Parent: ch, ExternalId: "tpl-imp", Content: "keyword1: 金额",
		SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME}
	claimReq := &reachv1.ClaimTemplateRequest{Parent: ch, LibCode: "AM0001", Keywords: []string{"a", "b"}}

	return []rpcSpec{
		{method: mCreateChannel, req: &reachv1.CreateChannelRequest{Channel: channel}, resp: respOf[reachv1.CreateChannelResponse](),
			httpMethod: "POST", httpPath: "/v1/channels", httpBody: channel, access: accessAdmin, foreignWant: codes.OK},
		{method: mGetChannel, req: &reachv1.GetChannelRequest{Name: ch}, resp: respOf[reachv1.GetChannelResponse](),
			httpMethod: "GET", httpPath: "/v1/" + ch, access: accessRead},
		{method: mListChannels, req: &reachv1.ListChannelsRequest{}, resp: respOf[reachv1.ListChannelsResponse](),
			httpMethod: "GET", httpPath: "/v1/channels", access: accessRead, foreignWant: codes.OK},
		{method: mUpdateChannel, req: &reachv1.UpdateChannelRequest{Channel: &reachv1.Channel{Name: ch, DisplayName: "x"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}, resp: respOf[reachv1.UpdateChannelResponse](),
			httpMethod: "PATCH", httpPath: "/v1/" + ch + "?update_mask=display_name", httpBody: `{"displayName":"x"}`, access: accessAdmin},
		{method: mDeleteChannel, req: &reachv1.DeleteChannelRequest{Name: ch}, resp: respOf[reachv1.DeleteChannelResponse](),
			httpMethod: "DELETE", httpPath: "/v1/" + ch, access: accessAdmin},
		{method: mVerifyChannel, req: &reachv1.VerifyChannelRequest{Name: ch}, resp: respOf[reachv1.VerifyChannelResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + ":verify", httpBody: `{}`, access: accessAdmin},
		{method: mDisableChannel, req: &reachv1.DisableChannelRequest{Name: ch}, resp: respOf[reachv1.DisableChannelResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + ":disable", httpBody: `{}`, access: accessAdmin},
		{method: mEnableChannel, req: &reachv1.EnableChannelRequest{Name: ch}, resp: respOf[reachv1.EnableChannelResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + ":enable", httpBody: `{}`, access: accessAdmin},

		{method: mCreateTemplate, req: &reachv1.CreateTemplateRequest{Parent: ch, Template: newTpl}, resp: respOf[reachv1.CreateTemplateResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/templates", httpBody: newTpl, access: accessAdmin},
		{method: mGetTemplate, req: &reachv1.GetTemplateRequest{Name: tpl}, resp: respOf[reachv1.GetTemplateResponse](),
			httpMethod: "GET", httpPath: "/v1/" + tpl, access: accessRead},
		{method: mListTemplates, req: &reachv1.ListTemplatesRequest{Parent: ch}, resp: respOf[reachv1.ListTemplatesResponse](),
			httpMethod: "GET", httpPath: "/v1/" + ch + "/templates", access: accessRead},
		{method: mUpdateTemplate, req: &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: tpl, DisplayName: "x"},
			UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"display_name"}}}, resp: respOf[reachv1.UpdateTemplateResponse](),
			httpMethod: "PATCH", httpPath: "/v1/" + tpl + "?update_mask=display_name", httpBody: `{"displayName":"x"}`, access: accessAdmin},
		{method: mDeleteTemplate, req: &reachv1.DeleteTemplateRequest{Name: tpl}, resp: respOf[reachv1.DeleteTemplateResponse](),
			httpMethod: "DELETE", httpPath: "/v1/" + tpl, access: accessAdmin},
		{method: mImportTemplate, req: importReq, resp: respOf[reachv1.ImportTemplateResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/templates:import", httpBody: importReq, access: accessAdmin},
		{method: mClaimTemplate, req: claimReq, resp: respOf[reachv1.ClaimTemplateResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/templates:claim", httpBody: claimReq, access: accessAdmin},

		{method: mCreateSubscription, req: createSub, resp: respOf[reachv1.CreateSubscriptionResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/subscriptions", httpBody: createSub.Subscription, access: accessSender},
		{method: mGetSubscription, req: &reachv1.GetSubscriptionRequest{Name: sub.Subscription.Name}, resp: respOf[reachv1.GetSubscriptionResponse](),
			httpMethod: "GET", httpPath: "/v1/" + sub.Subscription.Name, access: accessRead},
		{method: mListSubscriptions, req: &reachv1.ListSubscriptionsRequest{Parent: ch}, resp: respOf[reachv1.ListSubscriptionsResponse](),
			httpMethod: "GET", httpPath: "/v1/" + ch + "/subscriptions", access: accessRead},
		{method: mCancelSubscription, req: &reachv1.CancelSubscriptionRequest{Name: sub.Subscription.Name}, resp: respOf[reachv1.CancelSubscriptionResponse](),
			httpMethod: "POST", httpPath: "/v1/" + sub.Subscription.Name + ":cancel", httpBody: `{}`, access: accessAdmin},
		{method: mRecordSubscribe, req: recordReq, resp: respOf[reachv1.RecordSubscribeResultResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/subscriptions:recordSubscribeResult", httpBody: recordReq, access: accessSender},
		{method: mSyncSubscriptions, req: &reachv1.SyncSubscriptionsRequest{Parent: ch, User: uid("2088000000000001")}, resp: respOf[reachv1.SyncSubscriptionsResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/subscriptions:sync", httpBody: `{"user":{"userId":"2088000000000001"}}`, access: accessSender, allowedWant: codes.Unavailable}, // Alipay unreachable
		{method: mAuthorizeUser, req: &reachv1.AuthorizeUserRequest{Parent: ch, AuthCode: "code"}, resp: respOf[reachv1.AuthorizeUserResponse](),
			httpMethod: "POST", httpPath: "/v1/" + ch + "/subscriptions:authorize", httpBody: `{"authCode":"code"}`, access: accessSender, allowedWant: codes.FailedPrecondition}, // not an Alipay+ channel

		{method: mSendMessage, req: sendReq, resp: respOf[reachv1.SendMessageResponse](),
			httpMethod: "POST", httpPath: "/v1/messages:send", httpBody: sendReq, access: accessSender,
			foreignWant: codes.InvalidArgument, foreignField: "template"},
		{method: mBatchSend, req: batchReq, resp: respOf[reachv1.BatchSendMessagesResponse](),
			httpMethod: "POST", httpPath: "/v1/messages:batchSend", httpBody: batchReq, access: accessSender,
			foreignWant: codes.InvalidArgument, foreignField: "template"},
		{method: mGetMessage, req: &reachv1.GetMessageRequest{Name: queued.Name}, resp: respOf[reachv1.GetMessageResponse](),
			httpMethod: "GET", httpPath: "/v1/" + queued.Name, access: accessRead},
		{method: mListMessages, req: &reachv1.ListMessagesRequest{}, resp: respOf[reachv1.ListMessagesResponse](),
			httpMethod: "GET", httpPath: "/v1/messages", access: accessRead, foreignWant: codes.OK},
		{method: mCancelMessage, req: &reachv1.CancelMessageRequest{Name: cancelled.Name}, resp: respOf[reachv1.CancelMessageResponse](),
			httpMethod: "POST", httpPath: "/v1/" + cancelled.Name + ":cancel", httpBody: `{}`, access: accessSender, allowedWant: codes.FailedPrecondition},
		{method: mRetryMessage, req: &reachv1.RetryMessageRequest{Name: queued.Name}, resp: respOf[reachv1.RetryMessageResponse](),
			httpMethod: "POST", httpPath: "/v1/" + queued.Name + ":retry", httpBody: `{}`, access: accessSender, allowedWant: codes.FailedPrecondition},
		{method: mListMessageEvents, req: &reachv1.ListMessageEventsRequest{Parent: queued.Name}, resp: respOf[reachv1.ListMessageEventsResponse](),
			httpMethod: "GET", httpPath: "/v1/" + queued.Name + "/events", access: accessRead},
	}
}

// mintKey stores a new key of role for tenant and returns its token and id.
func (e *testEnv) mintKey(tenant string, role store.Role) (token, id string) {
	e.t.Helper()
	ctx := context.Background()
	tn, err := e.store.EnsureTenant(ctx, tenant)
	if err != nil {
		e.t.Fatal(err)
	}
	tok, id, hash, err := apikey.New()
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.CreateAPIKey(ctx, &store.APIKey{ID: id, TenantID: tn.ID, Role: role, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
		e.t.Fatal(err)
	}
	return tok, id
}

// TestAuthEveryRPC: every RPC of the four services refuses missing, malformed, unknown,
// revoked and forged keys with UNAUTHENTICATED (401) over both transports.
func TestAuthEveryRPC(t *testing.T) {
	e := newTestEnv(t)
	specs := authWorld(t, e)
	if len(specs) != 29 {
		t.Fatalf("%d RPCs in the table, want 29", len(specs))
	}
	unknown, _, _, err := apikey.New()
	if err != nil {
		t.Fatal(err)
	}
	revoked, revokedID := e.mintKey("acme", store.RoleAdmin)
	if err := e.store.RevokeAPIKey(context.Background(), revokedID, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	_, adminID := e.mintKey("acme", store.RoleAdmin)
	forged := apikey.Prefix + adminID + "_" + "0123456789ABCDEFGHIJKLMNOPQRSTUV" // right id, wrong secret
	for _, r := range specs {
		for _, k := range []struct{ name, token, msg string }{
			{"no key", "", "missing API key"},
			{"malformed key", "not-a-key", "malformed API key"},
			{"unknown key", unknown, "unknown or revoked API key"},
			{"revoked key", revoked, "unknown or revoked API key"},
			{"wrong secret", forged, "unknown or revoked API key"},
		} {
			c := r.tc(k.name, k.token, codes.Unauthenticated)
			c.msg = k.msg
			e.runBoth(c)
		}
	}
	// The malformed Authorization header itself (not a bearer token) is refused too.
	resp, _ := e.httpRaw("", "GET", "/v1/channels", "", map[string]string{"Authorization": "Basic dXNlcjpwYXNz"})
	if resp.StatusCode != 401 {
		t.Errorf("Basic authorization: HTTP %d, want 401", resp.StatusCode)
	}
}

// TestRolesEveryRPC: viewers only read, senders send and read messages, record
// subscriptions and read channels and templates; everything else is admin only.
func TestRolesEveryRPC(t *testing.T) {
	e := newTestEnv(t)
	specs := authWorld(t, e)
	viewer, sender := e.key("acme", store.RoleViewer), e.key("acme", store.RoleSender)
	for _, r := range specs {
		switch r.access {
		case accessRead:
			e.runBoth(r.tc("viewer", viewer, r.allowedWant))
			e.runBoth(r.tc("sender", sender, r.allowedWant))
		case accessSender:
			c := r.tc("viewer", viewer, codes.PermissionDenied)
			c.msg = `role "viewer" may not call`
			e.runBoth(c)
			e.runBoth(r.tc("sender", sender, r.allowedWant))
		case accessAdmin:
			for _, who := range []struct {
				role  string
				token string
			}{{"viewer", viewer}, {"sender", sender}} {
				c := r.tc(who.role, who.token, codes.PermissionDenied)
				c.msg = fmt.Sprintf("role %q may not call", who.role)
				e.runBoth(c)
			}
		}
	}
	// Nothing the refused calls asked for happened.
	got := &reachv1.GetChannelResponse{}
	e.must(mGetChannel, &reachv1.GetChannelRequest{Name: "channels/acme-mini"}, got)
	if got.Channel.DisplayName != "Acme mini" || got.Channel.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED ||
		!strings.HasPrefix(got.Channel.StateReason, "verification could not run: ") {
		t.Errorf("channel changed by refused calls: %v", got.Channel)
	}
	// Nor was a template claimed or a user authorized by a refused caller.
	tpls := &reachv1.ListTemplatesResponse{}
	e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/acme-mini"}, tpls)
	if len(tpls.Templates) != 1 {
		t.Errorf("templates after refused calls: %v", tpls.Templates)
	}
}

// TestTenantIsolationEveryRPC: another tenant's admin sees none of acme's resources: every
// RPC naming one answers NOT_FOUND (sends: INVALID_ARGUMENT on template), lists are empty,
// and nothing is changed.
func TestTenantIsolationEveryRPC(t *testing.T) {
	e := newTestEnv(t)
	specs := authWorld(t, e)
	globex := e.key("globex", store.RoleAdmin)
	for _, r := range specs {
		want := codes.NotFound
		if r.foreignWant != codes.OK || r.method == mCreateChannel || r.method == mListChannels || r.method == mListMessages {
			want = r.foreignWant
		}
		c := r.tc("other tenant", globex, want)
		if r.foreignField != "" {
			c.fields = []string{r.foreignField}
		}
		switch r.method {
		case mListChannels:
			c.grpcCheck = func() {
				if n := len(c.grpcResp.(*reachv1.ListChannelsResponse).Channels); n != 2 { // the two it created itself
					t.Errorf("globex lists %d channels over gRPC, want only its own 2", n)
				}
			}
		case mListMessages:
			c.grpcCheck = func() {
				if n := len(c.grpcResp.(*reachv1.ListMessagesResponse).Messages); n != 0 {
					t.Errorf("globex lists %d messages, want 0", n)
				}
			}
			c.httpCheck = func(body map[string]any) {
				if body["messages"] != nil {
					t.Errorf("globex lists messages over HTTP: %v", body["messages"])
				}
			}
		}
		e.runBoth(c)
	}
	// acme's resources are untouched (DeleteChannel, DisableChannel… by globex did nothing).
	ch := &reachv1.GetChannelResponse{}
	e.must(mGetChannel, &reachv1.GetChannelRequest{Name: "channels/acme-mini"}, ch)
	if ch.Channel.DisplayName != "Acme mini" || ch.Channel.State != reachv1.ChannelState_CHANNEL_STATE_UNVERIFIED {
		t.Errorf("acme's channel changed by globex: %v", ch.Channel)
	}
	e.must(mGetTemplate, &reachv1.GetTemplateRequest{Name: "channels/acme-mini/templates/order"}, &reachv1.GetTemplateResponse{})
	list := &reachv1.ListChannelsResponse{}
	e.must(mListChannels, &reachv1.ListChannelsRequest{}, list)
	if len(list.Channels) != 1 {
		t.Errorf("acme lists %d channels, want 1 (globex's are invisible)", len(list.Channels))
	}
}
