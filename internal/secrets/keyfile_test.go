package secrets

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sync"
	"testing"
	"time"
)

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(a)
	if err != nil || len(raw) != KeySize {
		t.Fatalf("GenerateKey = %q: %d bytes, %v", a, len(raw), err)
	}
	b, _ := GenerateKey()
	if a == b {
		t.Error("two generated keys are equal")
	}
	if _, err := Parse("k:" + a); err != nil {
		t.Errorf("generated key does not parse: %v", err)
	}
}

func TestLoadOrCreateFileCreates(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "secrets")
	path := filepath.Join(dir, "keys")
	ring, created, err := LoadOrCreateFile(path)
	if err != nil || !created {
		t.Fatalf("LoadOrCreateFile = created %v, err %v", created, err)
	}
	if !regexp.MustCompile(`^k\d{8}$`).MatchString(ring.PrimaryID()) {
		t.Errorf("primary id %q, want k + date", ring.PrimaryID())
	}
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, dir, 0o700)
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".keyring-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left behind: %v", leftovers)
	}

	// A second call loads the same ring: a value sealed before opens after.
	c, _ := ring.Seal([]byte("secret"), []byte("ad"))
	again, created, err := LoadOrCreateFile(path)
	if err != nil || created {
		t.Fatalf("second LoadOrCreateFile = created %v, err %v", created, err)
	}
	if got, err := again.Open(c, []byte("ad")); err != nil || string(got) != "secret" {
		t.Errorf("reloaded ring cannot open: %q, %v", got, err)
	}
}

func TestCreateKeyFileNamesKeyByUTCDate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	// 23:30 on Nov 21 in UTC-5 is already Nov 22 in UTC.
	now := time.Date(2026, 11, 21, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	if err := createKeyFile(path, now); err != nil {
		t.Fatal(err)
	}
	ring, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if ring.PrimaryID() != "k20261122" {
		t.Errorf("id = %q, want k20261122", ring.PrimaryID())
	}
	if err := createKeyFile(path, now); !errors.Is(err, fs.ErrExist) {
		t.Errorf("creating over an existing file: %v, want ErrExist (never overwrite a key)", err)
	}
}

// Concurrent first starts must agree on one key, not overwrite each other.
func TestLoadOrCreateFileRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys")
	const n = 8
	rings := make([]*KeyRing, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			r, _, err := LoadOrCreateFile(path)
			if err != nil {
				t.Error(err)
				return
			}
			rings[i] = r
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	c, _ := rings[0].Seal([]byte("x"), nil)
	for i, r := range rings {
		if _, err := r.Open(c, nil); err != nil {
			t.Errorf("ring %d holds a different key: %v", i, err)
		}
	}
}

func TestLoadFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("mode bits are not enforced on Windows")
	}
	content := "# comment\nk2:" + keyB + "\nk1:" + keyA + "\n"
	tests := []struct {
		name    string
		mode    os.FileMode
		content string
		want    error // nil for success
	}{
		{"0600", 0o600, content, nil},
		{"0400", 0o400, content, nil},
		{"0640 group read allowed", 0o640, content, nil},
		{"0440", 0o440, content, nil},
		{"0644 world readable", 0o644, content, ErrInsecureFile},
		{"0604", 0o604, content, ErrInsecureFile},
		{"0660 group writable", 0o660, content, ErrInsecureFile},
		{"0602 world writable", 0o602, content, ErrInsecureFile},
		{"bad content", 0o600, "k1:short", ErrInvalidKeyRing},
		{"empty file", 0o600, "", ErrInvalidKeyRing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, tt.mode); err != nil {
				t.Fatal(err)
			}
			ring, err := LoadFile(path)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("LoadFile: %v", err)
				}
				if ring.PrimaryID() != "k2" {
					t.Errorf("primary = %q, want k2", ring.PrimaryID())
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("LoadFile error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := LoadFile(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want ErrNotExist", err)
	}
	if _, err := LoadFile(dir); err == nil {
		t.Error("loading a directory succeeded")
	}
	big := filepath.Join(dir, "big")
	if err := os.WriteFile(big, make([]byte, maxKeyFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(big); !errors.Is(err, ErrInvalidKeyRing) {
		t.Errorf("oversized file: %v, want ErrInvalidKeyRing", err)
	}
	// LoadOrCreateFile must not replace a file it cannot use.
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, created, err := LoadOrCreateFile(bad); err == nil || created {
		t.Errorf("LoadOrCreateFile on a bad file = created %v, err %v", created, err)
	}
	if b, _ := os.ReadFile(bad); string(b) != "garbage" {
		t.Error("bad key file was overwritten")
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("%s mode = %#o, want %#o", path, got, want)
	}
}
