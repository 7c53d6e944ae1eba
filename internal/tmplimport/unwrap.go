package tmplimport

import (
	"strings"
)

// parseJSON handles every JSON shape an operator may paste: the template
// object itself, that object double-encoded as a JSON string, and the claim
// (template.message.add) or get response around it.
func parseJSON(text string, src source, depth int) (*Parsed, *Error) {
	if depth > maxDepth {
		return nil, src.errAt(0, "", "input nests templates too deeply")
	}
	switch text[0] {
	case '"':
		s, ok := asString([]byte(strings.TrimSpace(text)))
		if !ok {
			return nil, src.errAt(0, "", "input starts with '\"' but is not one valid JSON string")
		}
		inner := strings.TrimSpace(strings.TrimPrefix(s, "\ufeff"))
		if inner == "" || inner[0] != '{' && inner[0] != '"' {
			return nil, src.errAt(0, "", "input is a JSON string that does not hold a template JSON object")
		}
		return parseJSON(inner, src.decoded(0), depth+1)
	}
	members, err := decodeObject(text, src)
	if err != nil {
		return nil, err
	}
	return parseObject(members, src, depth)
}

func parseObject(members []member, src source, depth int) (*Parsed, *Error) {
	byKey := index(members)
	isTemplate := false
	for _, m := range members {
		if m.key == "title" || numberedKey(m.key) != "" {
			isTemplate = true
		}
	}
	if isTemplate {
		return parseTemplate(members, src)
	}
	if m, ok := byKey["error_response"]; ok {
		inner, err := decodeObject(string(m.raw), src.at(m.valOff))
		if err != nil {
			return nil, src.errAt(m.valOff, m.key, "is %s, want an object", kind(m.raw))
		}
		return nil, responseFailure(index(inner), src.at(m.valOff), 0)
	}
	// {"alipay_open_public_template_message_add_response": {...}, "sign": "..."}
	for _, m := range members {
		if strings.HasSuffix(m.key, "_response") && kind(m.raw) == "an object" {
			inner, err := decodeObject(string(m.raw), src.at(m.valOff))
			if err != nil {
				return nil, err
			}
			if depth+1 > maxDepth {
				return nil, src.errAt(m.valOff, m.key, "nests templates too deeply")
			}
			return parseObject(inner, src.at(m.valOff), depth+1)
		}
	}
	code, isResponse := byKey["code"]
	_, hasID := byKey["template_id"]
	_, hasMsgID := byKey["msg_template_id"]
	isResponse = isResponse || hasID || hasMsgID
	if isResponse && code.raw != nil && scalarText(code.raw) != "10000" {
		return nil, responseFailure(byKey, src, code.valOff)
	}
	tmpl, ok := byKey["template"]
	if !ok {
		if isResponse {
			return nil, &Error{Field: "template", Reason: "is missing: the response carries no template details to import"}
		}
		return parseTemplate(members, src) // reports what is missing
	}
	var p *Parsed
	var err *Error
	switch kind(tmpl.raw) {
	case "a string":
		s, _ := asString(tmpl.raw)
		s = strings.TrimSpace(s)
		if s == "" || s[0] != '{' && s[0] != '"' {
			return nil, src.errAt(tmpl.valOff, "template", "is not a template JSON object")
		}
		p, err = parseJSON(s, src.decoded(tmpl.valOff), depth+1)
	case "an object":
		p, err = parseJSON(string(tmpl.raw), src.at(tmpl.valOff), depth+1)
	default:
		return nil, src.errAt(tmpl.valOff, "template", "is %s, want a JSON object or a string holding one", kind(tmpl.raw))
	}
	if err != nil {
		return nil, err
	}
	for _, k := range []string{"template_id", "msg_template_id"} {
		if id, ok := asString(byKey[k].raw); ok && p.TemplateID == "" {
			p.TemplateID = strings.TrimSpace(id)
		}
	}
	return p, nil
}

func index(members []member) map[string]member {
	byKey := make(map[string]member, len(members))
	for _, m := range members {
		byKey[m.key] = m
	}
	return byKey
}

// responseFailure turns a gateway failure pasted instead of a success into
// an error that says why Alipay refused, e.g. TEMPLATE_LIB_NOT_EXIST.
func responseFailure(byKey map[string]member, src source, off int) *Error {
	text := func(k string) string { return scalarText(byKey[k].raw) }
	reason := "reports a failure, not a template: " + quote(text("code"))
	if msg := text("msg"); msg != "" {
		reason += " " + quote(msg)
	}
	if sub := text("sub_code"); sub != "" {
		reason += " (" + quote(sub)
		if subMsg := text("sub_msg"); subMsg != "" {
			reason += " " + quote(subMsg)
		}
		reason += ")"
	}
	return src.errAt(off, "code", "%s", reason)
}
