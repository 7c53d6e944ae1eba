package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/reachhq/reach/store"
)

// classify maps PostgreSQL SQLSTATEs and pgx connection failures to store sentinels.
func classify(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case code == "23505": // unique_violation
			return store.ErrAlreadyExists
		case code == "22001", code == "22021", code == "22P05": // too long, bad encoding, untranslatable
			return store.ErrInvalid
		case strings.HasPrefix(code, "08"), // connection exception
			strings.HasPrefix(code, "53"),                     // insufficient resources (too many connections, disk full)
			code == "57P01", code == "57P02", code == "57P03", // shutting down, cannot connect now
			code == "3D000", code == "3F000", code == "42P01", // missing database, schema or table: not set up
			code == "28000", code == "28P01": // authentication
			return store.ErrUnavailable
		}
		return nil
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return store.ErrUnavailable
	}
	return nil
}

// retryable reports a serialization failure or deadlock: the transaction can be run again.
func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}
