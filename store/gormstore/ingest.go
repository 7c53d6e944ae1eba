package gormstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// Group commit. Concurrent CreateMessages calls share transactions: a writer takes the
// calls waiting in its queue, writes them all in one transaction and answers each caller
// after the commit. One commit (one fsync on SQLite, one WAL flush on PostgreSQL) then
// carries many sends, which is what lets a single SQLite writer keep up with dozens of
// callers. Every guarantee of a lone call holds:
//   - nothing is answered before its commit;
//   - a request id is recorded once: a second call with it, in the same group or later,
//     is answered with what the first recorded;
//   - a group that fails is not the callers' problem: each of its calls is written again
//     in a transaction of its own, so only a call that fails alone fails;
//   - the queue is bounded: when it is full, CreateMessages answers ErrOverloaded at once.

// IngestOptions tune group commit; zero fields take the defaults.
type IngestOptions struct {
	// Writers is how many transactions may be open at once (SQLite: 1, it has one writer).
	Writers int
	// Queue is how many calls may wait for a writer before CreateMessages refuses more.
	Queue int
	// MaxRows caps the messages one transaction writes.
	MaxRows int
	// Window is how long a writer waits for more calls after the first of a group. Zero
	// takes what is already queued: calls that arrive while a transaction commits share the
	// next one, which batches under load and adds no latency when idle.
	Window time.Duration
}

func (o IngestOptions) withDefaults() IngestOptions {
	if o.Writers <= 0 {
		o.Writers = 2
	}
	if o.Queue <= 0 {
		o.Queue = 4096
	}
	if o.MaxRows <= 0 {
		o.MaxRows = 2000
	}
	return o
}

// errGuardStale marks, inside a transaction, that a guarded template moved on.
var errGuardStale = errors.New("template changed")

// groupTimeout bounds one shared transaction; no caller's deadline applies to it.
const groupTimeout = 30 * time.Second

// ingestCall is one CreateMessages call waiting for its commit.
type ingestCall struct {
	tenantID, requestID, hash string
	guard                     store.SendGuard
	rows                      []*messageRow
	done                      chan ingestResult
}

type ingestResult struct {
	created  bool
	existing []*store.Message
	hash     string
	err      error
}

// ingest is the group-commit writer of a store.
type ingest struct {
	s       *Store
	opts    IngestOptions
	queue   chan *ingestCall
	stop    chan struct{}
	stopped sync.WaitGroup
	once    sync.Once

	calls, transactions, alone atomic.Int64
}

func newIngest(s *Store, opts IngestOptions) *ingest {
	opts = opts.withDefaults()
	w := &ingest{s: s, opts: opts, queue: make(chan *ingestCall, opts.Queue), stop: make(chan struct{})}
	for range opts.Writers {
		w.stopped.Go(w.run)
	}
	return w
}

// close lets the writers finish what is queued, then stops them.
func (w *ingest) close() {
	w.once.Do(func() { close(w.stop) })
	w.stopped.Wait()
}

// submit queues a call and waits for its answer. A caller that gives up still has its
// call written (it was never answered, so a retry with its request id finds it).
func (w *ingest) submit(ctx context.Context, c *ingestCall) ingestResult {
	select {
	case <-w.stop:
		return ingestResult{err: fmt.Errorf("%w: the store is closing", store.ErrUnavailable)}
	default:
	}
	select {
	case w.queue <- c:
	default:
		return ingestResult{err: store.ErrOverloaded}
	}
	select {
	case r := <-c.done:
		return r
	case <-ctx.Done():
		return ingestResult{err: ctx.Err()}
	}
}

func (w *ingest) run() {
	for {
		var first *ingestCall
		select {
		case first = <-w.queue:
		case <-w.stop:
			// Drain: every queued call is answered before the store closes.
			for {
				select {
				case c := <-w.queue:
					w.write([]*ingestCall{c})
				default:
					return
				}
			}
		}
		w.write(w.gather(first))
	}
}

// gather takes the calls queued behind first, waiting up to the window for more.
func (w *ingest) gather(first *ingestCall) []*ingestCall {
	group, rows := []*ingestCall{first}, len(first.rows)
	var window <-chan time.Time
	if w.opts.Window > 0 {
		t := time.NewTimer(w.opts.Window)
		defer t.Stop()
		window = t.C
	}
	for rows < w.opts.MaxRows {
		select {
		case c := <-w.queue:
			group = append(group, c)
			rows += len(c.rows)
			continue
		default:
		}
		if window == nil {
			break
		}
		select {
		case c := <-w.queue:
			group = append(group, c)
			rows += len(c.rows)
		case <-window:
			return group
		case <-w.stop:
			return group
		}
	}
	return group
}

// write commits a group and answers its calls; on failure each call is written alone.
func (w *ingest) write(group []*ingestCall) {
	ctx, cancel := context.WithTimeout(context.Background(), groupTimeout)
	defer cancel()
	w.calls.Add(int64(len(group)))
	// Where a group is one statement, a lone call is cheaper that way too.
	if len(group) > 1 || w.s.dialect.GroupStatement {
		outcome, err := w.writeGroup(ctx, group)
		if err == nil {
			w.transactions.Add(1)
			for _, c := range group {
				switch outcome[c] {
				case replayed:
					c.done <- w.s.replayOf(ctx, c)
				case stale:
					c.done <- w.s.staleOf(ctx, c)
				default:
					c.done <- ingestResult{created: true}
				}
			}
			return
		}
	}
	for _, c := range group {
		w.transactions.Add(1)
		if len(group) > 1 {
			w.alone.Add(1)
		}
		c.done <- w.s.createAlone(ctx, c)
	}
}

// IngestStats counts what group commit did since the store was opened.
func (s *Store) IngestStats() store.IngestStats {
	return store.IngestStats{Calls: s.ingest.calls.Load(), Transactions: s.ingest.transactions.Load(), Alone: s.ingest.alone.Load()}
}

// outcome is what became of a call in a group that committed.
type outcome int

const (
	written  outcome = iota
	replayed         // its request id was recorded before, or by an earlier call of the group
	stale            // its template is no longer at the revision it was validated against
)

// writeGroup writes every call of group that is neither a replay nor stale in one
// transaction. A call whose template moved on records nothing (the server validates it
// again, and a recorded request id then answers as a replay). On a dialect without
// insert-or-find, a request id recorded by another replica between the check and the
// insert fails the group on its unique key; each call is then written alone. Where the
// dialect has a group statement, that one statement does all of this (ingest_statement.go).
func (w *ingest) writeGroup(ctx context.Context, group []*ingestCall) (map[*ingestCall]outcome, error) {
	if w.s.dialect.GroupStatement {
		return w.writeStatement(ctx, group)
	}
	var out map[*ingestCall]outcome
	err := w.s.inTx(ctx, func(tx *gorm.DB) error {
		out = make(map[*ingestCall]outcome, len(group))
		revisions, err := templateRevisions(tx, group)
		if err != nil {
			return err
		}
		// The first call of each request id records it; later ones replay what it did.
		var leaders []*ingestCall
		led := map[requestKey]bool{}
		for _, c := range group {
			k := requestKey{c.tenantID, c.requestID}
			switch {
			case c.requestID != "" && led[k]:
				out[c] = replayed
			case c.guard != (store.SendGuard{}) && revisions[guardKey{c.tenantID, c.guard.ChannelID, c.guard.TemplateID}] != c.guard.Revision:
				out[c] = stale
			default:
				led[k] = c.requestID != ""
				leaders = append(leaders, c)
			}
		}
		recordedBefore, err := w.s.recordRequests(tx, leaders)
		if err != nil {
			return err
		}
		var rows []*messageRow
		for _, c := range leaders {
			if c.requestID != "" && recordedBefore[requestKey{c.tenantID, c.requestID}] {
				out[c] = replayed
				continue
			}
			rows = append(rows, c.rows...)
		}
		if len(rows) == 0 {
			return nil
		}
		return tx.CreateInBatches(rows, insertChunk).Error
	})
	return out, err
}

type requestKey struct{ tenant, request string }

type guardKey struct{ tenant, channel, template string }

// templateRevisions reads the current revision of every template a call of group is
// guarded by (a missing template has none, 0).
func templateRevisions(tx *gorm.DB, group []*ingestCall) (map[guardKey]int64, error) {
	var guarded []*ingestCall
	for _, c := range group {
		if c.guard != (store.SendGuard{}) {
			guarded = append(guarded, c)
		}
	}
	revisions := map[guardKey]int64{}
	for _, g := range groupIDs(len(guarded), func(i int) (string, string, string) {
		return guarded[i].tenantID, guarded[i].guard.ChannelID, guarded[i].guard.TemplateID
	}) {
		var found []templateRow
		if err := tx.Select("tenant_id", "channel_id", "id", "revision").
			Where("tenant_id = ? AND channel_id = ? AND id IN ?", g.tenant, g.channel, g.ids).Find(&found).Error; err != nil {
			return nil, err
		}
		for _, r := range found {
			revisions[guardKey{r.TenantID, r.ChannelID, r.ID}] = r.Revision
		}
	}
	return revisions, nil
}

// staleOf answers a call whose template moved on: a recorded request id is still a
// replay, whatever its template became; anything else is stale.
func (s *Store) staleOf(ctx context.Context, c *ingestCall) ingestResult {
	if c.requestID != "" {
		existing, hash, err := s.sentRequest(ctx, c.tenantID, c.requestID)
		switch {
		case err == nil:
			return ingestResult{existing: existing, hash: hash}
		case !errors.Is(err, store.ErrNotFound) && !errors.Is(err, gorm.ErrRecordNotFound):
			return ingestResult{err: s.fail("create messages", err)} // not known to be stale
		}
	}
	return ingestResult{err: staleErr(c)}
}

func staleErr(c *ingestCall) error {
	return fmt.Errorf("create messages: template %s/%s: %w", c.guard.ChannelID, c.guard.TemplateID, store.ErrStale)
}

// replayOf answers a call whose request id is recorded: with what was recorded.
func (s *Store) replayOf(ctx context.Context, c *ingestCall) ingestResult {
	existing, hash, err := s.sentRequest(ctx, c.tenantID, c.requestID)
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, store.ErrNotFound) {
		return s.createAlone(ctx, c) // the recording call failed after all
	}
	if err != nil {
		return ingestResult{err: s.fail("create messages", err)}
	}
	return ingestResult{existing: existing, hash: hash}
}

// createAlone writes one call in a transaction of its own. The idempotency row goes
// first: a concurrent call with the same request id blocks on it (or, on SQLite, waits
// for the write lock) and then fails on its unique key, rolls back, and reads the
// winner's messages, which are committed by then.
func (s *Store) createAlone(ctx context.Context, c *ingestCall) ingestResult {
	var err error
	for range maxAttempts {
		err = s.inTx(ctx, func(tx *gorm.DB) error {
			if c.guard != (store.SendGuard{}) {
				revisions, err := templateRevisions(tx, []*ingestCall{c})
				if err != nil {
					return err
				}
				if revisions[guardKey{c.tenantID, c.guard.ChannelID, c.guard.TemplateID}] != c.guard.Revision {
					return errGuardStale
				}
			}
			if c.requestID != "" {
				req := sendRequestRow{TenantID: c.tenantID, RequestID: c.requestID, RequestHash: c.hash, CreateTime: c.rows[0].CreateTime}
				if err := tx.Create(&req).Error; err != nil {
					if errors.Is(classify(s.dialect, err), store.ErrAlreadyExists) {
						return errRequestTaken
					}
					return err
				}
			}
			return tx.CreateInBatches(c.rows, insertChunk).Error
		})
		if errors.Is(err, errGuardStale) {
			return s.staleOf(ctx, c)
		}
		if !errors.Is(err, errRequestTaken) {
			break
		}
		existing, hash, err := s.sentRequest(ctx, c.tenantID, c.requestID)
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, gorm.ErrRecordNotFound) {
			continue // the other call rolled back after all: try to be the one that records it
		}
		if err != nil {
			return ingestResult{err: s.fail("create messages", err)}
		}
		return ingestResult{existing: existing, hash: hash}
	}
	if err != nil {
		return ingestResult{err: s.fail("create messages", err)}
	}
	return ingestResult{created: true}
}
