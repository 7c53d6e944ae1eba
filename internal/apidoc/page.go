package apidoc

import (
	"embed"
	"fmt"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/reachhq/reach/internal/webasset"
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

// loadAssets reads the files once per process; every server shares them. Swagger UI is
// 1.7 MB: the ETag lets a browser revalidate instead of downloading it again.
var loadAssets = sync.OnceValues(readAssets)

func readAssets() (map[string]*webasset.File, error) {
	assets := make(map[string]*webasset.File, len(assetFiles)+1)
	add := func(name, file string) error {
		body, err := files.ReadFile(file)
		if err != nil {
			return fmt.Errorf("docs page: %w", err)
		}
		assets[name] = webasset.New(name, body)
		return nil
	}
	for name, file := range assetFiles {
		if err := add(name, file); err != nil {
			return nil, err
		}
	}
	return assets, add("index.html", "page/index.html")
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

// serve writes a, revalidated every time (no-cache): the page and its scripts change with
// each release, under the same names.
func (d *Docs) serve(w http.ResponseWriter, r *http.Request, a *webasset.File) {
	w.Header().Set("Cache-Control", "no-cache")
	a.Serve(w, r)
}
