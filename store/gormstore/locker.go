package gormstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pressly/goose/v3/lock"
)

// SQLLocker returns a goose session locker that holds a database lock around Migrate, so
// replicas starting together apply each migration once. lockSQL must block until the lock is
// held (or fail) and return one row whose value is true; unlockSQL releases it. Dialects
// scope the lock name to their schema or database so unrelated schemas never wait on each
// other (goose's own lockers use one fixed id for the whole server).
func SQLLocker(lockSQL, unlockSQL string) lock.SessionLocker {
	return sqlLocker{lock: lockSQL, unlock: unlockSQL}
}

type sqlLocker struct{ lock, unlock string }

func (l sqlLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	return l.run(ctx, conn, l.lock)
}

func (l sqlLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	return l.run(ctx, conn, l.unlock)
}

func (l sqlLocker) run(ctx context.Context, conn *sql.Conn, query string) error {
	var ok sql.NullBool
	if err := conn.QueryRowContext(ctx, query).Scan(&ok); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	if !ok.Valid || !ok.Bool {
		return errors.New("migration lock: not acquired")
	}
	return nil
}
