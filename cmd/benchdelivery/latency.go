package main

import (
	"context"
	"slices"
	"time"

	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/internal/benchkit"
	"github.com/reachhq/reach/store"
)

// sendToSent queues Life Account messages at a steady rate, waking the dispatcher as the
// API in the same process does, and returns the p50 and p99 of creation → Alipay's
// acceptance.
func sendToSent(ctx context.Context, o options, db string) (time.Duration, time.Duration, error) {
	b, err := benchkit.NewWorld(ctx, o.servers(), db, o.log)
	if err != nil {
		return 0, 0, err
	}
	defer b.Close()
	b.Policy("life", benchPolicy)
	to := b.Recipients("life", 100)
	d := delivery.New(delivery.Config{}, b.Store, b.Conn, o.log, nil)
	dctx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = d.Run(dctx); close(done) }()
	defer func() { stop(); <-done }()
	tick := time.NewTicker(time.Second / time.Duration(o.latencyRate))
	defer tick.Stop()
	var msgs []*store.Message
	for end := time.Now().Add(o.latencyRun); time.Now().Before(end); <-tick.C {
		msgs = append(msgs, b.Queue(to[len(msgs)%len(to)])...)
		d.Wake()
	}
	if err := waitDone(ctx, b.Store, time.Minute); err != nil {
		return 0, 0, err
	}
	var lat []time.Duration
	for _, m := range msgs {
		got, err := b.Store.GetMessage(ctx, b.Tenant, m.ID)
		if err != nil {
			return 0, 0, err
		}
		if got.SentTime != nil {
			lat = append(lat, got.SentTime.Sub(got.CreateTime))
		}
	}
	slices.Sort(lat)
	return lat[len(lat)/2].Round(100 * time.Microsecond), lat[len(lat)*99/100].Round(100 * time.Microsecond), nil
}
