package alipaysim

import (
	"encoding/json"
	"strings"
	"testing"
)

const (
	lifeSend  = "alipay.open.public.message.single.send"
	lifeClaim = "alipay.open.public.template.message.add"
)

func TestLifeSend(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "10000", "")
	want(t, c.call(lifeSend, lifeSendBiz(user2, lifeTmpl, "keyword1", "keyword2")), "40004", "MSG_SD_NOFOLLOW")
	_ = ts.Follow(lifeApp, user2)
	want(t, c.call(lifeSend, lifeSendBiz(user2, lifeTmpl, "keyword1", "keyword2")), "10000", "")
	_ = ts.Unfollow(lifeApp, user1)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "40004", "MSG_SD_NOFOLLOW")
	// require_follow=false: anyone may receive.
	want(t, gw(t, ts, openLife).call(lifeSend, lifeSendBiz(user2, lifeTmpl, "keyword1", "keyword2")), "10000", "")
}

func TestLifeSendValidation(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	noHead := lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")
	delete(noHead["template"].(map[string]any)["context"].(map[string]any), "head_color")
	noColor := lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")
	noColor["template"].(map[string]any)["context"].(map[string]any)["keyword2"] = map[string]string{"value": "x"}
	longAction := lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")
	longAction["template"].(map[string]any)["context"].(map[string]any)["action_name"] = "查看详情查看详情查"
	tests := []struct {
		name string
		biz  any
		sub  string
	}{
		{"unknown template", lifeSendBiz(user1, "TMnope", "keyword1", "keyword2"), "MSG_TEMPLATE_NOT_EXIST"},
		{"missing keyword", lifeSendBiz(user1, lifeTmpl, "keyword1"), "USER_TEMPLATE_LACK_KEYWORD"},
		{"extra keyword", lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2", "keyword3"), "USER_TEMPLATE_LACK_KEYWORD"},
		{"no head_color", noHead, "INVALID_PARAMETER"},
		{"keyword without color", noColor, "INVALID_PARAMETER"},
		{"action_name over 8 CJK", longAction, "INVALID_PARAMETER"},
		{"no recipient", lifeSendBiz("", lifeTmpl, "keyword1", "keyword2"), "INVALID_PARAMETER"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { want(t, c.call(lifeSend, tt.biz), "40004", tt.sub) })
	}
	_ = ts.DeleteTemplate(lifeApp, lifeTmpl)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "40004", "MSG_TEMPLATE_NOT_EXIST")
}

func claimBiz(names []string, opts ...string) map[string]any {
	kw, op := []map[string]string{}, []map[string]string{}
	for _, n := range names {
		kw = append(kw, map[string]string{"name": n})
	}
	for _, n := range opts {
		op = append(op, map[string]string{"name": n})
	}
	return map[string]any{"lib_code": libCode, "keyword_list": kw, "opt_list": op}
}

func TestLifeClaimTemplate(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	a := c.call(lifeClaim, claimBiz([]string{"交易笔数", "交易金额"}, "first"))
	want(t, a, "10000", "")
	id := a.str("template_id")
	if len(id) != 32 {
		t.Errorf("template_id %q", id)
	}
	wantText := `{"title": "交易确认","actionUrl1": "${url}","actionName1": "${actionName}","firstValue": "${first}","key1": "交易笔数","value1": "${keyword1}","key2": "交易金额","value2": "${keyword2}"}`
	if got := a.str("template"); got != wantText {
		t.Errorf("template\n got %s\nwant %s", got, wantText)
	}
	var parsed map[string]string
	if err := json.Unmarshal([]byte(a.str("template")), &parsed); err != nil {
		t.Errorf("template is not JSON: %v", err)
	}
	// The claimed template is usable at once with keyword1..N.
	want(t, c.call(lifeSend, lifeSendBiz(user1, id, "keyword1", "keyword2")), "10000", "")
	// Limit (3 in the test config, 50 by default): the app already has one template.
	want(t, c.call(lifeClaim, claimBiz([]string{"交易笔数", "消息时间"})), "10000", "")
	want(t, c.call(lifeClaim, claimBiz([]string{"交易金额", "消息时间"})), "40004", "TEMPLATE_OVER_LIMIT")
	_ = ts.DeleteTemplate(lifeApp, id)
	want(t, c.call(lifeClaim, claimBiz([]string{"交易金额", "消息时间"}, "remark", "image")), "10000", "")
}

func TestLifeClaimErrors(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	badLib := claimBiz([]string{"交易笔数", "交易金额"})
	badLib["lib_code"] = "TMnope"
	tests := []struct {
		name string
		biz  any
		sub  string
	}{
		{"no lib_code", map[string]any{"keyword_list": []any{}}, "ILLEGAL_ARGUMENT_PARAMS"},
		{"unknown lib_code", badLib, "TEMPLATE_LIB_NOT_EXIST"},
		{"one keyword", claimBiz([]string{"交易笔数"}), "TEMPLATE_KEYWORDS_LIMIT_ERROR"},
		{"six keywords", claimBiz([]string{"a", "b", "c", "d", "e", "f"}), "TEMPLATE_KEYWORDS_LIMIT_ERROR"},
		{"keyword not in the library", claimBiz([]string{"交易笔数", "订单号"}), "TEMPLATE_KEYWORD_NOT_EXIST"},
		{"repeated keyword", claimBiz([]string{"交易笔数", "交易笔数"}), "ILLEGAL_ARGUMENT_PARAMS"},
		{"unknown option", claimBiz([]string{"交易笔数", "交易金额"}, "footer"), "ILLEGAL_ARGUMENT_PARAMS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { want(t, c.call(lifeClaim, tt.biz), "40004", tt.sub) })
	}
	if st, _ := ts.State(lifeApp); len(st.Templates) != 1 {
		t.Errorf("failed claims added templates: %+v", st.Templates)
	}
}

func TestLifeInfoQuery(t *testing.T) {
	ts := newSim(t)
	a := gw(t, ts, lifeApp).call("alipay.open.public.info.query", nil)
	want(t, a, "10000", "")
	if a.str("app_name") != "Sim Life" || a.str("is_online") != "T" || !strings.Contains(a.str("public_greeting"), "Sim Life") {
		t.Errorf("info %v", a.fields)
	}
}
