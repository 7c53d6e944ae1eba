package alipaysim

import (
	"cmp"
	"encoding/json"
	"unicode/utf8"
)

// Mini-program answers of §2.1. Not subscribed and one-time quota spent share one code:
// MSG_UNSUBSCRIBED is in the API's code list (§6.2), but which code means which case is
// undocumented (open question 1), so this is a guess (README, decision 1).
var (
	errTemplateIllegal = bizErr("USER_TEMPLATE_ILLEGAL", "模板非法")
	errLackKeyword     = bizErr("USER_TEMPLATE_LACK_KEYWORD", "缺少关键词")
	errKeywordLength   = bizErr("USER_KEYWORD_LENGTH_ERROR", "关键词超长")
	errNotSubscribed   = bizErr("MSG_UNSUBSCRIBED", "用户未订阅该模板或一次性订阅次数已用完")
)

const maxKeywordChars = 50 // per keyword value, in characters (§2.1)

// miniSend is alipay.open.app.mini.templatemessage.send (§2.1). Checks run in the order
// template, data shape, keyword set, value length, subscription; only a send that passes
// them all spends a one-time acceptance.
func (s *Server) miniSend(c *gwCall) ([]byte, *apiError) {
	var req struct {
		ToUserID       string          `json:"to_user_id"`
		ToOpenID       string          `json:"to_open_id"`
		UserTemplateID string          `json:"user_template_id"`
		Page           string          `json:"page"`
		Data           json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(c.biz, &req); err != nil {
		return nil, invalidParam("biz_content is not a JSON object")
	}
	user := cmp.Or(req.ToUserID, req.ToOpenID)
	switch {
	case user == "":
		return nil, invalidParam("to_user_id or to_open_id is required")
	case req.UserTemplateID == "":
		return nil, invalidParam("user_template_id is required")
	case req.Page == "":
		return nil, invalidParam("page is required")
	}
	// data is a string holding JSON, not a nested object (§2.1).
	var dataText string
	if err := json.Unmarshal(req.Data, &dataText); err != nil {
		return nil, invalidParam("data must be a string containing JSON")
	}
	if len(dataText) > 2048 {
		return nil, invalidParam("data is longer than 2048")
	}
	var data map[string]struct {
		Value *string `json:"value"`
	}
	if err := json.Unmarshal([]byte(dataText), &data); err != nil {
		return nil, invalidParam("data is not a JSON object of {\"value\":…} keywords")
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as := s.st.apps[c.app.id]
	t := as.templates[req.UserTemplateID]
	if t == nil {
		return nil, errTemplateIllegal
	}
	if len(data) != len(t.Keywords) {
		return nil, errLackKeyword
	}
	for _, k := range t.Keywords {
		v, ok := data[k]
		if !ok || v.Value == nil {
			return nil, errLackKeyword
		}
		if utf8.RuneCountInString(*v.Value) > maxKeywordChars {
			return nil, errKeywordLength
		}
	}
	if !as.consume(user, t.ID) {
		return nil, errNotSubscribed
	}
	c.rec = &Record{Recipient: user, TemplateID: t.ID, Content: c.biz}
	return success(), nil
}

// miniQuery is alipay.open.app.messagetemplate.subscribe.query (§2.2). A relation is
// listed only while it can be used — long-term accepted, or one-time acceptances left —
// and subscribe_relations is omitted when there is none. Encoding (open question 2):
// subscribe_type "longterm"/"onetime", subscribe_state "0" (the only value the notes show,
// on a listed relation), keep_state "0", show true. show_component is true when some
// queried template has no usable relation. A template the app deleted is answered with
// MSG_TEMPLATE_NOT_EXIST (one of the codes §6.2 lists for this API); an id it never had is
// listed as no relation (what Alipay does then is not documented).
func (s *Server) miniQuery(c *gwCall) ([]byte, *apiError) {
	var req struct {
		UserID         string   `json:"user_id"`
		OpenID         string   `json:"open_id"`
		TemplateIDList []string `json:"template_id_list"`
	}
	if err := json.Unmarshal(c.biz, &req); err != nil {
		return nil, invalidParam("biz_content is not a JSON object")
	}
	user := cmp.Or(req.UserID, req.OpenID)
	switch {
	case user == "":
		return nil, invalidParam("user_id or open_id is required")
	case len(req.TemplateIDList) == 0:
		return nil, invalidParam("template_id_list is required")
	case len(req.TemplateIDList) > 3:
		return nil, invalidParam("template_id_list最多3个 (at most 3 ids)")
	}
	s.st.mu.Lock()
	as := s.st.apps[c.app.id]
	for _, id := range req.TemplateIDList {
		if as.deleted[id] && as.templates[id] == nil { // §6.2 lists MSG_TEMPLATE_NOT_EXIST for this API
			s.st.mu.Unlock()
			return nil, errMsgTemplateMissing
		}
	}
	var relations []obj
	show := false
	for _, id := range req.TemplateIDList {
		t, sub := as.templates[id], as.subs[subKey{user, id}]
		if t == nil || sub == nil || !sub.active() {
			show = true
			continue
		}
		typ := "onetime"
		if t.Subscription == LongTerm {
			typ = "longterm"
		}
		relations = append(relations, obj{{"template_id", id}, {"subscribe_type", typ},
			{"subscribe_state", "0"}, {"keep_state", "0"}, {"show", true}})
	}
	s.st.mu.Unlock()
	fields := []field{{"show_component", show}}
	if len(relations) > 0 {
		fields = append(fields, field{"subscribe_relations", relations})
	}
	c.rec = &Record{Recipient: user, Content: c.biz}
	return success(fields...), nil
}

// miniInfo is alipay.open.mini.baseinfo.query: what Reach calls to verify credentials.
func (s *Server) miniInfo(c *gwCall) ([]byte, *apiError) {
	c.rec = &Record{}
	return success(
		field{"app_name", c.app.name},
		field{"app_english_name", c.app.name},
		field{"app_slogan", "Simulated by Reach"},
		field{"app_logo", "https://example.invalid/logo.png"},
		field{"category_names", "生活服务_其他"},
		field{"app_desc", "A mini program registered in the Reach Alipay simulator"},
		field{"service_phone", "0571-00000000"},
		field{"service_email", "sim@example.invalid"},
	), nil
}
