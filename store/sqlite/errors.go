package sqlite

import (
	"errors"

	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/reachhq/reach/store"
)

// classify maps SQLite result codes to store sentinels. The dialector already turns unique
// violations into gorm.ErrDuplicatedKey for GORM calls; they are recognized here too for
// statements run on the pool directly.
func classify(err error) error {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return store.ErrAlreadyExists
	}
	switch se.Code() & 0xff { // primary result code
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return store.ErrUnavailable
	case sqlite3.SQLITE_TOOBIG:
		return store.ErrInvalid
	}
	return nil
}
