package adaptertest

import (
	"encoding/json"
	"reflect"
	"regexp"
	"testing"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
)

var lifeCases = append([]testCase{
	{"Send/to_user_id and template defaults", testLifeDefaults},
	{"Send/to_open_id", testLifeOpenID},
	{"Send/message overrides, first and remark", testLifeOverrides},
	{"Send/head colour default", testLifeHeadColorDefault},
	{"Send/keyword3..N", testLifeManyKeywords},
	{"Send/NotSubscribed/open id not following", testLifeOpenIDNotFollowing},
	{"ClaimTemplate", testLifeClaim},
	{"ClaimTemplate/library errors", testLifeClaimErrors},
}, gatewayCases(lifeCertApp, lifeAESApp, lifeCertAES, lifeForeign)...)

// lifeSent returns the one send to recipient and its template context.
func lifeSent(t testing.TB, f *fixture, recipient string) (biz, tctx map[string]any) {
	t.Helper()
	biz = content(t, f.wantRecords(t, f.appID, recipient, 1)[0])
	return biz, obj(t, obj(t, biz, "template"), "context")
}

func kw(value, color string) map[string]any { return map[string]any{"value": value, "color": color} }

func wantContext(t testing.TB, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Errorf("context\n got %s\nwant %s", g, w)
	}
}

func testLifeDefaults(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	send(t, f.main, m)
	biz, tctx := lifeSent(t, f, m.Recipient.ID)
	if got := str(t, biz, "to_user_id"); got != m.Recipient.ID {
		t.Errorf("to_user_id %q, want %q", got, m.Recipient.ID)
	}
	wantAbsent(t, biz, "to_open_id")
	if got := str(t, obj(t, biz, "template"), "template_id"); got != lifeTmpl {
		t.Errorf("template_id %q, want %q", got, lifeTmpl)
	}
	// No first or remark was given: none is sent. Keyword colours default to black.
	wantContext(t, tctx, map[string]any{
		"head_color": "#85be53", "url": "https://example.com/orders?id=1&from=alipay", "action_name": "查看详情",
		"keyword1": kw("订单已发货", "#000000"), "keyword2": kw("2024-05-01 12:00", "#000000"),
	})
}

func testLifeOpenID(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Recipient = adapter.User{Kind: adapter.OpenID, ID: f.openID()}
	if err := f.ts.Follow(f.appID, m.Recipient.ID); err != nil {
		t.Fatal(err)
	}
	send(t, f.main, m)
	biz, _ := lifeSent(t, f, m.Recipient.ID)
	if got := str(t, biz, "to_open_id"); got != m.Recipient.ID {
		t.Errorf("to_open_id %q, want %q", got, m.Recipient.ID)
	}
	wantAbsent(t, biz, "to_user_id") // never an open id as a user id
}

func testLifeOverrides(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.HeadColor, m.URL, m.ActionName = "#FF0000", "https://example.com/o/2?a=1&b=<2>", "去看看"
	m.Data["first"], m.Data["remark"] = "您好，您的订单有更新", "感谢您的支持"
	m.Colors = map[string]string{"keyword1": "#173177", "first": "#FF0000"}
	send(t, f.main, m)
	_, tctx := lifeSent(t, f, m.Recipient.ID)
	wantContext(t, tctx, map[string]any{
		"head_color": "#FF0000", "url": "https://example.com/o/2?a=1&b=<2>", "action_name": "去看看",
		"first":    kw("您好，您的订单有更新", "#FF0000"),
		"keyword1": kw("订单已发货", "#173177"), "keyword2": kw("2024-05-01 12:00", "#000000"),
		"remark": kw("感谢您的支持", "#000000"),
	})
}

// Alipay requires head_color; a template without one gets black.
func testLifeHeadColorDefault(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Template.HeadColor = ""
	send(t, f.main, m)
	_, tctx := lifeSent(t, f, m.Recipient.ID)
	if got := str(t, tctx, "head_color"); got != "#000000" {
		t.Errorf("head_color %q, want #000000", got)
	}
}

func testLifeManyKeywords(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Template.ExternalID, m.Template.Keys = lifeTmpl5, keywords(5)
	want := map[string]any{"head_color": "#85be53", "url": m.Template.URL, "action_name": "查看详情"}
	for i, k := range keywords(5) {
		m.Data[k] = "值" + k
		if i == 4 {
			m.Colors = map[string]string{k: "#00FF00"}
			want[k] = kw("值"+k, "#00FF00")
		} else {
			want[k] = kw("值"+k, "#000000")
		}
	}
	send(t, f.main, m)
	_, tctx := lifeSent(t, f, m.Recipient.ID)
	wantContext(t, tctx, want)
}

func testLifeOpenIDNotFollowing(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID()) // the user id follows; the open id does not
	m.Recipient = adapter.User{Kind: adapter.OpenID, ID: f.openID()}
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.NotSubscribed, "40004", "MSG_SD_NOFOLLOW")
}

var templateID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// ClaimTemplate claims from the library: the claimed template's keywords are keyword1…N in
// the order asked for, and messages can be sent with it at once.
func testLifeClaim(t *testing.T, f *fixture) {
	claimer, ok := f.main.(adapter.TemplateClaimer)
	if !ok {
		t.Fatalf("%T does not implement adapter.TemplateClaimer", f.main)
	}
	got, err := claimer.ClaimTemplate(ctx(t), adapter.ClaimRequest{LibCode: libCode,
		Keywords: []string{"交易金额", "交易笔数", "交易地点"}, FirstEnabled: true, RemarkEnabled: true})
	if err != nil {
		t.Fatalf("ClaimTemplate: %v", err)
	}
	if !templateID.MatchString(got.TemplateID) {
		t.Errorf("template id %q is not 32 hex digits", got.TemplateID)
	}
	var desc map[string]string
	if err := json.Unmarshal([]byte(got.Template), &desc); err != nil {
		t.Fatalf("template description %q: %v", got.Template, err)
	}
	for k, v := range map[string]string{"title": "交易确认", "key1": "交易金额", "value1": "${keyword1}",
		"key2": "交易笔数", "key3": "交易地点", "value3": "${keyword3}", "firstValue": "${first}"} {
		if desc[k] != v {
			t.Errorf("template %s = %q, want %q (in %s)", k, desc[k], v, got.Template)
		}
	}
	claims := f.records("alipay.open.public.template.message.add", f.appID, "")
	last := content(t, claims[len(claims)-1])
	wantJSON(t, last["keyword_list"], `[{"name":"交易金额"},{"name":"交易笔数"},{"name":"交易地点"}]`)
	wantJSON(t, last["opt_list"], `[{"name":"first"},{"name":"remark"}]`)

	m := f.ready(t, f.msgID())
	m.Template.ExternalID, m.Template.Keys = got.TemplateID, keywords(3)
	m.Data = map[string]string{"first": "交易提醒", "keyword1": "¥100.00", "keyword2": "1", "keyword3": "杭州", "remark": "如非本人操作请致电"}
	send(t, f.main, m)
}

func testLifeClaimErrors(t *testing.T, f *fixture) {
	claimer := f.main.(adapter.TemplateClaimer)
	for _, tc := range []struct {
		name string
		req  adapter.ClaimRequest
		sub  string
	}{
		{"unknown library template", adapter.ClaimRequest{LibCode: "TM00000000000000000000000000000000", Keywords: []string{"a", "b"}}, "TEMPLATE_LIB_NOT_EXIST"},
		{"one keyword", adapter.ClaimRequest{LibCode: libCode, Keywords: []string{"交易金额"}}, "TEMPLATE_KEYWORDS_LIMIT_ERROR"},
		{"keyword not in the library", adapter.ClaimRequest{LibCode: libCode, Keywords: []string{"交易金额", "积分"}}, "TEMPLATE_KEYWORD_NOT_EXIST"},
		{"repeated keyword", adapter.ClaimRequest{LibCode: libCode, Keywords: []string{"交易金额", "交易金额"}}, "ILLEGAL_ARGUMENT_PARAMS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := claimer.ClaimTemplate(ctx(t), tc.req)
			wantRefused(t, err, "40004", tc.sub)
		})
	}
}

// wantRefused checks a business refusal of a request: Alipay's codes kept, and a class
// that neither blames the credentials nor invites a retry.
func wantRefused(t testing.TB, err error, code, sub string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s/%s", code, sub)
	}
	ae := asError(t, err)
	if ae.Code != code || ae.SubCode != sub || ae.SubMsg == "" {
		t.Fatalf("got %q/%q %q, want %s/%s with its message: %v", ae.Code, ae.SubCode, ae.SubMsg, code, sub, err)
	}
	if ae.Class != alipayerr.BadRequest && ae.Class != alipayerr.Permanent {
		t.Fatalf("class %s, want BadRequest or Permanent: %v", ae.Class, err)
	}
}

// wantJSON compares a decoded JSON value with JSON text.
func wantJSON(t testing.TB, got any, want string) {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, w) {
		g, _ := json.Marshal(got)
		t.Errorf("got %s, want %s", g, want)
	}
}
