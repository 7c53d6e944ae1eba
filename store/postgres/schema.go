package postgres

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/reachhq/reach/store"
)

// A search_path whose schemas do not exist leaves PostgreSQL no schema to create tables in,
// and what noticed it was goose: `relation "goose_db_version" does not exist`. When
// migrating or checking the schema fails, the store asks whether there was a schema to use,
// and says so if not; a call that succeeds costs nothing more.

// Migrate applies pending migrations.
func (s *Store) Migrate(ctx context.Context) error {
	return s.explain(ctx, s.Store.Migrate(ctx))
}

// SchemaCurrent reports whether every migration is applied.
func (s *Store) SchemaCurrent(ctx context.Context) (bool, error) {
	ok, err := s.Store.SchemaCurrent(ctx)
	return ok, s.explain(ctx, err)
}

// explain replaces err with the missing schema when that is what went wrong.
func (s *Store) explain(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var schema sql.NullString
	var path string
	if s.DB().QueryRowContext(ctx, "SELECT current_schema(), current_setting('search_path')").Scan(&schema, &path) == nil && !schema.Valid {
		return fmt.Errorf("%w: no schema of the search_path (%s) exists in this database; create it first (CREATE SCHEMA …)", store.ErrInvalid, path)
	}
	return err
}
