package server

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/reachhq/reach/internal/buildinfo"
)

// The API's description is public, like /healthz: no key, and it names the running build.
func TestAPIDescriptionNeedsNoKey(t *testing.T) {
	e := newTestEnv(t)
	resp, raw := e.httpRaw("", "GET", "/openapi.json", "", nil)
	var doc struct {
		Info struct{ Title, Version string }
	}
	if resp.StatusCode != 200 || json.Unmarshal(raw, &doc) != nil {
		t.Fatalf("GET /openapi.json without a key: %d %.200s", resp.StatusCode, raw)
	}
	if doc.Info.Title != "Reach API" || doc.Info.Version != buildinfo.Read().Version {
		t.Errorf("info %+v, want title Reach API and version %q", doc.Info, buildinfo.Read().Version)
	}

	resp, raw = e.httpRaw("", "GET", "/docs", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(raw), "swagger-ui-bundle.js") ||
		resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("GET /docs without a key: %d, CSP %q", resp.StatusCode, resp.Header.Get("Content-Security-Policy"))
	}
	// Through the real server: the body limit and the mux must let the 1.7 MB bundle out.
	if resp, raw = e.httpRaw("", "GET", "/docs/swagger-ui-bundle.js", "", nil); resp.StatusCode != 200 || len(raw) < 100_000 {
		t.Errorf("GET /docs/swagger-ui-bundle.js: %d, %d bytes", resp.StatusCode, len(raw))
	}
}
