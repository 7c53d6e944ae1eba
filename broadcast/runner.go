// Package broadcast runs broadcasts: it enqueues each broadcast's recipients from the ledger
// in batches, under a lease so that one replica at a time works on a broadcast, and marks
// broadcasts COMPLETED once every message is finished.
package broadcast

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/reachhq/reach/store"
)

// Config tunes a Runner; zero fields take the defaults.
type Config struct {
	// Owner names this replica in broadcast leases (the dispatcher's replica name).
	Owner string
	// Lease is how long a broadcast is this runner's after its last batch; a runner that
	// stops is replaced once it runs out. Each batch must take less than this.
	Lease time.Duration
	// Batch is how many recipients one transaction enqueues.
	Batch int
	// Poll is how often an idle runner looks for broadcasts to start or complete.
	Poll time.Duration
	// Now is the clock (tests).
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.Lease <= 0 {
		c.Lease = time.Minute
	}
	if c.Batch <= 0 {
		c.Batch = 10000
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Validate reports a configuration a runner cannot work with.
func (c Config) Validate() error {
	if c.Owner == "" || len(c.Owner) > 128 {
		return fmt.Errorf("broadcast runner: owner must be 1-128 characters")
	}
	return nil
}

// Runner works on broadcasts until its context ends.
type Runner struct {
	cfg      Config
	store    store.BroadcastStore
	log      *slog.Logger
	onQueued func()
	wake     chan struct{}
}

// New returns a runner over st. onQueued (may be nil) is called after each batch, to wake
// the dispatcher.
func New(cfg Config, st store.BroadcastStore, log *slog.Logger, onQueued func()) *Runner {
	if onQueued == nil {
		onQueued = func() {}
	}
	return &Runner{cfg: cfg.withDefaults(), store: st, log: log.With("runner", cfg.Owner), onQueued: onQueued, wake: make(chan struct{}, 1)}
}

// Wake makes an idle runner look for work now (a broadcast was just created).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run claims and works on broadcasts until ctx ends. A broadcast whose lease this runner
// holds when ctx ends is released, so another replica continues it at once.
func (r *Runner) Run(ctx context.Context) error {
	if err := r.cfg.Validate(); err != nil {
		return err
	}
	for ctx.Err() == nil {
		worked, err := r.Step(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Warn("broadcast runner", "error", err)
		}
		if worked {
			continue
		}
		t := time.NewTimer(r.cfg.Poll)
		select {
		case <-ctx.Done():
		case <-r.wake:
		case <-t.C:
		}
		t.Stop()
	}
	return nil
}

// Step completes finished broadcasts, then claims one broadcast and enqueues all of it.
// It reports whether it found one to work on.
func (r *Runner) Step(ctx context.Context) (bool, error) {
	done, err := r.store.CompleteBroadcasts(ctx, r.cfg.Now(), 100)
	for _, b := range done {
		r.log.Info("broadcast completed", "tenant", b.TenantID, "broadcast", b.ID, "sent", b.Progress.Sent,
			"failed", b.Progress.Failed, "skipped", b.Progress.Skipped)
	}
	if err != nil {
		return false, err
	}
	b, err := r.store.ClaimBroadcast(ctx, r.cfg.Owner, r.cfg.Now(), r.cfg.Lease)
	if err != nil || b == nil {
		return false, err
	}
	return true, r.work(ctx, store.BroadcastRef{TenantID: b.TenantID, ID: b.ID})
}

// work enqueues batch after batch until the broadcast is fully enqueued, the lease is lost
// (paused, cancelled, or taken over) or ctx ends.
func (r *Runner) work(ctx context.Context, ref store.BroadcastRef) error {
	log := r.log.With("tenant", ref.TenantID, "broadcast", ref.ID)
	total := 0
	for {
		if ctx.Err() != nil {
			return r.release(ctx, ref)
		}
		n, done, err := r.store.EnqueueBroadcastBatch(ctx, r.cfg.Owner, ref, r.cfg.Batch, r.cfg.Now(), r.cfg.Lease)
		if err != nil && ctx.Err() != nil {
			return r.release(ctx, ref) // stopping: the batch rolled back, the cursor is where the last one left it
		}
		if errors.Is(err, store.ErrLeaseLost) {
			log.Info("broadcast left", "enqueued", total, "why", "paused, cancelled or taken over")
			return nil
		}
		if err != nil {
			return fmt.Errorf("broadcast %s: %w", ref.ID, err)
		}
		total += n
		if n > 0 {
			r.onQueued()
		}
		if done {
			log.Info("broadcast enqueued", "enqueued", total)
			return nil
		}
	}
}

// release gives the broadcast back when the runner stops, so another replica continues it
// at once instead of after the lease; the cursor is where the last committed batch left it.
func (r *Runner) release(ctx context.Context, ref store.BroadcastRef) error {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	return r.store.ReleaseBroadcast(rctx, r.cfg.Owner, ref)
}
