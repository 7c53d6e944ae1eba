package alipaysim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
)

// lifeClaim is alipay.open.public.template.message.add (§2.3, seeds/003): claim a
// template from the library. The error codes are the API's documented ones.
func (s *Server) lifeClaim(c *gwCall) ([]byte, *apiError) {
	type name struct {
		Name string `json:"name"`
	}
	var req struct {
		LibCode     string `json:"lib_code"`
		KeywordList []name `json:"keyword_list"`
		OptList     []name `json:"opt_list"`
	}
	if err := json.Unmarshal(c.biz, &req); err != nil || req.LibCode == "" {
		return nil, bizErr("ILLEGAL_ARGUMENT_PARAMS", "无效的参数: lib_code and keyword_list are required")
	}
	lib, ok := s.cfg.TemplateLibrary[req.LibCode]
	if !ok {
		return nil, bizErr("TEMPLATE_LIB_NOT_EXIST", "领取的模板内容不存在")
	}
	if n := len(req.KeywordList); n < 2 || n > 5 {
		return nil, bizErr("TEMPLATE_KEYWORDS_LIMIT_ERROR", "模版的关键字段个数为2-5个")
	}
	var names []string
	for _, k := range req.KeywordList {
		if !slices.Contains(lib.Keywords, k.Name) {
			return nil, bizErr("TEMPLATE_KEYWORD_NOT_EXIST", "消息模版关键字段不存在: "+k.Name)
		}
		if slices.Contains(names, k.Name) {
			return nil, bizErr("ILLEGAL_ARGUMENT_PARAMS", "无效的参数: keyword "+k.Name+" is repeated")
		}
		names = append(names, k.Name)
	}
	opts := map[string]bool{}
	for _, o := range req.OptList {
		if o.Name != "first" && o.Name != "remark" && o.Name != "image" {
			return nil, bizErr("ILLEGAL_ARGUMENT_PARAMS", "无效的参数: opt_list names are first, remark and image")
		}
		opts[o.Name] = true
	}
	t := &template{Template: Template{ID: randomHex(16), Title: lib.Title}, names: names}
	for i := range names {
		t.Keywords = append(t.Keywords, "keyword"+strconv.Itoa(i+1))
	}
	s.st.mu.Lock()
	as := s.st.apps[c.app.id]
	if as.liveTemplates() >= s.maxTemplates {
		s.st.mu.Unlock()
		return nil, bizErr("TEMPLATE_OVER_LIMIT", fmt.Sprintf("已领取的模版不能超过%d个", s.maxTemplates))
	}
	as.templates[t.ID] = t
	s.st.mu.Unlock()
	c.rec = &Record{TemplateID: t.ID, Content: c.biz}
	return success(field{"template_id", t.ID}, field{"template", templateText(t, opts)}), nil
}

// templateText renders the "template" string of the claim answer in the exact shape of the
// documented example: `{"title": "交易确认","actionUrl1": "${url}",…,"key1": "…","value1":
// "${keyword1}",…}` — a space after each colon, none after commas. firstValue appears when
// first was opted in; remarkValue and imageUrl for remark and image are the simulator's
// guess (the example shows neither).
func templateText(t *template, opts map[string]bool) string {
	pairs := [][2]string{{"title", t.Title}, {"actionUrl1", "${url}"}, {"actionName1", "${actionName}"}}
	if opts["first"] {
		pairs = append(pairs, [2]string{"firstValue", "${first}"})
	}
	for i, n := range t.names {
		num := strconv.Itoa(i + 1)
		pairs = append(pairs, [2]string{"key" + num, n}, [2]string{"value" + num, "${keyword" + num + "}"})
	}
	if opts["remark"] {
		pairs = append(pairs, [2]string{"remarkValue", "${remark}"})
	}
	if opts["image"] {
		pairs = append(pairs, [2]string{"imageUrl", "${image}"})
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustJSON(p[0]))
		b.WriteString(": ")
		b.Write(mustJSON(p[1]))
	}
	b.WriteByte('}')
	return b.String()
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
