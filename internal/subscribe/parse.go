package subscribe

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Result lists inside the "result" object.
const (
	listSubscribe        = "subscribeEntityIds"
	listCurrent          = "currentSubscribedEntityIds"
	listSubscribed       = "subscribedEntityIds"
	listUnsubscribed     = "unsubscribedEntityIds"
	listEntityList       = "entityList"
	fieldResult          = "result"
	maxTemplateIDLen     = 64
	templateIDRule       = "must match ^[A-Za-z0-9_-]{1,64}$"
	decisionAccept       = "accept"
	decisionReject       = "reject"
	deprecatedErrorField = "error"
)

// ignored are top-level keys documented as deprecated; they carry nothing
// the other fields don't.
var ignored = map[string]bool{"success": true, "stat": true}

// lists gathers ids as they are met.
type lists struct {
	byName      map[string][]string
	dynAccept   []string
	dynReject   []string
	requested   orderedSet
	resultFound bool
}

// Parse reads the object passed to my.requestSubscribeMessage's success or
// fail callback, forwarded as JSON by the mini program. Unknown keys are
// ignored; booleans may be JSON booleans, "true"/"false" or 0/1; errorCode may
// be a number or a string. Every error is an *Error.
func Parse(data []byte) (*Result, error) {
	if len(data) > MaxInput {
		return nil, &Error{Reason: "input is larger than 64 KiB"}
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, &Error{Reason: "input is empty"}
	}
	members, err := decodeObject(data, "")
	if err != nil {
		return nil, err
	}
	r := &Result{}
	l := &lists{byName: map[string][]string{}}
	var deprecatedCode string
	for _, m := range members {
		var err *Error
		switch m.key {
		case "behavior":
			r.Behavior, err = optString(m)
		case "show":
			r.Show, r.ShowSet, err = optBool(m)
		case "keep":
			r.Keep, r.KeepSet, err = optBool(m)
		case "refuse":
			r.Refuse, r.RefuseSet, err = optBool(m)
		case "errorCode":
			r.ErrorCode, err = optCode(m)
		case deprecatedErrorField:
			// Older base libraries sent the code only here; tolerate any type
			// because it is deprecated and errorCode wins when present.
			deprecatedCode, _ = optCode(m)
		case "errorMessage":
			r.ErrorMessage, err = optText(m)
		case fieldResult:
			err = l.readResult(m)
		default:
			if !ignored[m.key] {
				err = l.readDynamic(m)
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if r.ErrorCode == "" {
		r.ErrorCode = deprecatedCode
	}
	r.Outcome = outcome(r.Behavior, r.ErrorCode)
	l.fill(r)
	return r, nil
}

func (l *lists) readResult(m member) *Error {
	if isNull(m.raw) {
		return nil
	}
	inner, err := decodeObject(m.raw, fieldResult)
	if err != nil {
		return err
	}
	l.resultFound = true
	for _, im := range inner {
		switch im.key {
		case listSubscribe, listCurrent, listSubscribed, listUnsubscribed, listEntityList:
			ids, err := idList(im, fieldResult+"."+im.key)
			if err != nil {
				return err
			}
			l.byName[im.key] = append(l.byName[im.key], ids...)
			l.requested.add(ids...)
		}
	}
	return nil
}

// readDynamic handles "<templateId>": "accept" | "reject". Other unknown keys
// are ignored, so new fields from Alipay do not break parsing.
func (l *lists) readDynamic(m member) *Error {
	s, ok := asString(m.raw)
	if !ok {
		return nil
	}
	decision := strings.ToLower(strings.TrimSpace(s))
	if decision != decisionAccept && decision != decisionReject {
		return nil
	}
	if !validTemplateID(m.key) {
		return &Error{Field: shorten(m.key), Reason: "is not a template id: a template id " + templateIDRule}
	}
	if decision == decisionAccept {
		l.dynAccept = append(l.dynAccept, m.key)
	} else {
		l.dynReject = append(l.dynReject, m.key)
	}
	l.requested.add(m.key)
	return nil
}

// fill derives the id sets. On a silent call (show false) the per-template
// keys repeat the previous decision, which the documentation says not to
// trust, so when a result object is present only it counts.
func (l *lists) fill(r *Result) {
	r.Requested = l.requested.list()
	r.Subscribed = dedupe(l.byName[listSubscribed])
	if r.Outcome != OutcomeSubscribed {
		return
	}
	useDynamic := !(r.ShowSet && !r.Show && l.resultFound)
	var acc, rej orderedSet
	acc.add(l.byName[listSubscribe]...)
	acc.add(l.byName[listCurrent]...)
	rej.add(l.byName[listUnsubscribed]...)
	if useDynamic {
		acc.add(l.dynAccept...)
		rej.add(l.dynReject...)
	}
	r.Accepted = acc.list()
	for _, id := range rej.list() {
		if !acc.has(id) {
			r.Rejected = append(r.Rejected, id)
		}
	}
}

func idList(m member, field string) ([]string, *Error) {
	if isNull(m.raw) {
		return nil, nil
	}
	var raw []json.RawMessage
	if len(m.raw) == 0 || m.raw[0] != '[' || json.Unmarshal(m.raw, &raw) != nil {
		return nil, &Error{Field: field, Reason: "is " + kind(m.raw) + ", want an array of template ids"}
	}
	ids := make([]string, 0, len(raw))
	for i, el := range raw {
		elField := field + "[" + strconv.Itoa(i) + "]"
		id, ok := asString(el)
		if !ok {
			return nil, &Error{Field: elField, Reason: "is " + kind(el) + ", want a template id string"}
		}
		if !validTemplateID(id) {
			return nil, &Error{Field: elField, Reason: strconv.Quote(shorten(id)) + " is not a template id: a template id " + templateIDRule}
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func validTemplateID(id string) bool {
	if len(id) == 0 || len(id) > maxTemplateIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// orderedSet keeps first-seen order.
type orderedSet struct {
	seen  map[string]bool
	items []string
}

func (s *orderedSet) add(ids ...string) {
	if s.seen == nil {
		s.seen = map[string]bool{}
	}
	for _, id := range ids {
		if !s.seen[id] {
			s.seen[id] = true
			s.items = append(s.items, id)
		}
	}
}

func (s *orderedSet) has(id string) bool { return s.seen[id] }
func (s *orderedSet) list() []string     { return s.items }

func dedupe(ids []string) []string {
	var s orderedSet
	s.add(ids...)
	return s.list()
}
