// Command benchdelivery measures delivery end to end (Reach's dispatcher → the Alipay
// simulator over HTTP) and prints the figures the delivery issue asks for, each beside a
// baseline taken in the same run: the machine's RSA-2048 signing rate. Every figure is
// the min/median/max of repeats; nothing here asserts a target (`make bench-delivery`).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"github.com/reachhq/reach/clients/signer"
	"github.com/reachhq/reach/internal/benchkit"
)

func main() {
	var o options
	flag.IntVar(&o.messages, "messages", 10000, "messages per throughput run (enough that starting and draining the pipeline weigh little)")
	flag.IntVar(&o.repeats, "repeats", 3, "repeats of each measurement")
	flag.StringVar(&o.postgres, "postgres", benchkit.EnvOr("REACH_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"), "PostgreSQL to measure on (empty: SQLite only)")
	flag.IntVar(&o.queued, "queued", 1_000_000, "messages queued for the memory measurement (0: skip it)")
	flag.DurationVar(&o.latencyRun, "latency-run", 10*time.Second, "how long the send-to-SENT latency run queues messages")
	flag.IntVar(&o.latencyRate, "latency-rate", 100, "messages per second of the latency run")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	allocProfile := flag.String("allocprofile", "", "write a profile of the whole run's allocations to this file")
	flag.StringVar(&o.only, "only", "", "run only the throughput of this database/product (e.g. sqlite/life), or only \"rss\"")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "benchdelivery:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "benchdelivery:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *allocProfile != "" {
		defer writeAllocs(*allocProfile)
	}
	o.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	ctx := context.Background()
	if err := run(ctx, o); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "benchdelivery:", err)
		os.Exit(1)
	}
}

type options struct {
	messages, repeats, queued, latencyRate int
	latencyRun                             time.Duration
	postgres, only                         string
	log                                    *slog.Logger
}

func run(ctx context.Context, o options) error {
	fmt.Printf("benchdelivery: %d messages a run, %d repeats, GOMAXPROCS %d\n\n", o.messages, o.repeats, gomaxprocs())
	inUse, err := signer.Use(signer.BackendAuto)
	if err != nil {
		return err
	}
	var goRSA []float64
	reach := benchkit.Measure(o.repeats, func() float64 {
		c := measureCeilings(2 * time.Second)
		goRSA = append(goRSA, c.goRSA)
		return c.reach
	})
	fmt.Printf("RSA-2048 signing ceilings, all cores, signatures/s:\n  Go crypto/rsa:  %s\n  Reach's signer: %s  — %s\n\n", benchkit.Of(goRSA), reach, inUse)
	if o.only == "rss" {
		return printRSS(ctx, o)
	}
	dbs := o.servers().Available(ctx)
	fmt.Println("Dispatch throughput, messages/s, and its ratio to each ceiling measured for a second before and after each run:")
	for _, latency := range []time.Duration{0, 100 * time.Millisecond} {
		for _, db := range dbs {
			for _, product := range []string{"life", "mini", "plus"} {
				if o.only != "" && o.only != db+"/"+product {
					continue
				}
				var busy, toGo, toReach, self, server []float64
				r := benchkit.Measure(o.repeats, func() float64 {
					// The ceilings are measured for a second before and after each run: these
					// machines' speed drifts by a quarter within minutes, so a ratio to a
					// ceiling taken once at the start says as much about the drift as about Reach.
					before := measureCeilings(time.Second)
					f, err := throughput(ctx, o, db, product, latency)
					if err != nil {
						fmt.Fprintln(os.Stderr, "throughput:", err)
						os.Exit(1)
					}
					v := f.rate
					around := before.mean(measureCeilings(time.Second))
					busy, self, server = append(busy, f.busy), append(self, f.selfCPU), append(server, f.serverCPU)
					toGo, toReach = append(toGo, v/around.goRSA), append(toReach, v/around.reach)
					return v
				})
				g, q := benchkit.Of(toGo), benchkit.Of(toReach)
				fmt.Printf("  %-8s %-5s latency %-6v %s  ratio to Go min %.2f median %.2f max %.2f, to Reach's signer %.2f / %.2f / %.2f\n",
					db, product, latency, r, g.Min, g.Median, g.Max, q.Min, q.Median, q.Max)
				fmt.Printf("  %33s busy %.2f of %d cores; CPU per message: Reach and simulator %.0f µs, database server %.0f µs\n",
					"", benchkit.Of(busy).Median, runtime.NumCPU(), benchkit.Of(self).Median, benchkit.Of(server).Median)
			}
		}
	}
	if o.only != "" {
		return nil
	}
	fmt.Println()
	for _, db := range dbs {
		p50, p99, err := sendToSent(ctx, o, db)
		if err != nil {
			return err
		}
		fmt.Printf("Created → SENT at %d messages/s for %v (%s, Life Account): p50 %v, p99 %v\n", o.latencyRate, o.latencyRun, db, p50, p99)
	}
	if o.queued > 0 {
		fmt.Println()
		return printRSS(ctx, o)
	}
	return nil
}

func printRSS(ctx context.Context, o options) error {
	rss, err := queuedRSS(ctx, o)
	if err != nil {
		return err
	}
	fmt.Printf("RSS of `reach serve` with %d messages queued (SQLite), sampled each second for 20 s while it sends: %s MB\n", o.queued, rss)
	return nil
}

func (o options) servers() benchkit.Servers { return benchkit.Servers{Postgres: o.postgres} }

func writeAllocs(path string) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		_ = f.Close()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchdelivery:", err)
	}
}
