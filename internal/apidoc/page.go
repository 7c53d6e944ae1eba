package apidoc

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// files are the page (written here) and Swagger UI (copied from its npm package by
// `make generate`; version in swaggerui/VERSION, license beside it).
//
//go:embed page/index.html page/init.js swaggerui/swagger-ui-bundle.js swaggerui/swagger-ui.css
var files embed.FS

// assetFiles maps the names served under /docs/ to embedded files. Only these are served.
var assetFiles = map[string]string{
	"init.js":              "page/init.js",
	"swagger-ui-bundle.js": "swaggerui/swagger-ui-bundle.js",
	"swagger-ui.css":       "swaggerui/swagger-ui.css",
}

// pageCSP allows only what Swagger UI needs, all from this server: its script and the
// page's own (no inline script), the document and "Try it out" calls (connect), the
// data: images its stylesheet embeds, and inline styles, which it sets while rendering.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
	"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// asset is one file of the page, with an ETag so a browser revalidates instead of
// downloading Swagger UI's 1.7 MB again, and a gzipped copy made on first request.
type asset struct {
	name        string
	contentType string
	body        []byte
	etag        string
	gzipped     func() []byte
}

// loadAssets reads and hashes the files once per process; every server shares them.
var loadAssets = sync.OnceValues(readAssets)

func readAssets() (map[string]asset, error) {
	assets := make(map[string]asset, len(assetFiles)+1)
	add := func(name, file string) error {
		body, err := files.ReadFile(file)
		if err != nil {
			return fmt.Errorf("docs page: %w", err)
		}
		sum := sha256.Sum256(body)
		assets[name] = asset{
			name:        name,
			contentType: contentType(name),
			body:        body,
			etag:        `"` + hex.EncodeToString(sum[:12]) + `"`,
			gzipped:     sync.OnceValue(func() []byte { return gzipBytes(body) }),
		}
		return nil
	}
	for name, file := range assetFiles {
		if err := add(name, file); err != nil {
			return nil, err
		}
	}
	return assets, add("index.html", "page/index.html")
}

func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	}
	return "application/octet-stream"
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// Page serves the reference page at /docs. Its links are relative (docs/…, openapi.json),
// so it also works behind a proxy that serves Reach under a path prefix.
func (d *Docs) Page() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", pageCSP)
		w.Header().Set("Referrer-Policy", "no-referrer")
		d.serve(w, r, d.assets["index.html"])
	})
}

// Assets serves the page's scripts and stylesheets under /docs/; /docs/ itself redirects
// to /docs.
func (d *Docs) Assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(path.Clean(r.URL.Path), "/docs/")
		if a, ok := d.assets[name]; ok && name != "index.html" {
			d.serve(w, r, a)
			return
		}
		if strings.HasSuffix(r.URL.Path, "/docs/") {
			// Relative, so a path prefix in front of Reach is kept (http.Redirect would
			// make it absolute from this server's own path).
			w.Header().Set("Location", "../docs")
			w.WriteHeader(http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
	})
}

// serve writes a with revalidation (ETag, If-None-Match) and, when the client accepts it,
// gzip.
func (d *Docs) serve(w http.ResponseWriter, r *http.Request, a asset) {
	h := w.Header()
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := a.body, a.etag
	if acceptsGzip(r) {
		body, etag = a.gzipped(), strings.TrimSuffix(a.etag, `"`)+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(coding) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
