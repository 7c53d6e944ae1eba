// Package webasset serves files embedded in the binary (the /docs page, the operator
// console): each with a strong ETag so browsers revalidate instead of downloading again,
// and gzipped, made once on first use, for clients that accept it.
package webasset

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// File is one embedded file.
type File struct {
	Name        string
	ContentType string
	body        []byte
	etag        string
	gzipped     func() []byte // nil when gzip would not make it smaller
}

// New makes a File of body, its content type from name's extension.
func New(name string, body []byte) *File {
	sum := sha256.Sum256(body)
	f := &File{Name: name, ContentType: contentType(name), body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	f.gzipped = sync.OnceValue(func() []byte {
		if z := gzipBytes(body); len(z) < len(body) {
			return z
		}
		return nil
	})
	return f
}

// Serve writes f with its ETag (answering If-None-Match with 304) and, when the client
// accepts it and it is smaller, gzipped. The caller sets caching and security headers
// of its own first.
func (f *File) Serve(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	body, etag := f.body, f.etag
	if acceptsGzip(r) {
		if z := f.gzipped(); z != nil {
			body, etag = z, strings.TrimSuffix(f.etag, `"`)+`-gzip"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, f.Name, time.Time{}, bytes.NewReader(body))
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
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
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

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(coding) == "gzip" && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
