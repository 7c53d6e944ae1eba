package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// call is one request of a load; n numbers the calls of a run (for unique request ids).
type call func(ctx context.Context, n int64) error

// saturate runs callers concurrent loops of fn for d and returns completed calls per
// second, how many completed and how many failed (a failed call does not count). It
// fails when more than 1 % of the calls did.
func saturate(ctx context.Context, callers int, d time.Duration, fn call) (rate float64, done, failed int64, err error) {
	var ok, bad, next atomic.Int64
	var first atomic.Value
	start := time.Now()
	deadline := start.Add(d)
	var wg sync.WaitGroup
	for range callers {
		wg.Go(func() {
			// Calls in flight at the deadline finish: cutting them off would count
			// cancellations, not the server's pace.
			for time.Now().Before(deadline) {
				if err := fn(ctx, next.Add(1)); err != nil {
					bad.Add(1)
					first.CompareAndSwap(nil, err)
					continue
				}
				ok.Add(1)
			}
		})
	}
	wg.Wait()
	if e, _ := first.Load().(error); e != nil && bad.Load() > ok.Load()/100 {
		err = e
	}
	return float64(ok.Load()) / time.Since(start).Seconds(), ok.Load(), bad.Load(), err
}

// paced starts calls at a fixed rate for d (open loop: a slow answer does not delay the
// next call) and returns the p50 and p99 latency of the calls that succeeded.
func paced(ctx context.Context, perSecond int, d time.Duration, fn call) (p50, p99 time.Duration, failed int64) {
	var mu sync.Mutex
	var lat []time.Duration
	var bad atomic.Int64
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(perSecond)
	start := time.Now()
	for n := int64(0); ; n++ {
		at := start.Add(time.Duration(n) * interval)
		if at.Sub(start) >= d {
			break
		}
		time.Sleep(time.Until(at))
		wg.Go(func() {
			t := time.Now()
			if err := fn(ctx, n); err != nil {
				bad.Add(1)
				return
			}
			l := time.Since(t)
			mu.Lock()
			lat = append(lat, l)
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(lat) == 0 {
		return 0, 0, bad.Load()
	}
	slices.Sort(lat)
	return lat[len(lat)/2], lat[len(lat)*99/100], bad.Load()
}
