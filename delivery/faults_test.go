package delivery

import (
	"context"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestFaultsEveryMessageSent: with 30 % unknown errors, 5 % dropped connections and 5 %
// rate limits on every product, every message still becomes SENT; Alipay+ delivers each
// exactly once.
func TestFaultsEveryMessageSent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		for _, ch := range []string{"life", "mini", "plus"} {
			e.Policy(ch, &reachv1.DeliveryPolicy{MaxAttempts: 30})
		}
		var sends []send
		for i := range 40 {
			e.Follow(userID(i))
			e.Accept("long", "MT2", userID(i), 0)
			e.Authorize(customer(i))
			sends = append(sends, send{Channel: "life", Template: "lt1", To: userID(i)},
				send{Channel: "mini", Template: "long", To: userID(i)}, send{Channel: "plus", Template: "tp", To: customer(i)})
		}
		msgs := e.Queue(sends...)
		for _, f := range []alipaysim.Fault{
			{Kind: alipaysim.FaultUnknownError, Rate: 0.30},
			{Kind: alipaysim.FaultDrop, Rate: 0.05},
			{Kind: alipaysim.FaultRateLimit, Rate: 0.05},
		} {
			e.fault(f)
		}
		e.start(Config{})
		for _, m := range msgs {
			e.waitState(m, "SENT")
		}
		if s := e.sim.Stats(); s.Faulted == 0 {
			t.Fatal("no fault hit: the test proves nothing")
		}
		if n := e.accepted(plusApp); n != 40 {
			t.Errorf("Alipay+ accepted %d sends of 40 messages", n)
		}
	})
}

// TestPermanentNeverRetried: a signed refusal ends the message at its first attempt.
func TestPermanentNeverRetried(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Accept("long", "MT2", userID(1), 0)
		m := e.Queue(send{Channel: "mini", Template: "long", To: userID(1), Data: map[string]string{"keyword1": "only one"}})[0]
		e.start(Config{})
		got := e.waitState(m, "FAILED")
		time.Sleep(100 * time.Millisecond)
		if got.Attempts != 1 || got.LastError == nil || len(e.events(m)) != 1 {
			t.Fatalf("%+v %+v events %d", got, got.LastError, len(e.events(m)))
		}
	})
}

// TestGracefulStop: a stopping dispatcher lets calls at Alipay finish and gives back what
// it had claimed but not started: nothing is left leased, nothing is lost.
func TestGracefulStop(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		if err := e.sim.SetLimits(lifeApp, alipaysim.Limits{Latency: alipaysim.Duration(150 * time.Millisecond)}); err != nil {
			t.Fatal(err)
		}
		var sends []send
		for i := range 30 {
			e.Follow(userID(i))
			sends = append(sends, send{Channel: "life", Template: "lt1", To: userID(i)})
		}
		msgs := e.Queue(sends...)
		d := New(Config{MaxInFlight: 3, Batch: 2, Poll: 10 * time.Millisecond} /* a small writer buffer: stopping must not wait on it under a lock */, e.st, e.Conn, e.log, nil)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { _ = d.Run(ctx); close(done) }()
		// Stop once Alipay has accepted a call: some calls finished, three in flight, the rest
		// waiting. (A fixed sleep was too short on a slow machine: nothing had been sent yet.)
		for deadline := time.Now().Add(10 * time.Second); e.accepted(lifeApp) == 0; time.Sleep(5 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("no call reached Alipay within 10 s")
			}
		}
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the dispatcher did not stop")
		}
		counts := map[string]int{}
		for _, m := range msgs {
			got, err := e.st.GetMessage(context.Background(), e.Tenant, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.LeaseOwner != "" {
				t.Fatalf("message %s still leased after a graceful stop: %+v", got.ID, got)
			}
			counts[got.State]++
			if got.State == "QUEUED" && got.Attempts != 0 {
				t.Errorf("a released message kept its attempt: %+v", got)
			}
		}
		if counts["SENT"] == 0 || counts["QUEUED"] == 0 || counts["SENT"]+counts["QUEUED"] != len(msgs) {
			t.Fatalf("after the stop: %v", counts)
		}
		if n := e.accepted(lifeApp); n != counts["SENT"] {
			t.Fatalf("Alipay accepted %d, Reach recorded %d SENT", n, counts["SENT"])
		}
		// Another dispatcher finishes the job.
		e.start(Config{})
		for _, m := range msgs {
			e.waitState(m, "SENT")
		}
		released := 0
		for _, m := range msgs {
			if evs := e.events(m); len(evs) > 0 && evs[0].Kind == store.EventReleased {
				released++
			}
		}
		if released == 0 {
			t.Error("no message was given back by the stopping dispatcher: the test proves nothing")
		}
	})
}
