package storetest

import (
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
