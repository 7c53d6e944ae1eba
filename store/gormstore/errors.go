package gormstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// maxIDLen bounds every id and key the store indexes. MySQL needs bounded VARCHARs for
// indexed columns; checking here keeps every dialect equally strict.
const maxIDLen = 128

// fail wraps err with the operation name after classifying it into a store sentinel.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, classify(s.dialect, err))
}

// classify maps GORM and driver errors to the store's sentinels. Errors that already carry a
// sentinel, and context errors, pass unchanged. The driver error stays in the chain for logs.
func classify(d Dialect, err error) error {
	for _, sentinel := range []error{store.ErrNotFound, store.ErrAlreadyExists, store.ErrConflict, store.ErrInvalid, store.ErrUnavailable, store.ErrOverloaded, store.ErrDeleted} {
		if errors.Is(err, sentinel) {
			return err
		}
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, gorm.ErrRecordNotFound):
		return store.ErrNotFound
	case errors.Is(err, gorm.ErrDuplicatedKey):
		return fmt.Errorf("%w: %w", store.ErrAlreadyExists, err)
	}
	if d.Classify != nil {
		if sentinel := d.Classify(err); sentinel != nil {
			return fmt.Errorf("%w: %w", sentinel, err)
		}
	}
	var netErr net.Error
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.As(err, &netErr) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

// maxAttempts bounds how often a transaction that hit a deadlock or serialization failure
// is run again. Contended keys on MariaDB deadlock routinely; the retry is the cure.
const maxAttempts = 10

// inTx runs fn in a transaction, again when it fails with a retryable error.
func (s *Store) inTx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	for attempt := 1; ; attempt++ {
		err := s.db.WithContext(ctx).Transaction(fn, s.dialect.TxOptions)
		if err != nil && ctx.Err() != nil {
			// database/sql rolls back a transaction whose context ends; what the driver
			// then says ("transaction has already been committed or rolled back", "bad
			// connection") is the cancellation, not a fault.
			return fmt.Errorf("%w: %w", ctx.Err(), err)
		}
		if err == nil || attempt == maxAttempts || !(errors.Is(err, errRetry) || s.dialect.Retryable(err)) {
			return err
		}
		// Exponential backoff with full jitter, so the contenders that just deadlocked do
		// not collide again: up to 2 ms, 4 ms, … capped at 100 ms.
		limit := min(time.Millisecond<<attempt, 100*time.Millisecond)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(rand.Int64N(int64(limit))) + time.Millisecond):
		}
	}
}

// checkID rejects ids the schema cannot hold.
func checkID(what, id string) error {
	if id == "" {
		return fmt.Errorf("%w: %s is required", store.ErrInvalid, what)
	}
	if len(id) > maxIDLen {
		return fmt.Errorf("%w: %s is longer than %d bytes", store.ErrInvalid, what, maxIDLen)
	}
	// PostgreSQL and MySQL reject NUL and invalid UTF-8 in text; reject them everywhere.
	if !utf8.ValidString(id) || strings.ContainsRune(id, 0) {
		return fmt.Errorf("%w: %s is not valid UTF-8 text", store.ErrInvalid, what)
	}
	return nil
}

// checkIDs checks several (name, value) pairs in order.
func checkIDs(pairs ...string) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := checkID(pairs[i], pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}

// notFoundOrConflict explains an optimistic update that touched no row: the row is either
// gone or at another revision.
func (s *Store) notFoundOrConflict(ctx context.Context, model any, where string, args ...any) error {
	return notFoundOrConflictIn(s.db.WithContext(ctx), model, where, args...)
}

// notFoundOrConflictIn is notFoundOrConflict inside a transaction (SQLite in memory has one
// connection: a read beside the transaction would wait for it forever).
func notFoundOrConflictIn(db *gorm.DB, model any, where string, args ...any) error {
	var n int64
	if err := db.Model(model).Where(where, args...).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return store.ErrConflict
}
