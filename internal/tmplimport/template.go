package tmplimport

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Life Account template JSON keys that mark optional parts; their values are
// placeholders (${first}, ${url}, …) filled at send time.
var flagKeys = map[string]func(*Parsed){
	"firstValue":  func(p *Parsed) { p.HasFirst = true },
	"remarkValue": func(p *Parsed) { p.HasRemark = true },
	"actionUrl1":  func(p *Parsed) { p.HasURL = true },
	"actionUrl":   func(p *Parsed) { p.HasURL = true },
	"actionName1": func(p *Parsed) { p.HasActionName = true },
	"actionName":  func(p *Parsed) { p.HasActionName = true },
}

// slot gathers keyN (the label) and valueN (the placeholder) of one keyword.
type slot struct {
	label, value string
	labelAt      int
	valueAt      int
	hasLabel     bool
	hasValue     bool
}

// parseTemplate reads the template object itself:
// {"title":…, "key1":"交易笔数", "value1":"${keyword1}", "firstValue":"${first}", …}.
// Keywords are ordered by N, never by the order keys happen to appear in.
func parseTemplate(members []member, src source) (*Parsed, *Error) {
	p := &Parsed{}
	slots := map[int]*slot{}
	for _, m := range members {
		if m.key == "title" {
			s, ok := asString(m.raw)
			if !ok {
				return nil, src.errAt(m.valOff, m.key, "is %s, want a string", kind(m.raw))
			}
			p.Title = strings.TrimSpace(s)
			if reason := titleProblem(p.Title); reason != "" {
				return nil, src.errAt(m.valOff, m.key, "%s", reason)
			}
			continue
		}
		if set, ok := flagKeys[m.key]; ok {
			s, ok := asString(m.raw)
			if !ok {
				return nil, src.errAt(m.valOff, m.key, "is %s, want a string", kind(m.raw))
			}
			if strings.TrimSpace(s) != "" {
				set(p)
			}
			continue
		}
		prefix := numberedKey(m.key)
		if prefix == "" {
			if p.Extra == nil {
				p.Extra = map[string]string{}
			}
			p.Extra[m.key] = extraText(m.raw)
			continue
		}
		n, reason := keywordNumber(m.key[len(prefix):])
		if reason != "" {
			return nil, src.errAt(m.keyOff, m.key, "%s", reason)
		}
		s, ok := asString(m.raw)
		if !ok {
			return nil, src.errAt(m.valOff, m.key, "is %s, want a string", kind(m.raw))
		}
		sl := slots[n]
		if sl == nil {
			sl = &slot{}
			slots[n] = sl
		}
		if prefix == "key" {
			sl.label, sl.labelAt, sl.hasLabel = strings.TrimSpace(s), m.valOff, true
		} else {
			sl.value, sl.valueAt, sl.hasValue = s, m.valOff, true
		}
	}
	return pairSlots(p, slots, src)
}

func pairSlots(p *Parsed, slots map[int]*slot, src source) (*Parsed, *Error) {
	if len(slots) == 0 {
		return nil, &Error{Reason: `has no keywords: want "key1"/"value1" pairs as in the Life Account template JSON`}
	}
	if len(slots) > MaxKeywords {
		return nil, &Error{Reason: "has " + strconv.Itoa(len(slots)) + " keywords, more than the 20 allowed"}
	}
	ns := make([]int, 0, len(slots))
	for n := range slots {
		ns = append(ns, n)
	}
	slices.Sort(ns)
	firstUse := map[string]int{}
	for _, n := range ns {
		sl, num := slots[n], strconv.Itoa(n)
		switch {
		case !sl.hasValue:
			return nil, src.errAt(sl.labelAt, "key"+num, "has no matching value%s", num)
		case !sl.hasLabel:
			return nil, src.errAt(sl.valueAt, "value"+num, "has no matching key%s", num)
		}
		if reason := labelProblem(sl.label); reason != "" {
			return nil, src.errAt(sl.labelAt, "key"+num, "%s", reason)
		}
		name, reason := placeholderName(sl.value)
		if reason != "" {
			return nil, src.errAt(sl.valueAt, "value"+num, "%s", reason)
		}
		if prev, dup := firstUse[name]; dup {
			return nil, src.errAt(sl.valueAt, "value"+num, "repeats keyword %q of value%d", name, prev)
		}
		firstUse[name] = n
		p.Keywords = append(p.Keywords, Keyword{Key: name, Label: sl.label})
	}
	return p, nil
}

// numberedKey returns "key" or "value" for keyN/valueN (N all digits).
func numberedKey(k string) string {
	for _, prefix := range []string{"key", "value"} {
		digits, ok := strings.CutPrefix(k, prefix)
		if ok && digits != "" && strings.Trim(digits, "0123456789") == "" {
			return prefix
		}
	}
	return ""
}

func keywordNumber(digits string) (int, string) {
	switch {
	case digits[0] == '0' && len(digits) > 1:
		return 0, "has a keyword number with a leading zero"
	case digits == "0":
		return 0, "is numbered 0; keyword numbers start at 1"
	case len(digits) > 3:
		return 0, "has a keyword number over 999"
	}
	n, _ := strconv.Atoi(digits)
	return n, ""
}

// placeholderName extracts "keyword1" from "${keyword1}" (or {{keyword1.DATA}}).
func placeholderName(value string) (string, string) {
	phs, bad := findPlaceholders(value)
	switch {
	case bad >= 0:
		return "", quote(value) + " has an unterminated placeholder"
	case len(phs) == 0:
		return "", quote(value) + " is not a ${keyword} placeholder"
	case len(phs) > 1:
		return "", quote(value) + " holds " + strconv.Itoa(len(phs)) + " placeholders, want one"
	case phs[0].name == "":
		return "", quote(value) + " names no keyword"
	case !validKey(phs[0].name):
		return "", quote(value) + " names keyword " + quote(phs[0].name) + ", which " + keyRule
	}
	return phs[0].name, ""
}

// extraText keeps an unknown value: strings as they are, anything else as
// compact JSON.
func extraText(raw json.RawMessage) string {
	if s, ok := asString(raw); ok {
		return s
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
