package console

import (
	"net/http"
	"strings"
	"testing"
)

func TestIndexHeaders(t *testing.T) {
	f := newFixture(t)
	for _, path := range []string{"/console/", "/console/index.html", "/console/channels"} {
		rec := f.do("GET", path, "")
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<div id="app">`) {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		h := rec.Header()
		csp := h.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	// The page has no inline script: the CSP would block it.
	body := f.do("GET", "/console/", "").Body.String()
	if strings.Contains(body, "<script>") || strings.Contains(body, "<script type=\"module\">") {
		t.Error("index.html has an inline script")
	}
}

func TestHashedAssetsCachedLong(t *testing.T) {
	f := newFixture(t)
	a, _ := loadAssets()
	n := 0
	for name := range a.files {
		if !strings.HasPrefix(name, "assets/") {
			continue
		}
		n++
		rec := f.do("GET", "/console/"+name, "", "Accept-Encoding", "gzip")
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", name, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
			t.Errorf("%s: Cache-Control %q", name, cc)
		}
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", name)
		}
	}
	if n == 0 {
		t.Skip("dist has no hashed assets (run make console)")
	}
}

func TestUnknownAssetIs404AndConsoleRedirects(t *testing.T) {
	f := newFixture(t)
	if rec := f.do("GET", "/console/assets/nope.js", ""); rec.Code != http.StatusNotFound {
		t.Errorf("unknown asset: %d", rec.Code)
	}
	if rec := f.do("GET", "/console/api/nope", ""); rec.Code != http.StatusNotFound {
		t.Errorf("unknown API: %d", rec.Code)
	}
	rec := f.do("GET", "/console", "")
	if rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != "console/" {
		t.Errorf("/console: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}
