package delivery

import (
	"context"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Adaptive pacing: Alipay publishes no rate for its send APIs (§6.1), so a channel runs
// at its configured rate until Alipay answers 40005, then halves (at most once per
// slowDownEvery, since the calls already in flight will all report the same limit) and
// climbs back by a quarter every recoverEvery without another limit.
const (
	slowDownEvery = time.Second
	recoverEvery  = 2 * time.Second
	minRate       = 0.5
)

type pace struct {
	mu      sync.Mutex
	lim     *rate.Limiter
	ceiling float64
	current float64
	changed time.Time
}

func newPace(perSecond float64) *pace {
	return &pace{lim: rate.NewLimiter(rate.Limit(perSecond), burstOf(perSecond)), ceiling: perSecond, current: perSecond}
}

// burstOf lets a channel start a few calls together without exceeding its rate over a
// second.
func burstOf(perSecond float64) int {
	return max(1, int(math.Ceil(perSecond/20)))
}

func (p *pace) wait(ctx context.Context) error { return p.lim.Wait(ctx) }

// setCeiling applies the channel's configured rate; a slowed channel stays slow until it
// recovers, but never above the new ceiling.
func (p *pace) setCeiling(perSecond float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if perSecond == p.ceiling {
		return
	}
	if p.current == p.ceiling || p.current > perSecond {
		p.set(perSecond)
	}
	p.ceiling = perSecond
}

// slowDown halves the rate after Alipay limited the channel. It reports whether it did.
func (p *pace) slowDown(now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now.Sub(p.changed) < slowDownEvery && p.current < p.ceiling {
		return false
	}
	p.set(max(p.current/2, minRate))
	p.changed = now
	return true
}

// recover raises a slowed rate after a success, gradually.
func (p *pace) recover(now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.current >= p.ceiling || now.Sub(p.changed) < recoverEvery {
		return
	}
	p.set(min(p.ceiling, p.current*1.25+0.5))
	p.changed = now
}

func (p *pace) rate() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.current
}

func (p *pace) set(r float64) {
	p.current = r
	p.lim.SetLimit(rate.Limit(r))
	p.lim.SetBurst(burstOf(r))
}
