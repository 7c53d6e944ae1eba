// Package mysql opens Reach's store on MariaDB or MySQL.
package mysql

import (
	"database/sql"
	"embed"
	"io/fs"
	"time"

	"github.com/pressly/goose/v3"
	gmysql "gorm.io/driver/mysql"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Store is the MariaDB/MySQL store.
type Store struct{ *gormstore.Store }

var _ store.Store = (*Store)(nil)

// Pool limits. Connections are recycled well before the server's wait_timeout (8 h by
// default, often lowered by operators) closes them under us.
const (
	maxOpenConns    = 20
	maxIdleConns    = 10
	connMaxLifetime = 5 * time.Minute
	connMaxIdleTime = time.Minute
)

// GET_LOCK names are limited to 64 characters: hash the database name into one.
const (
	lockSQL   = `SELECT GET_LOCK(SHA1(CONCAT('reach-migrate:', COALESCE(DATABASE(), ''))), 600)`
	unlockSQL = `SELECT RELEASE_LOCK(SHA1(CONCAT('reach-migrate:', COALESCE(DATABASE(), ''))))`
)

// Open connects to dsn ("mysql://user:pass@host:port/db?params"). It does not migrate.
func Open(dsn string, opts gormstore.Options) (*Store, error) {
	cfg, err := DriverConfig(dsn)
	if err != nil {
		return nil, err
	}
	// The store never relies on repeatable reads inside a transaction, and REPEATABLE
	// READ's gap locks turn concurrent inserts of one key into deadlocks: READ COMMITTED,
	// set per connection where the server's variable is known, else per transaction.
	var perTx *sql.TxOptions
	if !sessionReadCommitted(cfg) {
		perTx = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	sub, err := fs.Sub(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	s, err := gormstore.Open(gormstore.Dialect{
		Name:       "mysql",
		Dialector:  gmysql.New(gmysql.Config{DSNConfig: cfg, DSN: cfg.FormatDSN()}),
		Classify:   classify,
		Retryable:  retryable,
		SkipLocked: true,
		TxOptions:  perTx,
		Configure: func(db *sql.DB) {
			db.SetMaxOpenConns(maxOpenConns)
			db.SetMaxIdleConns(maxIdleConns)
			db.SetConnMaxLifetime(connMaxLifetime)
			db.SetConnMaxIdleTime(connMaxIdleTime)
		},
		Migrations:   sub,
		GooseDialect: goose.DialectMySQL,
		Locker:       gormstore.SQLLocker(lockSQL, unlockSQL),
	}, opts)
	if err != nil {
		return nil, err
	}
	return &Store{s}, nil
}
