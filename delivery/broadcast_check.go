package delivery

import (
	"context"
	"errors"
	"time"

	"github.com/reachhq/reach/store"
)

// A paused or cancelled broadcast stops its messages. The store holds or cancels the
// waiting ones itself, but not those a dispatcher already claimed: a lane may hold a claim
// batch for a minute at a low rate, and without this check all of it went to Alipay after
// the broadcast said PAUSED or CANCELLED. The check runs when an attempt starts and again
// right before the call, against a read at most the cache's lifetime old.

type broadcastEntry struct {
	state string
	err   error
	at    time.Time
}

// broadcastState reads a broadcast's state, reusing a read for the cache's lifetime.
func (c *cache) broadcastState(ctx context.Context, ref store.BroadcastRef) (string, error) {
	c.mu.Lock()
	e, ok := c.broadcasts[ref]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.state, e.err
	}
	state, err := c.store.BroadcastState(ctx, ref.TenantID, ref.ID)
	if err != nil && ctx.Err() != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.broadcasts) >= maxCachedBroadcasts {
		for r, old := range c.broadcasts { // forget the stale reads before adding one
			if c.now().Sub(old.at) >= c.ttl {
				delete(c.broadcasts, r)
			}
		}
	}
	c.broadcasts[ref] = &broadcastEntry{state: state, err: err, at: c.now()}
	return state, err
}

// maxCachedBroadcasts is how many broadcast reads the cache keeps before it drops stale ones.
const maxCachedBroadcasts = 1024

// checkBroadcast holds a message of a paused broadcast (looked at again after HoldFor:
// a hold until the resume itself could outlive a resume this dispatcher read too late) and
// cancels one of a cancelled broadcast. Nil for any other message.
func (a *attempt) checkBroadcast(ctx context.Context) *store.Outcome {
	id := a.c.BroadcastID
	if id == "" {
		return nil
	}
	state, err := a.d.cache.broadcastState(ctx, store.BroadcastRef{TenantID: a.c.TenantID, ID: id})
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // its broadcast is gone, the message is an ordinary one now
	case err != nil:
		return a.later(ctx, "could not read the broadcast: "+err.Error(), a.d.cfg.RateLimitDelay)
	case state == store.BroadcastPaused:
		return a.waitUntil(a.now.Add(a.d.cfg.HoldFor), store.ReasonBroadcastPaused, "broadcast_paused")
	case state == store.BroadcastCancelled:
		o := a.outcome("CANCELLED", store.ReasonBroadcastCancelled, false, "cancelled")
		return a.event(o, store.EventCancelled, store.ReasonBroadcastCancelled, nil, 0)
	}
	return nil
}
