package alipaysim

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"time"

	"golang.org/x/time/rate"
)

// Limits are an app's rate limit and latency. Alipay publishes no QPS numbers (§6.1), so
// both are settings: in the config (per app) and at runtime (SetLimits, the admin API).
type Limits struct {
	// RateLimit is the app's calls per second over all its APIs; 0 means unlimited. A
	// token bucket holding ceil(RateLimit) calls, so a burst of one second's worth passes.
	RateLimit float64 `json:"rate_limit,omitempty"`
	// Latency is waited before answering each call; or, for a uniformly random wait,
	// LatencyMin..LatencyMax (LatencyMin defaults to 0).
	Latency    Duration `json:"latency,omitempty"`
	LatencyMin Duration `json:"latency_min,omitempty"`
	LatencyMax Duration `json:"latency_max,omitempty"`
}

// maxRate bounds rate_limit so the bucket size stays a sane int.
const maxRate = 1e6

func (l Limits) check() error {
	switch {
	case math.IsNaN(l.RateLimit) || l.RateLimit < 0 || l.RateLimit > maxRate:
		return fmt.Errorf("rate_limit is requests per second, 0 (unlimited) to %g", float64(maxRate))
	case l.Latency < 0 || l.LatencyMin < 0 || l.LatencyMax < 0:
		return errors.New("latency, latency_min and latency_max must not be negative")
	case l.Latency > 0 && (l.LatencyMin > 0 || l.LatencyMax > 0):
		return errors.New("set latency (fixed) or latency_min/latency_max (a range), not both")
	case l.LatencyMin > l.LatencyMax:
		return errors.New("latency_min needs a latency_max at least as large")
	}
	return nil
}

// throttle is an app's live limits. It is replaced whole, never changed, so a request
// reads it with one atomic load and waits out its latency holding no lock.
type throttle struct {
	Limits
	bucket *rate.Limiter // nil when unlimited; safe for concurrent use, one per app
}

func newThrottle(l Limits) *throttle {
	t := &throttle{Limits: l}
	if l.RateLimit > 0 {
		t.bucket = rate.NewLimiter(rate.Limit(l.RateLimit), int(math.Ceil(l.RateLimit)))
	}
	return t
}

func (t *throttle) delay() time.Duration {
	if t.LatencyMax > 0 {
		lo, hi := int64(t.LatencyMin), int64(t.LatencyMax)
		return time.Duration(lo + rand.Int64N(hi-lo+1))
	}
	return time.Duration(t.Latency)
}

// limit applies a's rate limit and latency to an authenticated call and reports whether
// the call is over the limit. The token is taken on arrival, the latency waited after, so
// a limited call is answered as slowly as any other.
func (s *Server) limit(r *http.Request, a *app) (limited bool) {
	t := a.limits.Load()
	limited = t.bucket != nil && !t.bucket.Allow()
	wait(r.Context(), t.delay())
	return limited
}

// wait sleeps d, or less if the client goes away.
func wait(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// SetLimits replaces appID's rate limit and latency (zero fields turn them off). The
// bucket starts full. Reset restores the configured limits.
func (s *Server) SetLimits(appID string, l Limits) error {
	a := s.byID[appID]
	if a == nil {
		return fmt.Errorf("%w %q", ErrUnknownApp, appID)
	}
	if err := l.check(); err != nil {
		return errInvalid(err.Error())
	}
	a.limits.Store(newThrottle(l))
	return nil
}

// Limits returns appID's current rate limit and latency.
func (s *Server) Limits(appID string) (Limits, error) {
	a := s.byID[appID]
	if a == nil {
		return Limits{}, fmt.Errorf("%w %q", ErrUnknownApp, appID)
	}
	return a.limits.Load().Limits, nil
}

// adminLimits is GET /sim/apps/{app_id}/limits.
func (s *Server) adminLimits(w http.ResponseWriter, r *http.Request) {
	l, err := s.Limits(r.PathValue("app_id"))
	reply(w, l, err)
}

// adminSetLimits is POST /sim/apps/{app_id}/limits: {"rate_limit","latency","latency_min",
// "latency_max"}, replacing all four; it answers the limits now in force.
func (s *Server) adminSetLimits(w http.ResponseWriter, r *http.Request) {
	var l Limits
	if !readJSON(w, r, &l) {
		return
	}
	reply(w, l, s.SetLimits(r.PathValue("app_id"), l))
}
