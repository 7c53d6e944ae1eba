package console

import (
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/reachhq/reach/internal/webasset"
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

// assets serves dist under /console/.
type assets struct {
	files map[string]*webasset.File // by path inside dist, "index.html", "assets/index-….js"
}

var loadAssets = sync.OnceValues(readAssets)

func readAssets() (*assets, error) {
	a := &assets{files: map[string]*webasset.File{}}
	err := fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := dist.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "dist/")
		a.files[name] = webasset.New(name, body)
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
	h.Set("Referrer-Policy", "no-referrer")
	if strings.HasPrefix(f.Name, "assets/") {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if f.Name == "index.html" {
		h.Set("Content-Security-Policy", pageCSP)
		h.Set("X-Frame-Options", "DENY")
	}
	f.Serve(w, r)
}
