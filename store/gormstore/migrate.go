package gormstore

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/pressly/goose/v3"

	"github.com/reachhq/reach/store"
)

// newProvider builds the goose provider over the dialect's embedded migrations. goose keeps
// its own version table (goose_db_version) next to Reach's tables.
func newProvider(d Dialect, db *sql.DB, log *slog.Logger) (*goose.Provider, error) {
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if log != nil {
		opts = append(opts, goose.WithSlog(log))
	} else {
		opts = append(opts, goose.WithLogger(goose.NopLogger()))
	}
	if d.Locker != nil {
		opts = append(opts, goose.WithSessionLocker(d.Locker))
	}
	p, err := goose.NewProvider(d.GooseDialect, db, d.Migrations, opts...)
	if err != nil {
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every embedded migration not yet applied.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.goose.Up(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", s.dialect.Name, classify(s.dialect, err))
	}
	return nil
}

// SchemaCurrent reports whether every embedded migration has been applied. Like every goose
// read it creates the (empty) version table when it is missing; the schema stays untouched.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	pending, err := s.goose.HasPending(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return false, fmt.Errorf("schema version: %w", err)
		}
		return false, fmt.Errorf("schema version: %w: %w", store.ErrUnavailable, err)
	}
	return !pending, nil
}

// MigrationVersions returns the versions of the embedded migrations, oldest first.
func (s *Store) MigrationVersions() []int64 {
	var out []int64
	for _, src := range s.goose.ListSources() {
		out = append(out, src.Version)
	}
	return out
}

// MigrateTo applies the embedded migrations up to and including version (tests of a
// migration start from the schema before it).
func (s *Store) MigrateTo(ctx context.Context, version int64) error {
	if _, err := s.goose.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate %s to %d: %w", s.dialect.Name, version, classify(s.dialect, err))
	}
	return nil
}
