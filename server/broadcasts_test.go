package server

import (
	"context"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

const (
	mCreateBroadcast = "/reach.v1.BroadcastService/CreateBroadcast"
	mGetBroadcast    = "/reach.v1.BroadcastService/GetBroadcast"
	mListBroadcasts  = "/reach.v1.BroadcastService/ListBroadcasts"
	mPauseBroadcast  = "/reach.v1.BroadcastService/PauseBroadcast"
	mResumeBroadcast = "/reach.v1.BroadcastService/ResumeBroadcast"
	mCancelBroadcast = "/reach.v1.BroadcastService/CancelBroadcast"
)

// lifeBroadcast is a valid broadcast of channels/life/templates/trade.
func lifeBroadcast() *reachv1.Broadcast {
	return &reachv1.Broadcast{Template: "channels/life/templates/trade",
		Data: map[string]string{"keyword1": "3", "keyword2": "¥30.00"}, Category: reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING}
}

func TestBroadcastValidation(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("life", lifeChannel(t))
	e.lifeTemplate("life", "trade", "TPL-LIFE", true)
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "once", "TPL-ONCE")
	tok := e.admin()
	bad := func(name string, req *reachv1.CreateBroadcastRequest, want codes.Code, fields ...string) {
		e.t.Helper()
		e.runBoth(transportCase{name: name, token: tok, grpcMethod: mCreateBroadcast, grpcReq: req,
			grpcResp: &reachv1.CreateBroadcastResponse{}, httpMethod: "POST", httpPath: "/v1/broadcasts", httpBody: req,
			want: want, fields: fields})
	}
	with := func(edit func(b *reachv1.Broadcast)) *reachv1.CreateBroadcastRequest {
		b := lifeBroadcast()
		edit(b)
		return &reachv1.CreateBroadcastRequest{Broadcast: b}
	}
	bad("no broadcast", &reachv1.CreateBroadcastRequest{}, codes.InvalidArgument, "broadcast")
	bad("no template", with(func(b *reachv1.Broadcast) { b.Template = "" }), codes.InvalidArgument, "broadcast.template")
	bad("bad template name", with(func(b *reachv1.Broadcast) { b.Template = "templates/x" }), codes.InvalidArgument, "broadcast.template")
	bad("unknown template", with(func(b *reachv1.Broadcast) { b.Template = "channels/life/templates/nope" }), codes.InvalidArgument, "broadcast.template")
	bad("missing keyword", with(func(b *reachv1.Broadcast) { delete(b.Data, "keyword2") }), codes.InvalidArgument, "broadcast.data[keyword2]")
	bad("bad request id", &reachv1.CreateBroadcastRequest{RequestId: "no spaces allowed", Broadcast: lifeBroadcast()}, codes.InvalidArgument, "request_id")
	bad("start too far", with(func(b *reachv1.Broadcast) { b.StartTime = timestamppb.New(time.Now().Add(400 * 24 * time.Hour)) }),
		codes.InvalidArgument, "broadcast.start_time")
	bad("expiry before start", with(func(b *reachv1.Broadcast) {
		b.StartTime, b.ExpireTime = timestamppb.New(time.Now().Add(time.Hour)), timestamppb.New(time.Now().Add(time.Minute))
	}), codes.InvalidArgument, "broadcast.expire_time")
	bad("subscription type on a Life Account", with(func(b *reachv1.Broadcast) {
		b.SubscriptionType = reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM
	}), codes.InvalidArgument, "broadcast.subscription_type")
	bad("unknown subscription type", &reachv1.CreateBroadcastRequest{Broadcast: &reachv1.Broadcast{Template: "channels/mini/templates/once",
		Data: map[string]string{"keyword1": "a", "keyword2": "b"}, SubscriptionType: 9}}, codes.InvalidArgument, "broadcast.subscription_type")
	bad("colours on a mini program", &reachv1.CreateBroadcastRequest{Broadcast: &reachv1.Broadcast{Template: "channels/mini/templates/once",
		Data: map[string]string{"keyword1": "a", "keyword2": "b"}, Colors: map[string]string{"keyword1": "#FF0000"}}}, codes.InvalidArgument, "broadcast.colors")

	// A viewer may not create; a sender may.
	e.runBoth(transportCase{name: "viewer", token: e.key("acme", store.RoleViewer), grpcMethod: mCreateBroadcast,
		grpcReq: &reachv1.CreateBroadcastRequest{Broadcast: lifeBroadcast()}, grpcResp: &reachv1.CreateBroadcastResponse{},
		httpMethod: "POST", httpPath: "/v1/broadcasts", httpBody: &reachv1.CreateBroadcastRequest{Broadcast: lifeBroadcast()},
		want: codes.PermissionDenied})
	e.runBoth(transportCase{name: "sender", token: e.key("acme", store.RoleSender), grpcMethod: mCreateBroadcast,
		grpcReq: &reachv1.CreateBroadcastRequest{Broadcast: lifeBroadcast()}, grpcResp: &reachv1.CreateBroadcastResponse{},
		httpMethod: "POST", httpPath: "/v1/broadcasts", httpBody: &reachv1.CreateBroadcastRequest{Broadcast: lifeBroadcast()},
		want: codes.OK})

	e.runBoth(transportCase{name: "bad name", token: tok, grpcMethod: mPauseBroadcast,
		grpcReq: &reachv1.PauseBroadcastRequest{Name: "broadcasts/UPPER_case"}, grpcResp: &reachv1.PauseBroadcastResponse{},
		httpMethod: "POST", httpPath: "/v1/broadcasts/UPPER_case:pause", httpBody: "{}", want: codes.InvalidArgument, fields: []string{"name"}})
	for _, name := range []string{"broadcasts/", "broadcasts/a/b", "messages/x"} {
		if err := e.call(tok, mGetBroadcast, &reachv1.GetBroadcastRequest{Name: name}, &reachv1.GetBroadcastResponse{}); codeOf(err) != codes.InvalidArgument {
			t.Errorf("get %q: %v", name, err)
		}
	}
	e.runBoth(transportCase{name: "unknown", token: tok, grpcMethod: mPauseBroadcast,
		grpcReq: &reachv1.PauseBroadcastRequest{Name: "broadcasts/0193"}, grpcResp: &reachv1.PauseBroadcastResponse{},
		httpMethod: "POST", httpPath: "/v1/broadcasts/0193:pause", want: codes.NotFound})
	e.runBoth(transportCase{name: "bad page size", token: tok, grpcMethod: mListBroadcasts,
		grpcReq: &reachv1.ListBroadcastsRequest{PageSize: -1}, grpcResp: &reachv1.ListBroadcastsResponse{},
		httpMethod: "GET", httpPath: "/v1/broadcasts?pageSize=-1", want: codes.InvalidArgument, fields: []string{"page_size"}})
}

func TestBroadcastLifecycle(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("life", lifeChannel(t))
	e.lifeTemplate("life", "trade", "TPL-LIFE", true)
	ctx := context.Background()
	tn, err := e.store.EnsureTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"2088000000000001", "2088000000000002", "2088000000000003"} {
		if _, err := e.store.ApplySubscription(ctx, store.SubscriptionKey{TenantID: tn.ID, ChannelID: "life",
			User: store.UserRef{Kind: "USER_ID", ID: u}}, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"}); err != nil {
			t.Fatal(err)
		}
	}
	req := &reachv1.CreateBroadcastRequest{RequestId: "promo-1", Broadcast: lifeBroadcast()}
	created := &reachv1.CreateBroadcastResponse{}
	e.must(mCreateBroadcast, req, created)
	b := created.Broadcast
	if created.Replayed || b.State != reachv1.BroadcastState_BROADCAST_STATE_SCHEDULED || b.RequestId != "promo-1" ||
		b.Data["keyword2"] != "¥30.00" || b.Category != reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING || b.ExpireTime == nil {
		t.Fatalf("created %v", created)
	}
	// The same request again: the same broadcast, over both transports.
	again := &reachv1.CreateBroadcastResponse{}
	e.runBoth(transportCase{name: "replay", token: e.admin(), grpcMethod: mCreateBroadcast, grpcReq: req, grpcResp: again,
		httpMethod: "POST", httpPath: "/v1/broadcasts", httpBody: req, want: codes.OK,
		grpcCheck: func() {
			if !again.Replayed || again.Broadcast.Name != b.Name {
				t.Errorf("replay %v", again)
			}
		},
		httpCheck: func(body map[string]any) {
			if body["replayed"] != true || body["broadcast"].(map[string]any)["name"] != b.Name {
				t.Errorf("HTTP replay %v", body)
			}
		}})
	other := proto.Clone(req).(*reachv1.CreateBroadcastRequest)
	other.Broadcast.Data["keyword1"] = "4"
	e.runBoth(transportCase{name: "reused request id", token: e.admin(), grpcMethod: mCreateBroadcast, grpcReq: other,
		grpcResp: &reachv1.CreateBroadcastResponse{}, httpMethod: "POST", httpPath: "/v1/broadcasts", httpBody: other,
		want: codes.AlreadyExists})

	// The template is deleted: the same request is still a replay, not an error that
	// invites a resend (a different body with the same request id is still refused).
	e.must(mDeleteTemplate, &reachv1.DeleteTemplateRequest{Name: "channels/life/templates/trade"}, &reachv1.DeleteTemplateResponse{})
	late := &reachv1.CreateBroadcastResponse{}
	e.must(mCreateBroadcast, req, late)
	if !late.Replayed || late.Broadcast.Name != b.Name {
		t.Fatalf("replay after the template was deleted: %v", late)
	}
	if err := e.call(e.admin(), mCreateBroadcast, other, &reachv1.CreateBroadcastResponse{}); codeOf(err) != codes.AlreadyExists {
		t.Fatalf("reused request id after the template was deleted: %v", err)
	}

	// Enqueue as a runner would; the messages name their broadcast.
	if _, err := e.store.ClaimBroadcast(ctx, "r1", time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	ref := store.BroadcastRef{TenantID: tn.ID, ID: b.Name[len("broadcasts/"):]}
	if _, _, err := e.store.EnqueueBroadcastBatch(ctx, "r1", ref, 2, time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	list := &reachv1.ListMessagesResponse{}
	e.must(mListMessages, &reachv1.ListMessagesRequest{}, list)
	if len(list.Messages) != 2 || list.Messages[0].Broadcast != b.Name {
		t.Fatalf("messages %v", list.Messages)
	}

	state := func(want reachv1.BroadcastState) {
		t.Helper()
		got := &reachv1.GetBroadcastResponse{}
		e.must(mGetBroadcast, &reachv1.GetBroadcastRequest{Name: b.Name}, got)
		if got.Broadcast.State != want {
			t.Fatalf("state %v, want %v", got.Broadcast.State, want)
		}
	}
	// refused asserts that verb is refused over both transports in the current state.
	refused := func(verb, method string, req proto.Message) {
		t.Helper()
		e.runBoth(transportCase{name: verb + " refused", token: e.admin(), grpcMethod: method, grpcReq: req,
			grpcResp: &reachv1.GetBroadcastResponse{}, httpMethod: "POST", httpPath: "/v1/" + b.Name + ":" + verb, httpBody: "{}",
			want: codes.FailedPrecondition})
	}
	e.must(mPauseBroadcast, &reachv1.PauseBroadcastRequest{Name: b.Name}, &reachv1.PauseBroadcastResponse{})
	state(reachv1.BroadcastState_BROADCAST_STATE_PAUSED)
	refused("pause", mPauseBroadcast, &reachv1.PauseBroadcastRequest{Name: b.Name})
	if code, body := e.httpCall(e.admin(), "POST", "/v1/"+b.Name+":resume", "{}"); code != 200 {
		t.Fatalf("HTTP resume: %d %v", code, body)
	}
	state(reachv1.BroadcastState_BROADCAST_STATE_RUNNING)
	refused("resume", mResumeBroadcast, &reachv1.ResumeBroadcastRequest{Name: b.Name})
	e.must(mCancelBroadcast, &reachv1.CancelBroadcastRequest{Name: b.Name}, &reachv1.CancelBroadcastResponse{})
	refused("cancel", mCancelBroadcast, &reachv1.CancelBroadcastRequest{Name: b.Name})
	got := &reachv1.GetBroadcastResponse{}
	e.must(mGetBroadcast, &reachv1.GetBroadcastRequest{Name: b.Name}, got)
	p := got.Broadcast.Progress
	if got.Broadcast.State != reachv1.BroadcastState_BROADCAST_STATE_CANCELLED || p.Cancelled != 2 || p.Queued != 0 || got.Broadcast.Enqueued != 2 {
		t.Fatalf("after cancel %v", got.Broadcast)
	}
	lb := &reachv1.ListBroadcastsResponse{}
	e.must(mListBroadcasts, &reachv1.ListBroadcastsRequest{}, lb)
	if len(lb.Broadcasts) != 1 || lb.Broadcasts[0].Progress.Cancelled != 2 {
		t.Fatalf("list %v", lb)
	}
	// Another tenant sees none of it.
	e.runBoth(transportCase{name: "other tenant", token: e.key("other", store.RoleAdmin), grpcMethod: mGetBroadcast,
		grpcReq: &reachv1.GetBroadcastRequest{Name: b.Name}, grpcResp: &reachv1.GetBroadcastResponse{},
		httpMethod: "GET", httpPath: "/v1/" + b.Name, want: codes.NotFound})
}
