package alipaysim

import (
	"cmp"
	"encoding/json"
	"slices"
	"strings"
)

// Life Account answers (§2.3). Keyword-set mismatches reuse the mini-program sub code
// USER_TEMPLATE_LACK_KEYWORD (no Life Account code is documented); a recipient who does
// not follow gets MSG_SD_NOFOLLOW, single.send's own code for it (§6.2, §6.4).
var (
	errMsgTemplateMissing = bizErr("MSG_TEMPLATE_NOT_EXIST", "消息模板不存在")
	errNotFollowing       = bizErr("MSG_SD_NOFOLLOW", "用户未关注该生活号")
)

// lifeContextFixed are the context fields that are not keywords.
var lifeContextFixed = []string{"head_color", "url", "action_name", "first", "remark"}

// lifeSend is alipay.open.public.message.single.send. head_color, url and action_name are
// required (the official SDK validates them); first and remark are optional; every other
// context key is a keyword {value, color}, both required, and the keyword set must equal
// the template's (keyword3..N are accepted: open question 5).
func (s *Server) lifeSend(c *gwCall) ([]byte, *apiError) {
	var req struct {
		ToUserID string `json:"to_user_id"`
		ToOpenID string `json:"to_open_id"`
		Template struct {
			TemplateID string                     `json:"template_id"`
			Context    map[string]json.RawMessage `json:"context"`
		} `json:"template"`
	}
	if err := json.Unmarshal(c.biz, &req); err != nil {
		return nil, invalidParam("biz_content is not a JSON object")
	}
	user, ctx := cmp.Or(req.ToUserID, req.ToOpenID), req.Template.Context
	switch {
	case user == "":
		return nil, invalidParam("to_user_id or to_open_id is required")
	case req.Template.TemplateID == "":
		return nil, invalidParam("template.template_id is required")
	}
	for _, k := range lifeContextFixed[:3] {
		if contextString(ctx, k) == "" {
			return nil, invalidParam("template.context needs head_color, url and action_name strings")
		}
	}
	if displayWidth(contextString(ctx, "action_name")) > 16 {
		return nil, invalidParam("action_name is longer than 8 Chinese or 16 Latin characters")
	}
	var keywords []string
	for k, v := range ctx {
		if slices.Contains(lifeContextFixed[:3], k) {
			continue
		}
		var kw struct{ Value, Color *string }
		if json.Unmarshal(v, &kw) != nil || kw.Value == nil || kw.Color == nil {
			return nil, invalidParam("template.context.%s must be {\"value\":…,\"color\":…}", k)
		}
		if !slices.Contains(lifeContextFixed, k) {
			keywords = append(keywords, k)
		}
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	as := s.st.apps[c.app.id]
	t := as.templates[req.Template.TemplateID]
	if t == nil {
		return nil, errMsgTemplateMissing
	}
	if !sameSet(keywords, t.Keywords) {
		return nil, errLackKeyword
	}
	if c.app.requireFollow && !as.followers[user] {
		return nil, errNotFollowing
	}
	c.rec = &Record{Recipient: user, TemplateID: t.ID, Content: c.biz}
	return success(), nil
}

func contextString(ctx map[string]json.RawMessage, key string) string {
	var v string
	_ = json.Unmarshal(ctx[key], &v)
	return v
}

// displayWidth counts a CJK (non-ASCII) character as 2 and ASCII as 1, the "8 Chinese or
// 16 Latin characters" rule of action_name.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0x7f {
			n++
		}
	}
	return n
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// lifeInfo is alipay.open.public.info.query: what Reach calls to verify a Life Account.
func (s *Server) lifeInfo(c *gwCall) ([]byte, *apiError) {
	c.rec = &Record{}
	return success(
		field{"app_name", c.app.name},
		field{"logo_url", "https://example.invalid/logo.png"},
		field{"public_greeting", "欢迎关注 " + c.app.name},
		field{"audit_status", "AUDIT_SUCCESS"},
		field{"audit_desc", ""},
		field{"is_online", "T"},
		field{"is_release", "T"},
	), nil
}

// certDownload is alipay.open.app.alipaycert.download (§1.7): any cert that was ever
// current, as base64 of its PEM. CERT_NOT_EXIST for an unknown SN is an assumption.
func (s *Server) certDownload(c *gwCall) ([]byte, *apiError) {
	var req struct {
		SN string `json:"alipay_cert_sn"`
	}
	if err := json.Unmarshal(c.biz, &req); err != nil || strings.TrimSpace(req.SN) == "" {
		return nil, invalidParam("alipay_cert_sn is required")
	}
	cert := s.certBySN(req.SN)
	if cert == nil {
		return nil, bizErr("CERT_NOT_EXIST", "证书不存在")
	}
	c.rec = &Record{Content: c.biz}
	return success(field{"alipay_cert_content", b64(cert.pem)}), nil
}
