// Command benchingest measures how fast Reach accepts messages: it starts a real `reach
// serve` (dispatcher off) on each database and drives it with concurrent callers over
// gRPC and the JSON gateway, beside a baseline taken from the same server in the same
// run (an empty gRPC call). It prints figures; it asserts nothing (`make bench-ingest`).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/reachhq/reach/internal/benchkit"
)

type options struct {
	callers, repeats, batch, rate int
	duration, rateRun             time.Duration
	servers                       benchkit.Servers
	only, profileDir              string
	hold                          bool
	log                           *slog.Logger
}

func main() {
	var o options
	flag.IntVar(&o.callers, "callers", 64, "concurrent callers of the saturating runs")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "length of each saturating run")
	flag.IntVar(&o.repeats, "repeats", 3, "repeats of each measurement")
	flag.IntVar(&o.batch, "batch", 100, "recipients per BatchSendMessages call")
	flag.IntVar(&o.rate, "rate", 1000, "calls per second of the fixed-rate latency run")
	flag.DurationVar(&o.rateRun, "rate-run", 5*time.Second, "length of the fixed-rate latency run")
	flag.StringVar(&o.servers.Postgres, "postgres", benchkit.EnvOr("REACH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL to measure on (empty: skip)")
	flag.StringVar(&o.servers.MySQL, "mysql", benchkit.EnvOr("REACH_TEST_MYSQL", "mysql://root@127.0.0.1:3306/test"), "MariaDB/MySQL to measure on (empty: skip)")
	flag.StringVar(&o.profileDir, "profile", "", "write a CPU profile of the server during each database's first SendMessage run to DIR/<database>.pprof")
	flag.StringVar(&o.only, "only", "", "measure only this database (sqlite, postgres or mysql)")
	flag.BoolVar(&o.hold, "hold", false, "measure nothing: set up the first database (see -only), start Reach, print how to call it and wait for Ctrl-C (for another load generator or a profile)")
	flag.Parse()
	o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	if err := run(context.Background(), o); err != nil {
		fmt.Fprintln(os.Stderr, "benchingest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	fmt.Printf("benchingest: %d callers, %v runs, %d repeats, GOMAXPROCS %d; figures are min / median / max\n\n",
		o.callers, o.duration, o.repeats, gomaxprocs())
	tb := &benchkit.TB{}
	defer tb.Done()
	bin, err := benchkit.BuildReach(ctx, tb)
	if err != nil {
		return err
	}
	for _, db := range o.servers.Available(ctx) {
		if o.only != "" && o.only != db {
			continue
		}
		r, err := measureDatabase(ctx, o, bin, db)
		if err != nil {
			return fmt.Errorf("%s: %w", db, err)
		}
		if o.hold {
			return nil
		}
		r.print(o)
	}
	return nil
}
