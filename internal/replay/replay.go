// Package replay keeps Alipay's notifications from changing anything twice or late: it
// dates and names each one, refuses those too old to trust, and applies the rest through
// the store at most once, across replicas.
package replay

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reachhq/reach/store"
)

// DefaultMaxAge is how old a notification may be and still apply. Alipay retries an
// unanswered notification for about 25 hours (4m, 10m, 10m, 1h, 2h, 6h, 15h); twice that
// lets every genuine retry through, even after Reach was down for a day.
const DefaultMaxAge = 48 * time.Hour

// futureSkew is how far ahead of this server's clock an event may be dated: clocks differ
// a little, a notification from tomorrow is wrong.
const futureSkew = 10 * time.Minute

// Refusals. They wrap ErrRefused, which the transport answers as a bad request: Alipay
// may retry, and the retry is refused the same way.
var (
	ErrRefused = errors.New("notification refused")
	ErrTooOld  = fmt.Errorf("%w: older than the notification age limit", ErrRefused)
	ErrFuture  = fmt.Errorf("%w: dated in the future", ErrRefused)
	ErrUndated = fmt.Errorf("%w: it carries no time", ErrRefused)
)

// Guard applies notifications once.
type Guard struct {
	store  store.NotificationStore
	maxAge time.Duration
	now    func() time.Time
}

// New returns a guard over st; maxAge 0 means DefaultMaxAge.
func New(st store.NotificationStore, maxAge time.Duration, now func() time.Time) *Guard {
	if maxAge <= 0 {
		maxAge = DefaultMaxAge
	}
	return &Guard{store: st, maxAge: maxAge, now: now}
}

// MaxAge is the age limit in force.
func (g *Guard) MaxAge() time.Duration { return g.maxAge }

// Event is one verified notification of a channel.
type Event struct {
	TenantID, ChannelID string
	Key                 string    // from MessageKey or LifeAccountKey
	Time                time.Time // when Alipay says it happened
	// Change is what the event does to the ledger (nil when it changes no row). Its
	// EventTime is set from Time, so an older event never overwrites a newer one.
	Change *store.LedgerUpsert
}

// Apply refuses ev when it is undated, too old or from the future, and otherwise records
// it and applies its change unless it was recorded before. The record outlives the age
// limit, so a replay is either recognised or too old.
func (g *Guard) Apply(ctx context.Context, ev Event) (store.NotificationResult, error) {
	if err := g.check(ev.Time); err != nil {
		return store.NotificationResult{}, err
	}
	if ev.Change != nil {
		t := ev.Time
		ev.Change.Change.EventTime = &t
	}
	rec := &store.Notification{TenantID: ev.TenantID, ChannelID: ev.ChannelID, Key: ev.Key,
		EventTime: ev.Time, ExpireTime: ev.Time.Add(g.maxAge + futureSkew)}
	return g.store.ApplyNotification(ctx, rec, ev.Change)
}

func (g *Guard) check(t time.Time) error {
	if t.IsZero() {
		return ErrUndated
	}
	now := g.now()
	if age := now.Sub(t); age > g.maxAge {
		return fmt.Errorf("%w (%s old, limit %s)", ErrTooOld, age.Round(time.Second), g.maxAge)
	}
	if t.Sub(now) > futureSkew {
		return fmt.Errorf("%w (%s ahead of this server's clock)", ErrFuture, t.Sub(now).Round(time.Second))
	}
	return nil
}
