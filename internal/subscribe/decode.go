package subscribe

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// member is one key of a JSON object in document order, which the
// first-seen order of ids depends on.
type member struct {
	key string
	raw json.RawMessage
}

// decodeObject reads data as exactly one JSON object. field names it in errors.
func decodeObject(data []byte, field string) ([]member, *Error) {
	dec := json.NewDecoder(strings.NewReader(string(data)))
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxError(field, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, fieldError(field, "is not a JSON object")
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntaxError(field, err)
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, syntaxError(field, err)
		}
		if seen[key] {
			// Duplicates could smuggle a second, contradicting answer past
			// whichever copy another component reads.
			return nil, &Error{Field: join(field, shorten(key)), Reason: "appears twice"}
		}
		seen[key] = true
		members = append(members, member{key: key, raw: raw})
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntaxError(field, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fieldError(field, "has unexpected data after the JSON object")
	}
	return members, nil
}

func syntaxError(field string, err error) *Error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return fieldError(field, "is not valid JSON: "+syn.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return fieldError(field, "is not valid JSON: it ends too early")
	}
	return fieldError(field, "is not valid JSON: "+err.Error())
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func isNull(raw json.RawMessage) bool { return string(raw) == "null" }

func asString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	return s, json.Unmarshal(raw, &s) == nil
}

func kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "empty"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func optString(m member) (string, *Error) {
	if isNull(m.raw) {
		return "", nil
	}
	s, ok := asString(m.raw)
	if !ok {
		return "", &Error{Field: m.key, Reason: "is " + kind(m.raw) + ", want a string"}
	}
	return strings.TrimSpace(s), nil
}

// optText is a string, or a number rendered as text.
func optText(m member) (string, *Error) {
	if kind(m.raw) == "a number" {
		return string(m.raw), nil
	}
	return optString(m)
}

// optBool accepts true/false, "true"/"false" (any case) and 0/1, because
// values pass through JavaScript and sometimes through form encoding.
func optBool(m member) (value, set bool, err *Error) {
	if isNull(m.raw) {
		return false, false, nil
	}
	text := string(m.raw)
	if s, ok := asString(m.raw); ok {
		text = strings.ToLower(strings.TrimSpace(s))
	}
	switch text {
	case "true", "1":
		return true, true, nil
	case "false", "0":
		return false, true, nil
	}
	return false, false, &Error{Field: m.key, Reason: "is " + shortRaw(m.raw) + ", want true or false"}
}

// optCode reads an error code given as a number (11) or a string ("11").
func optCode(m member) (string, *Error) {
	if isNull(m.raw) {
		return "", nil
	}
	if kind(m.raw) == "a number" {
		return numberText(m)
	}
	s, ok := asString(m.raw)
	if !ok {
		return "", &Error{Field: m.key, Reason: "is " + kind(m.raw) + ", want a number or a string"}
	}
	s = strings.TrimSpace(s)
	if len(s) > 32 {
		return "", &Error{Field: m.key, Reason: "is longer than 32 characters"}
	}
	return s, nil
}

// numberText renders 11, 11.0 and 1.1e1 alike as "11" so callers can compare
// codes as text.
func numberText(m member) (string, *Error) {
	text := string(m.raw)
	if f, err := strconv.ParseFloat(text, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return strconv.FormatInt(int64(f), 10), nil
	}
	if len(text) > 32 {
		return "", &Error{Field: m.key, Reason: "is longer than 32 characters"}
	}
	return text, nil
}

// shorten bounds client-supplied text quoted in errors.
func shorten(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func shortRaw(raw json.RawMessage) string { return shorten(string(raw)) }

// fieldError names the field, or "input" for the top level, so a reason
// always reads as a sentence.
func fieldError(field, reason string) *Error {
	if field == "" {
		return &Error{Reason: "input " + reason}
	}
	return &Error{Field: field, Reason: reason}
}
