package delivery

import (
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

func (e *env) fault(f alipaysim.Fault) {
	e.t.Helper()
	if _, err := e.sim.AddFault(f); err != nil {
		e.t.Fatal(err)
	}
}

func lastEvent(e *env, m *store.Message) *store.MessageEvent {
	evs := e.events(m)
	if len(evs) == 0 {
		e.t.Fatalf("message %s has no events", m.ID)
	}
	return evs[len(evs)-1]
}

// TestRetryableThenSent: unknown outcomes (20000) are retried with backoff until Alipay
// accepts; each attempt is in the timeline with Alipay's code.
func TestRetryableThenSent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.fault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, Count: 2, AppID: lifeApp})
		m := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "SENT")
		if got.Attempts != 3 {
			t.Errorf("attempts %d, want 3", got.Attempts)
		}
		evs := e.events(m)
		if len(evs) != 3 || evs[0].State != "SENDING" || evs[0].Error == nil || evs[0].Error.Code != "20000" || evs[2].State != "SENT" {
			t.Fatalf("timeline: %+v", evs)
		}
		if e.accepted(lifeApp) != 1 {
			t.Errorf("accepted %d", e.accepted(lifeApp))
		}
	})
}

// TestRetriesRunOut: a channel's max_attempts ends the retries: FAILED with Alipay's
// last answer kept.
func TestRetriesRunOut(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.Policy("life", &reachv1.DeliveryPolicy{MaxAttempts: 3})
		e.fault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, AppID: lifeApp})
		m := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "FAILED")
		if got.Attempts != 3 || got.LastError == nil || got.LastError.Code != "20000" || !strings.Contains(got.StateReason, "after 3 attempts") {
			t.Fatalf("%+v (last error %+v)", got, got.LastError)
		}
	})
}

// TestAtMostOnce: on an at-most-once channel an unknown outcome fails the message with a
// reason that says it may have been delivered, and it is not tried again.
func TestAtMostOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.Policy("life", &reachv1.DeliveryPolicy{AtMostOnce: true})
		e.fault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, AppID: lifeApp, After: true})
		m := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "FAILED")
		if got.Attempts != 1 || !strings.Contains(got.StateReason, "may have been delivered") {
			t.Fatalf("%+v", got)
		}
		time.Sleep(200 * time.Millisecond)
		if n := e.accepted(lifeApp); n != 1 { // the fault answered after the send went through
			t.Errorf("%d deliveries, want 1", n)
		}
	})
}

// TestAlipayPlusRetryReusesRequestID: an unknown Alipay+ outcome is retried with the same
// requestId, so the message is delivered once even though the first call went through.
func TestAlipayPlusRetryReusesRequestID(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Authorize(customer(1))
		e.Policy("plus", &reachv1.DeliveryPolicy{AtMostOnce: true}) // ignored: Alipay+ is idempotent
		e.fault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, AppID: plusApp, API: sendAPI(plusApp), After: true, Count: 1})
		m := e.Queue(send{Channel: "plus", Template: "tp", To: customer(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "SENT")
		if got.Attempts != 2 {
			t.Errorf("attempts %d, want 2", got.Attempts)
		}
		recs := e.sim.Requests(alipaysim.RequestFilter{AppID: plusApp, API: sendAPI(plusApp)})
		if len(recs) != 1 || recs[0].RequestID == "" {
			t.Fatalf("Alipay+ recorded %d sends: %+v", len(recs), recs)
		}
	})
}

// TestRateLimitSlowsTheChannel: Alipay's 40005 is retried without counting an attempt and
// slows the channel down; every message still arrives.
func TestRateLimitSlowsTheChannel(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		if err := e.sim.SetLimits(lifeApp, alipaysim.Limits{RateLimit: 20}); err != nil {
			t.Fatal(err)
		}
		var sends []send
		for i := range 60 {
			e.Follow(userID(i))
			sends = append(sends, send{Channel: "life", Template: "lt1", To: userID(i)})
		}
		msgs := e.Queue(sends...)
		d := e.start(Config{SendsPerSecond: 200, MaxInFlight: 8})
		for _, m := range msgs {
			if got := e.waitState(m, "SENT"); got.Attempts != 1 {
				t.Fatalf("attempts %d after rate limits, want 1", got.Attempts)
			}
		}
		if e.sim.Stats().Limited == 0 {
			t.Fatal("the simulator never limited the channel: the test proves nothing")
		}
		d.mu.Lock()
		defer d.mu.Unlock()
		if l := d.lanes[store.ChannelRef{TenantID: e.Tenant, ChannelID: "life"}]; l == nil || l.pace.rate() >= 200 {
			t.Errorf("the channel did not slow down")
		}
	})
}

// TestTemplateMissing: Alipay's signed "template does not exist" makes the template
// INVALID with Alipay's reason and fails its other waiting messages in the same
// transaction, each with a reason that names it.
func TestTemplateMissing(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		if err := e.sim.DeleteTemplate(lifeApp, "LT1"); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(time.Hour)
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "life", Template: "lt1", To: userID(1), SendTime: &later})
		e.start(Config{})
		got := e.waitState(msgs[0], "FAILED")
		if got.LastError == nil || !strings.Contains(got.LastError.SubCode, "TEMPLATE") {
			t.Fatalf("first message: %+v %+v", got, got.LastError)
		}
		tpl, err := e.st.GetTemplate(t.Context(), e.Tenant, "life", "lt1")
		if err != nil {
			t.Fatal(err)
		}
		if tpl.State != "INVALID" || tpl.InvalidTime == nil || !strings.Contains(tpl.StateReason, "does not exist") {
			t.Fatalf("template: %s %q", tpl.State, tpl.StateReason)
		}
		other := e.waitState(msgs[1], "FAILED")
		if !strings.Contains(other.StateReason, "lt1") || !strings.Contains(other.StateReason, "INVALID") {
			t.Fatalf("other message: %q", other.StateReason)
		}
	})
}

// TestNotFollowing: a Life Account recipient without a follower row fails without a call;
// one the ledger thinks follows but Alipay refuses (MSG_SD_NOFOLLOW) fails and the row is
// updated.
func TestNotFollowing(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(2))
		if err := e.sim.Unfollow(lifeApp, userID(2).ID); err != nil {
			t.Fatal(err)
		}
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "life", Template: "lt1", To: userID(2)})
		e.start(Config{})
		first := e.waitState(msgs[0], "FAILED")
		if first.Attempts != 0 || !strings.Contains(first.StateReason, "does not follow") || lastEvent(e, msgs[0]).Kind != store.EventFailed {
			t.Fatalf("no follower row: %+v", first)
		}
		second := e.waitState(msgs[1], "FAILED")
		if second.Attempts != 1 || second.LastError == nil || second.LastError.SubCode != "MSG_SD_NOFOLLOW" {
			t.Fatalf("refused by Alipay: %+v %+v", second, second.LastError)
		}
		if r := e.Row("life", "", userID(2)); r.State != "CANCELLED" {
			t.Fatalf("follower row: %s", r.State)
		}
		if n := len(e.sim.Requests(alipaysim.RequestFilter{AppID: lifeApp, Recipient: userID(1).ID})); n != 0 {
			t.Errorf("%d calls for a recipient with no ledger row", n)
		}
	})
}

// TestOneTimeSpentExactlyOnce: N acceptances allow exactly N deliveries, however many
// messages are queued; the rest fail without a call and say what to do.
func TestOneTimeSpentExactlyOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Accept("once", "MT1", userID(1), 3)
		var sends []send
		for range 7 {
			sends = append(sends, send{Channel: "mini", Template: "once", To: userID(1)})
		}
		msgs := e.Queue(sends...)
		e.start(Config{MaxInFlight: 4})
		counts := map[string]int{}
		for _, m := range msgs {
			got := e.wait(m, func(m *store.Message) bool { return m.State == "SENT" || m.State == "FAILED" })
			counts[got.State]++
			if got.State == "FAILED" && (got.Attempts != 0 || !strings.Contains(got.StateReason, "RecordSubscribeResult")) {
				t.Errorf("failed message: %+v", got)
			}
		}
		if counts["SENT"] != 3 || counts["FAILED"] != 4 || e.accepted(miniApp) != 3 {
			t.Fatalf("states %v, deliveries %d", counts, e.accepted(miniApp))
		}
		if r := e.Row("mini", "once", userID(1)); r.RemainingSends != 0 || r.State != "EXHAUSTED" {
			t.Fatalf("row: %s %d", r.State, r.RemainingSends)
		}
	})
}

// TestOneTimeRefusalGivesBack: Alipay refusing a one-time send for another reason (a bad
// keyword) gives the acceptance back; refusing because none is left at Alipay clears the
// ledger's count.
func TestOneTimeRefusalGivesBack(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Accept("once", "MT1", userID(1), 1)
		e.Ledger("mini", "once", userID(2), store.SubscriptionChange{Kind: "TEMPLATE", Type: "ONE_TIME", AddSends: 2, State: "ACTIVE"}) // Alipay has none
		msgs := e.Queue(
			send{Channel: "mini", Template: "once", To: userID(1), Data: map[string]string{"keyword1": strings.Repeat("x", 60), "keyword2": "b"}},
			send{Channel: "mini", Template: "once", To: userID(2)},
		)
		e.start(Config{})
		bad := e.waitState(msgs[0], "FAILED")
		if bad.LastError == nil || bad.Reserved {
			t.Fatalf("bad request: %+v %+v", bad, bad.LastError)
		}
		if r := e.Row("mini", "once", userID(1)); r.RemainingSends != 1 || r.State != "ACTIVE" {
			t.Fatalf("after a bad request the acceptance is gone: %s %d", r.State, r.RemainingSends)
		}
		refused := e.waitState(msgs[1], "FAILED")
		if refused.LastError == nil || refused.LastError.SubCode != "MSG_UNSUBSCRIBED" {
			t.Fatalf("refused: %+v", refused.LastError)
		}
		if r := e.Row("mini", "once", userID(2)); r.RemainingSends != 0 || r.State != "EXHAUSTED" {
			t.Fatalf("after Alipay said none is left: %s %d", r.State, r.RemainingSends)
		}
	})
}

// TestWithdrawnConsent: a long-term subscription turned off, or an Alipay+ user who
// withdrew consent, fails with Alipay's code and the ledger row is cancelled.
func TestWithdrawnConsent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Accept("long", "MT2", userID(1), 0)
		e.Authorize(customer(2))
		if err := e.sim.Unsubscribe(miniApp, userID(1).ID, "MT2"); err != nil {
			t.Fatal(err)
		}
		if err := e.sim.Unsubscribe(plusApp, customer(2).ID, ""); err != nil {
			t.Fatal(err)
		}
		msgs := e.Queue(send{Channel: "mini", Template: "long", To: userID(1)}, send{Channel: "plus", Template: "tp", To: customer(2)})
		e.start(Config{})
		for i, m := range msgs {
			got := e.waitState(m, "FAILED")
			if got.Attempts != 1 || got.LastError == nil {
				t.Fatalf("message %d: %+v", i, got)
			}
		}
		if r := e.Row("mini", "long", userID(1)); r.State != "CANCELLED" {
			t.Errorf("long-term row: %s", r.State)
		}
		if r := e.Row("plus", "", customer(2)); r.State != "CANCELLED" {
			t.Errorf("authorization: %s", r.State)
		}
	})
}

// TestUnsignedAnswerIsUnknown: an answer Alipay did not sign (a 404 from something in
// between) changes no channel, template or ledger row; it counts as an unknown outcome
// and the message is tried again.
func TestUnsignedAnswerIsUnknown(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.fault(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 404, Count: 2, AppID: lifeApp})
		m := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "SENT")
		if got.Attempts != 3 {
			t.Errorf("attempts %d, want 3", got.Attempts)
		}
		if ch := e.ChannelState("life"); ch.State != "ENABLED" {
			t.Errorf("channel %s after unsigned answers", ch.State)
		}
		if r := e.Row("life", "", userID(1)); r.State != "ACTIVE" {
			t.Errorf("follower %s after unsigned answers", r.State)
		}
	})
}
