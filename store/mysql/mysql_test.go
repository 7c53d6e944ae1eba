package mysql

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/storetest"
)

const defaultTestDSN = "mysql://root@127.0.0.1:3306/test"

// testServer returns the DSN of the test server and an admin connection to it, or ends the
// test (skip locally, fail in CI) when the server cannot be reached.
func testServer(t *testing.T) (string, *sql.DB) {
	t.Helper()
	dsn := os.Getenv("REACH_TEST_MYSQL")
	if dsn == "" {
		dsn = defaultTestDSN
	}
	driverDSN, err := DriverDSN(dsn)
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", driverDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		u, _ := url.Parse(dsn)
		storetest.Unavailable(t, "mysql at %s: %v", u.Redacted(), err)
	}
	return dsn, admin
}

// newDatabaseStore creates a database of its own, migrates it with the real migrations and
// drops it when the test ends.
func newDatabaseStore(t *testing.T, dsn string, admin *sql.DB, opts ...gormstore.Options) *Store {
	t.Helper()
	name := "reach_test_" + strings.ReplaceAll(uuid.NewString()[:13], "-", "")
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	s, err := Open(u.String(), append(opts, gormstore.Options{})[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() }) // runs before the database is dropped
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestConformance(t *testing.T) {
	dsn, admin := testServer(t)
	storetest.Run(t, func(t *testing.T) store.Store { return newDatabaseStore(t, dsn, admin) })
}

func TestGroupCommit(t *testing.T) {
	dsn, admin := testServer(t)
	storetest.RunGroupCommit(t, func(t *testing.T) store.Store {
		return newDatabaseStore(t, dsn, admin, gormstore.Options{Ingest: storetest.GatherAll})
	})
}

func TestOrphanKeyMigration(t *testing.T) {
	s, err := Open(storetest.SharedDatabase(t, "mysql"), gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	storetest.OrphanKeyMigration(t, s.Store)
}
