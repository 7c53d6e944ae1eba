package delivery

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/store"
)

// Dispatcher claims due messages and delivers them, one lane per channel so that a slow,
// failing or rate-limited channel never delays another.
type Dispatcher struct {
	cfg       Config
	store     store.Store
	conn      *appconn.Connector
	refresher *Refresher
	log       *slog.Logger
	metrics   *metrics
	now       func() time.Time

	wake    chan struct{}
	results chan *result
	cache   *cache

	mu    sync.Mutex
	lanes map[store.ChannelRef]*lane
	held  map[store.ChannelRef]bool // disabled or refused channels: not claimed
	// holding is every message this dispatcher has claimed and not yet written back; their
	// leases are extended while they are here.
	holding map[store.MessageRef]struct{}
	// ledger holds the ledger rows read with a claim, by message (ledgerHint).
	ledger sync.Map
	// leaseUntil is the expiry the last successful lease extension gave (unix nanoseconds).
	leaseUntil atomic.Int64
}

// New returns a dispatcher over st. reg (nil: none) receives its metrics.
func New(cfg Config, st store.Store, conn *appconn.Connector, log *slog.Logger, reg prometheus.Registerer) *Dispatcher {
	cfg = cfg.withDefaults()
	d := &Dispatcher{
		cfg: cfg, store: st, conn: conn, refresher: NewRefresher(st, conn, log), log: log.With("replica", cfg.Replica),
		metrics: newMetrics(reg), now: clock(cfg.Now),
		wake: make(chan struct{}, 1), results: make(chan *result, cfg.Batch),
		lanes: map[store.ChannelRef]*lane{}, held: map[store.ChannelRef]bool{}, holding: map[store.MessageRef]struct{}{},
	}
	d.cache = newCache(st, conn, cfg.CacheFor, d.now)
	return d
}

// Replica is the name this dispatcher leases messages under.
func (d *Dispatcher) Replica() string { return d.cfg.Replica }

// Wake tells the dispatcher that messages were queued, so it claims at once instead of at
// its next poll. It never blocks.
func (d *Dispatcher) Wake() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Run delivers until ctx is done, then stops claiming, lets calls already at Alipay finish
// (each is bounded by the call timeout), gives back the messages it claimed but did not
// start, writes every outcome, and returns. It also renews Alipay+ tokens.
func (d *Dispatcher) Run(ctx context.Context) error {
	var background sync.WaitGroup
	done := make(chan struct{})
	background.Go(func() { d.complete(done) })
	rctx, stopRefresh := context.WithCancel(ctx)
	background.Go(func() { d.refresher.Run(rctx) })
	background.Go(func() { d.extendLeases(done) })
	d.log.Info("dispatcher running", "lease", d.cfg.Lease, "poll", d.cfg.Poll)

	d.claimLoop(ctx)

	// Stop: lanes give back what they hold, calls in flight finish, outcomes are written.
	d.mu.Lock()
	lanes := make([]*lane, 0, len(d.lanes))
	for _, l := range d.lanes {
		lanes = append(lanes, l)
	}
	d.mu.Unlock()
	// Not under d.mu: stopping hands outcomes to the writer, which takes d.mu to forget
	// what it wrote.
	for _, l := range lanes {
		l.stop()
	}
	for _, l := range lanes { // a lane ends when its last call has finished
		<-l.done
	}
	stopRefresh()
	close(done)
	background.Wait()
	d.log.Info("dispatcher stopped")
	return nil
}

// claimLoop claims due messages into the lanes until ctx is done.
func (d *Dispatcher) claimLoop(ctx context.Context) {
	poll := time.NewTimer(0)
	defer poll.Stop()
	var swept, counted time.Time
	for {
		if time.Since(swept) >= expireEvery {
			d.expireDue(ctx)
			swept = time.Now()
		}
		if time.Since(counted) >= depthEvery {
			d.countQueue(ctx)
			counted = time.Now()
		}
		full := d.claimOnce(ctx)
		if ctx.Err() != nil {
			return
		}
		if full {
			continue // more are due: claim again at once
		}
		poll.Reset(d.cfg.Poll)
		select {
		case <-ctx.Done():
			return
		case <-d.wake:
		case <-poll.C:
		}
	}
}

// claimOnce claims one batch and hands it to the lanes. It reports whether the batch was
// full, so more may be due.
func (d *Dispatcher) claimOnce(ctx context.Context) bool {
	skip := append(d.busyLanes(), d.heldChannels(ctx)...)
	if ctx.Err() != nil {
		return false
	}
	// The claim is not cancelled by a stop: a commit whose answer was cut off would
	// leave messages leased to a dispatcher that never hands them to a lane, so nothing
	// would release them before their lease ran out.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.CallTimeout)
	defer cancel()
	claimed, err := d.store.ClaimMessages(cctx, store.ClaimRequest{
		Owner: d.cfg.Replica, Now: d.now(), Lease: d.cfg.Lease, Limit: d.cfg.Batch, Skip: skip,
	})
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			d.log.WarnContext(ctx, "claim messages", "error", err)
			d.sleep(ctx, time.Second)
		}
		return false
	}
	d.prefetchLedger(cctx, claimed)
	for _, c := range claimed {
		if !d.hold(c) {
			continue // claimed again after its lease ran out while this dispatcher had it
		}
		ref := store.ChannelRef{TenantID: c.TenantID, ChannelID: c.ChannelID}
		for !d.lane(ctx, ref).push(c) {
		}
	}
	d.metrics.claimed.Add(float64(len(claimed)))
	return len(claimed) == d.cfg.Batch
}

// busyLanes are the channels whose lanes hold enough work: claiming more for them would
// only hold messages under a lease they cannot use, and starve other channels.
func (d *Dispatcher) busyLanes() []store.ChannelRef {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []store.ChannelRef
	for ref, l := range d.lanes {
		if l.busy() {
			out = append(out, ref)
		}
	}
	return out
}

// lane returns the lane of a channel, starting it when needed.
func (d *Dispatcher) lane(ctx context.Context, ref store.ChannelRef) *lane {
	d.mu.Lock()
	defer d.mu.Unlock()
	if l, ok := d.lanes[ref]; ok {
		return l
	}
	l := newLane(d, ref)
	d.lanes[ref] = l
	go l.run(ctx)
	return l
}

// dropLane forgets an idle lane (it is started again when its channel has work).
func (d *Dispatcher) dropLane(l *lane) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !l.drop() {
		return false
	}
	delete(d.lanes, l.ref)
	return true
}

func (d *Dispatcher) sleep(ctx context.Context, t time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(t):
	}
}

// expireEvery is how often the dispatcher expires waiting messages past their expiry.
const expireEvery = time.Second

// expireDue expires what waited past its expire_time, a batch at a time.
func (d *Dispatcher) expireDue(ctx context.Context) {
	for {
		n, err := d.store.ExpireMessages(ctx, d.now(), d.cfg.Batch)
		if err != nil {
			if ctx.Err() == nil {
				d.log.WarnContext(ctx, "expire messages", "error", err)
			}
			return
		}
		d.metrics.outcomes.WithLabelValues("unknown", "expired").Add(float64(n))
		if n < d.cfg.Batch {
			return
		}
	}
}

// clock returns now as the dispatcher reads it: UTC, to the microsecond the databases keep.
func clock(now func() time.Time) func() time.Time {
	if now == nil {
		now = time.Now
	}
	return func() time.Time { return now().UTC().Truncate(time.Microsecond) }
}
