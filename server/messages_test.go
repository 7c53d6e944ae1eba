package server

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// messageWorld creates the channels and templates the message tests send with:
//
//	mini/order      ONE_TIME, keyword1 + keyword2 (product limit 50)
//	mini/short      ONE_TIME, keyword1 with max_length 5
//	life/trade      keyword1 + keyword2, first and remark, no default url or action name
//	life/trade-d    the same with a default url and action name
//	plus/promo      amount, languages en-US and zh-CN
//	plus/promo-any  amount, any language
func messageWorld(t *testing.T, e *testEnv) {
	t.Helper()
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "order", "tpl-1")
	e.createTemplate("mini", "short", &reachv1.Template{ExternalId: "tpl-short", DisplayName: "Short", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME,
		Keywords: []*reachv1.TemplateKeyword{{Key: "keyword1", Label: "码", MaxLength: 5}}})
	e.createChannel("life", lifeChannel(t))
	e.lifeTemplate("life", "trade", "TM-1", false)
	e.lifeTemplate("life", "trade-d", "TM-2", true)
	e.createChannel("plus", plusChannel(t))
	e.plusTemplate("plus", "promo", "PROMO")
	e.createTemplate("plus", "promo-any", &reachv1.Template{ExternalId: "PROMO-ANY", DisplayName: "Any", Keywords: kws("amount", "Amount")})
}

// sendCase sends g over gRPC and h (g when nil) over HTTP.
func (e *testEnv) sendCase(name string, g, h *reachv1.SendMessageRequest, want codes.Code, fields ...string) transportCase {
	if h == nil {
		h = g
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mSendMessage, grpcReq: g, grpcResp: &reachv1.SendMessageResponse{},
		httpMethod: "POST", httpPath: "/v1/messages:send", httpBody: h, want: want, fields: fields}
}

func sentOf(c transportCase) *reachv1.SendMessageResponse {
	return c.grpcResp.(*reachv1.SendMessageResponse)
}

func httpSent(t *testing.T, body map[string]any) *reachv1.SendMessageResponse {
	r := &reachv1.SendMessageResponse{}
	remarshal(t, body, r)
	return r
}

// with returns a copy of r changed by mod.
func with(r *reachv1.SendMessageRequest, mod func(*reachv1.SendMessageRequest)) *reachv1.SendMessageRequest {
	c := proto.Clone(r).(*reachv1.SendMessageRequest)
	mod(c)
	return c
}

func TestSendMessage(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	alice := uid("2088000000000001")
	mini := miniSend("mini", "order", "", alice)

	// A mini program message is queued with what was sent.
	c := e.sendCase("mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.RequestId = "send-g"; r.Page = "pages/order?id=1" }),
		with(mini, func(r *reachv1.SendMessageRequest) { r.RequestId = "send-h"; r.Page = "pages/order?id=1" }), codes.OK)
	queued := func(r *reachv1.SendMessageResponse, reqID string) {
		m := r.Message
		if r.Replayed || !strings.HasPrefix(m.Name, "messages/") || m.Channel != "channels/mini" || m.Template != "channels/mini/templates/order" ||
			m.State != reachv1.MessageState_MESSAGE_STATE_QUEUED || m.StateReason == "" || m.RequestId != reqID || m.Recipient.GetUserId() != "2088000000000001" ||
			m.Data["keyword1"] != "1001" || m.Data["keyword2"] != "SF" || m.Page != "pages/order?id=1" || m.Attempts != 0 || m.CreateTime == nil {
			t.Errorf("queued: %v", r)
		}
		if d := m.ExpireTime.AsTime().Sub(m.CreateTime.AsTime()); d < 7*24*time.Hour-time.Minute || d > 7*24*time.Hour+time.Minute {
			t.Errorf("default expiry %v after creation, want 7 days", d)
		}
	}
	c.grpcCheck = func() { queued(sentOf(c), "send-g") }
	c.httpCheck = func(body map[string]any) { queued(httpSent(t, body), "send-h") }
	e.runBoth(c)

	// Without a request id there is no idempotency: two messages.
	c = e.sendCase("no request id", mini, nil, codes.OK)
	var first string
	c.grpcCheck = func() { first = sentOf(c).Message.Name }
	c.httpCheck = func(body map[string]any) {
		if r := httpSent(t, body); r.Message.Name == first || r.Replayed || r.Message.RequestId != "" {
			t.Errorf("second send without request id: %v (first %s)", r, first)
		}
	}
	e.runBoth(c)

	// The same request twice: the HTTP call replays the gRPC call's message.
	replay := with(mini, func(r *reachv1.SendMessageRequest) { r.RequestId = "order-1001" })
	c = e.sendCase("replay", replay, nil, codes.OK)
	c.httpCheck = func(body map[string]any) {
		if r := httpSent(t, body); !r.Replayed || r.Message.Name != sentOf(c).Message.Name {
			t.Errorf("replay over HTTP: %v, want %s replayed", r, sentOf(c).Message.Name)
		}
	}
	e.runBoth(c)
	reused := e.sendCase("request id reused with other content", with(replay, func(r *reachv1.SendMessageRequest) { r.Data["keyword2"] = "EMS" }), nil, codes.AlreadyExists)
	reused.msg = `request_id "order-1001" was already used`
	e.runBoth(reused)
	e.runBoth(e.sendCase("request id reused for another recipient", with(replay, func(r *reachv1.SendMessageRequest) { r.Recipient = uid("2088000000000002") }), nil, codes.AlreadyExists))
	batch := &reachv1.BatchSendMessagesRequest{RequestId: "order-1001", Template: replay.Template, Recipients: []*reachv1.Recipient{{User: alice}}, Data: replay.Data}
	e.runBoth(transportCase{name: "request id of a send reused by a batch", token: e.admin(), grpcMethod: mBatchSend, grpcReq: batch, grpcResp: &reachv1.BatchSendMessagesResponse{},
		httpMethod: "POST", httpPath: "/v1/messages:batchSend", httpBody: batch, want: codes.AlreadyExists})

	// Scheduling.
	at := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
	c = e.sendCase("scheduled", with(mini, func(r *reachv1.SendMessageRequest) { r.SendTime = timestamppb.New(at) }), nil, codes.OK)
	c.grpcCheck = func() {
		m := sentOf(c).Message
		if !m.SendTime.AsTime().Equal(at) || !m.ExpireTime.AsTime().Equal(at.Add(7*24*time.Hour)) {
			t.Errorf("scheduled: send %v expire %v", m.SendTime.AsTime(), m.ExpireTime.AsTime())
		}
	}
	e.runBoth(c)
	exp := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	c = e.sendCase("explicit expiry", with(mini, func(r *reachv1.SendMessageRequest) { r.ExpireTime = timestamppb.New(exp) }), nil, codes.OK)
	c.grpcCheck = func() {
		if m := sentOf(c).Message; !m.ExpireTime.AsTime().Equal(exp) || m.SendTime != nil {
			t.Errorf("expiry: %v", m)
		}
	}
	e.runBoth(c)

	// Life Account: url and action name come from the message or the template.
	life := &reachv1.SendMessageRequest{Template: "channels/life/templates/trade", Recipient: oid("open-1"),
		Data: map[string]string{"keyword1": "1", "keyword2": "¥100.00", "first": "您好", "remark": "谢谢"}, Colors: map[string]string{"keyword2": "#FF0000", "first": "#000000"},
		LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://acme.example/o/1", ActionName: "查看", HeadColor: "#85be53"}}
	c = e.sendCase("life account with url and action name", life, nil, codes.OK)
	c.grpcCheck = func() {
		m := sentOf(c).Message
		if m.LifeAccount.GetUrl() != "https://acme.example/o/1" || m.Colors["keyword2"] != "#FF0000" || m.Data["first"] != "您好" {
			t.Errorf("life account message: %v", m)
		}
	}
	e.runBoth(c)
	e.runBoth(e.sendCase("life account using the template's defaults", &reachv1.SendMessageRequest{Template: "channels/life/templates/trade-d", Recipient: oid("open-1"),
		Data: map[string]string{"keyword1": "1", "keyword2": "2"}}, nil, codes.OK))
	e.runBoth(e.sendCase("life account overriding one default", &reachv1.SendMessageRequest{Template: "channels/life/templates/trade-d", Recipient: uid("2088000000000001"),
		Data: map[string]string{"keyword1": "1", "keyword2": "2"}, LifeAccount: &reachv1.LifeAccountMessageOptions{ActionName: "去看看"}}, nil, codes.OK))

	// Alipay+: data, or localizations.
	plus := &reachv1.SendMessageRequest{Template: "channels/plus/templates/promo", Recipient: cid("cust-1"), Data: map[string]string{"amount": "10 USD"}, Page: "https://acme.example/promo"}
	e.runBoth(e.sendCase("alipay+ with data", plus, nil, codes.OK))
	loc := &reachv1.SendMessageRequest{Template: "channels/plus/templates/promo", Recipient: cid("cust-1"), Localizations: []*reachv1.LocalizedData{
		{Language: "en-US", Data: map[string]string{"amount": "10 USD"}}, {Language: "zh-CN", Data: map[string]string{"amount": "10 美元"}}}}
	c = e.sendCase("alipay+ with localizations", loc, nil, codes.OK)
	c.grpcCheck = func() {
		if m := sentOf(c).Message; len(m.Localizations) != 2 || m.Localizations[1].Data["amount"] != "10 美元" || len(m.Data) != 0 {
			t.Errorf("localized message: %v", m)
		}
	}
	e.runBoth(c)
	var five []*reachv1.LocalizedData
	for _, l := range []string{"en-US", "zh-CN", "zh-HK", "ms-MY", "th-TH"} {
		five = append(five, &reachv1.LocalizedData{Language: l, Data: map[string]string{"amount": "1"}})
	}
	e.runBoth(e.sendCase("alipay+ five languages", &reachv1.SendMessageRequest{Template: "channels/plus/templates/promo-any", Recipient: cid("cust-1"), Localizations: five}, nil, codes.OK))
	e.runBoth(e.sendCase("sender sends", mini, nil, codes.OK).withToken(e.key("acme", "sender")))
	e.runBoth(e.sendCase("viewer may not send", mini, nil, codes.PermissionDenied).withToken(e.key("acme", "viewer")))

	// Group commit reports its work on /metrics: every send above was one call.
	_, raw := e.httpRaw("", "GET", "/metrics", "", nil)
	for _, name := range []string{"reach_ingest_calls_total", "reach_ingest_transactions_total", "reach_ingest_alone_total"} {
		if !strings.Contains(string(raw), "\n"+name+" ") {
			t.Errorf("/metrics has no %s", name)
		}
	}
	if strings.Contains(string(raw), "\nreach_ingest_calls_total 0\n") {
		t.Error("/metrics counts no ingest calls after sends")
	}
}

func TestSendMessageInvalid(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	mini := miniSend("mini", "order", "", uid("2088000000000001"))
	life := &reachv1.SendMessageRequest{Template: "channels/life/templates/trade", Recipient: oid("open-1"), Data: map[string]string{"keyword1": "1", "keyword2": "2"},
		LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "https://acme.example/x", ActionName: "看"}}
	plus := &reachv1.SendMessageRequest{Template: "channels/plus/templates/promo", Recipient: cid("cust-1"), Data: map[string]string{"amount": "1"}}
	loc := func(langs ...string) []*reachv1.LocalizedData {
		var out []*reachv1.LocalizedData
		for _, l := range langs {
			out = append(out, &reachv1.LocalizedData{Language: l, Data: map[string]string{"amount": "1"}})
		}
		return out
	}
	now := time.Now()
	for _, x := range []struct {
		name   string
		req    *reachv1.SendMessageRequest
		fields []string
	}{
		{"no template", with(mini, func(r *reachv1.SendMessageRequest) { r.Template = "" }), []string{"template"}},
		{"no template, no recipient", with(mini, func(r *reachv1.SendMessageRequest) { r.Template, r.Recipient = "", nil }), []string{"template", "recipient"}},
		{"template not a name", with(mini, func(r *reachv1.SendMessageRequest) { r.Template = "order" }), []string{"template"}},
		{"unknown template", with(mini, func(r *reachv1.SendMessageRequest) { r.Template = "channels/mini/templates/nope" }), []string{"template"}},
		{"unknown channel", with(mini, func(r *reachv1.SendMessageRequest) { r.Template = "channels/nope/templates/order" }), []string{"template"}},
		{"missing keyword", with(mini, func(r *reachv1.SendMessageRequest) { delete(r.Data, "keyword2") }), []string{"data[keyword2]"}},
		{"empty keyword", with(mini, func(r *reachv1.SendMessageRequest) { r.Data["keyword1"] = "" }), []string{"data[keyword1]"}},
		{"no data", with(mini, func(r *reachv1.SendMessageRequest) { r.Data = nil }), []string{"data[keyword1]", "data[keyword2]"}},
		{"extra keyword", with(mini, func(r *reachv1.SendMessageRequest) { r.Data["keyword3"] = "x" }), []string{"data[keyword3]"}},
		{"first on a mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.Data["first"] = "x" }), []string{"data[first]"}},
		{"value over 50 characters on a mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.Data["keyword1"] = strings.Repeat("字", 51) }), []string{"data[keyword1]"}},
		{"value over the keyword's max_length", &reachv1.SendMessageRequest{Template: "channels/mini/templates/short", Recipient: uid("2088000000000001"),
			Data: map[string]string{"keyword1": "123456"}}, []string{"data[keyword1]"}},
		{"no recipient", with(mini, func(r *reachv1.SendMessageRequest) { r.Recipient = nil }), []string{"recipient"}},
		{"bad user_id", with(mini, func(r *reachv1.SendMessageRequest) { r.Recipient = uid("208800000000000") }), []string{"recipient.user_id"}},
		{"bad open_id", with(mini, func(r *reachv1.SendMessageRequest) { r.Recipient = oid("open/1") }), []string{"recipient.open_id"}},
		{"customer_id on a mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.Recipient = cid("cust-1") }), []string{"recipient"}},
		{"customer_id on a life account", with(life, func(r *reachv1.SendMessageRequest) { r.Recipient = cid("cust-1") }), []string{"recipient"}},
		{"request id with a space", with(mini, func(r *reachv1.SendMessageRequest) { r.RequestId = "order 1" }), []string{"request_id"}},
		{"request id too long", with(mini, func(r *reachv1.SendMessageRequest) { r.RequestId = strings.Repeat("r", 129) }), []string{"request_id"}},
		{"expire time in the past", with(mini, func(r *reachv1.SendMessageRequest) { r.ExpireTime = timestamppb.New(now.Add(-time.Minute)) }), []string{"expire_time"}},
		{"expire before send", with(mini, func(r *reachv1.SendMessageRequest) {
			r.SendTime, r.ExpireTime = timestamppb.New(now.Add(2*time.Hour)), timestamppb.New(now.Add(time.Hour))
		}), []string{"expire_time"}},
		{"send time over a year ahead", with(mini, func(r *reachv1.SendMessageRequest) { r.SendTime = timestamppb.New(now.Add(400 * 24 * time.Hour)) }), []string{"send_time"}},
		{"page too long", with(mini, func(r *reachv1.SendMessageRequest) { r.Page = strings.Repeat("p", 129) }), []string{"page"}},
		{"colours on a mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.Colors = map[string]string{"keyword1": "#FF0000"} }), []string{"colors"}},
		{"life account options on a mini program", with(mini, func(r *reachv1.SendMessageRequest) {
			r.LifeAccount = &reachv1.LifeAccountMessageOptions{Url: "https://x.example"}
		}), []string{"life_account"}},
		{"localizations on a mini program", with(mini, func(r *reachv1.SendMessageRequest) { r.Localizations = loc("en-US") }), []string{"localizations"}},
		{"life account without url or action name", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount = nil }), []string{"life_account.url", "life_account.action_name"}},
		{"life account without action name", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.ActionName = "" }), []string{"life_account.action_name"}},
		{"life account bad url", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.Url = "javascript:alert(1)" }), []string{"life_account.url"}},
		{"life account action name too long", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.ActionName = strings.Repeat("看", 17) }), []string{"life_account.action_name"}},
		{"life account action name of 9 Chinese characters", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.ActionName = strings.Repeat("看", 9) }), []string{"life_account.action_name"}},
		{"life account action name of 17 Latin characters", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.ActionName = strings.Repeat("v", 17) }), []string{"life_account.action_name"}},
		{"life account bad head colour", with(life, func(r *reachv1.SendMessageRequest) { r.LifeAccount.HeadColor = "red" }), []string{"life_account.head_color"}},
		{"life account page", with(life, func(r *reachv1.SendMessageRequest) { r.Page = "pages/x" }), []string{"page"}},
		{"life account bad colour", with(life, func(r *reachv1.SendMessageRequest) { r.Colors = map[string]string{"keyword1": "#FF00"} }), []string{"colors[keyword1]"}},
		{"life account colour of no keyword", with(life, func(r *reachv1.SendMessageRequest) { r.Colors = map[string]string{"keyword9": "#FF0000"} }), []string{"colors[keyword9]"}},
		{"life account first too long", with(life, func(r *reachv1.SendMessageRequest) { r.Data["first"] = strings.Repeat("长", 201) }), []string{"data[first]"}},
		{"alipay+ user_id", with(plus, func(r *reachv1.SendMessageRequest) { r.Recipient = uid("2088000000000001") }), []string{"recipient"}},
		{"alipay+ data and localizations", with(plus, func(r *reachv1.SendMessageRequest) { r.Localizations = loc("en-US") }), []string{"data"}},
		{"alipay+ six localizations", &reachv1.SendMessageRequest{Template: "channels/plus/templates/promo-any", Recipient: cid("cust-1"),
			Localizations: loc("en-US", "zh-CN", "zh-HK", "ms-MY", "th-TH", "id-ID")}, []string{"localizations"}},
		{"alipay+ duplicate language", with(plus, func(r *reachv1.SendMessageRequest) { r.Data, r.Localizations = nil, loc("en-US", "en-US") }), []string{"localizations[1].language"}},
		{"alipay+ language the template lacks", with(plus, func(r *reachv1.SendMessageRequest) { r.Data, r.Localizations = nil, loc("th-TH") }), []string{"localizations[0].language"}},
		{"alipay+ bad language tag", with(plus, func(r *reachv1.SendMessageRequest) { r.Data, r.Localizations = nil, loc("EN") }), []string{"localizations[0].language"}},
		{"alipay+ localization missing a keyword", with(plus, func(r *reachv1.SendMessageRequest) {
			r.Data, r.Localizations = nil, []*reachv1.LocalizedData{{Language: "en-US", Data: map[string]string{"other": "x"}}}
		}), []string{"localizations[0].data[amount]", "localizations[0].data[other]"}},
		{"alipay+ page not a URL", with(plus, func(r *reachv1.SendMessageRequest) { r.Page = "pages/index" }), []string{"page"}},
		{"alipay+ colours", with(plus, func(r *reachv1.SendMessageRequest) { r.Colors = map[string]string{"amount": "#000000"} }), []string{"colors"}},
	} {
		e.runBoth(e.sendCase(x.name, x.req, nil, codes.InvalidArgument, x.fields...))
	}
	// Another tenant's template does not exist for the caller.
	e.runBoth(e.sendCase("other tenant's template", mini, nil, codes.InvalidArgument, "template").withToken(e.key("globex", "admin")))

	// An INVALID template fails the send outright; reviving it makes sends work again.
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: "channels/mini/templates/order", State: reachv1.TemplateState_TEMPLATE_STATE_INVALID},
		UpdateMask: mask("state")}, &reachv1.UpdateTemplateResponse{})
	inv := e.sendCase("INVALID template", mini, nil, codes.FailedPrecondition)
	inv.msg = "is INVALID"
	e.runBoth(inv)
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: "channels/mini/templates/order", State: reachv1.TemplateState_TEMPLATE_STATE_ACTIVE},
		UpdateMask: mask("state")}, &reachv1.UpdateTemplateResponse{})
	e.runBoth(e.sendCase("revived template", mini, nil, codes.OK))

	// Nothing invalid was stored.
	list := &reachv1.ListMessagesResponse{}
	e.must(mListMessages, &reachv1.ListMessagesRequest{}, list)
	if len(list.Messages) != 2 {
		t.Errorf("%d messages stored, want only the 2 valid sends", len(list.Messages))
	}
}

// TestLifeAccountURLMustBeHTTPS: the Life Account landing page is https in the contract
// (LifeAccountTemplateOptions.url and LifeAccountMessageOptions.url: "(https)").
func TestLifeAccountURLMustBeHTTPS(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	e.runBoth(e.createTemplateCase("template default url over http", "life", "", &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("keyword1", "a"),
		Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{Url: "http://acme.example/x"}}}, nil, codes.InvalidArgument, "template.life_account.url"))
	e.runBoth(e.sendCase("message url over http", &reachv1.SendMessageRequest{Template: "channels/life/templates/trade", Recipient: oid("open-1"),
		Data: map[string]string{"keyword1": "1", "keyword2": "2"}, LifeAccount: &reachv1.LifeAccountMessageOptions{Url: "http://acme.example/x", ActionName: "看"}}, nil,
		codes.InvalidArgument, "life_account.url"))
}
