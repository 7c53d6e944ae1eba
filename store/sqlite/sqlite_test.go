package sqlite

import (
	"path/filepath"
	"testing"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/storetest"
)

// openTemp opens a migrated store in a fresh file under t.TempDir.
func openTemp(t testing.TB, opts ...gormstore.Options) *Store {
	t.Helper()
	s, err := Open("sqlite:"+filepath.Join(t.TempDir(), "sub", "reach.db"), append(opts, gormstore.Options{})[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestConformanceInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := Open("sqlite::memory:", gormstore.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		if err := s.Migrate(t.Context()); err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestGroupCommit(t *testing.T) {
	storetest.RunGroupCommit(t, func(t *testing.T) store.Store { return openTemp(t, gormstore.Options{Ingest: storetest.GatherAll}) })
}

func TestOrphanKeyMigration(t *testing.T) {
	s, err := Open("sqlite:"+filepath.Join(t.TempDir(), "reach.db"), gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	storetest.OrphanKeyMigration(t, s.Store)
}
