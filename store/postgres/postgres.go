// Package postgres opens Reach's store on PostgreSQL through pgx.
package postgres

import (
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/pressly/goose/v3"
	gpostgres "gorm.io/driver/postgres"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the PostgreSQL store.
type Store struct {
	*gormstore.Store
	groupDB *sql.DB // group commit's connections (openGroupDB); the embedded store closes it
}

var _ store.Store = (*Store)(nil)

// Pool limits: enough for the dispatcher's concurrency and the API, well under PostgreSQL's
// default max_connections (100) even with a few replicas.
const (
	maxOpenConns    = 20
	maxIdleConns    = 10
	connMaxLifetime = 30 * time.Minute
	connMaxIdleTime = 5 * time.Minute
)

// Migrations hold the migration lock, per database and schema, with a blocking advisory lock
// (cancelled with the context) rather than goose's polling one.
const (
	lockSQL   = `SELECT true FROM pg_advisory_lock(hashtextextended('reach-migrate:' || current_database() || '.' || current_schema(), 0))`
	unlockSQL = `SELECT pg_advisory_unlock(hashtextextended('reach-migrate:' || current_database() || '.' || current_schema(), 0))`
)

// Open connects to dsn, a "postgres://" or "postgresql://" URL passed to pgx (so sslmode,
// search_path and the other libpq parameters work) with Reach's session settings added
// where it sets none (withSessionDefaults). It does not migrate.
func Open(dsn string, opts gormstore.Options) (*Store, error) {
	if !strings.HasPrefix(dsn, "postgres://") && !strings.HasPrefix(dsn, "postgresql://") {
		return nil, fmt.Errorf("%w: postgres dsn must start with postgres:// or postgresql://", store.ErrInvalid)
	}
	groupDB, err := openGroupDB(dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	dsn = withSessionDefaults(dsn)
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		_ = groupDB.Close()
		return nil, err
	}
	s, err := gormstore.Open(gormstore.Dialect{
		Name:             "postgres",
		Dialector:        gpostgres.Open(dsn),
		Classify:         classify,
		Retryable:        retryable,
		SkipLocked:       true,
		InsertOrFind:     true,
		UpdateFromValues: true,
		GroupStatement:   true,
		GroupDB:          groupDB,
		Configure: func(db *sql.DB) {
			db.SetMaxOpenConns(maxOpenConns)
			db.SetMaxIdleConns(maxIdleConns)
			db.SetConnMaxLifetime(connMaxLifetime)
			db.SetConnMaxIdleTime(connMaxIdleTime)
		},
		Migrations:   sub,
		GooseDialect: goose.DialectPostgres,
		Locker:       gormstore.SQLLocker(lockSQL, unlockSQL),
	}, opts)
	if err != nil {
		_ = groupDB.Close()
		return nil, err
	}
	return &Store{Store: s, groupDB: groupDB}, nil
}
