package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/reachhq/reach/store"
)

// A search_path whose schemas do not exist leaves PostgreSQL no schema to create tables in,
// and the first thing that noticed was goose: `relation "goose_db_version" does not exist`.
// Migrating and checking the schema first ask whether there is one to use.

// Migrate applies pending migrations, after checking there is a schema to apply them in.
func (s *Store) Migrate(ctx context.Context) error {
	if err := s.checkSchema(ctx); err != nil {
		return err
	}
	return s.Store.Migrate(ctx)
}

// SchemaCurrent reports whether every migration is applied, after the same check.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	if err := s.checkSchema(ctx); err != nil {
		return false, err
	}
	return s.Store.SchemaCurrent(ctx)
}

func (s *Store) checkSchema(ctx context.Context) error {
	var schema sql.NullString
	var path string
	if err := s.groupDB.QueryRowContext(ctx, "SELECT current_schema(), current_setting('search_path')").Scan(&schema, &path); err != nil {
		return nil // not reachable now: the store's own calls say so in their words
	}
	if !schema.Valid {
		return fmt.Errorf("%w: no schema of the search_path (%s) exists in this database; create it first (CREATE SCHEMA …)", store.ErrInvalid, path)
	}
	return nil
}
