package sqlite

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

func TestDriverDSN(t *testing.T) {
	for _, c := range []struct {
		dsn, path string
		pragmas   []string
		txlock    string
	}{
		{"sqlite:./data/reach.db", "./data/reach.db",
			[]string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)"}, "immediate"},
		{"sqlite:///var/lib/reach.db", "/var/lib/reach.db",
			[]string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)"}, "immediate"},
		{"sqlite::memory:", ":memory:", []string{"busy_timeout(10000)", "foreign_keys(1)"}, "immediate"},
		// The user's choices win and are not duplicated.
		{"sqlite:r.db?_pragma=journal_mode(DELETE)&_pragma=BUSY_TIMEOUT(50)&_txlock=deferred&_pragma=foreign_keys(0)", "r.db",
			[]string{"journal_mode(DELETE)", "BUSY_TIMEOUT(50)", "foreign_keys(0)"}, "deferred"},
		{"sqlite:r.db?_pragma=synchronous(NORMAL)", "r.db",
			[]string{"busy_timeout(10000)", "synchronous(NORMAL)", "journal_mode(WAL)", "foreign_keys(1)"}, "immediate"},
	} {
		path, driverDSN, err := DriverDSN(c.dsn)
		if err != nil {
			t.Fatalf("DriverDSN(%q): %v", c.dsn, err)
		}
		file, rawQuery, _ := strings.Cut(driverDSN, "?")
		q, err := url.ParseQuery(rawQuery)
		if err != nil || path != c.path || file != c.path || !slices.Equal(q["_pragma"], c.pragmas) || q.Get("_txlock") != c.txlock {
			t.Errorf("DriverDSN(%q) = %q, %q (%v)", c.dsn, path, driverDSN, err)
		}
	}
	for _, bad := range []string{"sqlite:", "sqlite:?x=1", "file:reach.db", "sqlite:r.db?_time_format=sqlite", "sqlite:r.db?%zz"} {
		if _, _, err := DriverDSN(bad); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("DriverDSN(%q) = %v, want ErrInvalid", bad, err)
		}
	}
}

// TestOpen checks what Open promises beyond the conformance suite: the parent directory is
// created, the pragmas are in force on the pool's connections, and migration state is
// reported.
func TestOpen(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "a", "b", "reach.db")
	s, err := Open("sqlite:"+path, gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(filepath.Dir(path)); err != nil {
		t.Fatalf("parent directory not created: %v", err)
	}
	for pragma, want := range map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"} {
		var got string
		if err := s.DB().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil || got != want {
			t.Errorf("PRAGMA %s = %q (%v), want %q", pragma, got, err, want)
		}
	}
	if ok, err := s.SchemaCurrent(ctx); err != nil || ok {
		t.Fatalf("SchemaCurrent before Migrate = %v, %v; want false", ok, err)
	}
	if err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Migrate(ctx); err != nil { // idempotent
		t.Fatal(err)
	}
	if ok, err := s.SchemaCurrent(ctx); err != nil || !ok {
		t.Fatalf("SchemaCurrent after Migrate = %v, %v; want true", ok, err)
	}
	if v := s.MigrationVersions(); len(v) == 0 || v[0] != 1 {
		t.Fatalf("embedded migrations %v", v)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Ping on a closed store = %v, want ErrUnavailable", err)
	}
}

func TestOpenUnwritable(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// The parent "directory" is a regular file: it cannot be created.
	if _, err := Open("sqlite:"+filepath.Join(blocker, "reach.db"), gormstore.Options{}); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open = %v, want ErrUnavailable", err)
	}
}
