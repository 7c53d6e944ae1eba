// Package webhooks posts events to tenants' endpoints: a relay turns the event tables (the
// outbox, written in the transaction of each change) into one delivery per event and
// endpoint, and deliverers post those, signed the Standard Webhooks way, retrying with
// backoff for more than a day. Any number of replicas may run it against one database:
// one relay works at a time under a lease, deliverers lease deliveries like the dispatcher
// leases messages.
package webhooks

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/reachhq/reach/internal/tracing"
)

// Config tunes the relay and the deliverer; the zero value is the production default.
type Config struct {
	// Replica names this process in leases and attempt records.
	Replica string
	// Retries are the waits after each failed try, in order; after the last the delivery
	// FAILED. The default, 5s 5m 30m 2h 5h 10h 10h, tries for about 28 hours.
	Retries []time.Duration
	// DisableAfter disables an endpoint whose every call failed for this long (default
	// 5 days), with a reason in its state_reason.
	DisableAfter time.Duration
	// Timeout bounds one call (default 15 s).
	Timeout time.Duration
	// Lease is how long a claimed delivery stays this replica's without renewal (default
	// 1 min). The deliverer renews what it holds every third of it, however long a call
	// waits for its endpoint's turn, so a replica that dies gives its deliveries up to
	// another within one lease.
	Lease time.Duration
	// Concurrency is how many calls this replica makes at once (default 16);
	// PerEndpoint how many of those may go to one endpoint (default 4).
	Concurrency, PerEndpoint int
	// Poll is how often the relay reads new events and idle deliverers look for due
	// deliveries (default 250 ms).
	Poll time.Duration
	// AllowPrivate admits endpoints on loopback and private addresses (and plain http).
	AllowPrivate bool
	// Tracing traces each call to an endpoint as a client span (the zero value: none).
	Tracing tracing.Tracing
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
	// Metrics is where the poster registers its metrics; nil registers none.
	Metrics prometheus.Registerer
}

// DefaultRetries is the retry schedule: the first try at once, then these waits.
var DefaultRetries = []time.Duration{5 * time.Second, 5 * time.Minute, 30 * time.Minute,
	2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

func (c Config) withDefaults() Config {
	if len(c.Retries) == 0 {
		c.Retries = DefaultRetries
	}
	c.DisableAfter = cmp.Or(c.DisableAfter, 5*24*time.Hour)
	c.Timeout = cmp.Or(c.Timeout, 15*time.Second)
	if c.Lease <= 0 {
		c.Lease = time.Minute
	}
	c.Concurrency = cmp.Or(c.Concurrency, 16)
	c.PerEndpoint = cmp.Or(c.PerEndpoint, 4)
	c.Poll = cmp.Or(c.Poll, 250*time.Millisecond)
	if c.Replica == "" {
		host, _ := os.Hostname()
		c.Replica = fmt.Sprintf("%s-%d", cmp.Or(host, "reach"), os.Getpid())
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// ParseRetries reads a retry schedule written as comma-separated durations ("5s,5m,30m").
func ParseRetries(s string) ([]time.Duration, error) {
	var out []time.Duration
	for _, part := range strings.Split(s, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(part))
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("webhook retry schedule %q: %q is not a positive duration", s, part)
		}
		out = append(out, d)
	}
	if len(out) == 0 {
		return nil, errors.New("webhook retry schedule is empty")
	}
	return out, nil
}
