package alipaysim

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// apiError is an Open Platform failure: code and msg from the public table of §1.9,
// sub_code/sub_msg from §1.9 or the API's own list (§2).
type apiError struct {
	code, subCode, subMsg string
}

// publicMsgs are the English msg texts of the public codes (§1.9).
var publicMsgs = map[string]string{
	"10000": "Success",
	"20000": "Service Currently Unavailable",
	"20001": "Insufficient Token Permissions",
	"40001": "Missing Required Arguments",
	"40002": "Invalid Arguments",
	"40003": "Insufficient Conditions",
	"40004": "Business Failed",
	"40005": "Call Limited",
	"40006": "Insufficient Permissions",
}

func gwErr(code, subCode, subMsg string) *apiError {
	return &apiError{code: code, subCode: subCode, subMsg: subMsg}
}

// bizErr is a 40004 Business Failed with an API-specific sub code.
func bizErr(subCode, subMsg string) *apiError { return gwErr("40004", subCode, subMsg) }

// invalidParam is the simulator's answer to malformed or missing business parameters.
// Alipay's exact code for these is not in the notes; INVALID_PARAMETER (40004) is used
// throughout so clients treat it as a permanent, non-retryable failure.
func invalidParam(format string, args ...any) *apiError {
	return bizErr("INVALID_PARAMETER", fmt.Sprintf("参数有误: "+format, args...))
}

func (e *apiError) content() []byte {
	return mustJSON(obj{{"code", e.code}, {"msg", publicMsgs[e.code]}, {"sub_code", e.subCode}, {"sub_msg", e.subMsg}})
}

func (e *apiError) Error() string { return e.code + "/" + e.subCode + ": " + e.subMsg }

// obj is a JSON object that keeps its field order, so answers read like Alipay's
// (code, msg first) and stay byte-identical between calls (signature cache hits).
type obj []field

type field struct {
	k string
	v any
}

// MarshalJSON writes the fields in order.
func (o obj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		b.Write(mustJSON(f.k))
		b.WriteByte(':')
		b.Write(mustJSON(f.v))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// mustJSON marshals without HTML escaping: Alipay writes "&" and "<" as they are, and a
// client that re-serialises instead of verifying the raw text (§1.6) should notice.
func mustJSON(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(fmt.Sprintf("alipaysim: marshal %T: %v", v, err))
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// success is the 10000 answer with the API's business fields after code and msg.
func success(fields ...field) []byte {
	return mustJSON(append(obj{{"code", "10000"}, {"msg", "Success"}}, fields...))
}

func errInvalid(msg string) error { return fmt.Errorf("%w: %s", ErrInvalid, msg) }
