package server

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestGatewayDecodeErrorsQuoteNothing: a body the gateway cannot decode is answered 400
// with a field violation naming where it went wrong, and neither the answer nor the log
// repeats what was sent. A private key in a field that takes an object came back whole in
// the answer and the log (protojson quotes the token it stopped at).
func TestGatewayDecodeErrorsQuoteNothing(t *testing.T) {
	e, logs := newLoggedEnv(t)
	admin := e.admin()
	const secret = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\n-----END PRIVATE KEY-----\n"
	q := func(v string) string { b, _ := json.Marshal(v); return string(b) }
	for _, c := range []struct {
		name, method, path, body string
		field                    string // the violation's field
	}{
		{"private key where an object goes", "POST", "/v1/channels?channelId=x",
			`{"displayName":"x","type":"CHANNEL_TYPE_ALIPAY_MINI_PROGRAM","openPlatform":{"appId":"2021000000000002","appPrivateKeyInfo":` + q(secret) + `}}`,
			"channel.open_platform.app_private_key_info"},
		{"private key as the channel type", "POST", "/v1/channels?channelId=x", `{"type":` + q(secret) + `}`, "channel.type"},
		{"private key as a bool", "POST", "/v1/channels?channelId=x",
			`{"alipayPlus":{"merchantPrivateKeyInfo":{"set":` + q(secret) + `}}}`, "channel.alipay_plus.merchant_private_key_info.set"},
		{"private key as a whole section", "POST", "/v1/channels?channelId=x", `{"openPlatform":` + q(secret) + `}`, "channel.open_platform"},
		{"number for a string", "POST", "/v1/messages:send", `{"requestId":5}`, "request_id"},
		{"unknown enum name", "POST", "/v1/messages:send", `{"category":"MESSAGE_CATEGORY_` + strings.Repeat("X", 20) + `"}`, "category"},
		{"not a time", "POST", "/v1/messages:send", `{"sendTime":` + q(secret) + `}`, "send_time"},
		{"a list item", "POST", "/v1/messages:batchSend",
			`{"template":"channels/c/templates/t","recipients":[{"user":{"userId":"2088000000000001"}},{"user":{"userId":7}}]}`,
			"recipients[1].user.user_id"},
		{"a map value", "POST", "/v1/messages:send", `{"data":{"keyword1":` + q(secret) + `,"keyword2":{"a":1}}}`, "data[keyword2]"},
		{"unknown field", "POST", "/v1/messages:send", `{"requestId":"r","recipientt":{}}`, "recipientt"},
		{"unknown field that is data", "POST", "/v1/messages:send", `{` + q(secret) + `:1}`, "body"},
		{"not JSON", "POST", "/v1/messages:send", `{"requestId": ` + secret, "body"},
		{"cut short", "POST", "/v1/messages:send", `{"requestId":"`, "body"},
		{"bad query value", "GET", "/v1/messages?pageSize=" + strings.Repeat("9", 30), "", "page_size"},
		{"misspelt query parameter", "POST", "/v1/channels?channelID=x", `{}`, "channelID"},
		{"query parameter that is data", "GET", "/v1/messages?" + strings.Repeat("k", 70) + "=1", "", "query"},
	} {
		resp, raw := e.httpRaw(admin, c.method, c.path, c.body, nil)
		var body map[string]any
		_ = json.Unmarshal(raw, &body)
		if resp.StatusCode != http.StatusBadRequest || !slices.Contains(httpViolations(body), c.field) {
			t.Errorf("%s: %d %s, want 400 naming %s", c.name, resp.StatusCode, raw, c.field)
		}
		for _, leak := range []string{"PRIVATE KEY", "MIIEvQ", "XXXXXXXXXX", "999999999", "kkkkkkkkkk"} {
			if strings.Contains(string(raw), leak) {
				t.Errorf("%s: the answer repeats the request: %s", c.name, raw)
			}
		}
	}
	for _, leak := range []string{"PRIVATE KEY", "MIIEvQ", "XXXXXXXXXX", "999999999", "kkkkkkkkkk"} {
		if strings.Contains(logs.String(), leak) {
			t.Fatalf("the log repeats a request (%q):\n%s", leak, logs.String())
		}
	}

	// What decodes goes on as before: an empty body, a known parameter in either spelling.
	for _, path := range []string{"/v1/messages?pageSize=5", "/v1/messages?page_size=5", "/v1/channels?pageSize=1"} {
		if resp, raw := e.httpRaw(admin, "GET", path, "", nil); resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, raw)
		}
	}
}

// TestPathAt walks JSON to the token at an offset, in the service's field names.
func TestPathAt(t *testing.T) {
	raw := []byte(`{"template":"t","recipients":[{"user":{"userId":"1"}},{"user":{"openId":"2"}, "data":{"k1":"v","x-y":"w"}}],"dataa":3}`)
	md := (&reachv1.BatchSendMessagesRequest{}).ProtoReflect().Descriptor()
	for _, c := range []struct {
		at   string // the first occurrence of this text in raw
		want string
	}{
		{`"t"`, "template"},
		{`"2"`, "recipients[1].user.open_id"},
		{`"openId"`, "recipients[1].user.open_id"},
		{`"v"`, "recipients[1].data[k1]"},
		{`"w"`, "recipients[1].data"},
		{`3}`, "dataa"},
		{`[{`, "recipients"},
	} {
		off := strings.Index(string(raw), c.at)
		if got := pathAt(md, raw, off); got != c.want {
			t.Errorf("at %s: %q, want %q", c.at, got, c.want)
		}
	}
}
