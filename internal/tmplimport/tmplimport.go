// Package tmplimport parses the template text an operator pastes when importing a message template.
package tmplimport

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

const (
	// MaxInput bounds the pasted text; a real template is well under 2 KiB
	// (Alipay caps the claim response's template field at 2048 characters).
	MaxInput = 64 << 10
	// MaxKeywords is more than any Alipay product allows (Life Account claims
	// take 2-5 keywords), so only garbage is refused.
	MaxKeywords = 20
	// maxLabel and maxTitle bound labels and titles in characters; both are
	// shown in a console list, and Alipay's own limits are far lower.
	maxLabel = 64
	maxTitle = 128
	// maxDepth bounds wrapper unwrapping (response → template string → object).
	maxDepth = 4
)

// Keyword is one variable of a template.
type Keyword struct {
	Key   string // name sent to Alipay, e.g. "keyword1"
	Label string // what the operator sees, e.g. "交易金额"
}

// Parsed is what an import yields.
type Parsed struct {
	Title string
	// TemplateID is the template_id (or msg_template_id) when the pasted text
	// was a whole claim response; empty otherwise.
	TemplateID string
	// Keywords are in template order (the N of keyN/valueN, or line order).
	Keywords      []Keyword
	HasFirst      bool
	HasRemark     bool
	HasURL        bool
	HasActionName bool
	// Extra keeps unknown template JSON keys (non-string values as compact
	// JSON) so nothing the console showed is silently lost.
	Extra map[string]string
}

// Parse accepts, in order of preference:
//
//   - Format A: the Life Account template JSON returned by
//     alipay.open.public.template.message.add (title, keyN/valueN, firstValue,
//     remarkValue, actionUrl1, actionName1), as an object, as a JSON string
//     holding it, or inside a whole claim response.
//   - Format B: one keyword per line, "keyword1: 交易金额", "keyword1=交易金额"
//     or "交易金额 {{keyword1.DATA}}" (also "${keyword1}"), for templates whose
//     keywords are copied from a console.
//
// Every error is an *Error. Parse never panics.
func Parse(text string) (*Parsed, error) {
	if len(text) > MaxInput {
		return nil, &Error{Reason: "input is larger than 64 KiB"}
	}
	if !utf8.ValidString(text) {
		off := invalidUTF8Offset(text)
		line, col := lineCol(text, off)
		return nil, &Error{Line: line, Column: col, Reason: "input is not valid UTF-8 text"}
	}
	trimmed := strings.TrimLeft(text, " \t\r\n\ufeff")
	if strings.TrimSpace(trimmed) == "" {
		return nil, &Error{Reason: "input is empty"}
	}
	src := source{full: text, base: len(text) - len(trimmed)}
	var p *Parsed
	var err *Error
	if looksLikeJSON(trimmed) {
		p, err = parseJSON(trimmed, src, 0)
	} else {
		p, err = parseLines(trimmed, src)
	}
	if err != nil {
		return nil, err
	}
	return p, nil
}

// looksLikeJSON picks the format by the first character. "{{" starts a
// placeholder line, not an object.
func looksLikeJSON(s string) bool {
	switch s[0] {
	case '"', '[':
		return true
	case '{':
		return !strings.HasPrefix(strings.TrimLeft(s[1:], " \t\r\n"), "{")
	}
	return false
}

// validKey reports whether s is a usable keyword key: ^[A-Za-z][A-Za-z0-9_]{0,31}$.
func validKey(s string) bool {
	if len(s) == 0 || len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
		case i > 0 && (c >= '0' && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return true
}

const keyRule = `must match ^[A-Za-z][A-Za-z0-9_]{0,31}$`

// labelProblem returns why a keyword label is unusable, or "".
func labelProblem(label string) string {
	switch {
	case label == "":
		return "has an empty label"
	case utf8.RuneCountInString(label) > maxLabel:
		return "has a label longer than 64 characters"
	case strings.ContainsFunc(label, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "has a label with control characters"
	}
	return ""
}

// titleProblem returns why a title is unusable, or "". An empty title is
// fine: the operator names the template in the console anyway.
func titleProblem(title string) string {
	switch {
	case utf8.RuneCountInString(title) > maxTitle:
		return "is longer than 128 characters"
	case strings.ContainsFunc(title, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return "contains control characters"
	}
	return ""
}

// quote shows operator input in an error, shortened so one bad paste cannot
// produce a 64 KiB message.
func quote(s string) string {
	const max = 40
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max]) + "…"
	}
	return strconv.Quote(s)
}
