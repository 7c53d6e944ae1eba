package alipayplus

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/alipayerr"
)

// TestSendMessageJSONNames pins the wire names of §4.5 and that empty optional fields are left out.
func TestSendMessageJSONNames(t *testing.T) {
	full := vectorRequest()
	full.AuthClientID, full.RedirectURL, full.ExtendInfo = "a", "https://x/?a=1&b=2", "{}"
	b, err := marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := []string{"accessToken", "appId", "authClientId", "customerBelongsTo", "extendInfo", "redirectUrl",
		"requestId", "templateCode", "templates"}
	if got := sortedKeys(m); !reflect.DeepEqual(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
	if !strings.Contains(string(b), `"redirectUrl":"https://x/?a=1&b=2"`) {
		t.Errorf("HTML-escaped: %s", b)
	}
	if !strings.Contains(string(m["templates"]), `"templateParameters":{`) || !strings.Contains(string(m["templates"]), `"language":"zh-CN"`) {
		t.Errorf("templates %s", m["templates"])
	}

	minimal := &SendMessageRequest{AppID: "a", AccessToken: "t", RequestID: "r", TemplateCode: "c",
		Templates: []ContentTemplate{{TemplateParameters: map[string]string{}}}}
	b, _ = marshal(minimal)
	if string(b) != `{"appId":"a","accessToken":"t","requestId":"r","templateCode":"c","templates":[{"templateParameters":{}}]}` {
		t.Errorf("minimal %s", b)
	}
}

func sortedKeys(m map[string]json.RawMessage) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	for i := range keys { // tiny insertion sort keeps the test free of a sort import
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func TestSendMessageValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	tmpl := ContentTemplate{TemplateParameters: map[string]string{"k": "v"}}
	for _, tc := range []struct {
		field string
		edit  func(r *SendMessageRequest)
	}{
		{"appId", func(r *SendMessageRequest) { r.AppID = "" }},
		{"appId", func(r *SendMessageRequest) { r.AppID = long(33) }},
		{"accessToken", func(r *SendMessageRequest) { r.AccessToken = long(129) }},
		{"authClientId", func(r *SendMessageRequest) { r.AuthClientID = long(129) }},
		{"requestId", func(r *SendMessageRequest) { r.RequestID = long(65) }},
		{"requestId", func(r *SendMessageRequest) { r.RequestID = "" }},
		{"templateCode", func(r *SendMessageRequest) { r.TemplateCode = long(65) }},
		{"templates", func(r *SendMessageRequest) { r.Templates = nil }},
		{"templates", func(r *SendMessageRequest) { r.Templates = []ContentTemplate{tmpl, tmpl, tmpl, tmpl, tmpl, tmpl} }},
		{"templates[0].templateParameters", func(r *SendMessageRequest) { r.Templates = []ContentTemplate{{Language: "en-US"}} }},
		{"redirectUrl", func(r *SendMessageRequest) { r.RedirectURL = long(2049) }},
		{"extendInfo", func(r *SendMessageRequest) { r.ExtendInfo = strings.Repeat("信", 4097) }},
	} {
		r := vectorRequest()
		tc.edit(r)
		p := newPlatform(t)
		_, err := p.client(nil).SendMessage(context.Background(), r)
		wantErr(t, err, alipayerr.BadRequest)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("%s: %v", tc.field, err)
		}
		if p.calls() != 0 {
			t.Errorf("%s: invalid request was sent", tc.field)
		}
	}
	// Limits are inclusive and counted in characters.
	r := vectorRequest()
	r.AppID, r.RequestID, r.ExtendInfo = long(32), long(64), strings.Repeat("信", 4096)
	r.Templates = []ContentTemplate{tmpl, tmpl, tmpl, tmpl, tmpl}
	if err := r.Validate(); err != nil {
		t.Errorf("at the limits: %v", err)
	}
	// Every violation is reported, not just the first.
	var fes FieldErrors
	if err := (&SendMessageRequest{}).Validate(); !errors.As(err, &fes) || len(fes) != 5 {
		t.Errorf("empty request: %v", err)
	}
	if _, err := newPlatform(t).client(nil).SendMessage(context.Background(), nil); alipayerr.ClassOf(err) != alipayerr.BadRequest {
		t.Errorf("nil request: %v", err)
	}
}

// TestRequestIDFor pins the rule: a changed rule would give in-flight retries a new requestId
// and send their messages twice. The hashes are `printf %s ID | sha256sum`.
func TestRequestIDFor(t *testing.T) {
	uuid := "0b6f4c1e-8f5e-4d4a-9f0a-2c3d4e5f6a7b"
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{uuid, uuid},
		{"msg_01HZX.2", "msg_01HZX.2"},
		{strings.Repeat("m", 64), strings.Repeat("m", 64)},
		{strings.Repeat("m", 65), "676fc2b538902dd46ab4f093f1cfd8d218dfa9624fc3d539cad3cba6a3eb07f5"},
		{"订单/1", "6f9319a5bef5f42dbeeb5ed689cb02e0c22709fcb1f417a523cadd900f27a6e1"},
	} {
		if got := RequestIDFor(tc.in); got != tc.want {
			t.Errorf("RequestIDFor(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
