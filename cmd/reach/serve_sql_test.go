package main

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection

	"github.com/reachhq/reach/store/mysql"
)

const (
	defaultTestPostgres = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	defaultTestMySQL    = "mysql://root@127.0.0.1:3306/test"
)

// unavailable ends a test whose database server cannot be reached: a skip on a developer's
// machine, a failure when CI=true.
func unavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format+" (required when CI=true)", args...)
	}
	t.Skipf(format+" (skipping; set CI=true to make this a failure)", args...)
}

func randomName(t *testing.T) string {
	t.Helper()
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "reach_cli_" + hex.EncodeToString(b)
}

func pingAdmin(t *testing.T, driver, dsn, shown string) *sql.DB {
	t.Helper()
	admin, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		unavailable(t, "%s at %s: %v", driver, shown, err)
	}
	return admin
}

// postgresDSN creates a fresh schema on the test server and returns a DSN confined to it
// (search_path); the schema is dropped when the test ends, after the servers are stopped.
func postgresDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("REACH_TEST_POSTGRES")
	if dsn == "" {
		dsn = defaultTestPostgres
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("REACH_TEST_POSTGRES: %v", err)
	}
	admin := pingAdmin(t, "pgx", dsn, u.Redacted())
	schema := randomName(t)
	if _, err := admin.ExecContext(t.Context(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// mysqlDSN creates a fresh database on the test server and returns its DSN; the database is
// dropped when the test ends, after the servers are stopped.
func mysqlDSN(t *testing.T) string {
	t.Helper()
	dsn := os.Getenv("REACH_TEST_MYSQL")
	if dsn == "" {
		dsn = defaultTestMySQL
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("REACH_TEST_MYSQL: %v", err)
	}
	driverDSN, err := mysql.DriverDSN(dsn)
	if err != nil {
		t.Fatalf("REACH_TEST_MYSQL: %v", err)
	}
	admin := pingAdmin(t, "mysql", driverDSN, u.Redacted())
	name := randomName(t)
	if _, err := admin.ExecContext(t.Context(), "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func TestServePostgres(t *testing.T) {
	t.Parallel()
	testServerDatabase(t, postgresDSN(t))
}

func TestServeMariaDB(t *testing.T) {
	t.Parallel()
	testServerDatabase(t, mysqlDSN(t))
}

// testServerDatabase: on a shared database server, serve refuses an unmigrated schema and a
// missing key ring, and serves the walk-through once `reach migrate` ran. The database is
// given the way the README does it, through REACH_DATABASE.
func testServerDatabase(t *testing.T, dsn string) {
	ring := newKeyRing(t)
	dbEnv := "REACH_DATABASE=" + dsn
	password := ""
	if u, err := url.Parse(dsn); err == nil {
		password, _ = u.User.Password()
	}
	noLeak := func(what, text string) {
		t.Helper()
		assertNoSecrets(t, what, text, strings.TrimPrefix(ring, "k1:"), password)
	}

	code, stderr := serveFails(t, []string{dbEnv, "REACH_SECRET_KEYS=" + ring})
	if code == 0 || !strings.Contains(stderr, "reach migrate") {
		t.Fatalf("serve on an unmigrated schema: exit %d, want non-zero and a hint to run `reach migrate`:\n%s", code, stderr)
	}
	noLeak("serve stderr", stderr)

	t.Run("KeysBeforeMigrate", func(t *testing.T) {
		r := reach(t, []string{dbEnv}, "keys", "create", "--tenant", "acme")
		if r.code == 0 || !strings.Contains(r.stderr, "reach migrate") {
			t.Fatalf("keys create before migrate: %s", r)
		}
	})

	r := mustReach(t, []string{dbEnv}, "migrate")
	if !strings.Contains(r.stdout, "is at the current schema") {
		t.Fatalf("migrate: %s", r)
	}
	noLeak("migrate output", r.stdout+r.stderr)
	mustReach(t, nil, "migrate", "--database", dsn) // again, by flag: nothing to do

	code, stderr = serveFails(t, []string{dbEnv})
	if code == 0 || !strings.Contains(stderr, "no secret keys") || !strings.Contains(stderr, "REACH_SECRET_KEYS") {
		t.Fatalf("serve without a key ring: exit %d, want non-zero and a clear message:\n%s", code, stderr)
	}

	adminKey, _ := createKey(t, []string{dbEnv}, "--tenant", "acme", "--role", "admin")
	senderKey, _ := createKey(t, []string{dbEnv}, "--tenant", "acme", "--role", "sender")
	env := []string{dbEnv, "REACH_SECRET_KEYS=" + ring}
	first, second := lifecycle(t, env, nil, adminKey, senderKey, strings.TrimPrefix(ring, "k1:"), password)
	for _, p := range []*serveProc{first, second} {
		if strings.Contains(p.stderr.String(), keyFileCreatedLog) {
			t.Errorf("a key file was created for a server database:\n%s", p.stderr.String())
		}
	}
}
