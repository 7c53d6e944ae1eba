package server

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// createTemplateCase creates gt under channel ch over gRPC (template_id id) and ht (gt when
// nil) over HTTP (template_id id-h).
func (e *testEnv) createTemplateCase(name, ch, id string, gt, ht *reachv1.Template, want codes.Code, fields ...string) transportCase {
	if ht == nil {
		ht = gt
	}
	path := "/v1/channels/" + ch + "/templates"
	if id != "" {
		path += "?template_id=" + id + "-h"
	}
	return transportCase{name: name, token: e.admin(), grpcMethod: mCreateTemplate,
		grpcReq: &reachv1.CreateTemplateRequest{Parent: "channels/" + ch, TemplateId: id, Template: gt}, grpcResp: &reachv1.CreateTemplateResponse{},
		httpMethod: "POST", httpPath: path, httpBody: ht, want: want, fields: fields}
}

func oneTime(ext string, keywords ...*reachv1.TemplateKeyword) *reachv1.Template {
	if keywords == nil {
		keywords = kws("keyword1", "订单号", "keyword2", "快递公司")
	}
	return &reachv1.Template{ExternalId: ext, DisplayName: "Order shipped", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME, Keywords: keywords}
}

func TestCreateTemplate(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	e.createChannel("life", lifeChannel(t))
	e.createChannel("plus", plusChannel(t))

	// One success per channel type; the template comes back as given, ACTIVE.
	ok := func(name, ch, id string, mk func(ext string) *reachv1.Template) {
		gt, ht := mk(id+"-ext-g"), mk(id+"-ext-h")
		c := e.createTemplateCase(name, ch, id, gt, ht, codes.OK)
		check := func(got, want *reachv1.Template, wantName string) {
			if got.Name != wantName || got.State != reachv1.TemplateState_TEMPLATE_STATE_ACTIVE || got.Etag == "" || got.CreateTime == nil {
				t.Errorf("%s: created %v", name, got)
			}
			w := proto.Clone(want).(*reachv1.Template)
			w.Name, w.State, w.Etag, w.CreateTime, w.UpdateTime = got.Name, got.State, got.Etag, got.CreateTime, got.UpdateTime
			if !proto.Equal(got, w) {
				t.Errorf("%s: created\n%v\nwant\n%v", name, got, w)
			}
		}
		c.grpcCheck = func() {
			check(c.grpcResp.(*reachv1.CreateTemplateResponse).Template, gt, "channels/"+ch+"/templates/"+id)
		}
		c.httpCheck = func(body map[string]any) {
			got := &reachv1.Template{}
			remarshal(t, body["template"], got)
			check(got, ht, "channels/"+ch+"/templates/"+id+"-h")
		}
		e.runBoth(c)
	}
	ok("mini program one-time", "mini", "one", func(ext string) *reachv1.Template {
		tpl := oneTime(ext)
		tpl.Options = &reachv1.Template_MiniProgram{MiniProgram: &reachv1.MiniProgramTemplateOptions{Page: "pages/order/index?id=1"}}
		return tpl
	})
	ok("mini program long-term", "mini", "long", func(ext string) *reachv1.Template {
		return &reachv1.Template{ExternalId: ext, DisplayName: "Bill", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_LONG_TERM,
			Keywords: []*reachv1.TemplateKeyword{{Key: "keyword1", Label: "金额", MaxLength: 20}}}
	})
	ok("life account", "life", "trade", func(ext string) *reachv1.Template {
		return &reachv1.Template{ExternalId: ext, DisplayName: "Trade", Keywords: kws("keyword1", "交易笔数", "keyword2", "交易金额"),
			Options: &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{Title: "交易确认", HeadColor: "#85be53",
				Url: "https://acme.example/t", ActionName: "查看详情", FirstEnabled: true, RemarkEnabled: true}}}
	})
	ok("alipay+", "plus", "promo", func(ext string) *reachv1.Template {
		return &reachv1.Template{ExternalId: ext, DisplayName: "Promo", Keywords: kws("amount", "Amount", "shop_name", "Shop"),
			Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: []string{"en-US", "zh-CN", "ms-MY"}, RedirectUrl: "https://acme.example/promo"}}}
	})
	ok("twenty keywords", "plus", "twenty", func(ext string) *reachv1.Template {
		var k []*reachv1.TemplateKeyword
		for i := 1; i <= 20; i++ {
			k = append(k, &reachv1.TemplateKeyword{Key: fmt.Sprintf("k%d", i), Label: "x"})
		}
		return &reachv1.Template{ExternalId: ext, DisplayName: "Many", Keywords: k}
	})
	forged := func(ext string) *reachv1.Template {
		tpl := oneTime(ext)
		tpl.Name, tpl.State, tpl.StateReason, tpl.Etag = "channels/x/templates/y", reachv1.TemplateState_TEMPLATE_STATE_INVALID, "forged", "42"
		return tpl
	}
	out := e.createTemplateCase("output-only fields ignored", "mini", "forged", forged("forged-g"), forged("forged-h"), codes.OK)
	ignored := func(got *reachv1.Template) {
		if got.State != reachv1.TemplateState_TEMPLATE_STATE_ACTIVE || got.StateReason != "" || got.Etag != "1" || !strings.HasPrefix(got.Name, "channels/mini/templates/forged") {
			t.Errorf("output-only fields taken from the request: %v", got)
		}
	}
	out.grpcCheck = func() { ignored(out.grpcResp.(*reachv1.CreateTemplateResponse).Template) }
	out.httpCheck = func(body map[string]any) {
		got := &reachv1.Template{}
		remarshal(t, body["template"], got)
		ignored(got)
	}
	e.runBoth(out)
	gen := e.createTemplateCase("generated id", "plus", "", &reachv1.Template{ExternalId: "gen-g", DisplayName: "G", Keywords: kws("a", "A")},
		&reachv1.Template{ExternalId: "gen-h", DisplayName: "G", Keywords: kws("a", "A")}, codes.OK)
	gen.grpcCheck = func() {
		if n := gen.grpcResp.(*reachv1.CreateTemplateResponse).Template.Name; !strings.HasPrefix(n, "channels/plus/templates/") || len(n) != len("channels/plus/templates/")+36 {
			t.Errorf("generated name %q", n)
		}
	}
	e.runBoth(gen)

	// Invalid templates.
	var many []*reachv1.TemplateKeyword
	for i := 1; i <= 21; i++ {
		many = append(many, &reachv1.TemplateKeyword{Key: fmt.Sprintf("k%d", i)})
	}
	life := func(o *reachv1.LifeAccountTemplateOptions) *reachv1.Template {
		return &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("keyword1", "a"), Options: &reachv1.Template_LifeAccount{LifeAccount: o}}
	}
	plus := func(langs ...string) *reachv1.Template {
		return &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("a", "a"),
			Options: &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{Languages: langs}}}
	}
	for _, c := range []struct {
		name   string
		ch     string
		tpl    *reachv1.Template
		fields []string
	}{
		{"mini without subscription type", "mini", &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("keyword1", "a")}, []string{"template.subscription_type"}},
		{"life account with subscription type", "life", oneTime("x"), []string{"template.subscription_type"}},
		{"alipay+ with subscription type", "plus", oneTime("x"), []string{"template.subscription_type"}},
		{"no external id", "mini", oneTime(""), []string{"template.external_id"}},
		{"external id with a space", "mini", oneTime("tpl 1"), []string{"template.external_id"}},
		{"external id too long", "mini", oneTime(strings.Repeat("x", 129)), []string{"template.external_id"}},
		{"no display name", "mini", &reachv1.Template{ExternalId: "x", SubscriptionType: 1, Keywords: kws("a", "b")}, []string{"template.display_name"}},
		{"no keywords", "mini", &reachv1.Template{ExternalId: "x", DisplayName: "x", SubscriptionType: 1}, []string{"template.keywords"}},
		{"21 keywords", "plus", &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: many}, []string{"template.keywords"}},
		{"duplicate keys", "mini", oneTime("x", kws("keyword1", "a", "keyword2", "b", "keyword1", "c")...), []string{"template.keywords[2].key"}},
		{"key starting with a digit", "mini", oneTime("x", kws("1keyword", "a")...), []string{"template.keywords[0].key"}},
		{"key with a dash", "mini", oneTime("x", kws("keyword1", "a", "key-2", "b")...), []string{"template.keywords[1].key"}},
		{"empty key", "mini", oneTime("x", kws("", "a")...), []string{"template.keywords[0].key"}},
		{"key too long", "mini", oneTime("x", kws("k"+strings.Repeat("x", 32), "a")...), []string{"template.keywords[0].key"}},
		{"label too long", "mini", oneTime("x", kws("keyword1", strings.Repeat("长", 65))...), []string{"template.keywords[0].label"}},
		{"max length above the mini program limit", "mini", oneTime("x", &reachv1.TemplateKeyword{Key: "keyword1", MaxLength: 51}), []string{"template.keywords[0].max_length"}},
		{"negative max length", "plus", &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: []*reachv1.TemplateKeyword{{Key: "a", MaxLength: -1}}}, []string{"template.keywords[0].max_length"}},
		{"life account keyword named first", "life", life(nil), nil},
		{"life account options on a mini program", "mini", func() *reachv1.Template {
			tpl := oneTime("x")
			tpl.Options = &reachv1.Template_LifeAccount{LifeAccount: &reachv1.LifeAccountTemplateOptions{}}
			return tpl
		}(), []string{"template.life_account"}},
		{"mini program options on a life account", "life", &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("keyword1", "a"),
			Options: &reachv1.Template_MiniProgram{MiniProgram: &reachv1.MiniProgramTemplateOptions{}}}, []string{"template.mini_program"}},
		{"alipay+ options on a mini program", "mini", func() *reachv1.Template {
			tpl := oneTime("x")
			tpl.Options = &reachv1.Template_AlipayPlus{AlipayPlus: &reachv1.AlipayPlusTemplateOptions{}}
			return tpl
		}(), []string{"template.alipay_plus"}},
		{"mini program page too long", "mini", func() *reachv1.Template {
			tpl := oneTime("x")
			tpl.Options = &reachv1.Template_MiniProgram{MiniProgram: &reachv1.MiniProgramTemplateOptions{Page: strings.Repeat("p", 129)}}
			return tpl
		}(), []string{"template.mini_program.page"}},
		{"life account bad head colour", "life", life(&reachv1.LifeAccountTemplateOptions{HeadColor: "green"}), []string{"template.life_account.head_color"}},
		{"life account bad url", "life", life(&reachv1.LifeAccountTemplateOptions{Url: "acme.example/x"}), []string{"template.life_account.url"}},
		{"life account action name too long", "life", life(&reachv1.LifeAccountTemplateOptions{ActionName: strings.Repeat("看", 17)}), []string{"template.life_account.action_name"}},
		{"life account title too long", "life", life(&reachv1.LifeAccountTemplateOptions{Title: strings.Repeat("题", 129)}), []string{"template.life_account.title"}},
		{"alipay+ six languages", "plus", plus("en-US", "zh-CN", "zh-HK", "ms-MY", "th-TH", "id-ID"), []string{"template.alipay_plus.languages"}},
		{"alipay+ duplicate language", "plus", plus("en-US", "en-US"), []string{"template.alipay_plus.languages[1]"}},
		{"alipay+ bad language tag", "plus", plus("English"), []string{"template.alipay_plus.languages[0]"}},
		{"alipay+ bad redirect url", "plus", func() *reachv1.Template {
			tpl := plus("en-US")
			tpl.GetAlipayPlus().RedirectUrl = "/relative"
			return tpl
		}(), []string{"template.alipay_plus.redirect_url"}},
	} {
		if c.fields == nil { // the Life Account "first" keyword
			c.tpl = &reachv1.Template{ExternalId: "x", DisplayName: "x", Keywords: kws("first", "开头")}
			c.fields = []string{"template.keywords[0].key"}
		}
		e.runBoth(e.createTemplateCase(c.name, c.ch, "", c.tpl, nil, codes.InvalidArgument, c.fields...))
	}
	bad := e.createTemplateCase("bad template_id", "mini", "Bad_Id", oneTime("x"), nil, codes.InvalidArgument, "template_id")
	bad.httpPath = "/v1/channels/mini/templates?template_id=Bad_Id"
	e.runBoth(bad)
	e.runBoth(e.createTemplateCase("bad parent", "Mini", "", oneTime("x"), nil, codes.InvalidArgument, "parent"))
	e.runBoth(e.createTemplateCase("missing channel", "nope", "", oneTime("x"), nil, codes.NotFound))
	e.runBoth(e.createTemplateCase("other tenant's channel", "mini", "", oneTime("x"), nil, codes.NotFound).withToken(e.key("globex", "admin")))
	if err := e.call(e.admin(), mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/mini"}, &reachv1.CreateTemplateResponse{}); !slices.Contains(grpcViolations(err), "template") {
		t.Errorf("no template: %v", err)
	}

	// Duplicates: the template id, and Alipay's id within the channel.
	e.oneTimeTemplate("mini", "taken", "ext-taken")
	dupID := e.createTemplateCase("duplicate template_id", "mini", "taken", oneTime("ext-fresh"), nil, codes.AlreadyExists)
	dupID.httpPath = "/v1/channels/mini/templates?template_id=taken"
	e.runBoth(dupID)
	e.runBoth(e.createTemplateCase("duplicate external_id", "mini", "", oneTime("ext-taken"), nil, codes.AlreadyExists))
	// The same external id on another channel is fine.
	e.createChannel("mini2", miniChannel(t))
	e.runBoth(e.createTemplateCase("same external_id on another channel", "mini2", "t", oneTime("ext-taken"), oneTime("ext-taken-2"), codes.OK))
}

func TestGetAndListTemplates(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	var created []*reachv1.Template
	for i := 1; i <= 5; i++ {
		created = append(created, e.oneTimeTemplate("mini", fmt.Sprintf("t-%d", i), fmt.Sprintf("ext-%d", i)))
	}
	e.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: created[2].Name, State: reachv1.TemplateState_TEMPLATE_STATE_INVALID},
		UpdateMask: mask("state")}, &reachv1.UpdateTemplateResponse{})

	get := func(name, path string, want codes.Code, fields ...string) transportCase {
		return transportCase{name: name, token: e.admin(), grpcMethod: mGetTemplate, grpcReq: &reachv1.GetTemplateRequest{Name: path},
			grpcResp: &reachv1.GetTemplateResponse{}, httpMethod: "GET", httpPath: "/v1/" + path, want: want, fields: fields}
	}
	c := get("existing", created[0].Name, codes.OK)
	c.grpcCheck = func() {
		if got := c.grpcResp.(*reachv1.GetTemplateResponse).Template; !proto.Equal(got, created[0]) {
			t.Errorf("get %v, want %v", got, created[0])
		}
	}
	c.httpCheck = func(body map[string]any) {
		got := &reachv1.Template{}
		remarshal(t, body["template"], got)
		if !proto.Equal(got, created[0]) {
			t.Errorf("get over HTTP %v, want %v", got, created[0])
		}
	}
	e.runBoth(c)
	e.runBoth(get("missing", "channels/mini/templates/nope", codes.NotFound))
	e.runBoth(get("missing channel", "channels/nope/templates/t-1", codes.NotFound))
	e.runBoth(get("bad name", "channels/mini/templates/T_1", codes.InvalidArgument, "name"))
	e.runBoth(get("other tenant's", created[0].Name, codes.NotFound).withToken(e.key("globex", "admin")))
	e.runBoth(get("sender reads templates", created[0].Name, codes.OK).withToken(e.key("acme", "sender")))

	list := func(name, parent, filter string, size int32, want codes.Code, wantIDs []string, fields ...string) {
		q := url.Values{}
		if filter != "" {
			q.Set("filter", filter)
		}
		if size != 0 {
			q.Set("page_size", fmt.Sprint(size))
		}
		c := transportCase{name: name, token: e.admin(), grpcMethod: mListTemplates, grpcReq: &reachv1.ListTemplatesRequest{Parent: "channels/" + parent, Filter: filter, PageSize: size},
			grpcResp: &reachv1.ListTemplatesResponse{}, httpMethod: "GET", httpPath: "/v1/channels/" + parent + "/templates?" + q.Encode(), want: want, fields: fields}
		ids := func(ts []*reachv1.Template) []string {
			var out []string
			for _, t := range ts {
				out = append(out, strings.TrimPrefix(t.Name, "channels/"+parent+"/templates/"))
			}
			return out
		}
		c.grpcCheck = func() {
			if got := ids(c.grpcResp.(*reachv1.ListTemplatesResponse).Templates); !slices.Equal(got, wantIDs) {
				t.Errorf("%s: %v, want %v", name, got, wantIDs)
			}
		}
		c.httpCheck = func(body map[string]any) {
			resp := &reachv1.ListTemplatesResponse{}
			remarshal(t, body, resp)
			if got := ids(resp.Templates); !slices.Equal(got, wantIDs) {
				t.Errorf("%s over HTTP: %v, want %v", name, got, wantIDs)
			}
		}
		e.runBoth(c)
	}
	list("all", "mini", "", 0, codes.OK, []string{"t-1", "t-2", "t-3", "t-4", "t-5"})
	list("first page of two", "mini", "", 2, codes.OK, []string{"t-1", "t-2"})
	list("external_id", "mini", `external_id = "ext-4"`, 0, codes.OK, []string{"t-4"})
	list("external_id bare word", "mini", `external_id = ext-2`, 0, codes.OK, []string{"t-2"})
	list("unknown external_id", "mini", `external_id = "ext-9"`, 0, codes.OK, nil)
	list("state = INVALID", "mini", "state = INVALID", 0, codes.OK, []string{"t-3"})
	list("state = ACTIVE and external_id", "mini", `state = TEMPLATE_STATE_ACTIVE AND external_id = "ext-3"`, 0, codes.OK, nil)
	list("unknown field", "mini", `id = "t-1"`, 0, codes.InvalidArgument, nil, "filter")
	list("unknown state", "mini", `state = GONE`, 0, codes.InvalidArgument, nil, "filter")
	list("unterminated string", "mini", `external_id = "ext`, 0, codes.InvalidArgument, nil, "filter")
	list("negative page size", "mini", "", -5, codes.InvalidArgument, nil, "page_size")
	list("missing channel", "nope", "", 0, codes.NotFound, nil)
	list("bad parent", "Mini", "", 0, codes.InvalidArgument, nil, "parent")
	other := transportCase{name: "other tenant's channel", token: e.key("globex", "admin"), grpcMethod: mListTemplates, grpcReq: &reachv1.ListTemplatesRequest{Parent: "channels/mini"},
		grpcResp: &reachv1.ListTemplatesResponse{}, httpMethod: "GET", httpPath: "/v1/channels/mini/templates", want: codes.NotFound}
	e.runBoth(other)

	// Paging through with tokens visits each template once.
	var seen []string
	token := ""
	for {
		resp := &reachv1.ListTemplatesResponse{}
		e.must(mListTemplates, &reachv1.ListTemplatesRequest{Parent: "channels/mini", PageSize: 2, PageToken: token}, resp)
		for _, t := range resp.Templates {
			seen = append(seen, t.Name)
		}
		if token = resp.NextPageToken; token == "" {
			break
		}
	}
	if len(seen) != 5 || len(slices.Compact(slices.Sorted(slices.Values(seen)))) != 5 {
		t.Errorf("paged listing %v", seen)
	}
}
