// Package sqlite opens Reach's store on an embedded, pure-Go SQLite database (no CGO).
package sqlite

import (
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	gormsqlite "github.com/libtnb/sqlite"
	"github.com/pressly/goose/v3"
	msqlite "modernc.org/sqlite"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the SQLite store.
type Store struct{ *gormstore.Store }

var _ store.Store = (*Store)(nil)

// maxOpenConns: SQLite serializes writers anyway; a few connections let WAL readers proceed
// while one writer holds the lock, more would only queue on busy_timeout.
const maxOpenConns = 4

// Open opens the database named by dsn, "sqlite:PATH" or "sqlite::memory:". The parent
// directory of PATH is created when missing. It does not migrate.
func Open(dsn string, opts gormstore.Options) (*Store, error) {
	path, driverDSN, err := DriverDSN(dsn)
	if err != nil {
		return nil, err
	}
	memory := path == ":memory:"
	if !memory {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, fmt.Errorf("open sqlite store: %w: %w", store.ErrUnavailable, err)
		}
		if err := createPrivate(path); err != nil {
			return nil, fmt.Errorf("open sqlite store: %w: %w", store.ErrUnavailable, err)
		}
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	connector, err := msqlite.NewConnector(driverDSN)
	if err != nil {
		return nil, fmt.Errorf("open sqlite store: %w: %w", store.ErrInvalid, err)
	}
	s, err := gormstore.Open(gormstore.Dialect{
		Name:         "sqlite",
		Dialector:    gormsqlite.New(gormsqlite.Config{Conn: sql.OpenDB(cachingConnector{connector})}),
		Classify:     classify,
		InsertOrFind: true,
		Writers:      1, // SQLite runs one write transaction at a time
		Configure: func(db *sql.DB) {
			if memory {
				// Every connection to ":memory:" is a new, empty database: keep exactly one
				// and never let the pool recycle it.
				db.SetMaxOpenConns(1)
				db.SetMaxIdleConns(1)
				db.SetConnMaxLifetime(0)
				db.SetConnMaxIdleTime(0)
				return
			}
			db.SetMaxOpenConns(maxOpenConns)
			db.SetMaxIdleConns(maxOpenConns)
		},
		Migrations:   sub,
		GooseDialect: goose.DialectSQLite3,
	}, opts)
	if err != nil {
		return nil, err
	}
	return &Store{s}, nil
}

// createPrivate creates the database file with mode 0600 when it does not exist yet.
// SQLite would create it 0666 less the umask, readable by every local user, and it gives
// the -wal, -journal and -shm files it makes later the database file's own mode, so
// creating this one file owner-only covers all of them. An existing file keeps the mode
// its operator gave it.
func createPrivate(path string) error {
	if strings.HasPrefix(path, "file:") {
		return nil // a URI filename: SQLite resolves it, and creates it, itself
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return err
	}
	return f.Close()
}

// DriverDSN turns "sqlite:PATH[?params]" into the file path and the driver's DSN, adding
// what Reach relies on unless the DSN sets it: a 10 s busy timeout, WAL, foreign keys, and
// immediate transactions (a transaction that reads then writes would otherwise fail with
// SQLITE_BUSY instead of waiting); and the time format the store compares as text.
func DriverDSN(dsn string) (path, driverDSN string, err error) {
	rest, ok := strings.CutPrefix(dsn, "sqlite:")
	if !ok {
		return "", "", fmt.Errorf("%w: sqlite dsn must look like sqlite:PATH", store.ErrInvalid)
	}
	rest = strings.TrimPrefix(rest, "//") // accept sqlite:///abs/path too
	path, rawQuery, _ := strings.Cut(rest, "?")
	if path == "" {
		return "", "", fmt.Errorf("%w: sqlite dsn has no path", store.ErrInvalid)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", "", fmt.Errorf("%w: sqlite dsn: %w", store.ErrInvalid, err)
	}
	for _, k := range []string{"_time_format", "_time_integer_format", "_timezone"} {
		if q.Has(k) {
			// The store compares times as text: it relies on the one format the dialector
			// sets ("2006-01-02 15:04:05.999999999-07:00", written in UTC).
			return "", "", fmt.Errorf("%w: sqlite dsn: %s is not supported", store.ErrInvalid, k)
		}
	}
	user := q["_pragma"]
	has := func(name string) bool {
		for _, p := range user {
			if strings.HasPrefix(strings.ToLower(strings.TrimSpace(p)), name) {
				return true
			}
		}
		return false
	}
	var pragmas []string
	if !has("busy_timeout") {
		pragmas = append(pragmas, "busy_timeout(10000)") // first: switching to WAL may wait
	}
	pragmas = append(pragmas, user...)
	if !has("journal_mode") && path != ":memory:" {
		pragmas = append(pragmas, "journal_mode(WAL)")
	}
	if !has("foreign_keys") {
		pragmas = append(pragmas, "foreign_keys(1)")
	}
	q["_pragma"] = pragmas
	if !q.Has("_txlock") {
		q.Set("_txlock", "immediate")
	}
	q.Set("_time_format", "sqlite") // see above
	return path, path + "?" + q.Encode(), nil
}
