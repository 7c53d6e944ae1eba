package main

import (
	"context"
	"fmt"
	"time"

	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/internal/benchkit"
	"github.com/reachhq/reach/store"
)

// queuedRSS queues o.queued Life Account messages in an SQLite database, starts a real
// `reach serve` on it (sending to the simulator in this process), and samples its
// resident memory every second for 20 s while it works through the queue.
func queuedRSS(ctx context.Context, o options) (benchkit.Figures, error) {
	b, err := benchkit.NewWorld(ctx, o.servers(), "sqlite", o.log)
	if err != nil {
		return benchkit.Figures{}, err
	}
	defer b.Close()
	b.Policy("life", benchPolicy) // the machine, not the default 50/s, sets the pace
	to := b.Recipients("life", 1000)
	start := time.Now()
	batch := make([]*store.Message, 0, 1000)
	for i := range o.queued {
		batch = append(batch, deliverytest.Message(b.Tenant, to[i%len(to)]))
		if len(batch) == cap(batch) || i == o.queued-1 {
			if _, _, _, err := b.Store.CreateMessages(ctx, b.Tenant, "", "", batch); err != nil {
				return benchkit.Figures{}, err
			}
			batch = batch[:0]
		}
	}
	fmt.Printf("  (queued %d messages in %v)\n", o.queued, time.Since(start).Round(time.Second))
	bin, err := benchkit.BuildReach(ctx, b.TB)
	if err != nil {
		return benchkit.Figures{}, err
	}
	serve, err := benchkit.StartReach(ctx, b.TB, bin, b.DSN)
	if err != nil {
		return benchkit.Figures{}, err
	}
	var samples []float64
	for range 20 {
		time.Sleep(time.Second)
		mb, err := benchkit.RSSMB(serve.Cmd.Process.Pid)
		if err != nil {
			return benchkit.Figures{}, err
		}
		samples = append(samples, mb)
	}
	sent := b.Accepted(deliverytest.LifeApp)
	fmt.Printf("  (it sent %d messages meanwhile)\n", sent)
	return benchkit.Of(samples), nil
}
