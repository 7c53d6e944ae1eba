package main

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/reachhq/reach/internal/benchkit"
)

// commits counts the write transactions a database server has begun so far, from the
// server's own transaction id counter: PostgreSQL's next xid and InnoDB's "Trx id
// counter" move only for transactions that write, so read-only statements do not count.
// Both are server-wide: anything else writing to the same server meanwhile counts too.
// SQLite has no such counter: there the server's own reach_ingest_transactions_total is
// read from /metrics (metrics is its URL), which counts the transactions of sends only.
type commits struct {
	db      *sql.DB
	kind    string
	metrics string
	per     float64 // counter steps per write transaction (InnoDB takes two: id and commit number)
}

func newCommits(s benchkit.Servers, kind string) (*commits, error) {
	if kind == "sqlite" {
		return &commits{kind: kind, per: 1}, nil
	}
	db, err := s.Admin(kind)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return &commits{db: db, kind: kind, per: 1}, nil
}

// calibrate measures how far the counter moves for one write transaction, with 50
// single-row inserts into a table of its own in the benchmark's database (schema).
func (c *commits) calibrate(ctx context.Context, schema string) error {
	if c.db == nil {
		return nil
	}
	table := schema + ".bench_calibration"
	if _, err := c.db.ExecContext(ctx, "CREATE TABLE "+table+" (n integer)"); err != nil {
		return err
	}
	before, _, err := c.now(ctx)
	if err != nil {
		return err
	}
	const writes = 50
	for i := range writes {
		if _, err := c.db.ExecContext(ctx, "INSERT INTO "+table+" VALUES ("+strconv.Itoa(i)+")"); err != nil {
			return err
		}
	}
	after, _, err := c.now(ctx)
	if err != nil {
		return err
	}
	c.per = max(1, math.Round(float64(after-before)/writes))
	return nil
}

func (c *commits) close() {
	if c.db != nil {
		c.db.Close()
	}
}

var trxCounter = regexp.MustCompile(`Trx id counter (\d+)`)

// since is the number of write transactions since a reading of now.
func (c *commits) since(ctx context.Context, before int64) (float64, error) {
	after, _, err := c.now(ctx)
	return float64(after-before) / c.per, err
}

func (c *commits) now(ctx context.Context) (n int64, ok bool, err error) {
	switch c.kind {
	case "postgres":
		err = c.db.QueryRowContext(ctx, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint").Scan(&n)
		return n, err == nil, err
	case "mysql":
		var typ, name, status string
		if err := c.db.QueryRowContext(ctx, "SHOW ENGINE INNODB STATUS").Scan(&typ, &name, &status); err != nil {
			return 0, false, err
		}
		m := trxCounter.FindStringSubmatch(status)
		if m == nil {
			return 0, false, fmt.Errorf("no Trx id counter in SHOW ENGINE INNODB STATUS")
		}
		n, err = strconv.ParseInt(m[1], 10, 64)
		return n, err == nil, err
	case "sqlite":
		if c.metrics == "" {
			return 0, false, nil
		}
		v, err := benchkit.Metric(ctx, c.metrics, "reach_ingest_transactions_total")
		return int64(v), err == nil, err
	}
	return 0, false, nil
}
