package delivery

import (
	"context"
	"time"

	"github.com/reachhq/reach/store"
)

// hold records a claimed message as this dispatcher's; false when it already was (its
// lease ran out and the claim took it again: the copy already here goes on).
func (d *Dispatcher) hold(c *store.Claimed) bool {
	ref := store.MessageRef{TenantID: c.TenantID, ID: c.ID}
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.holding[ref]; ok {
		return false
	}
	d.holding[ref] = struct{}{}
	return true
}

// unhold forgets messages whose outcome was written (or could not be).
func (d *Dispatcher) unhold(outs []*store.Outcome) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range outs {
		delete(d.holding, store.MessageRef{TenantID: o.TenantID, ID: o.MessageID})
	}
}

// extendLeases keeps the leases of held messages alive until done is closed: a claimed
// message waits in its lane, and a lease that ran out meanwhile would let another
// dispatcher send it too.
func (d *Dispatcher) extendLeases(done <-chan struct{}) {
	t := time.NewTicker(d.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
		}
		d.mu.Lock()
		refs := make([]store.MessageRef, 0, len(d.holding))
		for ref := range d.holding {
			refs = append(refs, ref)
		}
		d.mu.Unlock()
		until := d.now().Add(d.cfg.Lease)
		ctx, cancel := context.WithTimeout(context.Background(), d.cfg.Lease/3)
		_, err := d.store.ExtendLeases(ctx, d.cfg.Replica, refs, until)
		cancel()
		if err != nil {
			d.log.Warn("extend leases", "messages", len(refs), "error", err)
			continue
		}
		d.leaseUntil.Store(until.UnixNano())
	}
}

// leaseLasts reports whether this dispatcher still surely holds c for a whole call: a
// message whose lease may run out mid-call is given back instead of sent, since another
// dispatcher could send it too.
func (d *Dispatcher) leaseLasts(c *store.Claimed) bool {
	until := time.Unix(0, d.leaseUntil.Load())
	if c.LeaseExpireTime != nil && c.LeaseExpireTime.After(until) {
		until = *c.LeaseExpireTime
	}
	return d.now().Add(d.cfg.CallTimeout).Before(until)
}
