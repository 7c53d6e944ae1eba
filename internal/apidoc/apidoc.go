// Package apidoc serves the API's description: the OpenAPI document at /openapi.json, with
// the running build's version, and an API reference at /docs that Swagger UI renders from
// it. Every file the page loads is shipped in the binary: no CDN, no npm at build time.
package apidoc

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/reachhq/reach/gen/openapi"
	"github.com/reachhq/reach/internal/webasset"
)

// Docs serves the OpenAPI document and the reference page. Mount Spec at
// GET /openapi.json, Page at GET /docs and Assets at GET /docs/; none needs an API key.
type Docs struct {
	spec   []byte
	assets map[string]*webasset.File
}

// New prepares the document, its info.version set to version (the build's).
func New(version string) (*Docs, error) {
	spec, err := withVersion(openapi.Document(), version)
	if err != nil {
		return nil, fmt.Errorf("openapi document: %w", err)
	}
	assets, err := loadAssets()
	if err != nil {
		return nil, err
	}
	return &Docs{spec: spec, assets: assets}, nil
}

// withVersion returns doc with info.version replaced. Only that value changes; objects are
// re-encoded with their keys sorted, which means the same in JSON.
func withVersion(doc []byte, version string) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(doc, &top); err != nil {
		return nil, err
	}
	var info map[string]json.RawMessage
	if err := json.Unmarshal(top["info"], &info); err != nil {
		return nil, fmt.Errorf("info: %w", err)
	}
	var err error
	if info["version"], err = json.Marshal(version); err != nil {
		return nil, err
	}
	if top["info"], err = json.Marshal(info); err != nil {
		return nil, err
	}
	return json.MarshalIndent(top, "", "  ")
}

// Spec serves the OpenAPI (Swagger 2.0) document.
func (d *Docs) Spec() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "no-cache")
		h.Set("X-Content-Type-Options", "nosniff")
		// A public document: let tools on other origins (editors, client generators in a
		// browser) read it. No credentials are involved.
		h.Set("Access-Control-Allow-Origin", "*")
		_, _ = w.Write(d.spec)
	})
}
