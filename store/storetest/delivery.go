package storetest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

func claim(t *testing.T, s store.Store, owner string, now time.Time, limit int, skip ...store.ChannelRef) []*store.Claimed {
	t.Helper()
	got, err := s.ClaimMessages(t.Context(), store.ClaimRequest{Owner: owner, Now: now, Lease: time.Minute, Limit: limit, Skip: skip})
	must(t, err)
	return got
}

func claimedIDs(c []*store.Claimed) []string {
	return ids(c, func(m *store.Claimed) string { return m.ID })
}

// testClaimMessages: due messages are leased soonest first, never twice while a lease lives,
// scheduled ones wait, skipped channels are passed over.
func testClaimMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1, t2 := tenant(t, s, "one"), tenant(t, s, "two")
	early := newMessages("", "ch1", "tpl1", "a", 3) // send_time at(5)
	for _, m := range early {
		m.SendTime = at(1)
	}
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", early)
	must(t, err)
	late := newMessages("", "ch2", "tpl1", "b", 2) // due at(5)
	_, _, _, err = s.CreateMessages(ctx, t2, "", "", late)
	must(t, err)
	scheduled := newMessages("", "ch1", "tpl1", "c", 1)
	later := at(10).Add(30 * time.Second)
	scheduled[0].SendTime = &later
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", scheduled)
	must(t, err)

	now := *at(10)
	first := claim(t, s, "r1", now, 2)
	wantEqual(t, "first claim", claimedIDs(first), []string{"a0000", "a0001"})
	for _, c := range first {
		if c.State != "SENDING" || c.Attempts != 1 || c.LeaseOwner != "r1" || c.TakenOver || c.LeaseExpireTime == nil || !c.LeaseExpireTime.Equal(now.Add(time.Minute)) {
			t.Fatalf("claimed message %+v", c.Message)
		}
		stored, err := s.GetMessage(ctx, c.TenantID, c.ID)
		must(t, err)
		wantEqual(t, "stored claimed message", stored, c.Message)
	}
	// Another replica gets the rest that is due, passing over the leased ones.
	second := claim(t, s, "r2", now, 10, store.ChannelRef{TenantID: t2, ChannelID: "ch2"})
	wantEqual(t, "second claim (ch2 skipped)", claimedIDs(second), []string{"a0002"})
	third := claim(t, s, "r2", now, 10)
	wantEqual(t, "third claim", claimedIDs(third), []string{"b0000", "b0001"})
	if rest := claim(t, s, "r3", now, 10); len(rest) != 0 {
		t.Fatalf("claimed again while leased: %v", claimedIDs(rest))
	}
	depth, err := s.QueueDepth(ctx)
	must(t, err)
	slices.SortFunc(depth, func(a, b store.QueueCount) int { return strings.Compare(a.ChannelID+a.State, b.ChannelID+b.State) })
	wantEqual(t, "queue depth", depth, []store.QueueCount{
		{TenantID: t1, ChannelID: "ch1", State: "QUEUED", Count: 1}, {TenantID: t1, ChannelID: "ch1", State: "SENDING", Count: 3},
		{TenantID: t2, ChannelID: "ch2", State: "SENDING", Count: 2}})
	// The scheduled message is due at its send time (the other leases still live).
	wantEqual(t, "at send time", claimedIDs(claim(t, s, "r3", later, 10)), []string{"c0000"})
	_, err = s.ClaimMessages(ctx, store.ClaimRequest{Now: now, Limit: 1})
	wantErr(t, err, store.ErrInvalid)
}

// testLeaseTakeover: a lease that ran out is taken over by another replica, which is told;
// the first owner can no longer complete the message.
func testLeaseTakeover(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "m", 1))
	must(t, err)
	now := *at(10)
	must(t, errIf(len(claim(t, s, "r1", now, 5)) != 1, "first claim"))
	if got := claim(t, s, "r2", now.Add(59*time.Second), 5); len(got) != 0 {
		t.Fatal("taken over before the lease ran out")
	}
	// A lease extended by its owner does not run out; another owner cannot extend it.
	n, err := s.ExtendLeases(ctx, "r1", []store.MessageRef{{TenantID: t1, ID: "m0000"}}, now.Add(90*time.Second))
	must(t, err)
	if n != 1 {
		t.Fatalf("extended %d leases", n)
	}
	if n, _ := s.ExtendLeases(ctx, "r2", []store.MessageRef{{TenantID: t1, ID: "m0000"}}, now.Add(time.Hour)); n != 0 {
		t.Fatal("a replica extended another's lease")
	}
	if got := claim(t, s, "r2", now.Add(61*time.Second), 5); len(got) != 0 {
		t.Fatal("an extended lease was taken over")
	}
	got := claim(t, s, "r2", now.Add(91*time.Second), 5)
	if len(got) != 1 || !got[0].TakenOver || got[0].Attempts != 2 || got[0].LeaseOwner != "r2" {
		t.Fatalf("take-over: %+v", got)
	}
	sent := &store.Outcome{TenantID: t1, MessageID: "m0000", State: "SENT", StateReason: "accepted", Attempts: 2}
	applied, err := s.CompleteDeliveries(ctx, "r1", []*store.Outcome{sent})
	must(t, err)
	wantEqual(t, "stale owner's completion applied", applied, []bool{false})
	applied, err = s.CompleteDeliveries(ctx, "r2", []*store.Outcome{sent})
	must(t, err)
	wantEqual(t, "owner's completion applied", applied, []bool{true})
	applied, err = s.CompleteDeliveries(ctx, "r2", []*store.Outcome{sent})
	must(t, err)
	wantEqual(t, "second completion applied", applied, []bool{false})
}

func errIf(cond bool, what string) error {
	if cond {
		return fmt.Errorf("%s failed", what)
	}
	return nil
}

// testClaimConcurrent: replicas claiming at once never share a message, and together take
// every due one.
func testClaimConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	const n = 300
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "m", n))
	must(t, err)
	var mu sync.Mutex
	seen := map[string]string{}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		owner := fmt.Sprintf("r%d", w)
		wg.Go(func() {
			for {
				got, err := s.ClaimMessages(ctx, store.ClaimRequest{Owner: owner, Now: *at(10), Lease: time.Minute, Limit: 7})
				if err != nil {
					errs <- err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, c := range got {
					if prev, ok := seen[c.ID]; ok {
						errs <- fmt.Errorf("%s claimed by %s and %s", c.ID, prev, owner)
					}
					seen[c.ID] = owner
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("claimed %d of %d messages", len(seen), n)
	}
}

// testCompleteDeliveries: an outcome, its events and its effects land together.
func testCompleteDeliveries(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	enabledChannel(t, s, t1, "ch1")
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "ext1")))
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl2", "ext2")))
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "a", 3))
	must(t, err)
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl2", "b", 1))
	must(t, err)
	key := subKey(t1, "ch1", "", "u1")
	_, err = s.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"})
	must(t, err)
	got := claim(t, s, "r1", *at(10), 1) // a0000 only: a0001 and a0002 stay queued
	wantEqual(t, "claimed", claimedIDs(got), []string{"a0000"})

	sent := *at(11)
	alipayErr := &store.AlipayError{Code: "40004", Msg: "Business Failed", SubCode: "MSG_TEMPLATE_NOT_EXIST", SubMsg: "模板不存在"}
	out := &store.Outcome{TenantID: t1, MessageID: "a0000", State: "FAILED", StateReason: "template gone", Attempts: 1,
		LastError: alipayErr,
		Events: []*store.MessageEvent{{Time: sent, Kind: store.EventAttempt, State: "FAILED", Description: "Alipay: template gone",
			Attempt: 1, Replica: "r1", Error: alipayErr, Latency: 1500 * time.Microsecond}},
		Template: &store.TemplateInvalidation{TenantID: t1, ChannelID: "ch1", TemplateID: "tpl1", Reason: "Alipay: 40004/MSG_TEMPLATE_NOT_EXIST", At: sent, FailReason: "not sent: template tpl1 is INVALID"},
		Channel:  &store.ChannelRefusal{TenantID: t1, ChannelID: "ch1", Reason: "refused", At: sent},
		Ledger:   &store.LedgerChange{Key: key, Change: store.SubscriptionChange{State: "CANCELLED", StateReason: "does not follow"}},
	}
	applied, err := s.CompleteDeliveries(ctx, "r1", []*store.Outcome{out})
	must(t, err)
	wantEqual(t, "applied", applied, []bool{true})

	m, err := s.GetMessage(ctx, t1, "a0000")
	must(t, err)
	if m.State != "FAILED" || m.LeaseOwner != "" || m.LeaseExpireTime != nil || m.Attempts != 1 {
		t.Fatalf("completed message %+v", m)
	}
	wantEqual(t, "last error", m.LastError, alipayErr)
	tpl, err := s.GetTemplate(ctx, t1, "ch1", "tpl1")
	must(t, err)
	if tpl.State != "INVALID" || tpl.InvalidTime == nil || !tpl.InvalidTime.Equal(sent) {
		t.Fatalf("template %+v", tpl)
	}
	for _, id := range []string{"a0001", "a0002"} { // failed with the template, with an event each
		m, err := s.GetMessage(ctx, t1, id)
		must(t, err)
		if m.State != "FAILED" || m.StateReason != "not sent: template tpl1 is INVALID" {
			t.Fatalf("other message of the template: %s %q", m.State, m.StateReason)
		}
		evs, _, err := s.ListMessageEvents(ctx, t1, id, store.Page{})
		must(t, err)
		if len(evs) != 1 || evs[0].Kind != store.EventFailed || evs[0].State != "FAILED" {
			t.Fatalf("events of %s: %+v", id, evs)
		}
	}
	if m, _ := s.GetMessage(ctx, t1, "b0000"); m.State != "QUEUED" {
		t.Fatalf("another template's message is %s", m.State)
	}
	ch, err := s.GetChannel(ctx, t1, "ch1")
	must(t, err)
	if ch.State != "AUTH_FAILED" || ch.StateReason != "refused" {
		t.Fatalf("channel %s %q", ch.State, ch.StateReason)
	}
	row, err := s.FindSubscription(ctx, t1, "ch1", "", key.User)
	must(t, err)
	if row.State != "CANCELLED" {
		t.Fatalf("ledger row %s", row.State)
	}
	evs, next, err := s.ListMessageEvents(ctx, t1, "a0000", store.Page{})
	must(t, err)
	if len(evs) != 1 || next != "" {
		t.Fatalf("events %+v next %q", evs, next)
	}
	e := evs[0]
	if e.Kind != store.EventAttempt || e.State != "FAILED" || e.Attempt != 1 || e.Replica != "r1" || e.Latency != 1500*time.Microsecond || !e.Time.Equal(sent) {
		t.Fatalf("event %+v", e)
	}
	wantEqual(t, "event error", e.Error, alipayErr)
	if evs, _, _ := s.ListMessageEvents(ctx, tenant(t, s, "two"), "a0000", store.Page{}); len(evs) != 0 {
		t.Fatal("another tenant sees the events")
	}
}

// testMessageEventsPaging: the timeline pages like every listing, and UpdateMessage adds
// its event and clears the lease.
func testMessageEventsPaging(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	msgs := newMessages("", "ch1", "tpl1", "m", 1)
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", msgs)
	must(t, err)
	m := msgs[0]
	for i := range 5 {
		m.State = []string{"CANCELLED", "QUEUED"}[i%2]
		must(t, s.UpdateMessage(ctx, m, &store.MessageEvent{Kind: store.EventCancelled, State: m.State, Description: fmt.Sprint(i)}))
	}
	var got []string
	p := store.Page{Size: 2}
	for {
		evs, next, err := s.ListMessageEvents(ctx, t1, m.ID, p)
		must(t, err)
		for _, e := range evs {
			got = append(got, e.Description)
		}
		if next == "" {
			break
		}
		p.Token = next
	}
	wantEqual(t, "events in order", got, []string{"0", "1", "2", "3", "4"})
	_, _, err = s.ListMessageEvents(ctx, t1, m.ID, store.Page{Token: "!!"})
	wantErr(t, err, store.ErrInvalid)
}

// testReserveSend: N one-time acceptances allow exactly N sends, however many dispatchers
// ask at once; one given back can be used again.
func testReserveSend(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	key := subKey(t1, "ch1", "tpl1", "u1")
	_, err := s.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 3, State: "ACTIVE"})
	must(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range 12 {
		wg.Go(func() {
			ok, err := s.ReserveSend(ctx, key, "m0000")
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if taken != 3 {
		t.Fatalf("%d reservations from 3 acceptances", taken)
	}
	row, err := s.FindSubscription(ctx, t1, "ch1", "tpl1", key.User)
	must(t, err)
	if row.RemainingSends != 0 || row.State != "EXHAUSTED" {
		t.Fatalf("after the last send: %s with %d", row.State, row.RemainingSends)
	}
	if ok, err := s.ReserveSend(ctx, subKey(t1, "ch1", "tpl1", "nobody"), "m0000"); ok || err != nil {
		t.Fatalf("reserve without a row: %v %v", ok, err)
	}

	// Give one back through a completion.
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "m", 1))
	must(t, err)
	if m, _ := s.GetMessage(ctx, t1, "m0000"); m.Reserved {
		t.Fatal("a new message holds an acceptance")
	}
	claim(t, s, "r1", *at(10), 1)
	_, err = s.CompleteDeliveries(ctx, "r1", []*store.Outcome{{TenantID: t1, MessageID: "m0000", State: "FAILED", Attempts: 1,
		Ledger: &store.LedgerChange{Key: key, ReturnSend: true}}})
	must(t, err)
	row, err = s.FindSubscription(ctx, t1, "ch1", "tpl1", key.User)
	must(t, err)
	if row.RemainingSends != 1 || row.State != "ACTIVE" {
		t.Fatalf("after giving one back: %s with %d", row.State, row.RemainingSends)
	}
	if m, _ := s.GetMessage(ctx, t1, "m0000"); m.Reserved {
		t.Fatal("the message still holds the acceptance it gave back")
	}
	if ok, _ := s.ReserveSend(ctx, key, "m0000"); !ok {
		t.Fatal("the acceptance given back cannot be used")
	}
	if m, _ := s.GetMessage(ctx, t1, "m0000"); !m.Reserved {
		t.Fatal("the message does not hold the acceptance it took")
	}
}

// testExpireMessages: waiting messages past expire_time expire with an event; leased,
// finished and unexpired ones do not.
func testExpireMessages(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	msgs := newMessages("", "ch1", "tpl1", "m", 4) // expire at(50)
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", msgs)
	must(t, err)
	msgs[3].ExpireTime = at(59)
	msgs[2].State = "SENT"
	must(t, s.UpdateMessage(ctx, msgs[2], nil))
	must(t, s.UpdateMessage(ctx, msgs[3], nil))
	leased := claim(t, s, "r1", at(49).Add(30*time.Second), 1) // leased until at(50)+30s
	wantEqual(t, "leased", claimedIDs(leased), []string{"m0000"})
	now := at(50).Add(time.Second) // past at(50); r1's lease still lives
	n, err := s.ExpireMessages(ctx, now, 10)
	must(t, err)
	if n != 1 {
		t.Fatalf("expired %d messages, want 1 (m0001)", n)
	}
	m, err := s.GetMessage(ctx, t1, "m0001")
	must(t, err)
	if m.State != "EXPIRED" || m.StateReason == "" {
		t.Fatalf("m0001 %s %q", m.State, m.StateReason)
	}
	evs, _, err := s.ListMessageEvents(ctx, t1, "m0001", store.Page{})
	must(t, err)
	if len(evs) != 1 || evs[0].Kind != store.EventExpired {
		t.Fatalf("events %+v", evs)
	}
	for id, want := range map[string]string{"m0000": "SENDING", "m0002": "SENT", "m0003": "QUEUED"} {
		if m, _ := s.GetMessage(ctx, t1, id); m.State != want {
			t.Fatalf("%s is %s, want %s", id, m.State, want)
		}
	}
	// Once r1's lease runs out, its message expires too.
	n, err = s.ExpireMessages(ctx, at(50).Add(time.Minute), 10)
	must(t, err)
	if n != 1 {
		t.Fatalf("expired %d after the lease ran out, want 1", n)
	}
}

// testCompleteManyAtOnce: a completion batch larger than one statement's worth (PostgreSQL
// writes plain outcomes with a batched UPDATE) applies each outcome's own fields, skips a
// message the owner does not hold and a second outcome for the same message, and still
// applies an outcome with effects beside them.
func testCompleteManyAtOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	enabledChannel(t, s, t1, "ch1")
	const n = 450
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "m", n))
	must(t, err)
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "x", 1)) // never claimed
	must(t, err)
	got := claim(t, s, "r1", *at(10), n)
	must(t, errIf(len(got) != n, "claim"))
	key := subKey(t1, "ch1", "", "u1")
	_, err = s.ApplySubscription(ctx, key, store.SubscriptionChange{Kind: "FOLLOWER", State: "ACTIVE"})
	must(t, err)

	sentAt, retryAt := *at(11), *at(15)
	retryErr := &store.AlipayError{Code: "20000", Msg: "Service Currently Unavailable", SubCode: "isp.unknow-error"}
	var outs []*store.Outcome
	for i, c := range got {
		o := &store.Outcome{TenantID: t1, MessageID: c.ID, Revision: c.Revision, Attempts: c.Attempts,
			Events: []*store.MessageEvent{{Time: sentAt, Kind: store.EventAttempt, Attempt: c.Attempts, Replica: "r1"}}}
		switch i % 3 {
		case 0:
			o.State, o.StateReason, o.SentTime, o.ExternalID = "SENT", "accepted", &sentAt, "ext-"+c.ID
		case 1:
			o.State, o.StateReason, o.DueTime, o.LastError = "QUEUED", "retrying", retryAt, retryErr
		default:
			o.State, o.StateReason = "FAILED", "refused"
		}
		o.Events[0].State = o.State
		outs = append(outs, o)
	}
	outs[5].Ledger = &store.LedgerChange{Key: key, Change: store.SubscriptionChange{State: "CANCELLED", StateReason: "does not follow"}}
	outs = append(outs,
		&store.Outcome{TenantID: t1, MessageID: "x0000", State: "SENT", Attempts: 1},                   // not held
		&store.Outcome{TenantID: t1, MessageID: got[0].ID, State: "FAILED", Attempts: got[0].Attempts}, // second outcome
	)
	applied, err := s.CompleteDeliveries(ctx, "r1", outs)
	must(t, err)
	for i, ok := range applied {
		if want := i < n; ok != want {
			t.Fatalf("outcome %d (%s): applied %v, want %v", i, outs[i].MessageID, ok, want)
		}
	}
	for i, c := range got {
		m, err := s.GetMessage(ctx, t1, c.ID)
		must(t, err)
		o := outs[i]
		if m.State != o.State || m.StateReason != o.StateReason || m.LeaseOwner != "" || m.LeaseExpireTime != nil ||
			m.Attempts != c.Attempts || m.Revision != c.Revision+1 {
			t.Fatalf("%s after %s: %+v", c.ID, o.State, m)
		}
		switch o.State {
		case "SENT":
			if m.SentTime == nil || !m.SentTime.Equal(sentAt) || m.ExternalID != o.ExternalID || m.LastError != nil {
				t.Fatalf("sent %s: sent %v external %q error %+v", c.ID, m.SentTime, m.ExternalID, m.LastError)
			}
		case "QUEUED":
			if !m.DueTime.Equal(retryAt) || m.SentTime != nil || m.ExternalID != "" {
				t.Fatalf("retried %s: due %v sent %v external %q", c.ID, m.DueTime, m.SentTime, m.ExternalID)
			}
			wantEqual(t, "last error of "+c.ID, m.LastError, retryErr)
		}
		if i%97 == 0 {
			evs, _, err := s.ListMessageEvents(ctx, t1, c.ID, store.Page{})
			must(t, err)
			if len(evs) != 1 || evs[0].State != o.State {
				t.Fatalf("events of %s: %+v", c.ID, evs)
			}
		}
	}
	if m, _ := s.GetMessage(ctx, t1, "x0000"); m.State != "QUEUED" {
		t.Fatalf("a message nobody held is %s", m.State)
	}
	row, err := s.FindSubscription(ctx, t1, "ch1", "", key.User)
	must(t, err)
	if row.State != "CANCELLED" {
		t.Fatalf("ledger row %s beside the batch", row.State)
	}
}

// testCompleteKeepsOrder: outcomes apply in their order. A template's invalidation fails the
// template's waiting messages, not one still leased whose own outcome comes after it in the
// batch (that outcome then applies); and a completion without an external id keeps the one
// stored before.
func testCompleteKeepsOrder(t *testing.T, s store.Store) {
	ctx := t.Context()
	t1 := tenant(t, s, "one")
	enabledChannel(t, s, t1, "ch1")
	must(t, s.CreateTemplate(ctx, newTemplate(t1, "ch1", "tpl1", "ext1")))
	_, _, _, err := s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "a", 2))
	must(t, err)
	got := claim(t, s, "r1", *at(10), 2)
	wantEqual(t, "claimed", claimedIDs(got), []string{"a0000", "a0001"})
	_, _, _, err = s.CreateMessages(ctx, t1, "", "", newMessages("", "ch1", "tpl1", "q", 1)) // waiting, not leased
	must(t, err)

	gone := *at(11)
	outs := []*store.Outcome{
		{TenantID: t1, MessageID: "a0000", Revision: got[0].Revision, State: "FAILED", StateReason: "template gone", Attempts: 1,
			Template: &store.TemplateInvalidation{TenantID: t1, ChannelID: "ch1", TemplateID: "tpl1", Reason: "gone", At: gone, FailReason: "not sent: tpl1 is INVALID"}},
		{TenantID: t1, MessageID: "a0001", Revision: got[1].Revision, State: "QUEUED", StateReason: "retrying", Attempts: 1,
			DueTime: gone, ExternalID: "ext-first",
			Events: []*store.MessageEvent{{Time: gone, Kind: store.EventAttempt, State: "QUEUED", Attempt: 1, Replica: "r1"}}},
	}
	applied, err := s.CompleteDeliveries(ctx, "r1", outs)
	must(t, err)
	wantEqual(t, "applied", applied, []bool{true, true})
	m, err := s.GetMessage(ctx, t1, "a0001")
	must(t, err)
	if m.State != "QUEUED" || m.Revision != got[1].Revision+1 || m.ExternalID != "ext-first" {
		t.Fatalf("a message completed after the invalidation: %s revision %d (claimed at %d) external %q",
			m.State, m.Revision, got[1].Revision, m.ExternalID)
	}
	evs, _, err := s.ListMessageEvents(ctx, t1, "a0001", store.Page{})
	must(t, err)
	if len(evs) != 1 || evs[0].Kind != store.EventAttempt {
		t.Fatalf("events of a0001: %+v", evs)
	}
	if q, _ := s.GetMessage(ctx, t1, "q0000"); q.State != "FAILED" {
		t.Fatalf("a waiting message of the invalid template is %s", q.State)
	}

	again := claim(t, s, "r1", *at(12), 5)
	wantEqual(t, "claimed again", claimedIDs(again), []string{"a0001"})
	applied, err = s.CompleteDeliveries(ctx, "r1", []*store.Outcome{{TenantID: t1, MessageID: "a0001", Revision: again[0].Revision,
		State: "SENT", StateReason: "accepted", Attempts: 2, SentTime: at(12)}})
	must(t, err)
	wantEqual(t, "applied again", applied, []bool{true})
	if m, _ := s.GetMessage(ctx, t1, "a0001"); m.State != "SENT" || m.ExternalID != "ext-first" {
		t.Fatalf("after a send without an external id: %s external %q", m.State, m.ExternalID)
	}
}

// enabledChannel creates an ENABLED channel id of tenantID.
func enabledChannel(t *testing.T, s store.Store, tenantID, id string) {
	t.Helper()
	ch := newChannel(tenantID, id)
	ch.State = "ENABLED"
	must(t, s.CreateChannel(t.Context(), ch))
}
