package benchkit

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "github.com/go-sql-driver/mysql" // database/sql driver "mysql" for the admin connection
	"github.com/google/uuid"
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for the admin connection
)

// Servers are the database servers a benchmark may use beside SQLite; an empty DSN
// leaves that database out.
type Servers struct{ Postgres, MySQL string }

// Available lists "sqlite" and each server that answers, saying why one is skipped.
func (s Servers) Available(ctx context.Context) []string {
	dbs := []string{"sqlite"}
	for _, db := range []struct{ name, dsn string }{{"postgres", s.Postgres}, {"mysql", s.MySQL}} {
		if db.dsn == "" {
			continue
		}
		if err := ping(ctx, db.name, db.dsn); err != nil {
			fmt.Printf("%s skipped: %v\n", db.name, err)
			continue
		}
		dbs = append(dbs, db.name)
	}
	return dbs
}

// Fresh returns the DSN of an empty database of kind db: an SQLite file in a temporary
// directory, a PostgreSQL schema or a MariaDB database of its own, dropped at cleanup.
func (s Servers) Fresh(ctx context.Context, tb *TB, db string) (string, error) {
	name := "reach_bench_" + uuid.NewString()[:8]
	switch db {
	case "sqlite":
		dir, err := os.MkdirTemp("", "reach-bench-")
		if err != nil {
			return "", err
		}
		tb.Cleanup(func() { os.RemoveAll(dir) })
		return "sqlite:" + filepath.Join(dir, "reach.db"), nil
	case "postgres":
		u, err := url.Parse(s.Postgres)
		if err != nil {
			return "", err
		}
		if err := adminExec(ctx, tb, "pgx", s.Postgres, "CREATE SCHEMA "+name, "DROP SCHEMA "+name+" CASCADE"); err != nil {
			return "", err
		}
		q := u.Query()
		q.Set("search_path", name)
		u.RawQuery = q.Encode()
		return u.String(), nil
	case "mysql":
		u, err := url.Parse(s.MySQL)
		if err != nil {
			return "", err
		}
		if err := adminExec(ctx, tb, "mysql", mysqlAdminDSN(u), "CREATE DATABASE "+name, "DROP DATABASE "+name); err != nil {
			return "", err
		}
		u.Path = "/" + name
		return u.String(), nil
	}
	return "", fmt.Errorf("unknown database %q", db)
}

// Admin opens a database/sql connection to the server of kind db (for its statistics).
func (s Servers) Admin(db string) (*sql.DB, error) {
	switch db {
	case "postgres":
		return sql.Open("pgx", s.Postgres)
	case "mysql":
		u, err := url.Parse(s.MySQL)
		if err != nil {
			return nil, err
		}
		return sql.Open("mysql", mysqlAdminDSN(u))
	}
	return nil, fmt.Errorf("no server for %q", db)
}

func mysqlAdminDSN(u *url.URL) string {
	pass, _ := u.User.Password()
	return fmt.Sprintf("%s:%s@tcp(%s)/", u.User.Username(), pass, u.Host)
}

// adminExec runs create now and drop at cleanup.
func adminExec(ctx context.Context, tb *TB, driver, dsn, create, drop string) error {
	admin, err := sql.Open(driver, dsn)
	if err != nil {
		return err
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		admin.Close()
		return err
	}
	tb.Cleanup(func() {
		_, _ = admin.ExecContext(context.Background(), drop)
		admin.Close()
	})
	return nil
}

func ping(ctx context.Context, kind, dsn string) error {
	driver, conn := "pgx", dsn
	if kind == "mysql" {
		u, err := url.Parse(dsn)
		if err != nil {
			return err
		}
		driver, conn = "mysql", mysqlAdminDSN(u)
	}
	db, err := sql.Open(driver, conn)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// EnvOr is the environment variable name, or def when it is unset.
func EnvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
