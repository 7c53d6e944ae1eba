package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/reachhq/reach/store"
)

// laneIdle is how long a lane with nothing to do lives on before it is dropped.
const laneIdle = time.Minute

// lane delivers one channel's messages: at most maxInFlight calls at once, paced by the
// channel's adaptive rate. Lanes share nothing, so one channel's trouble stays its own.
type lane struct {
	d   *Dispatcher
	ref store.ChannelRef

	mu          sync.Mutex
	queue       []*store.Claimed
	inFlight    int
	maxInFlight int
	stopped     bool
	dropped     bool          // removed from the dispatcher: a new lane takes its work
	changed     chan struct{} // something the run loop waits for happened
	done        chan struct{} // closed when run returns

	pace     *pace     // this replica's adaptive slow-down after 40005
	schedule *schedule // the channel's slots, shared by every replica
}

func newLane(d *Dispatcher, ref store.ChannelRef) *lane {
	return &lane{d: d, ref: ref, maxInFlight: d.cfg.MaxInFlight, changed: make(chan struct{}, 1),
		done: make(chan struct{}), pace: newPace(d.cfg.SendsPerSecond),
		schedule: &schedule{st: d.store, ref: ref, log: d.log, timed: d.metrics.reserve}}
}

func (l *lane) signal() {
	select {
	case l.changed <- struct{}{}:
	default:
	}
}

// push queues a claimed message; a stopped lane gives it straight back. It reports false
// when the lane was dropped meanwhile (the caller starts a new one).
func (l *lane) push(c *store.Claimed) bool {
	l.mu.Lock()
	switch {
	case l.dropped:
		l.mu.Unlock()
		return false
	case l.stopped:
		l.mu.Unlock()
		l.d.release(c)
		return true
	}
	l.queue = append(l.queue, c)
	l.mu.Unlock()
	l.signal()
	return true
}

// busy reports whether the lane already holds more than it can start soon.
func (l *lane) busy() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) >= 2*l.maxInFlight
}

// drop marks an idle lane dropped and reports whether it was idle.
func (l *lane) drop() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.queue) > 0 || l.inFlight > 0 || l.stopped {
		return false
	}
	l.dropped = true
	return true
}

// setPolicy applies the channel's delivery policy as last read.
func (l *lane) setPolicy(maxInFlight int, perSecond float64) {
	l.mu.Lock()
	changed := l.maxInFlight != maxInFlight
	l.maxInFlight = maxInFlight
	l.mu.Unlock()
	l.pace.setCeiling(perSecond)
	if changed {
		l.signal()
	}
}

// stop gives back every message not started yet; calls in flight go on.
func (l *lane) stop() {
	l.mu.Lock()
	l.stopped = true
	queued := l.queue
	l.queue = nil
	l.mu.Unlock()
	for _, c := range queued {
		l.d.release(c)
	}
	l.signal()
}

// run starts calls while there is work, a free slot and the pace allows.
func (l *lane) run(ctx context.Context) {
	defer close(l.done)
	idle := time.NewTimer(laneIdle)
	defer idle.Stop()
	for {
		c, ok := l.next()
		if !ok {
			select {
			case <-l.changed:
			case <-idle.C:
				if l.d.dropLane(l) {
					return
				}
				idle.Reset(laneIdle)
			}
			if l.isStopped() {
				return
			}
			continue
		}
		if err := l.pace.wait(ctx); err != nil {
			l.finish(nil)
			l.d.release(c)
			continue // the dispatcher is stopping: stop() gives back the rest
		}
		go func() {
			l.d.deliver(c, l)
			l.finish(nil)
		}()
		idle.Reset(laneIdle)
	}
}

// pending is how many messages the lane holds: queued and in flight.
func (l *lane) pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.queue) + l.inFlight
}

// next takes the next message if a call slot is free, counting it in flight.
func (l *lane) next() (*store.Claimed, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped || len(l.queue) == 0 || l.inFlight >= l.maxInFlight {
		return nil, false
	}
	c := l.queue[0]
	l.queue[0] = nil
	l.queue = l.queue[1:]
	l.inFlight++
	if len(l.queue) == l.maxInFlight {
		l.d.Wake() // no longer busy: the next claim may feed it again
	}
	return c, true
}

// finish frees a call slot.
func (l *lane) finish(*store.Claimed) {
	l.mu.Lock()
	l.inFlight--
	l.mu.Unlock()
	l.signal()
}

func (l *lane) isStopped() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.stopped && l.inFlight == 0
}
