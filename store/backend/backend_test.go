package backend

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reachhq/reach/store"
)

func TestDialect(t *testing.T) {
	for dsn, want := range map[string]string{
		DefaultDSN:                      SQLite,
		"sqlite::memory:":               SQLite,
		"postgres://u@h/db":             Postgres,
		"postgresql://u@h/db":           Postgres,
		"mysql://u@h/db":                MySQL,
		"redis://h":                     "",
		"host=h dbname=d":               "",
		"u:p@tcp(127.0.0.1:3306)/reach": "",
		"":                              "",
	} {
		got, err := Dialect(dsn)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("Dialect(%q) = %q, %v; want %q", dsn, got, err, want)
		}
		if err != nil && (!errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "sqlite:PATH")) {
			t.Errorf("Dialect(%q) error %q must be ErrInvalid and name the accepted forms", dsn, err)
		}
	}
}

func TestRedact(t *testing.T) {
	for dsn, want := range map[string]string{
		"postgres://reach:s3cret@db:5432/reach?sslmode=require": "postgres://reach:xxxxx@db:5432/reach?sslmode=require",
		"mysql://root:s3cret@127.0.0.1:3306/test":               "mysql://root:xxxxx@127.0.0.1:3306/test",
		"postgres://reach@db/reach?password=s3cret&sslmode=off": "postgres://reach@db/reach?password=xxxxx&sslmode=off",
		"postgres://reach:s3cr%zzet@db/reach":                   "postgres://xxxxx",
		"host=db user=reach password=s3cret dbname=reach":       "host=db user=reach password=xxxxx dbname=reach",
		"root:s3cret@tcp(127.0.0.1:3306)/test":                  "root:xxxxx@tcp(127.0.0.1:3306)/test",
		"sqlite:./data/reach.db":                                "sqlite:./data/reach.db",
		"postgres://reach@db/reach":                             "postgres://reach@db/reach",
	} {
		if got := Redact(dsn); got != want {
			t.Errorf("Redact(%q) = %q, want %q", dsn, got, want)
		}
	}
}

func TestOpenSQLite(t *testing.T) {
	ctx := t.Context()
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "data", "reach.db")
	s, m, err := Open(ctx, dsn, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := m.SchemaCurrent(ctx); err != nil || ok {
		t.Fatalf("fresh database: SchemaCurrent = %v, %v; want false", ok, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, m, err = Open(ctx, dsn, Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if ok, err := m.SchemaCurrent(ctx); err != nil || !ok {
		t.Fatalf("after AutoMigrate: SchemaCurrent = %v, %v; want true", ok, err)
	}
	if _, err := s.EnsureTenant(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
}

// TestOpenUnreachable checks that a server that is not there is ErrUnavailable and that
// the error does not repeat the password.
func TestOpenUnreachable(t *testing.T) {
	for _, dsn := range []string{
		"postgres://reach:topsecret@127.0.0.1:1/reach?sslmode=disable&connect_timeout=2",
		"mysql://reach:topsecret@127.0.0.1:1/reach?timeout=2s",
	} {
		_, _, err := Open(t.Context(), dsn, Options{AutoMigrate: true})
		if !errors.Is(err, store.ErrUnavailable) || strings.Contains(err.Error(), "topsecret") {
			t.Errorf("Open(%s) = %v; want ErrUnavailable without the password", Redact(dsn), err)
		}
	}
	_, _, err := Open(t.Context(), "redis://u:topsecret@h", Options{})
	if !errors.Is(err, store.ErrInvalid) || strings.Contains(err.Error(), "topsecret") {
		t.Errorf("unsupported dsn: %v", err)
	}
}
