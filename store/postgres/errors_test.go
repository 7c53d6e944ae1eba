package postgres

import (
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/reachhq/reach/store"
)

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		code string
		want error
	}{
		{"23505", store.ErrAlreadyExists},
		{"22001", store.ErrInvalid},
		{"08006", store.ErrUnavailable},
		{"57P01", store.ErrUnavailable},
		{"28P01", store.ErrUnavailable},
		{"53300", store.ErrUnavailable},
		{"42601", nil}, // syntax error: a bug, not a condition to map
	} {
		err := fmt.Errorf("wrapped: %w", &pgconn.PgError{Code: c.code})
		if got := classify(err); got != c.want {
			t.Errorf("classify(%s) = %v, want %v", c.code, got, c.want)
		}
	}
	if classify(errors.New("other")) != nil {
		t.Error("an unknown error was classified")
	}
	if !retryable(&pgconn.PgError{Code: "40001"}) || !retryable(&pgconn.PgError{Code: "40P01"}) || retryable(&pgconn.PgError{Code: "23505"}) {
		t.Error("retryable: serialization failures and deadlocks only")
	}
}

func TestSessionDefaults(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://h/db": "postgres://h/db?plan_cache_mode=force_custom_plan",
		"postgres://h1:5432,h2:5432/db?sslmode=disable": "postgres://h1:5432,h2:5432/db?sslmode=disable&plan_cache_mode=force_custom_plan",
		"postgres://h/db?plan_cache_mode=auto":          "postgres://h/db?plan_cache_mode=auto",
	} {
		if got := withSessionDefaults(in); got != want {
			t.Errorf("withSessionDefaults(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestGroupSession(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://h/db":                                   "postgres://h/db?plan_cache_mode=auto",
		"postgres://h/db?sslmode=disable":                   "postgres://h/db?sslmode=disable&plan_cache_mode=auto",
		"postgres://h/db?plan_cache_mode=force_custom_plan": "postgres://h/db?plan_cache_mode=force_custom_plan",
	} {
		if got := withGroupSession(in); got != want {
			t.Errorf("withGroupSession(%q) = %q, want %q", in, got, want)
		}
	}
}
