package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// dist is the built app (`make console`; committed, so `go build` needs no Node).
//
//go:embed dist
var dist embed.FS

// pageCSP lets the page load only this server's own script, styles and data: no inline
// script, no other origin, no framing. connect-src 'self' is the JSON gateway and the
// session API.
const pageCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; " +
	"frame-ancestors 'none'"

// file is one embedded file, with its gzipped form when that is smaller.
type file struct {
	name        string
	contentType string
	body        []byte
	gzipped     []byte
	etag        string
}

// assets serves dist under /console/.
type assets struct {
	files map[string]*file // by path inside dist, "index.html", "assets/index-….js"
}

var loadAssets = sync.OnceValues(readAssets)

func readAssets() (*assets, error) {
	a := &assets{files: map[string]*file{}}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := dist.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "dist/")
		sum := sha256.Sum256(body)
		f := &file{name: name, body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`,
			contentType: mime.TypeByExtension(path.Ext(name))}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if z := gzipBytes(body); len(z) < len(body) {
			f.gzipped = z
		}
		a.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console assets: %w", err)
	}
	if a.files["index.html"] == nil {
		return nil, fmt.Errorf("console assets: dist/index.html is missing (run make console)")
	}
	return a, nil
}

// ServeHTTP serves a file of dist. Hashed files under assets/ never change, so browsers
// keep them a year; index.html is revalidated every time, so a new build is picked up at
// once. A path that names no file and has no extension is the app's (it routes in the
// URL's fragment), so it gets index.html too.
func (a *assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(path.Clean(r.URL.Path), "/console")
	name = strings.TrimPrefix(name, "/")
	f := a.files[name]
	if f == nil && (name == "" || path.Ext(name) == "") && !strings.HasPrefix(name, "assets/") {
		f = a.files["index.html"]
	}
	if f == nil {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Add("Vary", "Accept-Encoding")
	if strings.HasPrefix(f.name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if f.name == "index.html" {
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Frame-Options", "DENY")
	}
	body, etag := f.body, f.etag
	if f.gzipped != nil && acceptsGzip(r) {
		body, etag = f.gzipped, strings.TrimSuffix(f.etag, `"`)+`-gzip"`
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, f.name, time.Time{}, bytes.NewReader(body))
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
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
