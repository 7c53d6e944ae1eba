package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// testCapPlaces: a user's window holds max messages; concurrent takers for the places
// left never take more (two dispatchers racing for the last place never both win); a
// message that has its place keeps it without taking another; windows, users and
// channels count apart; deleting the channel or the tenant erases the counts.
func testCapPlaces(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	msgs := newMessages(t1, "ch1", "tpl1", "cap", 12)
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", msgs)
	must(t, err)
	user := store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}
	key := store.CapKey{TenantID: t1, ChannelID: "ch1", User: user}
	day := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC) // midnight in Shanghai
	take := func(k store.CapKey, m *store.Message, window time.Time, max int) bool {
		t.Helper()
		ok, err := s.TakeCapPlace(ctx, k, m.ID, window, max)
		must(t, err)
		return ok
	}

	if !take(key, msgs[0], day, 2) {
		t.Fatal("the first message of the day has no place")
	}
	if !take(key, msgs[0], day, 2) {
		t.Fatal("a retry of a counted message lost its place")
	}
	// Eight takers race for the one place left: exactly one gets it.
	var won atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, m := range msgs[1:9] {
		wg.Go(func() {
			<-start
			ok, err := s.TakeCapPlace(ctx, key, m.ID, day, 2)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := won.Load(); n != 1 {
		t.Fatalf("%d of 8 racing messages took the last place", n)
	}
	if take(key, msgs[9], day, 2) {
		t.Fatal("a third message got a place in a window of two")
	}
	// The next day, another user, another channel: counts of their own.
	if !take(key, msgs[9], day.Add(24*time.Hour), 2) {
		t.Fatal("the next day has no place")
	}
	other := key
	other.User.ID = "2088000000000002"
	if !take(other, msgs[10], day, 2) {
		t.Fatal("another user has no place")
	}
	otherChannel := key
	otherChannel.ChannelID = "ch2"
	if !take(otherChannel, msgs[11], day, 1) {
		t.Fatal("another channel has no place")
	}
	if _, err := s.TakeCapPlace(ctx, key, "no-such-message", day, 2); err == nil {
		t.Fatal("a place for a message that does not exist")
	}
	_, err = s.TakeCapPlace(ctx, key, msgs[0].ID, day, 0)
	wantErr(t, err, store.ErrInvalid)
}

// testClaimContent: one content goes to a user once per window; the message that claimed
// it claims it again (a retry); after the window another message may; users and contents
// count apart; concurrent claimers of one content: one wins.
func testClaimContent(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := store.CapKey{TenantID: t1, ChannelID: "ch1", User: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}}
	t0 := time.Date(2026, 12, 5, 10, 0, 0, 0, time.UTC)
	const window = time.Hour
	claim := func(k store.CapKey, hash, msg string, at time.Time) string {
		t.Helper()
		dup, dupAt, err := s.ClaimContent(ctx, k, hash, msg, at, window)
		must(t, err)
		if dup != "" && dupAt.IsZero() {
			t.Fatal("a duplicate without the time of the earlier send")
		}
		return dup
	}
	if dup := claim(key, "h1", "m1", t0); dup != "" {
		t.Fatalf("first send of a content is a duplicate of %s", dup)
	}
	if dup := claim(key, "h1", "m1", t0.Add(time.Minute)); dup != "" {
		t.Fatalf("a retry is a duplicate of %s", dup)
	}
	if dup := claim(key, "h1", "m2", t0.Add(59*time.Minute)); dup != "m1" {
		t.Fatalf("the same content within the window: duplicate of %q, want m1", dup)
	}
	if dup := claim(key, "h2", "m3", t0.Add(time.Minute)); dup != "" {
		t.Fatalf("other content is a duplicate of %s", dup)
	}
	other := key
	other.User.ID = "2088000000000002"
	if dup := claim(other, "h1", "m4", t0.Add(time.Minute)); dup != "" {
		t.Fatalf("another user's content is a duplicate of %s", dup)
	}
	if dup := claim(key, "h1", "m5", t0.Add(61*time.Minute)); dup != "" {
		t.Fatalf("after the window: duplicate of %s", dup)
	}
	if dup := claim(key, "h1", "m6", t0.Add(62*time.Minute)); dup != "m5" {
		t.Fatalf("after a new send: duplicate of %q, want m5", dup)
	}

	var won atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 8 {
		wg.Go(func() {
			<-start
			dup, _, err := s.ClaimContent(ctx, key, "race", fmt.Sprintf("r%d", i), t0, window)
			if err != nil {
				t.Error(err)
			}
			if dup == "" {
				won.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := won.Load(); n != 1 {
		t.Fatalf("%d of 8 racing messages claimed one content", n)
	}
}
