package delivery

import (
	"context"
	"time"

	"github.com/reachhq/reach/store"
)

// result is one outcome on its way to the store.
type result struct {
	out     *store.Outcome
	product string
}

// flushAttempts bounds how often a batch of outcomes is written again after an error.
const flushAttempts = 5

// complete writes outcomes in batches (one transaction for everything that finished within
// FlushEvery) until done is closed and every result is written.
func (d *Dispatcher) complete(done <-chan struct{}) {
	for {
		var batch []*result
		select {
		case r := <-d.results:
			batch = append(batch, r)
		case <-done:
			d.flush(append(batch, drain(d.results)...))
			return
		}
		timer := time.NewTimer(d.cfg.FlushEvery)
	gather:
		for len(batch) < d.cfg.Batch {
			select {
			case r := <-d.results:
				batch = append(batch, r)
			case <-timer.C:
				break gather
			}
		}
		timer.Stop()
		d.flush(batch)
	}
}

// flush writes a batch, retrying a database that is briefly away. Outcomes that still
// cannot be written are not lost: their leases run out and another attempt follows.
func (d *Dispatcher) flush(batch []*result) {
	if len(batch) == 0 {
		return
	}
	outs := make([]*store.Outcome, len(batch))
	for i, r := range batch {
		outs[i] = r.out
	}
	defer d.unhold(outs)
	var err error
	for n := range flushAttempts {
		ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
		var applied []bool
		applied, err = d.store.CompleteDeliveries(ctx, d.cfg.Replica, outs)
		cancel()
		if err == nil {
			for i, ok := range applied {
				if !ok {
					d.log.Info("outcome not applied: the message's lease was lost", "message", outs[i].MessageID, "state", outs[i].State)
				}
			}
			return
		}
		time.Sleep(time.Duration(n+1) * 200 * time.Millisecond)
	}
	d.log.Error("could not write delivery outcomes; their messages are tried again when their leases run out", "messages", len(outs), "error", err)
}

// release gives back a claimed message that was not tried (the dispatcher is stopping).
func (d *Dispatcher) release(c *store.Claimed) {
	d.results <- &result{out: d.released(c, "given back by a stopping dispatcher before it was tried")}
}

// released is the outcome of a claimed message given back untried.
func (d *Dispatcher) released(c *store.Claimed, why string) *store.Outcome {
	n := c.Attempts - 1
	o := &store.Outcome{TenantID: c.TenantID, MessageID: c.ID, Revision: c.Revision, State: waiting(n), StateReason: c.StateReason,
		Attempts: n, DueTime: d.now()}
	o.Events = []*store.MessageEvent{{Time: d.now(), Kind: store.EventReleased, State: o.State,
		Description: why, Attempt: n, Replica: d.cfg.Replica}}
	d.metrics.outcomes.WithLabelValues("unknown", "released").Inc()
	return o
}

// holdChannel stops claiming a channel's messages while it is disabled or refused.
func (d *Dispatcher) holdChannel(ref store.ChannelRef) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.held[ref] = true
}

// heldChannels returns the held channels, forgetting those enabled again.
func (d *Dispatcher) heldChannels(ctx context.Context) []store.ChannelRef {
	d.mu.Lock()
	refs := make([]store.ChannelRef, 0, len(d.held))
	for ref := range d.held {
		refs = append(refs, ref)
	}
	d.mu.Unlock()
	var out []store.ChannelRef
	for _, ref := range refs {
		e, err := d.cache.channel(ctx, ref)
		if err == nil && e.ch.State != "DISABLED" && e.ch.State != "AUTH_FAILED" {
			d.mu.Lock()
			delete(d.held, ref)
			d.mu.Unlock()
			continue
		}
		out = append(out, ref)
	}
	return out
}

// drain takes what is waiting in results without blocking.
func drain(results chan *result) []*result {
	var out []*result
	for {
		select {
		case r := <-results:
			out = append(out, r)
		default:
			return out
		}
	}
}
