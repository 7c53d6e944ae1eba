package delivery

import (
	"slices"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// TestRateHoldsAcrossDispatchers: two dispatchers on one database share the channel's
// rate: in no second does Alipay see more than the rate plus the burst, although each
// dispatcher alone could send twice as fast.
func TestRateHoldsAcrossDispatchers(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		const perSecond, burst, messages = 20, 2, 60
		e := newEnv(t, dsn, nil)
		e.Policy("life", &reachv1.DeliveryPolicy{MaxSendsPerSecond: perSecond, Burst: burst, MaxInFlight: 8})
		var sends []send
		for i := range messages {
			e.Follow(userID(i))
			sends = append(sends, send{Channel: "life", Template: "lt1", To: userID(i)})
		}
		msgs := e.Queue(sends...)
		e.start(Config{Replica: "one", SendsPerSecond: 1000})
		e.start(Config{Replica: "two", SendsPerSecond: 1000})
		for _, m := range msgs {
			e.waitState(m, "SENT")
		}
		var times []time.Time
		for _, r := range e.sim.Requests(alipaysim.RequestFilter{AppID: lifeApp, Outcome: alipaysim.OutcomeAccepted}) {
			times = append(times, r.Time)
		}
		if len(times) != messages {
			t.Fatalf("Alipay accepted %d sends of %d messages", len(times), messages)
		}
		slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
		// Every window of one second, starting at each send.
		most := 0
		for i, start := range times {
			n := 0
			for _, at := range times[i:] {
				if at.Sub(start) >= time.Second {
					break
				}
				n++
			}
			most = max(most, n)
		}
		if most > perSecond+burst+1 { // +1: a window closed at both ends holds one more slot
			t.Fatalf("%d sends within one second, limit %d + burst %d", most, perSecond, burst)
		}
		if span := times[len(times)-1].Sub(times[0]); span < time.Duration(messages-burst-perSecond)*time.Second/perSecond {
			t.Fatalf("%d sends took %v: faster than the rate", messages, span)
		}
	})
}
