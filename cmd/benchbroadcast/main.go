// Command benchbroadcast measures how fast a broadcast enqueues a large ledger and how much
// memory the process needs for it: it seeds N followers of one Life Account channel
// (straight in SQL, not measured), then, for each repeat, creates a broadcast to them and
// runs the broadcast runner until every follower has a QUEUED message. The dispatcher is
// not running, so only enqueueing is measured. It prints, per database, the seconds to
// enqueue and the process's peak RSS during the enqueue (VmHWM, reset after seeding), as
// min/median/max of the repeats; nothing here asserts a target (`make bench-broadcast`).
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/internal/benchkit"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

type options struct {
	followers, repeats, batch int
	postgres, mysql, only     string
}

func main() {
	var o options
	flag.IntVar(&o.followers, "followers", 1_000_000, "followers of the channel")
	flag.IntVar(&o.repeats, "repeats", 3, "broadcasts measured per database")
	flag.IntVar(&o.batch, "batch", 10000, "recipients enqueued per transaction")
	flag.StringVar(&o.postgres, "postgres", benchkit.EnvOr("REACH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL to measure on (empty: skip)")
	flag.StringVar(&o.mysql, "mysql", benchkit.EnvOr("REACH_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test"), "MariaDB/MySQL to measure on (empty: skip)")
	flag.StringVar(&o.only, "only", "", "measure only this database (sqlite, postgres or mysql)")
	flag.Parse()
	ctx := context.Background()
	fmt.Printf("benchbroadcast: %d followers, %d recipients a transaction, %d repeats\n\n", o.followers, o.batch, o.repeats)
	for _, db := range (benchkit.Servers{Postgres: o.postgres, MySQL: o.mysql}).Available(ctx) {
		if o.only != "" && o.only != db {
			continue
		}
		if err := measure(ctx, o, db); err != nil {
			fmt.Fprintln(os.Stderr, "benchbroadcast:", db+":", err)
			os.Exit(1)
		}
	}
}

func measure(ctx context.Context, o options, db string) error {
	tb := &benchkit.TB{}
	defer tb.Done()
	dsn, err := (benchkit.Servers{Postgres: o.postgres, MySQL: o.mysql}).Fresh(ctx, tb, db)
	if err != nil {
		return err
	}
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	raw := st.(interface{ DB() *sql.DB }).DB()
	tenant, err := st.EnsureTenant(ctx, "bench")
	if err != nil {
		return err
	}
	start := time.Now()
	if err := seed(ctx, raw, db, tenant.ID, o.followers); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	fmt.Printf("%s: seeded %d followers in %v\n", db, o.followers, time.Since(start).Round(100*time.Millisecond))
	var secs, rss []float64
	for i := range o.repeats {
		if err := clearMessages(ctx, raw, db); err != nil {
			return err
		}
		resetPeakRSS()
		d, n, err := enqueue(ctx, st, tenant.ID, o.batch)
		if err != nil {
			return err
		}
		if n != int64(o.followers) {
			return fmt.Errorf("enqueued %d of %d followers", n, o.followers)
		}
		mb := peakRSSMB()
		fmt.Printf("  run %d: %d messages enqueued in %.2f s (%.0f/s), peak RSS %.0f MB\n", i+1, n, d.Seconds(), float64(n)/d.Seconds(), mb)
		secs, rss = append(secs, d.Seconds()), append(rss, mb)
	}
	s := benchkit.Of(secs)
	fmt.Printf("%s: enqueue seconds: min %.2f median %.2f max %.2f; peak RSS MB: %s\n\n", db, s.Min, s.Median, s.Max, benchkit.Of(rss))
	return nil
}

// seed inserts n ACTIVE followers of channel "life" in chunks, each one INSERT … SELECT
// over a recursive counter, so no row passes through Go.
func seed(ctx context.Context, db *sql.DB, kind, tenantID string, n int) error {
	const chunk = 100_000
	conn, err := db.Conn(ctx) // one session: the MariaDB setting below is per session
	if err != nil {
		return err
	}
	defer conn.Close()
	if kind == "mysql" {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("SET SESSION max_recursive_iterations = %d", chunk+1)); err != nil {
			return err
		}
	}
	for from := 0; from < n; from += chunk {
		to := min(from+chunk, n)
		q := "INSERT INTO subscriptions (tenant_id, channel_id, id, kind, template_id, user_kind, user_id, type, state, state_reason, " +
			"remaining_sends, revision, create_time, update_time) " +
			"WITH RECURSIVE c(i) AS (SELECT " + fmt.Sprint(from+1) + " UNION ALL SELECT i + 1 FROM c WHERE i < " + fmt.Sprint(to) + ") " +
			"SELECT '" + tenantID + "', 'life', CONCAT('s', 1000000000 + i), 'FOLLOWER', '', 'USER_ID', CONCAT('2088', 100000000000 + i), '', 'ACTIVE', '', " +
			"0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP FROM c"
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// clearMessages empties the queue between runs, so each run enqueues into the same table.
func clearMessages(ctx context.Context, db *sql.DB, kind string) error {
	q := "TRUNCATE TABLE messages"
	if kind == "sqlite" {
		q = "DELETE FROM messages" // SQLite's truncate optimization
	}
	_, err := db.ExecContext(ctx, q)
	return err
}

// enqueue creates a broadcast to every follower and runs a runner until it is enqueued.
func enqueue(ctx context.Context, st store.Store, tenantID string, batch int) (time.Duration, int64, error) {
	b := &store.Broadcast{TenantID: tenantID, ID: uuid.Must(uuid.NewV7()).String(), ChannelID: "life", TemplateID: "lt1",
		LedgerKind: "FOLLOWER", Payload: []byte(`{"data":{"first":"hello"}}`), StartTime: time.Now(), ExpireTime: time.Now().Add(24 * time.Hour)}
	if _, _, err := st.CreateBroadcast(ctx, b); err != nil {
		return 0, 0, err
	}
	r := broadcast.New(broadcast.Config{Owner: "bench", Batch: batch}, st, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)
	start := time.Now()
	if _, err := r.Step(ctx); err != nil {
		return 0, 0, err
	}
	d := time.Since(start)
	got, err := st.GetBroadcast(ctx, tenantID, b.ID)
	if err != nil {
		return 0, 0, err
	}
	if !got.EnqueueDone {
		return 0, 0, fmt.Errorf("broadcast not fully enqueued: %+v", got)
	}
	return d, got.Enqueued, nil
}

// resetPeakRSS resets VmHWM to the current RSS (Linux: "5" to clear_refs), so the peak
// read after a run is the run's.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSSMB reads the process's peak resident set (VmHWM) in MB.
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb float64
			fmt.Sscan(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), &kb)
			return kb / 1024
		}
	}
	return 0
}
