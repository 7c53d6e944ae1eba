package mysql

import (
	"errors"

	drv "github.com/go-sql-driver/mysql"

	"github.com/reachhq/reach/store"
)

// Server error numbers the store cares about.
const (
	errDupEntry          = 1062
	errDupEntryWithKey   = 1586
	errConCount          = 1040 // too many connections
	errAccessDenied      = 1045
	errDBAccessDenied    = 1044
	errAccessDeniedNoPw  = 1698 // MariaDB: access denied (e.g. unix_socket authentication)
	errBadDB             = 1049
	errServerShutdown    = 1053
	errNoSuchTable       = 1146
	errConnectionKilled  = 1927
	errDataTooLong       = 1406
	errTruncatedWrong    = 1366 // incorrect string value (not utf8mb4)
	errOutOfRange        = 1264
	errDeadlock          = 1213
	errRecordChanged     = 1020 // MariaDB snapshot isolation: row changed since read
	errLockWaitTimeout   = 1205
	errQueryInterrupted  = 1317
	errReadOnlyTx        = 1792
	errOptionPreventsRun = 1290 // e.g. --read-only replica
)

// classify maps MariaDB/MySQL errors to store sentinels. GORM's translator already turns a
// duplicate key into gorm.ErrDuplicatedKey; the rest is recognized here.
func classify(err error) error {
	var myErr *drv.MySQLError
	if errors.As(err, &myErr) {
		switch myErr.Number {
		case errDupEntry, errDupEntryWithKey:
			return store.ErrAlreadyExists
		case errDataTooLong, errTruncatedWrong, errOutOfRange:
			return store.ErrInvalid
		case errConCount, errAccessDenied, errDBAccessDenied, errAccessDeniedNoPw, errBadDB,
			errServerShutdown, errNoSuchTable, errConnectionKilled, errLockWaitTimeout,
			errQueryInterrupted, errReadOnlyTx, errOptionPreventsRun:
			return store.ErrUnavailable
		}
		return nil
	}
	if errors.Is(err, drv.ErrInvalidConn) {
		return store.ErrUnavailable
	}
	return nil
}

// retryable reports a deadlock: InnoDB rolled the transaction back and it can run again.
func retryable(err error) bool {
	var myErr *drv.MySQLError
	return errors.As(err, &myErr) && (myErr.Number == errDeadlock || myErr.Number == errRecordChanged)
}
