package main

import (
	"fmt"

	"github.com/reachhq/reach/internal/benchkit"
)

func (r *results) print(o options) {
	f := benchkit.Of
	ratio := func(a, b []float64) string { return fmt.Sprintf("%.3f", f(a).Median/f(b).Median) }
	fmt.Printf("%s\n", r.db)
	rowDigits := func(digits int, what string, v []float64, unit, extra string) {
		if len(v) == 0 {
			fmt.Printf("  %-44s %s\n", what, "n/a")
			return
		}
		x := f(v)
		fmt.Printf("  %-44s %9.*f %9.*f %9.*f %-9s %s\n", what, digits, x.Min, digits, x.Median, digits, x.Max, unit, extra)
	}
	row := func(what string, v []float64, unit, extra string) { rowDigits(1, what, v, unit, extra) }
	row("empty gRPC call (health check)", r.empty, "calls/s", "")
	q := f(r.grpcToEmpty)
	row("SendMessage, gRPC", r.grpc, "calls/s", fmt.Sprintf("ratio to the empty calls around each run: min %.3f median %.3f max %.3f", q.Min, q.Median, q.Max))
	row("SendMessage, JSON gateway", r.json, "calls/s", "ratio to gRPC "+ratio(r.json, r.grpc))
	row("Reach CPU per SendMessage (gRPC)", r.cpu, "µs", "")
	row("database server CPU per SendMessage (gRPC)", r.dbCPU, "µs", "")
	row("load generator CPU per SendMessage (gRPC)", r.loadCPU, "µs", "")
	// Three decimals: with groups of more than 20 sends one decimal printed 0.0.
	rowDigits(3, "write transactions per SendMessage (gRPC)", r.commits, "", "")
	row(fmt.Sprintf("p50 at %d calls/s, gRPC", o.rate), r.p50GRPC, "ms", "")
	row(fmt.Sprintf("p99 at %d calls/s, gRPC", o.rate), r.p99GRPC, "ms", "")
	row(fmt.Sprintf("p50 at %d calls/s, JSON gateway", o.rate), r.p50JSON, "ms", "")
	row(fmt.Sprintf("p99 at %d calls/s, JSON gateway", o.rate), r.p99JSON, "ms", "")
	row(fmt.Sprintf("BatchSendMessages of %d, gRPC", o.batch), r.batchGRPC, "msgs/s", "")
	row(fmt.Sprintf("BatchSendMessages of %d, JSON gateway", o.batch), r.batchJSON, "msgs/s", "ratio to gRPC "+ratio(r.batchJSON, r.batchGRPC))
	if r.failed > 0 {
		fmt.Printf("  (%d calls failed and are not counted)\n", r.failed)
	}
	fmt.Println()
}
