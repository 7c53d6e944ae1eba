package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// sendQueued sends req over both transports (request ids suffixed -g and -h) and checks
// that each message is QUEUED for to.
func (e *testEnv) sendQueued(name string, req *reachv1.SendMessageRequest, check func(m *reachv1.Message)) {
	e.t.Helper()
	g := proto.Clone(req).(*reachv1.SendMessageRequest)
	g.RequestId = req.RequestId + "-g"
	h := proto.Clone(req).(*reachv1.SendMessageRequest)
	h.RequestId = req.RequestId + "-h"
	c := transportCase{name: name, token: e.admin(), grpcMethod: mSendMessage, grpcReq: g, grpcResp: &reachv1.SendMessageResponse{},
		httpMethod: "POST", httpPath: "/v1/messages:send", httpBody: h, want: codes.OK}
	queued := func(tr string, m *reachv1.Message) {
		if m.State != reachv1.MessageState_MESSAGE_STATE_QUEUED || m.Template != req.Template || !proto.Equal(m.Recipient, req.Recipient) {
			e.t.Errorf("%s over %s: %v", name, tr, m)
		}
		check(m)
	}
	c.grpcCheck = func() { queued("gRPC", c.grpcResp.(*reachv1.SendMessageResponse).Message) }
	c.httpCheck = func(body map[string]any) {
		m := &reachv1.Message{}
		remarshal(e.t, body["message"], m)
		queued("HTTP", m)
	}
	e.runBoth(c)
}

// TestAlipayFlowMiniProgram: the mini program path end to end against the simulator:
// an ENABLED channel, an imported template, the user's subscription recorded from the
// mini program and confirmed by a sync, and a message QUEUED for it. Dispatch to Alipay
// is a later issue: the simulator has received no send.
func TestAlipayFlowMiniProgram(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	ch := e.createChannel("shop", simMiniChannel(ts))
	if ch.State != reachv1.ChannelState_CHANNEL_STATE_ENABLED || ch.VerifyTime == nil {
		t.Fatalf("channel: %v %q", ch.State, ch.StateReason)
	}
	imp := &reachv1.ImportTemplateResponse{}
	e.must(mImportTemplate, &reachv1.ImportTemplateRequest{Parent: "channels/shop", TemplateId: "shipped", ExternalId: "MT1",
		DisplayName: "Order shipped", Content: "keyword1: 订单号\nkeyword2: 快递公司", SubscriptionType: typeOneTime}, imp)
	if len(imp.Template.Keywords) != 2 || imp.Template.ExternalId != "MT1" {
		t.Fatalf("imported: %v", imp.Template)
	}

	const user = "2088000000000801"
	if err := ts.Subscribe(simMiniApp, user, "MT1", 2); err != nil { // the user accepts twice in the app
		t.Fatal(err)
	}
	rec := &reachv1.RecordSubscribeResultResponse{}
	e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{Parent: "channels/shop", User: uid(user),
		ResultJson: `{"behavior":"subscribe","show":true,"result":{"subscribeEntityIds":["MT1"],"subscribedEntityIds":["MT1"],"unsubscribedEntityIds":[],"currentSubscribedEntityIds":["MT1"]},"MT1":"accept"}`}, rec)
	if rec.Outcome != reachv1.SubscribeOutcome_SUBSCRIBE_OUTCOME_SUBSCRIBED || len(rec.Subscriptions) != 1 || rec.Subscriptions[0].RemainingSends != 1 {
		t.Fatalf("record: %v", rec)
	}
	e.must(mRecordSubscribe, &reachv1.RecordSubscribeResultRequest{Parent: "channels/shop", User: uid(user),
		ResultJson: `{"behavior":"subscribe","result":{"subscribeEntityIds":["MT1"]},"MT1":"accept"}`}, rec)
	sync := &reachv1.SyncSubscriptionsResponse{}
	e.must(mSyncSubscriptions, &reachv1.SyncSubscriptionsRequest{Parent: "channels/shop", User: uid(user)}, sync)
	if len(sync.Subscriptions) != 1 || sync.Subscriptions[0].State != stateActive || sync.Subscriptions[0].RemainingSends != 2 {
		t.Fatalf("sync: %v", sync.Subscriptions)
	}

	e.sendQueued("send", &reachv1.SendMessageRequest{RequestId: "order-1001", Template: "channels/shop/templates/shipped",
		Recipient: uid(user), Data: map[string]string{"keyword1": "1001", "keyword2": "顺丰"}}, func(m *reachv1.Message) {
		if m.Data["keyword2"] != "顺丰" || m.Channel != "channels/shop" {
			t.Errorf("message: %v", m)
		}
	})
	if n := len(ts.Requests(alipaysim.RequestFilter{API: "alipay.open.app.mini.templatemessage.send"})); n != 0 {
		t.Errorf("%d sends reached the simulator before dispatch exists", n)
	}
}

// TestAlipayFlowLifeAccount: a Life Account claims a template, a user follows (through
// the notification endpoint) and a message to the follower is QUEUED.
func TestAlipayFlowLifeAccount(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "news")
	claim := &reachv1.ClaimTemplateResponse{}
	e.must(mClaimTemplate, &reachv1.ClaimTemplateRequest{Parent: "channels/news", TemplateId: "trade", LibCode: simLibCode,
		Keywords: []string{"交易笔数", "交易金额"}, FirstEnabled: true}, claim)
	const user = "2088000000000802"
	res := notify(t, ts, alipaysim.Notification{URL: e.baseURL + e.getChannel("channels/news").NotifyPath, Kind: alipaysim.NotifyFollow,
		AppID: simLifeApp, User: user})
	if res.Status != 200 || !res.Acknowledged {
		t.Fatalf("follow: %d %q", res.Status, res.Body)
	}
	e.followerIs("news", `user_id = "`+user+`"`, stateActive)
	e.sendQueued("send", &reachv1.SendMessageRequest{RequestId: "trade-1", Template: "channels/news/templates/trade", Recipient: uid(user),
		Data:        map[string]string{"first": "您有一笔交易", "keyword1": "1", "keyword2": "¥100.00"},
		LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://acme.example/t/1", ActionName: "查看详情"}}, func(m *reachv1.Message) {
		if m.Data["first"] != "您有一笔交易" {
			t.Errorf("message: %v", m)
		}
	})
}

// TestAlipayFlowAlipayPlus: an Alipay+ user authorizes the mini program and a message to
// the customer id Alipay+ returned is QUEUED.
func TestAlipayFlowAlipayPlus(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simPlus(ts, ts.URL()+"/api/open")
	e.createTemplate("plus", "order", &reachv1.Template{ExternalId: "TP_1", DisplayName: "Order", Keywords: kws("orderNo", "Order number"),
		Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: []string{"en-US"}}}})
	auth := &reachv1.AuthorizeUserResponse{}
	e.must(mAuthorizeUser, &reachv1.AuthorizeUserRequest{Parent: "channels/plus", AuthCode: authCode(t, ts, "CUST-FLOW")}, auth)
	customer := auth.Subscription.GetUser().GetCustomerId()
	if customer != "CUST-FLOW" {
		t.Fatalf("authorized %v", auth.Subscription)
	}
	e.sendQueued("send", &reachv1.SendMessageRequest{RequestId: "plus-1", Template: "channels/plus/templates/order", Recipient: cid(customer),
		Data: map[string]string{"orderNo": "A-1"}}, func(m *reachv1.Message) {
		if !strings.HasPrefix(m.Name, "messages/") {
			t.Errorf("message: %v", m)
		}
	})
}
