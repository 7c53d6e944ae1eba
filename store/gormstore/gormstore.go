// Package gormstore implements store.Store once, on GORM, for every SQL dialect Reach supports.
package gormstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/reachhq/reach/store"
)

// Dialect is everything a dialect package contributes: the GORM dialector and the few
// behaviours that differ between databases. The shared code never switches on the dialect name.
type Dialect struct {
	// Name is a short label used in error messages ("sqlite", "postgres", "mysql").
	Name      string
	Dialector gorm.Dialector
	// Classify maps a driver error to the store sentinel it means (ErrAlreadyExists,
	// ErrUnavailable, ErrInvalid), or returns nil when it has no opinion.
	Classify func(error) error
	// Retryable reports whether a failed transaction may simply be run again (deadlock,
	// serialization failure). The shared code retries such transactions a few times.
	Retryable func(error) bool
	// TxOptions, when set, are used for every transaction (MariaDB uses READ COMMITTED to
	// avoid the gap locks that make concurrent writers deadlock under REPEATABLE READ).
	TxOptions *sql.TxOptions
	// SkipLocked: the dialect has SELECT … FOR UPDATE SKIP LOCKED, so concurrent claimers
	// of the queue pass over each other's rows. Without it (SQLite) a claim relies on the
	// transaction being the only writer.
	SkipLocked bool
	// Configure sets pool limits on the opened connection pool.
	Configure func(*sql.DB)
	// Migrations holds the dialect's versioned *.sql files at its root.
	Migrations   fs.FS
	GooseDialect goose.Dialect
	// Locker, when set, serializes concurrent Migrate calls across processes.
	Locker lock.SessionLocker
	// InsertOrFind: the dialect has INSERT … ON CONFLICT DO NOTHING RETURNING, so recording
	// a group's request ids also tells which were recorded before, in one statement.
	InsertOrFind bool
	// UpdateFromValues: the dialect has UPDATE … FROM (VALUES …) … RETURNING with typed
	// casts (PostgreSQL), so the dispatcher's completions of many messages are one
	// statement rather than one round trip each.
	UpdateFromValues bool
	// GroupStatement: the dialect binds Go slices as typed arrays and has data-modifying
	// CTEs (PostgreSQL), so group commit writes a whole group in one statement
	// (ingest_statement.go) instead of a five-round-trip transaction.
	GroupStatement bool
	// GroupDB, when set, is the pool group statements run on (the store closes it); without
	// it they use the store's pool.
	GroupDB *sql.DB
	// Writers is how many write transactions are worth running at once (SQLite: 1, its
	// writes are serialized anyway); zero takes the group-commit default.
	Writers int
}

// Options tune a store; the zero value is fine.
type Options struct {
	// Logger receives migration progress. Nil discards it. SQL is never logged: bound values
	// include ciphertexts and tokens.
	Logger *slog.Logger
	// Ingest tunes group commit of CreateMessages.
	Ingest IngestOptions
}

// Store implements store.Store. Dialect packages embed it.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect Dialect
	goose   *goose.Provider
	ingest  *ingest
}

var _ store.Store = (*Store)(nil)

// Open connects with d. It does not migrate: call Migrate (or check SchemaCurrent).
func Open(d Dialect, opts Options) (*Store, error) {
	if d.Classify == nil {
		d.Classify = func(error) error { return nil }
	}
	if d.Retryable == nil {
		d.Retryable = func(error) bool { return false }
	}
	db, err := gorm.Open(d.Dialector, &gorm.Config{
		TranslateError:         true,
		SkipDefaultTransaction: true, // every multi-statement write opens its own transaction
		Logger:                 logger.Discard,
		NowFunc:                now,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", d.Name, classify(d, err))
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s store: %w", d.Name, err)
	}
	if d.Configure != nil {
		d.Configure(sqlDB)
	}
	s := &Store{db: db, sqlDB: sqlDB, dialect: d}
	if s.goose, err = newProvider(d, sqlDB, opts.Logger); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open %s store: %w", d.Name, err)
	}
	if opts.Ingest.Writers == 0 {
		opts.Ingest.Writers = d.Writers
	}
	s.ingest = newIngest(s, opts.Ingest)
	return s, nil
}

// DB returns the underlying pool, for tests and tools that need raw SQL.
func (s *Store) DB() *sql.DB { return s.sqlDB }

// Close answers the sends waiting for a commit, then releases the connection pool.
func (s *Store) Close() error {
	s.ingest.close()
	if s.dialect.GroupDB != nil {
		_ = s.dialect.GroupDB.Close()
	}
	return s.sqlDB.Close()
}

// Ping checks that the database answers. Any failure is ErrUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("ping: %w", err)
		}
		return fmt.Errorf("ping: %w: %w", store.ErrUnavailable, err)
	}
	return nil
}

// now is the store's clock: UTC and truncated to microseconds, the finest resolution every
// supported database keeps (MySQL DATETIME(6), PostgreSQL timestamptz), so a record read back
// equals the record written.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ts normalizes a caller-supplied time the same way now does.
func ts(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC().Truncate(time.Microsecond)
	return &v
}

// utc converts a time read from the database; drivers return local or fixed zones.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

// errRetry is how a transaction body asks for the whole transaction to be run again.
var errRetry = errors.New("retry transaction")
