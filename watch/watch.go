// Package watch follows one tenant's message events as they are written, by any replica,
// from a cursor a client can resume from: the feed behind MessageService.WatchMessages.
//
// Each watcher reads the event table itself (every Poll), so an event written by one
// replica reaches a watcher connected to another without any messaging between them; the
// database is the only shared state, as everywhere else in Reach.
package watch

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/reachhq/reach/internal/feed"
	"github.com/reachhq/reach/store"
)

// ErrBadCursor is the error of a cursor that this package did not write.
var ErrBadCursor = errors.New("not a cursor of WatchMessages")

// Defaults: how often a watcher reads new events, and how long it stays quiet before it
// sends its cursor anyway (which also keeps proxies from closing an idle stream).
const (
	DefaultPoll      = 250 * time.Millisecond
	DefaultHeartbeat = 15 * time.Second
	batch            = 200
)

// Item is one event with the cursor that resumes after it.
type Item struct {
	Event  *store.FeedEvent
	Cursor string
}

// Follower reads one tenant's events after its cursor.
type Follower struct {
	st        store.OutboxStore
	tenant    string
	cur       feed.Cursor
	match     func(*store.FeedEvent) bool
	Poll      time.Duration
	Heartbeat time.Duration
	Now       func() time.Time
}

// Start returns a follower of tenant's events after token ("" is from now on) that keeps
// those match accepts (nil: all).
func Start(ctx context.Context, st store.OutboxStore, tenant, token string, match func(*store.FeedEvent) bool) (*Follower, error) {
	f := &Follower{st: st, tenant: tenant, match: match, Poll: DefaultPoll, Heartbeat: DefaultHeartbeat, Now: time.Now}
	if token == "" {
		latest, _, err := st.LatestEventIDs(ctx)
		if err != nil {
			return nil, err
		}
		f.cur.After = latest
		return f, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil {
		return nil, ErrBadCursor
	}
	if err := json.Unmarshal(raw, &f.cur); err != nil || f.cur.After < 0 {
		return nil, ErrBadCursor
	}
	return f, nil
}

// Cursor is where the follower is, as a resume token.
func (f *Follower) Cursor() string {
	b, _ := json.Marshal(f.cur)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Next waits for matching events and returns them in order, each with its cursor. After
// Heartbeat without any it returns none: the caller sends Cursor() to show it is alive.
func (f *Follower) Next(ctx context.Context) ([]Item, error) {
	quiet := time.NewTimer(f.Heartbeat)
	defer quiet.Stop()
	for {
		events, err := f.st.ReadMessageFeed(ctx, f.tenant, f.cur.After, f.cur.Ranges(), batch)
		if err != nil {
			return nil, err
		}
		var out []Item
		now := f.Now()
		for _, e := range events {
			// Every event read moves the cursor, matching or not, so a resume never reads
			// it again.
			f.cur.Advance([]int64{e.ID}, now, feed.DefaultGapKeep)
			if f.match == nil || f.match(e) {
				out = append(out, Item{Event: e, Cursor: f.Cursor()})
			}
		}
		f.cur.Advance(nil, now, feed.DefaultGapKeep) // forget gaps past their time
		if len(out) > 0 {
			return out, nil
		}
		if len(events) == batch {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-quiet.C:
			return nil, nil
		case <-time.After(f.Poll):
		}
	}
}
