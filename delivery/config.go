// Package delivery hands queued messages to Alipay: it leases due messages from the store,
// sends each through its channel's product adapter, applies what Alipay answered to the
// message, its template, its ledger row and its channel, and records every step. Any
// number of dispatchers may run against one database; server/ never runs delivery itself.
package delivery

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"

	"github.com/reachhq/reach/internal/tracing"
)

// Config tunes a dispatcher; zero fields take the defaults below.
type Config struct {
	// Replica names this dispatcher in leases and events; default host-pid-random.
	Replica string
	// Lease is how long a claimed message is this replica's before another may take it
	// over (after a crash). It must outlast a call to Alipay.
	Lease time.Duration
	// Poll is how often an idle dispatcher looks for due messages that another replica's
	// API queued (its own API wakes it at once).
	Poll time.Duration
	// Batch is how many messages one claim takes at most.
	Batch int
	// CallTimeout bounds one call to Alipay (the official SDKs use 15 s).
	CallTimeout time.Duration
	// HoldFor is how often a message of a disabled or refused channel is looked at again.
	HoldFor time.Duration
	// MaxInFlight is a channel's default number of concurrent calls on this replica.
	MaxInFlight int
	// SendsPerSecond is a channel's default rate, shared by every replica.
	SendsPerSecond float64
	// MaxAttempts is a channel's default number of attempts.
	MaxAttempts int
	// BackoffInitial and BackoffMax shape the exponential backoff between attempts.
	BackoffInitial, BackoffMax time.Duration
	// RateLimitDelay is how long a rate-limited message waits before it is tried again.
	RateLimitDelay time.Duration
	// FlushEvery is how long outcomes wait to be written together.
	FlushEvery time.Duration
	// CacheFor is how long a channel or template read is reused: a change made through the
	// API reaches the dispatcher within this time.
	CacheFor time.Duration
	// Tracing traces each attempt and its call to Alipay (the zero value: no spans). The
	// connector's HTTP client should trace with the same (appconn.WithTracing).
	Tracing tracing.Tracing
	// Now is the dispatcher's clock (due times, leases, quiet hours); nil is the system
	// clock. Tests move it to cross quiet hours without waiting.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	c.Replica = cmp.Or(c.Replica, defaultReplica())
	c.Lease = cmp.Or(c.Lease, time.Minute)
	c.Poll = cmp.Or(c.Poll, 200*time.Millisecond)
	c.Batch = cmp.Or(c.Batch, 200)
	c.CallTimeout = cmp.Or(c.CallTimeout, 15*time.Second)
	c.HoldFor = cmp.Or(c.HoldFor, 5*time.Second)
	c.MaxInFlight = cmp.Or(c.MaxInFlight, 16)
	c.SendsPerSecond = cmp.Or(c.SendsPerSecond, 50)
	c.MaxAttempts = cmp.Or(c.MaxAttempts, 5)
	c.BackoffInitial = cmp.Or(c.BackoffInitial, time.Second)
	c.BackoffMax = cmp.Or(c.BackoffMax, 5*time.Minute)
	c.RateLimitDelay = cmp.Or(c.RateLimitDelay, time.Second)
	c.FlushEvery = cmp.Or(c.FlushEvery, 5*time.Millisecond)
	c.CacheFor = cmp.Or(c.CacheFor, 2*time.Second)
	return c
}

// Validate reports settings that cannot work. Zero takes the default; a negative value is
// an error (a negative rate or in-flight limit used to stop a channel's delivery silently).
func (c Config) Validate() error {
	for name, d := range map[string]time.Duration{"lease": c.Lease, "poll": c.Poll, "call timeout": c.CallTimeout,
		"hold": c.HoldFor, "initial backoff": c.BackoffInitial, "longest backoff": c.BackoffMax,
		"rate-limit delay": c.RateLimitDelay, "flush interval": c.FlushEvery, "cache time": c.CacheFor} {
		if d < 0 {
			return fmt.Errorf("delivery %s %v must not be negative", name, d)
		}
	}
	for name, n := range map[string]float64{"claim batch": float64(c.Batch), "max in flight": float64(c.MaxInFlight),
		"sends per second": c.SendsPerSecond, "max attempts": float64(c.MaxAttempts)} {
		if n < 0 {
			return fmt.Errorf("delivery %s %v must not be negative", name, n)
		}
	}
	c = c.withDefaults()
	if c.BackoffMax < c.BackoffInitial {
		return fmt.Errorf("delivery longest backoff %v is shorter than the initial backoff %v", c.BackoffMax, c.BackoffInitial)
	}
	if c.Lease < 2*c.CallTimeout {
		return fmt.Errorf("delivery lease %v must be at least twice the call timeout %v", c.Lease, c.CallTimeout)
	}
	if len(c.Replica) > 128 {
		return fmt.Errorf("replica name longer than 128 characters")
	}
	return nil
}

func defaultReplica() string {
	host, _ := os.Hostname()
	b := make([]byte, 3)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s-%d-%s", cmp.Or(host, "reach"), os.Getpid(), hex.EncodeToString(b))
}
