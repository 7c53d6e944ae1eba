package server

import (
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// updateTemplateCase sends UpdateTemplate for in (gRPC) and for the same values under the
// template httpName (in.Name when empty) over HTTP.
func (e *testEnv) updateTemplateCase(name string, in *reachv1.Template, httpName string, paths []string, want codes.Code, fields ...string) transportCase {
	if httpName == "" {
		httpName = in.Name
	}
	path := "/v1/" + httpName
	if len(paths) > 0 {
		path += "?update_mask=" + strings.Join(paths, ",")
	}
	body, err := protojson.Marshal(in)
	if err != nil {
		e.t.Fatal(err)
	}
	req := &reachv1.UpdateTemplateRequest{Template: in}
	if len(paths) > 0 {
		req.UpdateMask = mask(paths...)
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mUpdateTemplate, grpcReq: req, grpcResp: &reachv1.UpdateTemplateResponse{},
		httpMethod: "PATCH", httpPath: path, httpBody: string(body), want: want, fields: fields}
}

func (e *testEnv) getTemplate(name string) *reachv1.Template {
	e.t.Helper()
	resp := &reachv1.GetTemplateResponse{}
	e.must(mGetTemplate, &reachv1.GetTemplateRequest{Name: name}, resp)
	return resp.Template
}

func TestUpdateTemplate(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	g := e.oneTimeTemplate("mini", "g", "ext-g")
	h := e.oneTimeTemplate("mini", "h", "ext-h")
	e.oneTimeTemplate("mini", "other", "ext-other")

	// display_name and keywords.
	c := e.updateTemplateCase("display_name and keywords", &reachv1.Template{Name: g.Name, DisplayName: "Renamed", Keywords: kws("keyword1", "单号", "keyword2", "公司", "keyword3", "时间")},
		h.Name, []string{"display_name", "keywords"}, codes.OK)
	check := func(got *reachv1.Template) {
		if got.DisplayName != "Renamed" || len(got.Keywords) != 3 || got.Keywords[2].Key != "keyword3" || got.SubscriptionType != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME ||
			got.Etag == g.Etag || !strings.HasPrefix(got.ExternalId, "ext-") {
			t.Errorf("updated: %v", got)
		}
	}
	c.grpcCheck = func() { check(c.grpcResp.(*reachv1.UpdateTemplateResponse).Template) }
	c.httpCheck = func(body map[string]any) { got := &reachv1.Template{}; remarshal(t, body["template"], got); check(got) }
	e.runBoth(c)
	check(e.getTemplate(g.Name))

	// Retire by hand, then revive INVALID → ACTIVE via the state mask.
	c = e.updateTemplateCase("mark INVALID", &reachv1.Template{Name: g.Name, State: reachv1.TemplateState_TEMPLATE_STATE_INVALID}, h.Name, []string{"state"}, codes.OK)
	c.grpcCheck = func() {
		got := c.grpcResp.(*reachv1.UpdateTemplateResponse).Template
		if got.State != reachv1.TemplateState_TEMPLATE_STATE_INVALID || got.StateReason == "" || got.InvalidTime == nil {
			t.Errorf("retired: %v", got)
		}
	}
	e.runBoth(c)
	c = e.updateTemplateCase("revive to ACTIVE", &reachv1.Template{Name: g.Name, State: reachv1.TemplateState_TEMPLATE_STATE_ACTIVE}, h.Name, []string{"state"}, codes.OK)
	revived := func(got *reachv1.Template) {
		if got.State != reachv1.TemplateState_TEMPLATE_STATE_ACTIVE || got.StateReason != "" || got.InvalidTime != nil {
			t.Errorf("revived: %v", got)
		}
	}
	c.grpcCheck = func() { revived(c.grpcResp.(*reachv1.UpdateTemplateResponse).Template) }
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Template{}
		remarshal(t, body["template"], got)
		revived(got)
	}
	e.runBoth(c)

	// Invalid updates.
	up := func(name string, in *reachv1.Template, paths []string, want codes.Code, fields ...string) {
		e.runBoth(e.updateTemplateCase(name, in, "", paths, want, fields...))
	}
	up("unknown path", &reachv1.Template{Name: g.Name}, []string{"colour"}, codes.InvalidArgument, "update_mask")
	up("name is not updatable", &reachv1.Template{Name: g.Name}, []string{"name"}, codes.InvalidArgument, "update_mask")
	up("etag is not updatable", &reachv1.Template{Name: g.Name}, []string{"etag"}, codes.InvalidArgument, "update_mask")
	up("state unspecified", &reachv1.Template{Name: g.Name}, []string{"state"}, codes.InvalidArgument, "template.state")
	up("duplicate keyword keys", &reachv1.Template{Name: g.Name, Keywords: kws("a", "x", "a", "y")}, []string{"keywords"}, codes.InvalidArgument, "template.keywords[1].key")
	up("no keywords left", &reachv1.Template{Name: g.Name}, []string{"keywords"}, codes.InvalidArgument, "template.keywords")
	// The type is immutable: the ledger's rows were counted under it.
	up("subscription type cleared on a mini program", &reachv1.Template{Name: g.Name}, []string{"subscription_type"}, codes.InvalidArgument, "update_mask")
	up("life account options on a mini program", &reachv1.Template{Name: g.Name, Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{Title: "x"}}},
		[]string{"life_account"}, codes.InvalidArgument, "template.life_account")
	up("external id taken by another template", &reachv1.Template{Name: g.Name, ExternalId: "ext-other"}, []string{"external_id"}, codes.AlreadyExists)
	up("missing template", &reachv1.Template{Name: "channels/mini/templates/nope", DisplayName: "x"}, []string{"display_name"}, codes.NotFound)
	up("bad name", &reachv1.Template{Name: "channels/mini/templates/No", DisplayName: "x"}, []string{"display_name"}, codes.InvalidArgument, "template.name")
	e.runBoth(e.updateTemplateCase("other tenant's template", &reachv1.Template{Name: g.Name, DisplayName: "x"}, "", []string{"display_name"}, codes.NotFound).withToken(e.key("globex", "admin")))
	nomask := e.updateTemplateCase("no update mask", &reachv1.Template{Name: g.Name, DisplayName: "x"}, "", nil, codes.InvalidArgument, "update_mask")
	nomask.httpBody = `{}`
	e.runBoth(nomask)

	// Stale etag.
	cur := e.getTemplate(g.Name)
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: g.Name, DisplayName: "Newer", Etag: cur.Etag}, UpdateMask: mask("display_name")},
		&reachv1.UpdateTemplateResponse{})
	stale := e.updateTemplateCase("stale etag", &reachv1.Template{Name: g.Name, DisplayName: "Lost", Etag: cur.Etag}, "", []string{"display_name"}, codes.Aborted)
	stale.msg = "etag"
	e.runBoth(stale)
	if got := e.getTemplate(g.Name); got.DisplayName != "Newer" {
		t.Errorf("stale update applied: %q", got.DisplayName)
	}
}

func TestDeleteTemplate(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	g := e.oneTimeTemplate("mini", "g", "ext-g")
	h := e.oneTimeTemplate("mini", "h", "ext-h")
	del := func(name, gName, hName, etag string, want codes.Code, fields ...string) transportCase {
		path := "/v1/" + hName
		if etag != "" {
			path += "?etag=" + etag
		}
		return transportCase{name: name, token: e.admin(), grpcMethod: mDeleteTemplate, grpcReq: &reachv1.DeleteTemplateRequest{Name: gName, Etag: etag},
			grpcResp: &reachv1.DeleteTemplateResponse{}, httpMethod: "DELETE", httpPath: path, want: want, fields: fields}
	}
	stale := g.Etag
	for _, n := range []string{g.Name, h.Name} {
		e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: n, DisplayName: "v2"}, UpdateMask: mask("display_name")}, &reachv1.UpdateTemplateResponse{})
	}
	e.runBoth(del("stale etag", g.Name, h.Name, stale, codes.Aborted))
	e.runBoth(del("other tenant's", g.Name, h.Name, "", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(del("viewer", g.Name, h.Name, "", codes.PermissionDenied).withToken(e.key("acme", "viewer")))
	e.runBoth(del("bad name", "channels/mini/templates/G", "channels/mini/templates/G", "", codes.InvalidArgument, "name"))
	c := del("current etag", g.Name, h.Name, "", codes.OK)
	c.grpcReq.(*reachv1.DeleteTemplateRequest).Etag = e.getTemplate(g.Name).Etag
	e.runBoth(c)
	e.runBoth(del("already deleted", g.Name, h.Name, "", codes.NotFound))
	// The external id is free again.
	e.oneTimeTemplate("mini", "g2", "ext-g")
}

// lifeTemplateJSON is the Life Account template JSON alipay.open.public.template.message.add
// returns.
const lifeTemplateJSON = `{"title": "交易确认","actionUrl1": "${url}","actionName1": "${actionName}","firstValue": "${first}","key1": "交易笔数","value1": "${keyword1}","key2": "交易金额","value2": "${keyword2}"}`

// claimResponseJSON is a whole claim response: the template is a JSON string inside it,
// next to its template_id.
const claimResponseJSON = `{
    "alipay_open_public_template_message_add_response": {
        "code": "10000",
        "msg": "Success",
        "template_id": "7c866fab64464afaa956223c74ce6cbc",
        "template": "{\"title\": \"交易确认\",\"actionUrl1\": \"${url}\",\"actionName1\": \"${actionName}\",\"firstValue\": \"${first}\",\"key1\": \"交易笔数\",\"value1\": \"${keyword1}\",\"key2\": \"交易金额\",\"value2\": \"${keyword2}\"}"
    },
    "sign": "ERITJKEIJKJHKKKKKKKHJEREEEEEEEEEEE"
}`

func TestImportTemplate(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("life", lifeChannel(t))
	e.createChannel("mini", miniChannel(t))
	imp := func(name string, g, h *reachv1.ImportTemplateRequest, want codes.Code, fields ...string) transportCase {
		if h == nil {
			h = g
		}
		return transportCase{name: name, token: e.admin(), grpcMethod: mImportTemplate, grpcReq: g, grpcResp: &reachv1.ImportTemplateResponse{},
			httpMethod: "POST", httpPath: "/v1/" + h.Parent + "/templates:import", httpBody: h, want: want, fields: fields}
	}
	lifeWant := func(got *reachv1.Template, ext string) {
		t.Helper()
		la := got.GetLifeAccount()
		if got.ExternalId != ext || got.DisplayName != "交易确认" || len(got.Keywords) != 2 ||
			got.Keywords[0].Key != "keyword1" || got.Keywords[0].Label != "交易笔数" || got.Keywords[1].Key != "keyword2" || got.Keywords[1].Label != "交易金额" ||
			la.GetTitle() != "交易确认" || !la.GetFirstEnabled() || la.GetRemarkEnabled() || got.State != reachv1.TemplateState_TEMPLATE_STATE_ACTIVE {
			t.Errorf("imported %v", got)
		}
	}

	// The Life Account template JSON, with Alipay's id given.
	c := imp("life account JSON", &reachv1.ImportTemplateRequest{Parent: "channels/life", TemplateId: "trade-g", ExternalId: "TM-g", Content: lifeTemplateJSON},
		&reachv1.ImportTemplateRequest{Parent: "channels/life", TemplateId: "trade-h", ExternalId: "TM-h", Content: lifeTemplateJSON}, codes.OK)
	c.grpcCheck = func() {
		got := c.grpcResp.(*reachv1.ImportTemplateResponse).Template
		if got.Name != "channels/life/templates/trade-g" {
			t.Errorf("name %q", got.Name)
		}
		lifeWant(got, "TM-g")
	}
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Template{}
		remarshal(t, body["template"], got)
		lifeWant(got, "TM-h")
	}
	e.runBoth(c)
	lifeWant(e.getTemplate("channels/life/templates/trade-h"), "TM-h")

	// A whole claim response carries the template id; a second import of it is a duplicate.
	claim := &reachv1.ImportTemplateRequest{Parent: "channels/life", TemplateId: "claimed", Content: claimResponseJSON}
	resp := &reachv1.ImportTemplateResponse{}
	e.must(mImportTemplate, claim, resp)
	lifeWant(resp.Template, "7c866fab64464afaa956223c74ce6cbc")
	again := imp("claim response imported twice", &reachv1.ImportTemplateRequest{Parent: "channels/life", Content: claimResponseJSON}, nil, codes.AlreadyExists)
	again.msg = "7c866fab64464afaa956223c74ce6cbc"
	e.runBoth(again)
	// The display name given wins over the title.
	c = imp("display name given", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "TM-dn-g", DisplayName: "Payments", Content: lifeTemplateJSON},
		&reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "TM-dn-h", DisplayName: "Payments", Content: lifeTemplateJSON}, codes.OK)
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.ImportTemplateResponse).Template; got.DisplayName != "Payments" {
			t.Errorf("display name %q", got.DisplayName)
		}
	}
	e.runBoth(c)

	// Keyword lines on a mini program channel, which needs the subscription type.
	lines := "keyword1: 订单号\nkeyword2: 快递公司\n"
	c = imp("keyword lines on a mini program", &reachv1.ImportTemplateRequest{Parent: "channels/mini", ExternalId: "mini-g", Content: lines, SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM},
		&reachv1.ImportTemplateRequest{Parent: "channels/mini", ExternalId: "mini-h", Content: lines, SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM}, codes.OK)
	c.grpcCheck = func() {
		got := c.grpcResp.(*reachv1.ImportTemplateResponse).Template
		if got.DisplayName != "mini-g" || len(got.Keywords) != 2 || got.Keywords[1].Label != "快递公司" || got.SubscriptionType != reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM || got.GetLifeAccount() != nil {
			t.Errorf("imported lines: %v", got)
		}
	}
	e.runBoth(c)

	// Errors.
	for _, x := range []struct {
		name   string
		req    *reachv1.ImportTemplateRequest
		want   codes.Code
		fields []string
	}{
		{"unreadable text", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: "hello world"}, codes.InvalidArgument, []string{"content"}},
		{"broken JSON", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: `{"title": "交易确认", "key1":`}, codes.InvalidArgument, []string{"content"}},
		{"empty content", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x"}, codes.InvalidArgument, []string{"content"}},
		{"content over 64 KiB", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: strings.Repeat("k", 64<<10+1)}, codes.InvalidArgument, []string{"content"}},
		{"template JSON without an id", &reachv1.ImportTemplateRequest{Parent: "channels/life", Content: lifeTemplateJSON}, codes.InvalidArgument, []string{"external_id"}},
		{"mini program without subscription type", &reachv1.ImportTemplateRequest{Parent: "channels/mini", ExternalId: "x", Content: lines}, codes.InvalidArgument, []string{"subscription_type"}},
		{"subscription type on a life account", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: lifeTemplateJSON, SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME},
			codes.InvalidArgument, []string{"subscription_type"}},
		{"bad template id", &reachv1.ImportTemplateRequest{Parent: "channels/life", TemplateId: "Bad", ExternalId: "x", Content: lifeTemplateJSON}, codes.InvalidArgument, []string{"template_id"}},
		{"duplicate external id", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "TM-g", Content: lifeTemplateJSON}, codes.AlreadyExists, nil},
		{"missing channel", &reachv1.ImportTemplateRequest{Parent: "channels/nope", ExternalId: "x", Content: lifeTemplateJSON}, codes.NotFound, nil},
		{"bad parent", &reachv1.ImportTemplateRequest{Parent: "channels/Life", ExternalId: "x", Content: lifeTemplateJSON}, codes.InvalidArgument, []string{"parent"}},
	} {
		e.runBoth(imp(x.name, x.req, nil, x.want, x.fields...))
	}
	// No title in keyword lines and no id: the missing id is the one error, not the display
	// name that would have fallen back to it.
	err := e.call(e.admin(), mImportTemplate, &reachv1.ImportTemplateRequest{Parent: "channels/mini", Content: lines,
		SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM}, &reachv1.ImportTemplateResponse{})
	if got := grpcViolations(err); !slices.Equal(got, []string{"external_id"}) {
		t.Errorf("keyword lines without an id: violations %q, want external_id alone", got)
	}
	e.runBoth(imp("other tenant's channel", &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: lifeTemplateJSON}, nil, codes.NotFound).
		withToken(e.key("globex", "admin")))
}

// TestImportTemplateLongTitle: a Life Account template whose title the importer accepts
// (up to 128 characters) must import, or be refused on a field of ImportTemplateRequest.
func TestImportTemplateLongTitle(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("life", lifeChannel(t))
	content := `{"title":"` + strings.Repeat("长", 100) + `","key1":"金额","value1":"${keyword1}"}`
	err := e.call(e.admin(), mImportTemplate, &reachv1.ImportTemplateRequest{Parent: "channels/life", ExternalId: "x", Content: content}, &reachv1.ImportTemplateResponse{})
	if err != nil {
		for _, f := range grpcViolations(err) {
			if f != "content" {
				t.Errorf("violation on %q, which is not a field of ImportTemplateRequest (%v)", f, err)
			}
		}
	}
}

// TestClaimTemplate: ClaimTemplate checks the caller, the channel and the request before it
// calls Alipay; when Alipay cannot be reached it fails with UNAVAILABLE and stores nothing.
// (Claims against the simulator: template_claim_test.go.)
func TestClaimTemplate(t *testing.T) {
	e := newTestEnv(t)
	gateway := deadGatewayURL(t) // nothing listens there
	life := lifeChannel(t)
	life.GetOpenPlatform().GatewayUrl = gateway
	e.createChannel("life", life)
	mini := miniChannel(t)
	mini.GetOpenPlatform().GatewayUrl = gateway
	e.createChannel("mini", mini)
	claimReq := func(parent string, keywords ...string) *reachv1.ClaimTemplateRequest {
		if keywords == nil {
			keywords = []string{"交易笔数", "交易金额"}
		}
		return &reachv1.ClaimTemplateRequest{Parent: parent, LibCode: "AM0001", Keywords: keywords}
	}
	claimWith := func(name string, req *reachv1.ClaimTemplateRequest, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mClaimTemplate, grpcReq: req, grpcResp: &reachv1.ClaimTemplateResponse{},
			httpMethod: "POST", httpPath: "/v1/" + req.Parent + "/templates:claim", httpBody: req, want: want, fields: fields}
	}
	claim := func(name, parent string, want codes.Code) transportCase {
		return claimWith(name, claimReq(parent), want)
	}
	c := claim("claim", "channels/life", codes.Unavailable)
	c.msg = "claim template AM0001: could not reach the Alipay gateway"
	e.runBoth(c)
	tpls := &reachv1.ListTemplatesResponse{}
	e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/life"}, tpls)
	if len(tpls.Templates) != 0 {
		t.Errorf("templates after a failed claim: %v", tpls.Templates)
	}
	e.runBoth(claim("missing channel", "channels/nope", codes.NotFound))
	e.runBoth(claim("other tenant's channel", "channels/life", codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(claim("sender", "channels/life", codes.PermissionDenied).withToken(e.key("acme", "sender")))
	e.runBoth(claim("mini program channel", "channels/mini", codes.FailedPrecondition))
	e.runBoth(claimWith("one keyword", claimReq("channels/life", "交易笔数"), codes.InvalidArgument, "keywords"))
	e.runBoth(claimWith("repeated keyword", claimReq("channels/life", "交易笔数", "交易笔数"), codes.InvalidArgument, "keywords[1]"))
	e.runBoth(claimWith("no lib_code", &reachv1.ClaimTemplateRequest{Parent: "channels/life", Keywords: []string{"a", "b"}}, codes.InvalidArgument, "lib_code"))
}

// TestDeleteTemplateEndsItsSubscriptions: a subscription whose template is gone is
// CANCELLED ("Cancelled by an operator, by the user …, or the template is gone"), so a
// template re-created under the same id does not inherit consent given to the old one.
func TestDeleteTemplateEndsItsSubscriptions(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "order", "tpl-1")
	sub := &reachv1.CreateSubscriptionResponse{}
	e.must(mCreateSubscription, &reachv1.CreateSubscriptionRequest{Parent: "channels/mini", Subscription: &reachv1.Subscription{
		Template: "channels/mini/templates/order", User: uid("2088000000000001"), RemainingSends: 3}}, sub)
	e.must(mDeleteTemplate, &reachv1.DeleteTemplateRequest{Name: "channels/mini/templates/order"}, &reachv1.DeleteTemplateResponse{})
	e.oneTimeTemplate("mini", "order", "tpl-9") // another Alipay template under the same id
	got := &reachv1.GetSubscriptionResponse{}
	err := e.call(e.admin(), mGetSubscription, &reachv1.GetSubscriptionRequest{Name: sub.Subscription.Name}, got)
	if err == nil && (got.Subscription.State == reachv1.SubscriptionState_SUBSCRIPTION_STATE_ACTIVE || got.Subscription.RemainingSends != 0) {
		t.Errorf("subscription of the deleted template: %v", got.Subscription)
	}
}

// TestUpdateTemplateSectionField: one field of a product section changes alone
// ("life_account.url"), as the gateway's mask from a body names it; the section's other
// fields stay (a new-user trial could set a default page only by replacing the whole
// section, which lost title, first_enabled and remark_enabled).
func TestUpdateTemplateSectionField(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("life", lifeChannel(t))
	e.createChannel("mini", miniChannel(t))
	lt := e.lifeTemplate("life", "lt", "ext-lt", false)
	mt := e.oneTimeTemplate("mini", "mt", "ext-mt")
	kept := func(got *reachv1.Template) {
		la := got.GetLifeAccount()
		if la.GetUrl() != "https://shop.example.com/sale" || la.GetActionName() != "查看" || la.GetTitle() != "交易确认" || !la.GetFirstEnabled() || !la.GetRemarkEnabled() {
			t.Errorf("after a section-field update: %v", la)
		}
	}
	in := &reachv1.Template{Name: lt.Name, Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{Url: "https://shop.example.com/sale", ActionName: "查看"}}}
	c := e.updateTemplateCase("life_account.url and action_name", in, "", []string{"life_account.url", "life_account.action_name"}, codes.OK)
	c.grpcCheck = func() { kept(c.grpcResp.(*reachv1.UpdateTemplateResponse).Template) }
	c.httpCheck = func(body map[string]any) { got := &reachv1.Template{}; remarshal(t, body["template"], got); kept(got) }
	e.runBoth(c)
	kept(e.getTemplate(lt.Name))

	// Over JSON without a mask, the gateway makes one of the body's fields.
	code, body := e.httpCall(e.admin(), "PATCH", "/v1/"+lt.Name, map[string]any{"lifeAccount": map[string]any{"headColor": "#FF0000"}})
	if code != 200 {
		t.Fatalf("PATCH without a mask: %d %v", code, body)
	}
	got := e.getTemplate(lt.Name)
	kept(got)
	if got.GetLifeAccount().GetHeadColor() != "#FF0000" {
		t.Errorf("head_color not set: %v", got.GetLifeAccount())
	}

	// A field the section does not have, and a section of another product.
	e.runBoth(e.updateTemplateCase("unknown section field", &reachv1.Template{Name: lt.Name}, "", []string{"life_account.colour"}, codes.InvalidArgument, "update_mask"))
	e.runBoth(e.updateTemplateCase("life account field on a mini program template", &reachv1.Template{Name: mt.Name,
		Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{Url: "https://x.example"}}}, "", []string{"life_account.url"}, codes.InvalidArgument, "template.life_account"))
}
