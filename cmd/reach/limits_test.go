package main

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeBodyLimitFlag: --http-max-body-bytes reaches the server, and a negative limit is
// refused at start.
func TestServeBodyLimitFlag(t *testing.T) {
	t.Parallel()
	env := []string{"REACH_SECRET_KEYS=" + newKeyRing(t)}
	db := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	p := serveReady(t, env, "--database", db, "--http-max-body-bytes", "1024")
	resp, err := http.Post(p.baseURL()+"/v1/messages:send", "application/json", strings.NewReader(`{"requestId":"`+strings.Repeat("a", 2048)+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 KB body under a 1 KB limit: %d, want 413", resp.StatusCode)
	}
	p.stop()

	code, stderr := serveFails(t, env, "--database", db, "--http-read-timeout", "-1s")
	if code == 0 || !strings.Contains(stderr, "negative") {
		t.Errorf("a negative timeout: exit %d, stderr:\n%s", code, stderr)
	}
}
