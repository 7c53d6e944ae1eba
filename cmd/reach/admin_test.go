package main

import (
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeAdminProfiler: --admin-addr serves Go's profiler on its own listener, and the
// public HTTP port never does.
func TestServeAdminProfiler(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	admin := freeAddr(t)
	p := startServe(t, nil, "--database", db, "--grpc-addr", freeAddr(t), "--http-addr", freeAddr(t), "--admin-addr", admin, "--dispatch=false")
	p.waitReady()
	get := func(url string) (int, string) {
		t.Helper()
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("http://" + admin + "/debug/pprof/goroutine?debug=1"); code != http.StatusOK || !strings.Contains(body, "goroutine profile") {
		t.Fatalf("admin pprof: %d %.200s", code, body)
	}
	if code, _ := get(p.baseURL() + "/debug/pprof/"); code == http.StatusOK {
		t.Fatal("the public HTTP port serves the profiler")
	}
}
