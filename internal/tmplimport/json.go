package tmplimport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// member is one key of a JSON object, in document order; the standard
// library's map decoding would lose the order keyN appear in and the
// positions errors need.
type member struct {
	key    string
	raw    json.RawMessage
	keyOff int // offset of the key's opening quote
	valOff int // offset of the value's first byte
}

// decodeObject reads text as exactly one JSON object.
func decodeObject(text string, src source) ([]member, *Error) {
	dec := json.NewDecoder(strings.NewReader(text))
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(err, text, src)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, src.errAt(0, "", "input is %s, want a JSON object", describeToken(tok))
	}
	var members []member
	seen := map[string]bool{}
	for dec.More() {
		keyOff := skipSeparators(text, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(err, text, src)
		}
		key, _ := tok.(string) // the decoder only yields strings in key position
		valOff := skipSeparators(text, int(dec.InputOffset()))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, jsonError(err, text, src)
		}
		if seen[key] {
			// Which duplicate wins differs between JSON libraries; refuse
			// rather than guess which one the operator meant.
			return nil, src.errAt(keyOff, key, "appears twice in the same object")
		}
		seen[key] = true
		members = append(members, member{key: key, raw: raw, keyOff: keyOff, valOff: valOff})
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, jsonError(err, text, src)
	}
	end := int(dec.InputOffset())
	if rest := strings.TrimSpace(text[end:]); rest != "" {
		return nil, src.errAt(skipSeparators(text, end), "", "has unexpected text after the JSON object")
	}
	return members, nil
}

// skipSeparators moves past JSON whitespace and the ',' and ':' that
// Decoder.InputOffset leaves before the next token.
func skipSeparators(text string, off int) int {
	for off < len(text) && strings.IndexByte(" \t\r\n,:", text[off]) >= 0 {
		off++
	}
	return off
}

func jsonError(err error, text string, src source) *Error {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return src.errAt(syntaxOffset(syn, text), "", "input is not valid JSON: %s", syn.Error())
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return src.errAt(len(strings.TrimRight(text, " \t\r\n")), "", "input is not valid JSON: it ends too early")
	default:
		return src.errAt(0, "", "input is not valid JSON: %s", err.Error())
	}
}

func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "a JSON array"
		}
	case string:
		return "a JSON string"
	case float64, json.Number:
		return "a JSON number"
	case bool:
		return "a JSON boolean"
	case nil:
		return "JSON null"
	}
	return fmt.Sprintf("%v", tok)
}

// kind names a raw JSON value's type for messages.
func kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
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

// asString decodes a JSON string value.
func asString(raw json.RawMessage) (string, bool) {
	if len(raw) == 0 || raw[0] != '"' {
		return "", false
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// scalarText renders a string or number value as text ("10000" and 10000
// alike), for response codes.
func scalarText(raw json.RawMessage) string {
	if s, ok := asString(raw); ok {
		return strings.TrimSpace(s)
	}
	if len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return string(raw)
	}
	return ""
}

// syntaxOffset finds the offending byte. The scanner counts its offset after
// the bad byte but Decoder.Token before it, so when the message names the
// character, look for it at both places; otherwise skip to the next token.
func syntaxOffset(syn *json.SyntaxError, text string) int {
	off := min(max(int(syn.Offset), 0), len(text))
	msg := syn.Error()
	if rest, ok := strings.CutPrefix(msg, "invalid character "); ok {
		if c, _, _, err := strconv.UnquoteChar(strings.TrimPrefix(rest, "'"), '\''); err == nil {
			ch := string(c)
			switch {
			case strings.HasPrefix(text[off:], ch):
				return off
			case off > 0 && strings.HasPrefix(text[off-1:], ch):
				return off - 1
			}
		}
	}
	for off < len(text) && strings.IndexByte(" \t\r\n", text[off]) >= 0 {
		off++
	}
	return off
}
