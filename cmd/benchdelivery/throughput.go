package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"slices"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/delivery/deliverytest"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/benchkit"
	"github.com/reachhq/reach/store"
)

// benchPolicy lifts a channel's pacing so the machine, not the policy, is the limit.
var benchPolicy = &reachv1.DeliveryPolicy{MaxSendsPerSecond: 10000, MaxInFlight: 512}

var apps = map[string]string{"life": deliverytest.LifeApp, "mini": deliverytest.MiniApp, "plus": deliverytest.PlusApp}

// runFigures are one throughput run's: messages/s, the cores the machine kept busy, and
// CPU µs per message of this process (dispatcher and simulator) and of the database server.
type runFigures struct{ rate, busy, selfCPU, serverCPU float64 }

// throughput queues o.messages on one product's channel, then measures how fast a
// dispatcher in this process delivers them all to the simulator (also in this process,
// signing every answer on the same cores).
// It also reports where the machine's CPU went meanwhile.
func throughput(ctx context.Context, o options, db, product string, latency time.Duration) (r runFigures, err error) {
	b, err := benchkit.NewWorld(ctx, o.servers(), db, o.log)
	if err != nil {
		return r, err
	}
	defer b.Close()
	b.Policy(product, benchPolicy)
	if latency > 0 {
		if err := b.Sim.SetLimits(apps[product], alipaysim.Limits{Latency: alipaysim.Duration(latency)}); err != nil {
			return r, err
		}
	}
	to := b.Recipients(product, 200)
	var sends []deliverytest.Send
	for i := range o.messages {
		sends = append(sends, to[i%len(to)])
	}
	for chunk := range slices.Chunk(sends, 1000) {
		b.Queue(chunk...)
	}
	base := b.Sim.Stats().Accepted
	d := delivery.New(delivery.Config{Batch: 500}, b.Store, b.Conn, o.log, nil)
	self, err := benchkit.CPUTime(os.Getpid())
	if err != nil {
		return r, err
	}
	server0 := benchkit.ServerCPU(db)
	dctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	start, cpu := time.Now(), benchkit.ReadMachineCPU()
	go func() { _ = d.Run(dctx); close(done) }()
	defer func() { stop(); <-done }()
	// Watch the simulator's in-memory counter first: counting the queue in the database,
	// or walking the simulator's request log, while it drains would take CPU from the
	// dispatcher being measured (listing a 15,000-entry log every 10 ms cost 7 % of it).
	// The counter counts every accepted call (Alipay+ token calls too); waitDone then
	// checks that every message has left the queue.
	if n := waitAccepted(b, base, o.messages, 5*time.Minute); n < o.messages {
		return r, fmt.Errorf("%s: Alipay accepted %d of %d", product, n, o.messages)
	}
	r.busy = cpu.BusyCores(benchkit.ReadMachineCPU(), runtime.NumCPU())
	self2, err := benchkit.CPUTime(os.Getpid())
	if err != nil {
		return r, err
	}
	perMessage := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(o.messages) }
	r.selfCPU, r.serverCPU = perMessage(self2-self), perMessage(benchkit.ServerCPU(db)-server0)
	if err := waitDone(ctx, b.Store, time.Minute); err != nil {
		return r, err
	}
	r.rate = float64(o.messages) / time.Since(start).Seconds()
	return r, nil
}

// waitAccepted waits until the simulator has accepted want more calls than base, or
// limit passes, and returns how many it accepted.
func waitAccepted(b *benchkit.World, base int64, want int, limit time.Duration) int {
	deadline := time.Now().Add(limit)
	for {
		n := int(b.Sim.Stats().Accepted - base)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func waitDone(ctx context.Context, st store.Store, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		n, err := benchkit.Waiting(ctx, st)
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d messages still waiting after %v", n, limit)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
