// Package openapi embeds the OpenAPI (Swagger 2.0) document that protoc-gen-openapiv2
// writes beside this file, so the binary can serve it (internal/apidoc). This file is
// written by hand: `make generate` replaces only the *.swagger.json files here.
package openapi

import (
	"bytes"
	_ "embed"
)

//go:embed reach.swagger.json
var document []byte

// Document returns a copy of reach.swagger.json as generated; its info.version is a
// placeholder that the server replaces with its build's version.
func Document() []byte { return bytes.Clone(document) }
