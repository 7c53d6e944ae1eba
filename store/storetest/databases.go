package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql" // database/sql driver "mysql" for the admin connection
	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection
)

// SharedDatabase creates an empty schema (PostgreSQL) or database (MariaDB) for this test on
// the machine's server, drops it afterwards, and returns its DSN. An unreachable server is
// a skip locally and a failure under CI=true.
func SharedDatabase(t testing.TB, kind string) string {
	t.Helper()
	name := "reach_shared_" + uuid.NewString()[:8]
	var driver, adminDSN, dsn, create, drop string
	switch kind {
	case "postgres":
		base := envOr("REACH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		driver, adminDSN, dsn = "pgx", base, u.String()
		create, drop = "CREATE SCHEMA "+name, "DROP SCHEMA "+name+" CASCADE"
	case "mysql":
		base := envOr("REACH_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test")
		u, err := url.Parse(base)
		if err != nil {
			t.Fatal(err)
		}
		pass, _ := u.User.Password()
		driver, adminDSN = "mysql", fmt.Sprintf("%s:%s@tcp(%s)/", u.User.Username(), pass, u.Host)
		u.Path = "/" + name
		dsn = u.String()
		create, drop = "CREATE DATABASE "+name, "DROP DATABASE "+name
	}
	admin, err := sql.Open(driver, adminDSN)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		Unavailable(t, "%s: %v", kind, err)
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), drop); err != nil {
			t.Errorf("%s: %v", drop, err)
		}
	})
	return dsn
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
