package apidoc

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
)

var (
	scriptTag = regexp.MustCompile(`<script\b[^>]*>`)
	linkRef   = regexp.MustCompile(`<(?:script|link)\b[^>]*\b(?:src|href)="([^"]*)"`)
)

// /docs is an HTML page whose scripts and stylesheets all come from this server and all
// answer 200, under a policy that allows no inline script and nothing from elsewhere.
func TestDocsPage(t *testing.T) {
	mux := newMux(t, "v1.2.3-test")
	rec := get(t, mux, "/docs")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "text/html; charset=utf-8" {
		t.Fatalf("GET /docs: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "script-src 'self';", "connect-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	page := rec.Body.String()
	for _, tag := range scriptTag.FindAllString(page, -1) {
		if !strings.Contains(tag, ` src="`) {
			t.Errorf("inline script %s: the policy would block it", tag)
		}
	}
	refs := linkRef.FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("%d scripts and stylesheets in the page, want Swagger UI's two and init.js:\n%s", len(refs), page)
	}
	base, _ := url.Parse("http://reach.test/docs")
	for _, m := range refs {
		ref, err := url.Parse(m[1])
		if err != nil || ref.IsAbs() || ref.Host != "" || strings.HasPrefix(m[1], "/") {
			t.Errorf("%q is not a relative local path", m[1])
			continue
		}
		p := base.ResolveReference(ref).Path
		r := get(t, mux, p)
		if r.Code != 200 || r.Body.Len() == 0 {
			t.Errorf("GET %s (from %q): %d, %d bytes", p, m[1], r.Code, r.Body.Len())
		}
		if ct := r.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") && !strings.HasPrefix(ct, "text/css") {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
	}
	// init.js loads the document this server serves, relative to the page.
	if js := get(t, mux, "/docs/init.js").Body.String(); !strings.Contains(js, `new URL("openapi.json", document.baseURI)`) {
		t.Errorf("init.js does not load openapi.json relative to the page:\n%s", js)
	}
}

func TestDocsAssets(t *testing.T) {
	mux := newMux(t, "dev")
	plain := get(t, mux, "/docs/swagger-ui-bundle.js")
	if plain.Code != 200 || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("plain GET: %d, Content-Encoding %q", plain.Code, plain.Header().Get("Content-Encoding"))
	}
	zipped := get(t, mux, "/docs/swagger-ui-bundle.js", "Accept-Encoding", "br, gzip")
	if zipped.Header().Get("Content-Encoding") != "gzip" || zipped.Body.Len() >= plain.Body.Len()/2 {
		t.Fatalf("gzip GET: Content-Encoding %q, %d of %d bytes", zipped.Header().Get("Content-Encoding"), zipped.Body.Len(), plain.Body.Len())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, plain.Body.Bytes()) {
		t.Fatal("the gzipped bundle is not the bundle")
	}
	if get(t, mux, "/docs/swagger-ui-bundle.js", "Accept-Encoding", "gzip;q=0").Header().Get("Content-Encoding") != "" {
		t.Error("gzip sent although the client refused it (q=0)")
	}
	// A browser that has the file revalidates it instead of downloading it again.
	for _, enc := range []string{"", "gzip"} {
		first := get(t, mux, "/docs/swagger-ui.css", "Accept-Encoding", enc)
		etag := first.Header().Get("ETag")
		if again := get(t, mux, "/docs/swagger-ui.css", "Accept-Encoding", enc, "If-None-Match", etag); etag == "" || again.Code != 304 {
			t.Errorf("Accept-Encoding %q: ETag %q, revalidation %d, want 304", enc, etag, again.Code)
		}
	}

	if r := get(t, mux, "/docs/"); r.Code != 301 || r.Header().Get("Location") != "../docs" {
		t.Errorf("GET /docs/: %d to %q, want a redirect to /docs", r.Code, r.Header().Get("Location"))
	}
	for _, p := range []string{"/docs/index.html", "/docs/LICENSE", "/docs/page/init.js", "/docs/nope.js"} {
		if r := get(t, mux, p); r.Code != 404 {
			t.Errorf("GET %s: %d, want 404", p, r.Code)
		}
	}
}

// The copied Swagger UI is the version tools/npm pins (make generate copies it;
// make check-generated catches a copy that differs from the package's files).
func TestSwaggerUIPinned(t *testing.T) {
	raw, err := os.ReadFile("../../tools/npm/package.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(raw, &pkg); err != nil {
		t.Fatal(err)
	}
	copied, err := os.ReadFile("swaggerui/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if pin := pkg.DevDependencies["swagger-ui-dist"]; pin == "" || pin != strings.TrimSpace(string(copied)) {
		t.Fatalf("tools/npm pins swagger-ui-dist %q, swaggerui/VERSION says %q: run make generate", pin, copied)
	}
	for _, f := range []string{"swaggerui/LICENSE", "swaggerui/NOTICE"} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("Swagger UI is shipped without its %s: %v", f, err)
		}
	}
}
