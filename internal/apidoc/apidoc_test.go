package apidoc

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"

	_ "github.com/reachhq/reach/gen/go/reach/v1" // registers the services
	"github.com/reachhq/reach/gen/openapi"
)

// newMux mounts the handlers the way server.HTTPHandler does.
func newMux(t *testing.T, version string) *http.ServeMux {
	t.Helper()
	d, err := New(version)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /openapi.json", d.Spec())
	mux.Handle("GET /docs", d.Page())
	mux.Handle("GET /docs/", d.Assets())
	return mux
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// swagger is the part of a Swagger 2.0 document the tests read.
type swagger struct {
	Swagger string `json:"swagger"`
	Info    struct {
		Title, Version, Description string
	} `json:"info"`
	Tags []struct {
		Name, Description string
	} `json:"tags"`
	SecurityDefinitions map[string]struct {
		Type, In, Name, Description string
	} `json:"securityDefinitions"`
	Security []map[string][]string           `json:"security"`
	Paths    map[string]map[string]operation `json:"paths"`
}

type operation struct {
	OperationID string                 `json:"operationId"`
	Summary     string                 `json:"summary"`
	Description string                 `json:"description"`
	Security    *[]map[string][]string `json:"security"`
}

func TestSpec(t *testing.T) {
	rec := get(t, newMux(t, "v1.2.3-test"), "/openapi.json")
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /openapi.json: %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
	var doc swagger
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	// The Swagger 2.0 format stays: a TypeScript client is generated from it.
	if doc.Swagger != "2.0" || doc.Info.Title != "Reach API" || doc.Info.Version != "v1.2.3-test" || doc.Info.Description == "" {
		t.Fatalf("swagger %q, info %+v", doc.Swagger, doc.Info)
	}

	bearer, ok := doc.SecurityDefinitions["bearer"]
	if !ok || bearer.Type != "apiKey" || bearer.In != "header" || bearer.Name != "Authorization" ||
		!strings.HasPrefix(bearer.Description, "Bearer <api key>") {
		t.Fatalf("securityDefinitions: %+v", doc.SecurityDefinitions)
	}
	if want := []map[string][]string{{"bearer": {}}}; !reflect.DeepEqual(doc.Security, want) {
		t.Fatalf("top-level security %v, want %v (once: the generator appends every file's)", doc.Security, want)
	}

	// Every RPC is an operation, described by its proto comment, and none opts out of the
	// top-level security requirement.
	ops := map[string]operation{}
	for path, methods := range doc.Paths {
		for method, op := range methods {
			if op.Summary == "" {
				t.Errorf("%s %s (%s) has no summary from its proto comment", method, path, op.OperationID)
			}
			if op.Security != nil {
				t.Errorf("%s overrides security: %v", op.OperationID, *op.Security)
			}
			ops[op.OperationID] = op
		}
	}
	services := 0
	protoregistry.GlobalFiles.RangeFilesByPackage("reach.v1", func(fd protoreflect.FileDescriptor) bool {
		for i := range fd.Services().Len() {
			sd := fd.Services().Get(i)
			services++
			for j := range sd.Methods().Len() {
				id := string(sd.Name()) + "_" + string(sd.Methods().Get(j).Name())
				if _, ok := ops[id]; !ok {
					t.Errorf("no operation %s", id)
				}
			}
		}
		return true
	})
	if services == 0 || len(doc.Tags) != services {
		t.Errorf("%d tags for %d services", len(doc.Tags), services)
	}
	for _, tag := range doc.Tags {
		if tag.Description == "" {
			t.Errorf("tag %s has no description from its service comment", tag.Name)
		}
	}
	// The generator puts a comment's first paragraph in summary, the rest in description.
	const sendComment = "Validates a message against its template and queues it. Idempotent by `request_id`."
	if got := ops["MessageService_SendMessage"].Summary; got != sendComment {
		t.Errorf("SendMessage summary %q, want its proto comment %q", got, sendComment)
	}
}

// Only info.version changes; the rest of the generated document is served as it is.
func TestWithVersion(t *testing.T) {
	gen := openapi.Document()
	out, err := withVersion(gen, "v9.9.9")
	if err != nil {
		t.Fatal(err)
	}
	var want, got map[string]any
	if err := json.Unmarshal(gen, &want); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want["info"].(map[string]any)["version"] = "v9.9.9"
	if !reflect.DeepEqual(got, want) {
		t.Fatal("withVersion changed more than info.version")
	}
	for _, bad := range []string{`[]`, `{"swagger":"2.0"}`, `{"info":"x"}`, `not json`} {
		if _, err := withVersion([]byte(bad), "v1"); err == nil {
			t.Errorf("withVersion(%s) did not fail", bad)
		}
	}
}
