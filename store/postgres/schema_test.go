package postgres

import (
	"errors"
	"strings"
	"testing"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/storetest"
)

// TestMissingSchema: a search_path naming a schema that does not exist is answered in
// those words, before goose fails on its version table.
func TestMissingSchema(t *testing.T) {
	dsn := storetest.SharedDatabase(t, "postgres")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	// SharedDatabase's DSN names its own schema; a later search_path parameter wins in pgx.
	missing := strings.Replace(dsn, "search_path=", "search_path=reach_no_such_schema_", 1)
	if missing == dsn {
		missing = dsn + sep + "search_path=reach_no_such_schema"
	}
	s, err := Open(missing, gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for name, err := range map[string]error{"Migrate": s.Migrate(t.Context()), "SchemaCurrent": func() error { _, err := s.SchemaCurrent(t.Context()); return err }()} {
		if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "no schema of the search_path") {
			t.Errorf("%s on a missing schema: %v", name, err)
		}
	}
	// The existing schema passes the check.
	ok, err := Open(dsn, gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ok.Close()
	if err := ok.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate on the test schema: %v", err)
	}
}
