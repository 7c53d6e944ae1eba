package server

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/stdwebhook"
)

// webhookNeedles are the forms a signing secret could leak in: as shown, without its
// prefix, and its raw key bytes.
func webhookNeedles(t *testing.T, secrets ...string) [][]byte {
	t.Helper()
	var out [][]byte
	for _, s := range secrets {
		b64 := strings.TrimPrefix(s, stdwebhook.SecretPrefix)
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil || len(raw) != 32 {
			t.Fatalf("secret %q is not whsec_ and 32 bytes", s)
		}
		out = append(out, []byte(s), []byte(b64[:24]), raw)
	}
	return out
}

// TestWebhookSecretsShownOnce: the signing secret is in the Create (and Rotate) response and
// nowhere else: not in any other response over either transport, not in the log (at debug
// level), not in the database files in clear, while serving or after shutdown.
func TestWebhookSecretsShownOnce(t *testing.T) {
	e, logs := newLoggedEnv(t)
	var shown []string
	created := e.createWebhook("orders", orderHook())
	shown = append(shown, created.SigningSecret)
	_, raw := e.httpRaw(e.admin(), "POST", "/v1/webhooks?webhookId=second", `{"url": "https://hooks.example.com/2", "eventTypes": ["message.sent"]}`, nil)
	var httpCreated reachv1.CreateWebhookResponse
	if err := protojson.Unmarshal(raw, &httpCreated); err != nil {
		t.Fatalf("HTTP create: %v (%s)", err, raw)
	}
	shown = append(shown, httpCreated.SigningSecret)
	rotated := &reachv1.RotateWebhookSecretResponse{}
	e.must(mRotateWebhook, &reachv1.RotateWebhookSecretRequest{Name: "webhooks/orders"}, rotated)
	shown = append(shown, rotated.SigningSecret)
	if bytes.Contains(mustMarshal(t, rotated), []byte(created.SigningSecret)) {
		t.Fatal("the rotation shows the previous secret")
	}
	needles := webhookNeedles(t, shown...)

	grpcBytes := func(what string, m proto.Message) {
		t.Helper()
		assertNoNeedle(t, "gRPC "+what, mustMarshal(t, m), needles)
	}
	httpBytes := func(what, method, path, body string) {
		t.Helper()
		_, raw := e.httpRaw(e.admin(), method, path, body, nil)
		assertNoNeedle(t, "HTTP "+what, raw, needles)
	}
	get := &reachv1.GetWebhookResponse{}
	e.must(mGetWebhook, &reachv1.GetWebhookRequest{Name: "webhooks/orders"}, get)
	grpcBytes("GetWebhook", get)
	list := &reachv1.ListWebhooksResponse{}
	e.must(mListWebhooks, &reachv1.ListWebhooksRequest{}, list)
	grpcBytes("ListWebhooks", list)
	upd := &reachv1.UpdateWebhookResponse{}
	e.must(mUpdateWebhook, &reachv1.UpdateWebhookRequest{Webhook: &reachv1.Webhook{Name: "webhooks/orders", Description: "x"}, UpdateMask: mask("description")}, upd)
	grpcBytes("UpdateWebhook", upd)
	for _, c := range [][3]string{
		{"GET", "/v1/webhooks/orders", ""}, {"GET", "/v1/webhooks", ""},
		{"PATCH", "/v1/webhooks/second?updateMask=description", `{"description": "y"}`},
		{"PATCH", "/v1/webhooks/second?updateMask=url", `{"url": "http://10.0.0.1/"}`},
		{"POST", "/v1/webhooks/second:disable", `{}`}, {"POST", "/v1/webhooks/second:enable", `{}`},
	} {
		httpBytes(c[0]+" "+c[1], c[0], c[1], c[2])
	}
	assertNoNeedle(t, "the log", []byte(logs.String()), needles)
	if !strings.Contains(logs.String(), "RotateWebhookSecret") {
		t.Fatal("the log holds no call: the scan looked at nothing")
	}

	path := strings.TrimPrefix(e.dsn, "sqlite:")
	scan := func(when string) {
		t.Helper()
		files, _ := filepath.Glob(path + "*")
		var all []byte
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, b...)
		}
		assertNoNeedle(t, when+": the database files", all, needles)
		if !bytes.Contains(all, []byte("https://hooks.example.com/2")) {
			t.Errorf("%s: the webhooks' URLs are not in the %d scanned bytes", when, len(all))
		}
	}
	scan("while serving")
	e.stop()
	scan("after shutdown")
}

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
