package main

import (
	"context"
	"fmt"
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

	// The simulator's log: every send it accepted, by time.
	var times []time.Time
	for _, r := range w.Sim.Requests(alipaysim.RequestFilter{AppID: deliverytest.LifeApp, API: deliverytest.SendAPI(deliverytest.LifeApp),
		Outcome: alipaysim.OutcomeAccepted}) {
		times = append(times, r.Time)
	}
	if len(times) < transactional {
		t.Fatalf("the simulator accepted %d sends of %d messages", len(times), transactional)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	most, at := 0, time.Time{}
	for i, from := range times {
		j, _ := slices.BinarySearchFunc(times[i:], from.Add(time.Second), func(a, b time.Time) int { return a.Compare(b) })
		if j > most {
			most, at = j, from
		}
	}
	t.Logf("busiest second at the simulator: %d sends from %v; %d sends in %v", most, at.Format(time.RFC3339Nano), len(times), times[len(times)-1].Sub(times[0]).Round(time.Millisecond))
	// The limit holds on the dispatchers' clock; this counts arrivals at the simulator, one
	// HTTP round trip later. On a loaded machine a send let through at the end of one second
	// can arrive in the next (58 in one second was seen once in CI: 60 ms of jitter at 50
	// a second), so a tenth of a second's sends are allowed for it. A limit that each replica
	// applied on its own would let through three times the rate.
	if most > perSecond+burst+perSecond/10 {
		t.Fatalf("%d sends in one second from %v: the limit is %d + burst %d for all replicas together", most, at, perSecond, burst)
	}
}
