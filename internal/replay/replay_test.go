package replay

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/gormstore"
	"github.com/reachhq/reach/store/sqlite"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	s, err := sqlite.Open("sqlite::memory:", gormstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	if err := s.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return s
}

var now = time.Date(2030, 5, 1, 12, 0, 0, 0, time.UTC)

func TestCheck(t *testing.T) {
	g := New(nil, 0, func() time.Time { return now })
	if g.MaxAge() != DefaultMaxAge {
		t.Fatalf("default max age %s", g.MaxAge())
	}
	for _, tt := range []struct {
		at   time.Time
		want error
	}{
		{now, nil},
		{now.Add(-DefaultMaxAge), nil},
		{now.Add(futureSkew), nil},
		{now.Add(-DefaultMaxAge - time.Second), ErrTooOld},
		{now.Add(-30 * 24 * time.Hour), ErrTooOld},
		{now.Add(futureSkew + time.Second), ErrFuture},
		{time.Time{}, ErrUndated},
	} {
		err := g.check(tt.at)
		if !errors.Is(err, tt.want) || (tt.want != nil && !errors.Is(err, ErrRefused)) {
			t.Errorf("check(%v) = %v, want %v", tt.at, err, tt.want)
		}
	}
	if err := New(nil, time.Hour, func() time.Time { return now }).check(now.Add(-2 * time.Hour)); !errors.Is(err, ErrTooOld) {
		t.Errorf("a configured limit of 1h let a 2h old event through: %v", err)
	}
}

func TestKeys(t *testing.T) {
	created := time.UnixMilli(1714536000123)
	if got := LifeAccountKey("follow", "USER_ID", "2088", created); got != "event:follow:USER_ID:2088:1714536000123" {
		t.Errorf("LifeAccountKey = %q", got)
	}
	if LifeAccountKey("follow", "USER_ID", "2088", created) == LifeAccountKey("unfollow", "USER_ID", "2088", created) {
		t.Error("follow and unfollow share a key")
	}
	if got := MessageKey("abc", "sig"); got != "notify_id:abc" {
		t.Errorf("MessageKey = %q", got)
	}
	if a, b := MessageKey("", "sig1"), MessageKey("", "sig2"); a == b || !strings.HasPrefix(a, "sign:") {
		t.Errorf("keys by signature: %q %q", a, b)
	}
	long := MessageKey(strings.Repeat("x", 300), "")
	if len(long) > maxKeyLen || !strings.HasPrefix(long, "sha256:") {
		t.Errorf("a long notify_id gives %q", long)
	}
}

func TestMessageTime(t *testing.T) {
	for _, tt := range []struct {
		params url.Values
		want   time.Time
	}{
		{url.Values{"utc_timestamp": {"1714536000123"}}, time.UnixMilli(1714536000123)},
		{url.Values{"notify_time": {"2024-05-01 12:00:00"}}, time.Date(2024, 5, 1, 4, 0, 0, 0, time.UTC)},
		{url.Values{"utc_timestamp": {"x"}, "notify_time": {"2024-05-01 12:00:00"}}, time.Date(2024, 5, 1, 4, 0, 0, 0, time.UTC)},
		{url.Values{"notify_time": {"yesterday"}}, time.Time{}},
		{url.Values{}, time.Time{}},
	} {
		if got := MessageTime(tt.params); !got.Equal(tt.want) {
			t.Errorf("MessageTime(%v) = %v, want %v", tt.params, got, tt.want)
		}
	}
}

// TestApply: a refused event records nothing; an applied one is a duplicate afterwards;
// an older event than the row's is recorded and changes nothing.
func TestApply(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	g := New(st, time.Hour, func() time.Time { return now })
	user := store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}
	key := store.SubscriptionKey{TenantID: "t", ChannelID: "c", User: user}
	event := func(k string, at time.Time, state string) Event {
		return Event{TenantID: "t", ChannelID: "c", Key: k, Time: at,
			Change: &store.LedgerUpsert{Key: key, Change: store.SubscriptionChange{Kind: "FOLLOWER", State: state, StateReason: state}}}
	}
	if _, err := g.Apply(ctx, event("old", now.Add(-2*time.Hour), "ACTIVE")); !errors.Is(err, ErrTooOld) {
		t.Fatalf("old event: %v", err)
	}
	if _, err := st.FindSubscription(ctx, "t", "c", "", user); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused event made a row: %v", err)
	}
	steps := []struct {
		ev    Event
		want  store.NotificationResult
		state string
	}{
		{event("unfollow", now.Add(-time.Minute), "CANCELLED"), store.NotificationResult{}, "CANCELLED"},
		{event("unfollow", now.Add(-time.Minute), "CANCELLED"), store.NotificationResult{Duplicate: true}, "CANCELLED"},
		{event("follow", now.Add(-2*time.Minute), "ACTIVE"), store.NotificationResult{Superseded: true}, "CANCELLED"},
		{event("follow", now.Add(-2*time.Minute), "ACTIVE"), store.NotificationResult{Duplicate: true}, "CANCELLED"},
		{event("follow-again", now, "ACTIVE"), store.NotificationResult{}, "ACTIVE"},
	}
	for i, s := range steps {
		got, err := g.Apply(ctx, s.ev)
		if err != nil || got != s.want {
			t.Fatalf("step %d: %+v %v, want %+v", i, got, err, s.want)
		}
		row, err := st.FindSubscription(ctx, "t", "c", "", user)
		if err != nil || row.State != s.state {
			t.Fatalf("step %d: row %+v %v, want %s", i, row, err, s.state)
		}
	}
}

// TestSweep: the sweep deletes the records whose time has passed, and only those.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	clock := now
	g := New(st, time.Hour, func() time.Time { return clock })
	for i := range 3 {
		if _, err := g.Apply(ctx, Event{TenantID: "t", ChannelID: "c", Key: "k" + string(rune('a'+i)), Time: now.Add(-time.Duration(i) * 30 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	clock = now.Add(50 * time.Minute) // past the expiry of kb (now+40m) and kc (now+10m), not ka (now+70m)
	g.purge(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)))
	clock = now
	for k, dup := range map[string]bool{"ka": true, "kb": false, "kc": false} {
		res, err := g.Apply(ctx, Event{TenantID: "t", ChannelID: "c", Key: k, Time: now})
		if err != nil || res.Duplicate != dup {
			t.Errorf("%s after the sweep: %+v %v, want duplicate %v", k, res, err, dup)
		}
	}
}
