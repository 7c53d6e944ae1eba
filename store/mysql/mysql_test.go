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

// Every connection of the pool, and a transaction on it, runs at READ COMMITTED without
// asking per transaction (the server's default here is REPEATABLE READ).
func TestSessionReadCommitted(t *testing.T) {
	dsn, admin := testServer(t)
	s := newDatabaseStore(t, dsn, admin)
	var name string
	for _, n := range isolationVariables {
		if admin.QueryRowContext(t.Context(), "SELECT @@SESSION."+n).Scan(new(string)) == nil {
			name = n
			break
		}
	}
	if name == "" {
		t.Fatal("the server has none of the isolation variables")
	}
	ctx := t.Context()
	conns := make([]*sql.Conn, 3) // held at once: three connections, not one reused
	for i := range conns {
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
		var level string
		if err := c.QueryRowContext(ctx, "SELECT @@SESSION."+name).Scan(&level); err != nil {
			t.Fatal(err)
		}
		if level != "READ-COMMITTED" {
			t.Fatalf("connection %d: %s is %s", i, name, level)
		}
	}
	tx, err := s.DB().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	var level string
	if err := tx.QueryRowContext(ctx, "SELECT @@SESSION."+name).Scan(&level); err != nil || level != "READ-COMMITTED" {
		t.Fatalf("in a transaction: %s is %q (%v)", name, level, err)
	}
}
