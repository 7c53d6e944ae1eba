package postgres

import (
	"database/sql"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
)

// planCacheMode is the plan_cache_mode every Reach connection runs with, unless the DSN
// sets its own.
//
// pgx prepares each statement once per connection and PostgreSQL then switches to a
// generic plan, chosen once from the statistics of that moment and kept for as long as
// the connection lives. On a new database every table is empty, and the generic plan for
// "tenant_id = $1 AND request_id IN ($2, …)" then checks request_id as a filter over every
// row of the tenant instead of an index condition: measured, 32 ms per lookup at 50,000
// rows instead of 0.05 ms, which made the idempotency check of group commit cost
// PostgreSQL 300–400 µs of CPU per send. The claim and lease statements are exposed the
// same way. A custom plan per execution costs a little planning (tens of µs for these
// statements) and can never go stale.
const planCacheMode = "force_custom_plan"

// withSessionDefaults adds Reach's session settings to dsn, leaving any it sets alone.
// It appends to the query string rather than re-encoding the URL, which pgx parses more
// leniently than net/url (several hosts, say).
func withSessionDefaults(dsn string) string { return withPlanCacheMode(dsn, planCacheMode) }

// withPlanCacheMode adds plan_cache_mode=mode to dsn unless dsn sets one.
func withPlanCacheMode(dsn, mode string) string {
	if strings.Contains(dsn, "plan_cache_mode=") {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "plan_cache_mode=" + mode
}

// Group commit's one statement (gormstore's ingest_statement.go) runs on connections of
// its own, where PostgreSQL may keep a generic plan (plan_cache_mode=auto): planning that
// statement on every execution cost the server about 0.3 ms a group, 30–35 µs of its CPU
// a send (A/B in the ingest benchmark: 147 → 113 µs). The statement's plan depends on the
// statistics in one place only, the guards' lookup of templates by primary key (at worst a
// scan of a tenant's templates, when the plan was made on a table of a few rows), and
// these connections are replaced every ten minutes, so no plan outlives ten minutes of a
// table's growth. Not more often: a new connection's first statements (its caches, its
// plans) held the writer up for tens of milliseconds, and replacing the connections every
// minute put p99 at 1,000 sends/s over the JSON gateway at 76–110 ms in some runs.
const (
	groupPlanCacheMode = "auto"
	groupConnLifetime  = 10 * time.Minute
	groupMaxConns      = 4 // group commit runs two writers; spare for a replaced connection
)

// withGroupSession is dsn for the group statement's connections: generic plans allowed,
// unless dsn chooses a plan_cache_mode of its own.
func withGroupSession(dsn string) string { return withPlanCacheMode(dsn, groupPlanCacheMode) }

// openGroupDB opens the group statement's pool (it connects lazily).
func openGroupDB(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", withGroupSession(dsn))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(groupMaxConns)
	db.SetMaxIdleConns(groupMaxConns)
	db.SetConnMaxLifetime(groupConnLifetime)
	return db, nil
}
