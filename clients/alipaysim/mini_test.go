package alipaysim

import (
	"strings"
	"testing"
)

const subQuery = "alipay.open.app.messagetemplate.subscribe.query"

// §5: each one-time acceptance allows exactly one send; acceptances accumulate.
func TestMiniOneTimeSubscription(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data3)), "40004", "MSG_UNSUBSCRIBED")
	for range 2 {
		if err := ts.Subscribe(miniApp, user1, oneTmpl, 1); err != nil {
			t.Fatal(err)
		}
	}
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data3)), "10000", "")
	// A failing send does not spend the acceptance.
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data2)), "40004", "USER_TEMPLATE_LACK_KEYWORD")
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data3)), "10000", "")
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data3)), "40004", "MSG_UNSUBSCRIBED")
	// Another user has their own subscriptions.
	want(t, c.call(miniSend, miniSendBiz(user2, oneTmpl, data3)), "40004", "MSG_UNSUBSCRIBED")
	if n := len(ts.Requests(RequestFilter{API: miniSend, Recipient: user1, TemplateID: oneTmpl})); n != 2 {
		t.Errorf("recorded %d sends, want 2", n)
	}
}

func TestMiniLongTermUntilRevoked(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	if err := ts.Subscribe(miniApp, user1, longTmpl, 0); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, data2)), "10000", "")
	}
	if err := ts.Unsubscribe(miniApp, user1, ""); err != nil {
		t.Fatal(err)
	}
	want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, data2)), "40004", "MSG_UNSUBSCRIBED")
}

func TestMiniSendValidation(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	long51 := strings.Repeat("字", 51)
	tests := []struct {
		name string
		biz  any
		sub  string
	}{
		{"unknown template", miniSendBiz(user1, "nope", data2), "USER_TEMPLATE_ILLEGAL"},
		{"too few keywords", miniSendBiz(user1, longTmpl, `{"keyword1":{"value":"a"}}`), "USER_TEMPLATE_LACK_KEYWORD"},
		{"too many keywords", miniSendBiz(user1, longTmpl, data3), "USER_TEMPLATE_LACK_KEYWORD"},
		{"wrong keyword names", miniSendBiz(user1, longTmpl, `{"keyword1":{"value":"a"},"keyword9":{"value":"b"}}`), "USER_TEMPLATE_LACK_KEYWORD"},
		{"keyword without value", miniSendBiz(user1, longTmpl, `{"keyword1":{"value":"a"},"keyword2":{}}`), "USER_TEMPLATE_LACK_KEYWORD"},
		{"value over 50 characters", miniSendBiz(user1, longTmpl, `{"keyword1":{"value":"a"},"keyword2":{"value":"`+long51+`"}}`), "USER_KEYWORD_LENGTH_ERROR"},
		{"data as an object, not a string", map[string]any{"to_user_id": user1, "user_template_id": longTmpl, "page": "p",
			"data": map[string]any{"keyword1": map[string]string{"value": "a"}}}, "INVALID_PARAMETER"},
		{"data not JSON", miniSendBiz(user1, longTmpl, "keyword1=a"), "INVALID_PARAMETER"},
		{"no recipient", miniSendBiz("", longTmpl, data2), "INVALID_PARAMETER"},
		{"no page", map[string]any{"to_user_id": user1, "user_template_id": longTmpl, "data": data2}, "INVALID_PARAMETER"},
		{"biz_content not JSON", "{", "INVALID_PARAMETER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want(t, c.call(miniSend, tt.biz), "40004", tt.sub)
		})
	}
	// 50 characters (multi-byte) is fine; to_open_id works like to_user_id.
	ok50 := `{"keyword1":{"value":"a"},"keyword2":{"value":"` + strings.Repeat("字", 50) + `"}}`
	want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, ok50)), "10000", "")
	_ = ts.Subscribe(miniApp, "openid-abc", longTmpl, 0)
	want(t, c.call(miniSend, map[string]any{"to_open_id": "openid-abc", "user_template_id": longTmpl, "page": "p", "data": data2}), "10000", "")
}

func TestMiniDeletedTemplate(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, data2)), "10000", "")
	if err := ts.DeleteTemplate(miniApp, longTmpl); err != nil {
		t.Fatal(err)
	}
	want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, data2)), "40004", "USER_TEMPLATE_ILLEGAL")
	// Re-adding it does not bring the old subscription back.
	_ = ts.AddTemplate(miniApp, Template{ID: longTmpl, Subscription: LongTerm, Keywords: []string{"keyword1", "keyword2"}})
	want(t, c.call(miniSend, miniSendBiz(user1, longTmpl, data2)), "40004", "MSG_UNSUBSCRIBED")
}

func TestMiniSubscribeQuery(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	q := func(ids ...string) *gwAnswer {
		return c.call(subQuery, map[string]any{"user_id": user1, "template_id_list": ids})
	}
	a := q(oneTmpl, longTmpl)
	want(t, a, "10000", "")
	if _, ok := a.fields["subscribe_relations"]; ok || a.fields["show_component"] != true {
		t.Fatalf("no relations yet: %s", a.content)
	}
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	_ = ts.Subscribe(miniApp, user1, oneTmpl, 1)
	a = q(oneTmpl, longTmpl, "unknown")
	rel, _ := a.fields["subscribe_relations"].([]any)
	if len(rel) != 2 || a.fields["show_component"] != true {
		t.Fatalf("relations %s", a.content)
	}
	first := rel[0].(map[string]any)
	if first["template_id"] != oneTmpl || first["subscribe_type"] != "onetime" || first["subscribe_state"] != "0" {
		t.Errorf("one-time relation %v", first)
	}
	if second := rel[1].(map[string]any); second["subscribe_type"] != "longterm" {
		t.Errorf("long-term relation %v", second)
	}
	a = q(longTmpl)
	if a.fields["show_component"] != false {
		t.Errorf("every template subscribed: show_component should be false: %s", a.content)
	}
	// Spending the one-time acceptance removes its relation.
	want(t, c.call(miniSend, miniSendBiz(user1, oneTmpl, data3)), "10000", "")
	if rel, _ := q(oneTmpl).fields["subscribe_relations"]; rel != nil {
		t.Errorf("spent one-time relation still listed: %v", rel)
	}
	want(t, q(oneTmpl, longTmpl, "a", "b"), "40004", "INVALID_PARAMETER")
	want(t, q(), "40004", "INVALID_PARAMETER")
	want(t, c.call(subQuery, map[string]any{"template_id_list": []string{oneTmpl}}), "40004", "INVALID_PARAMETER")
}

func TestMiniBaseInfo(t *testing.T) {
	ts := newSim(t)
	a := gw(t, ts, miniApp).call("alipay.open.mini.baseinfo.query", nil)
	want(t, a, "10000", "")
	if a.str("app_name") != "Sim Mini" {
		t.Errorf("baseinfo %v", a.fields)
	}
	want(t, gw(t, ts, miniApp).call("alipay.open.public.info.query", nil), "40006", "isv.insufficient-isv-permissions")
}
