package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
)

// demoTimeout bounds one in-process demo run; a run takes well under a second unloaded.
const demoTimeout = 45 * time.Second

// runDemoCmd runs `reach demo args…` in-process, as main would, and returns its output.
func runDemoCmd(ctx context.Context, t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, demoTimeout)
	defer cancel()
	var out, errOut bytes.Buffer
	cmd := demoCmd()
	cmd.SetArgs(args)
	cmd.SetOut(&out)
	cmd.SetErr(&errOut)
	err = cmd.ExecuteContext(ctx)
	return out.String(), errOut.String(), err
}

// assertLines fails for each want that is not in out.
func assertLines(t *testing.T, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q", w)
		}
	}
	if t.Failed() {
		t.Logf("output:\n%s", out)
	}
}

// demoKeyLines are what every successful walk-through prints.
var demoKeyLines = []string{
	"POST /v1/channels?channelId=demo-life\n",
	"→ channels/demo-life  ALIPAY_LIFE_ACCOUNT  CHANNEL_STATE_ENABLED",
	"→ channels/demo-mini  ALIPAY_MINI_PROGRAM  CHANNEL_STATE_ENABLED",
	"→ channels/demo-plus  ALIPAY_PLUS_MINI_PROGRAM  CHANNEL_STATE_ENABLED",
	"POST /v1/channels/demo-life/templates:claim\n",
	"POST /v1/channels/demo-mini/templates:import\n",
	"POST /v1/channels/demo-plus/templates?templateId=order-ready\n",
	"FOLLOWER  ACTIVE  user " + demoUser,
	"POST /v1/channels/demo-mini/subscriptions:recordSubscribeResult\n",
	"POST /v1/channels/demo-mini/subscriptions:sync\n",
	"TEMPLATE  ACTIVE  user " + demoUser + "  channels/demo-mini/templates/order-shipped ONE_TIME, 1 send(s) left",
	"POST /v1/channels/demo-plus/subscriptions:authorize\n",
	"AUTHORIZATION  ACTIVE  user customer " + demoCustomer,
	"MESSAGE_STATE_QUEUED  to " + demoUser + " via channels/demo-life",
	"MESSAGE_STATE_QUEUED  to " + demoUser + " via channels/demo-mini",
	"MESSAGE_STATE_QUEUED  to customer " + demoCustomer + " via channels/demo-plus",
	"MESSAGE_STATE_SENT  (attempt 1, sent ",
	"ATTEMPT   MESSAGE_STATE_SENT     accepted by Alipay (Alipay answered in ",
	"POST /v1/webhooks?webhookId=orders\n",
	"webhooks/orders  WEBHOOK_STATE_ENABLED  http://127.0.0.1:",
	"message.sent messages/",
	"signature verified",
	"2x alipay.open.public.message.single.send", // the message and the broadcast's
	"BROADCAST_STATE_COMPLETED  enqueued 1: sent 1, failed 0, skipped 0",
	"broadcast.completed broadcasts/",
	"1x alipay.open.app.mini.templatemessage.send",
	"1x /api/open/v2/miniprogram/message/send",
	"messages   3 SENT",
	"1x alipay.open.public.template.message.add",
	"1x /api/open/v2/authorizations/applyToken",
	"\nOK\n",
}

func TestDemo(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"default", nil},
		{"verbose", []string{"--verbose"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			out, stderr, err := runDemoCmd(t.Context(), t, tc.args...)
			if err != nil {
				t.Fatalf("demo failed: %v\n--- stdout:\n%s--- stderr:\n%s", err, out, stderr)
			}
			assertLines(t, out, demoKeyLines...)
			// Bodies only with --verbose, and never a key's PEM text.
			if verbose := strings.Contains(out, `"authCode": "AC`); verbose != (tc.name == "verbose") {
				t.Errorf("JSON bodies printed: %t, want %t", verbose, tc.name == "verbose")
			}
			if tc.name == "verbose" {
				assertLines(t, out, `"appPrivateKey": "<PEM, PRIVATE KEY>"`, `"state": "CHANNEL_STATE_ENABLED"`)
			}
			if strings.Contains(out, "-----BEGIN") {
				t.Error("the output shows PEM text")
			}
			// The temp dir with the database is gone.
			m := regexp.MustCompile(`SQLite in (\S+) \(a temp dir`).FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no temp dir in the output:\n%s", out)
			}
			if _, err := os.Stat(m[1]); !os.IsNotExist(err) {
				t.Errorf("temp dir %s still there (stat: %v)", m[1], err)
			}
		})
	}
}

// TestDemoKeep: --keep leaves a database and key file that `reach serve` can use, and
// refuses a directory that already has them.
func TestDemoKeep(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "kept")
	out, stderr, err := runDemoCmd(t.Context(), t, "--keep", dir)
	if err != nil {
		t.Fatalf("demo --keep failed: %v\n%s%s", err, out, stderr)
	}
	assertLines(t, out, "SQLite in "+dir+" (kept)", "serve --database sqlite:"+filepath.Join(dir, "reach.db"), "API key    ")
	for _, f := range []string{"reach.db", "reach.keys"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("--keep left no %s: %v", f, err)
		}
	}
	_, _, err = runDemoCmd(t.Context(), t, "--keep", dir)
	if err == nil || !strings.Contains(err.Error(), "already holds reach.db") {
		t.Errorf("second demo into the same --keep dir: err = %v, want a refusal", err)
	}
}

// TestDemoHold: with --hold both servers stay up, answer with the printed key, and stop
// cleanly when the context ends (Ctrl-C).
func TestDemoHold(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- runDemo(ctx, &out, &out, demoOptions{hold: true}) }()
	deadline := time.After(demoTimeout)
	for !strings.Contains(out.String(), "Press Ctrl-C to stop.") {
		select {
		case err := <-done:
			t.Fatalf("demo --hold returned before holding: %v\n%s", err, out.String())
		case <-deadline:
			t.Fatalf("demo --hold did not reach the hold:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	text := out.String()
	// The hold section, after the walk-through, repeats the URLs and shows the key.
	held := text[strings.LastIndex(text, "(--hold)"):]
	url := regexp.MustCompile(`Reach HTTP/JSON   (\S+)`).FindStringSubmatch(held)
	key := regexp.MustCompile(`API key           (\S+)`).FindStringSubmatch(held)
	if url == nil || key == nil {
		t.Fatalf("no URL or API key printed:\n%s", text)
	}
	assertLines(t, text, "grpcurl -plaintext", "/sim/requests")

	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url[1]+"/v1/channels", nil)
	req.Header.Set("Authorization", "Bearer "+key[1])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Channels []json.RawMessage }
	err = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(list.Channels) != 3 {
		t.Fatalf("GET /v1/channels while holding: HTTP %d, %d channels, %v", resp.StatusCode, len(list.Channels), err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo --hold after Ctrl-C: %v", err)
		}
	case <-time.After(demoTimeout):
		t.Fatal("demo --hold did not stop after Ctrl-C")
	}
}

// TestDemoFailsLoudly: a channel Alipay cannot verify stops the demo with its state and
// state_reason.
func TestDemoFailsLoudly(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), demoTimeout)
	defer cancel()
	var out bytes.Buffer
	faults := []alipaysim.Fault{{Kind: alipaysim.FaultHTTP, AppID: demoMiniApp, Status: http.StatusServiceUnavailable}}
	err := runDemo(ctx, &out, &out, demoOptions{simFaults: faults})
	if err == nil {
		t.Fatalf("demo succeeded although Alipay answered 503 to the mini program:\n%s", out.String())
	}
	for _, want := range []string{"step 1", "channels/demo-mini is CHANNEL_STATE_UNVERIFIED, not CHANNEL_STATE_ENABLED", "verification could not run"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
