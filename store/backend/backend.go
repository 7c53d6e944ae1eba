// Package backend opens the store a DSN names, choosing the SQL dialect by the DSN's prefix.
package backend

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/mysql"
	"github.com/reachhq/reach/store/postgres"
	"github.com/reachhq/reach/store/sqlite"
)

// DefaultDSN is an embedded SQLite database under the working directory: Reach runs with
// no database server to set up.
const DefaultDSN = "sqlite:./data/reach.db"

// Dialect names, as Dialect returns them.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
	MySQL    = "mysql"
)

// Options tune Open.
type Options struct {
	// AutoMigrate applies pending migrations before Open returns. Fine for the embedded
	// SQLite default; shared servers are better migrated once, by `reach migrate`.
	AutoMigrate bool
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

// Migrator applies and checks the schema of an opened store.
type Migrator interface {
	// Migrate applies every embedded migration not yet applied.
	Migrate(ctx context.Context) error
	// SchemaCurrent reports whether every embedded migration has been applied.
	SchemaCurrent(ctx context.Context) (bool, error)
}

// Dialect tells which dialect dsn names, or an error listing the accepted forms.
func Dialect(dsn string) (string, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		return SQLite, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return Postgres, nil
	case strings.HasPrefix(dsn, "mysql://"):
		return MySQL, nil
	}
	return "", fmt.Errorf("%w: unsupported store dsn %q: want sqlite:PATH, sqlite::memory:, "+
		"postgres://user:pass@host:port/db?sslmode=…, postgresql://… or mysql://user:pass@host:port/db",
		store.ErrInvalid, Redact(dsn))
}

// Open opens the store dsn names. The Migrator is the same store, seen through its
// migration methods. Errors never include the DSN's password.
func Open(ctx context.Context, dsn string, opts Options) (store.Store, Migrator, error) {
	dialect, err := Dialect(dsn)
	if err != nil {
		return nil, nil, err
	}
	gopts := gormstore.Options{Logger: opts.Logger}
	var s interface {
		store.Store
		Migrator
	}
	switch dialect {
	case SQLite:
		s, err = sqlite.Open(dsn, gopts)
	case Postgres:
		s, err = postgres.Open(dsn, gopts)
	case MySQL:
		s, err = mysql.Open(dsn, gopts)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
	}
	if opts.AutoMigrate {
		if err := s.Migrate(ctx); err != nil {
			_ = s.Close()
			return nil, nil, fmt.Errorf("open store %s: %w", Redact(dsn), err)
		}
	}
	return s, s, nil
}
