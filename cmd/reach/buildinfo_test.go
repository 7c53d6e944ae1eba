package main

import (
	"net/http"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Both long-running commands show which build they are on /metrics, with the same version
// and commit that `reach version` prints.
func TestBuildInfoMetric(t *testing.T) {
	t.Parallel()
	commit := regexp.MustCompile(`(?m)^commit: +(\S+)$`).FindStringSubmatch(mustReach(t, nil, "version").stdout)
	if commit == nil {
		t.Fatal("reach version printed no commit line")
	}
	want := `reach_build_info{goversion="` + runtime.Version() + `",revision="` + commit[1] + `",version="` + testVersion + `"} 1`

	db := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	srv := serveReady(t, nil, "--database", db, "--dispatch=false")
	if code, body := get(t, srv.baseURL()+"/metrics"); code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("reach serve: GET /metrics: %d, lacks %s", code, want)
	}
	srv.stop()

	// reach dispatch on the database (and key file) serve created.
	disp := startReach(t, nil, "dispatch", "--database", db, "--http-addr", freeAddr(t))
	deadline := time.Now().Add(readyTimeout)
	for {
		if disp.exited() {
			t.Fatalf("reach dispatch exited with %d:\n%s", disp.code, disp.stderr.String())
		}
		resp, err := http.Get(disp.baseURL() + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("reach dispatch: no /healthz within %v: %v", readyTimeout, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if code, body := get(t, disp.baseURL()+"/metrics"); code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("reach dispatch: GET /metrics: %d, lacks %s", code, want)
	}
	disp.stop()
}
