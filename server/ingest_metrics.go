package server

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/store"
)

// ingestCounter is a store that writes sends by group commit and counts it.
type ingestCounter interface {
	IngestStats() store.IngestStats
}

// registerIngestMetrics exports what group commit did, so an operator (and the ingest
// benchmark, on SQLite where the database has no transaction counter to read) can see
// how many sends one transaction carries.
func registerIngestMetrics(reg prometheus.Registerer, st store.Store) {
	ic, ok := st.(ingestCounter)
	if !ok {
		return
	}
	counter := func(name, help string, read func(store.IngestStats) int64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help},
			func() float64 { return float64(read(ic.IngestStats())) })
	}
	reg.MustRegister(
		counter("reach_ingest_calls_total", "Send calls written by group commit (or answered as replays of a recorded request id).",
			func(s store.IngestStats) int64 { return s.Calls }),
		counter("reach_ingest_transactions_total", "Write transactions group commit took for those calls.",
			func(s store.IngestStats) int64 { return s.Transactions }),
		counter("reach_ingest_alone_total", "Calls written again in a transaction of their own after their group failed.",
			func(s store.IngestStats) int64 { return s.Alone }),
	)
}
