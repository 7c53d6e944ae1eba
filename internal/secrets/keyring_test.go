package secrets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

func TestFormattingNeverPrintsKeys(t *testing.T) {
	raw := strings.Repeat("a", 32) // keyA decoded
	r, err := Parse("k1:" + keyA + ",k2:" + keyB)
	if err != nil {
		t.Fatal(err)
	}
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("ring", "ring", r)
	var jsonLog bytes.Buffer
	slog.New(slog.NewJSONHandler(&jsonLog, nil)).Info("ring", "ring", r)
	js, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}

	outputs := map[string]string{
		"String":   r.String(),
		"GoString": r.GoString(),
		"%v":       fmt.Sprintf("%v", r),
		"%+v":      fmt.Sprintf("%+v", r),
		"%#v":      fmt.Sprintf("%#v", r),
		"%s":       fmt.Sprintf("%s", r),
		"%q":       fmt.Sprintf("%q", r),
		"%x":       fmt.Sprintf("%x", r),
		"%v deref": fmt.Sprintf("%v", []any{r}),
		"slog":     logBuf.String(),
		"slogjson": jsonLog.String(),
		"json":     string(js),
	}
	for name, out := range outputs {
		for _, bad := range []string{keyA, keyB, raw, fmt.Sprintf("%x", raw)[:16]} {
			if strings.Contains(out, bad) {
				t.Errorf("%s output %q contains key material", name, out)
			}
		}
	}
	if want := "secrets.KeyRing{primary: k1, ids: [k1 k2]}"; r.String() != want {
		t.Errorf("String = %q, want %q", r.String(), want)
	}
	if want := `{"primary":"k1","ids":["k1","k2"]}`; string(js) != want {
		t.Errorf("json = %s, want %s", js, want)
	}
	if !strings.Contains(logBuf.String(), "ring.primary=k1") {
		t.Errorf("slog output %q lacks the primary id", logBuf.String())
	}
	var nilRing *KeyRing
	if nilRing.String() != "secrets.KeyRing(nil)" {
		t.Errorf("nil String = %q", nilRing.String())
	}
}

func TestIDsIsACopy(t *testing.T) {
	r, err := Parse("k1:" + keyA + ",k2:" + keyB)
	if err != nil {
		t.Fatal(err)
	}
	ids := r.IDs()
	ids[0] = "mutated"
	if r.PrimaryID() != "k1" {
		t.Errorf("mutating IDs() changed the ring: primary %q", r.PrimaryID())
	}
}
