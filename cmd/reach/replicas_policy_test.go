package main

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery/deliverytest"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/storetest"
)

// TestReplicasSharePolicy runs 3 `reach serve` replicas on one PostgreSQL database
// against the simulator, with a Life Account channel limited to 50 sends a second (burst
// 5) and in quiet hours now: 3,000 TRANSACTIONAL messages go, and in no second does the
// simulator see more than 55 of them, although each replica alone could send 50 a second;
// 50 MARKETING messages are held for the quiet hours and never reach Alipay. The quiet
// hours are set around the present hour in Shanghai, so nothing waits for a clock.
func TestReplicasSharePolicy(t *testing.T) {
	if testing.Short() {
		t.Skip("takes a minute at 50 sends a second; run it without -short")
	}
	const (
		replicas, perSecond, burst = 3, 50, 5
		transactional, marketing   = 3000, 50
	)
	dsn := storetest.SharedDatabase(t, "postgres")
	ring := newKeyRing(t)
	w, _ := crashWorld(t, dsn, ring)
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(shanghai)
	quiet := &reachv1.QuietHours{Start: now.Add(-time.Hour).Format("15:04"), End: now.Add(2 * time.Hour).Format("15:04")}
	w.Policy("life", &reachv1.DeliveryPolicy{MaxSendsPerSecond: perSecond, Burst: burst, MaxInFlight: 32, QuietHours: quiet})

	sender, _ := createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", dsn)
	procs := make([]*serveProc, replicas)
	for i := range procs {
		procs[i] = serveReady(t, []string{"REACH_DATABASE=" + dsn, "REACH_SECRET_KEYS=" + ring, "REACH_REPLICA=" + fmt.Sprintf("r%d", i),
			"REACH_POLL=50ms", "REACH_LOG_LEVEL=warn", "REACH_ALIPAY_ALLOW_LOOPBACK=true"})
	}
	api := newAPI(t, procs[0], sender)
	queue := func(n int, category string, prefix string) {
		for sent := 0; sent < n; {
			var recips []map[string]any
			for i := 0; i < crashUsers && sent < n; i++ {
				recips = append(recips, map[string]any{"user": map[string]any{"userId": deliverytest.UserID(i).ID},
					"data": map[string]string{"keyword1": fmt.Sprintf("%s%d", prefix, sent)}})
				sent++
			}
			api.must("POST", "/v1/messages:batchSend", map[string]any{"template": "channels/life/templates/lt1", "recipients": recips,
				"data": map[string]string{"keyword2": "shipped"}, "category": category, "requestId": fmt.Sprintf("%s-%d", prefix, sent)})
		}
	}
	start := time.Now()
	queue(marketing, "MESSAGE_CATEGORY_MARKETING", "m")
	queue(transactional, "MESSAGE_CATEGORY_TRANSACTIONAL", "t")

	// Wait until every TRANSACTIONAL message is SENT; the MARKETING ones stay QUEUED.
	deadline := time.Now().Add(3 * time.Minute)
	for stateCounts(t, w, "life")["SENT"] < transactional {
		if time.Now().After(deadline) {
			t.Fatalf("after 3 minutes: %v", stateCounts(t, w, "life"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("%d messages through %d replicas in %v", transactional, replicas, time.Since(start).Round(time.Millisecond))
	if c := stateCounts(t, w, "life"); c["SENT"] != transactional || c["QUEUED"] != marketing {
		t.Fatalf("states %v, want %d SENT and %d QUEUED", c, transactional, marketing)
	}
	held, _, err := w.Store.ListMessages(context.Background(), w.Tenant, store.MessageFilter{ChannelID: "life", State: "QUEUED"}, store.Page{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range held {
		if !strings.HasPrefix(m.StateReason, "held for the channel's quiet hours ("+quiet.Start+"-"+quiet.End+" Asia/Shanghai)") || m.Attempts != 0 {
			t.Fatalf("a MARKETING message: %s %q after %d attempts", m.State, m.StateReason, m.Attempts)
		}
	}

	// Reach's clock: when each attempt started, from the ledger (the event is written when
	// Alipay answered, with the call's latency). This is what the limiter controls: a limit
	// each replica applied on its own would let through three times the rate.
	starts := attemptStarts(t, w, "life")
	most, at := busiestSecond(slices.Collect(maps.Values(starts)))
	t.Logf("busiest second at the dispatchers: %d attempts from %v", most, at.Format(time.RFC3339Nano))
	// A send may start up to one slot interval after its slot, so one more may fall in a window.
	if most > perSecond+burst+1 {
		t.Fatalf("%d attempts started in one second from %v: the limit is %d + burst %d for all replicas together", most, at, perSecond, burst)
	}

	// The simulator's log: when every send it accepted arrived.
	arrivals := map[string]time.Time{}
	for _, r := range w.Sim.Requests(alipaysim.RequestFilter{AppID: deliverytest.LifeApp, API: deliverytest.SendAPI(deliverytest.LifeApp),
		Outcome: alipaysim.OutcomeAccepted}) {
		var biz struct {
			Template struct {
				Context struct{ Keyword1 struct{ Value string } }
			}
		}
		if err := json.Unmarshal(r.Content, &biz); err != nil {
			t.Fatalf("request %d: %s: %v", r.Seq, r.Content, err)
		}
		arrivals[biz.Template.Context.Keyword1.Value] = r.Time
	}
	if len(arrivals) < transactional {
		t.Fatalf("the simulator accepted sends of %d messages of %d", len(arrivals), transactional)
	}
	times := slices.Collect(maps.Values(arrivals))
	most, at = busiestSecond(times)
	t.Logf("busiest second at the simulator: %d sends from %v; %d sends in %v", most, at.Format(time.RFC3339Nano), len(times), times[len(times)-1].Sub(times[0]).Round(time.Millisecond))
	// An arrival is one signature and one HTTP round trip after its start, and on a loaded
	// machine that time varies: sends started in one second arrive bunched when the
	// processes were starved for a moment (72 in one second was seen in CI with the whole
	// test suite running beside it). So the bound here is the limit plus the burst plus the
	// sends of this run's spread of that delay, which is logged. It still fails for a limit
	// each replica applied on its own: 150 a second for a whole minute.
	spread := transitSpread(t, starts, arrivals)
	allowed := perSecond + burst + int(math.Ceil(perSecond*spread.Seconds()))
	t.Logf("start-to-arrival spread (99.9th percentile - minimum): %v, so at most %d a second at the simulator", spread, allowed)
	if most > allowed {
		t.Fatalf("%d sends arrived in one second from %v: the limit is %d + burst %d, with %v of spread", most, at, perSecond, burst, spread)
	}
}

// transitSpread is how much the time from an attempt's start to its arrival at the
// simulator varied: its 99.9th percentile less its minimum.
func transitSpread(t *testing.T, starts, arrivals map[string]time.Time) time.Duration {
	t.Helper()
	var transit []time.Duration
	for key, arrived := range arrivals {
		start, ok := starts[key]
		if !ok {
			t.Fatalf("the simulator accepted %q, which no SENT message's attempt carried", key)
		}
		transit = append(transit, arrived.Sub(start))
	}
	slices.Sort(transit)
	return transit[len(transit)*999/1000] - transit[0]
}

// busiestSecond is the most times that fall in one second, and where that second starts.
func busiestSecond(times []time.Time) (int, time.Time) {
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, at := 0, time.Time{}
	for i, from := range times {
		j, _ := slices.BinarySearchFunc(times[i:], from.Add(time.Second), func(a, b time.Time) int { return a.Compare(b) })
		if j > most {
			most, at = j, from
		}
	}
	return most, at
}

// attemptStarts is when each SENT message of a channel was handed to Alipay, on the
// dispatchers' clock, by its keyword1 (unique in this test).
func attemptStarts(t *testing.T, w *deliverytest.World, channelID string) map[string]time.Time {
	t.Helper()
	ctx := context.Background()
	out := map[string]time.Time{}
	p := store.Page{Size: 1000}
	for {
		msgs, next, err := w.Store.ListMessages(ctx, w.Tenant, store.MessageFilter{ChannelID: channelID, State: "SENT"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			var payload struct{ Data map[string]string }
			if err := json.Unmarshal(m.Payload, &payload); err != nil {
				t.Fatalf("message %s: payload %s: %v", m.ID, m.Payload, err)
			}
			evs, _, err := w.Store.ListMessageEvents(ctx, w.Tenant, m.ID, store.Page{Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, ev := range evs {
				if ev.Kind == store.EventAttempt && ev.State == "SENT" {
					out[payload.Data["keyword1"]] = ev.Time.Add(-ev.Latency)
				}
			}
		}
		if next == "" {
			return out
		}
		p.Token = next
	}
}
