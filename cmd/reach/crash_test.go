package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery/deliverytest"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/storetest"
)

// crashKills is how often the crash test kills a replica; crashUsers is how many
// recipients each product has (a batch names each user once).
const (
	crashKills = 5
	crashUsers = 250
)

// TestCrashDelivery kills `reach serve` with SIGKILL while it delivers a run of messages to
// the simulator over HTTP: on SQLite with one replica, on PostgreSQL with two. No message
// is lost, every one ends SENT, Open Platform duplicates are no more than the messages the
// killed replicas held, and Alipay+ (idempotent by requestId) has none.
// REACH_CRASH_MESSAGES sets the run's size (default 20,000), REACH_CRASH_KILLS the kills;
// REACH_CRASH_LEASE and REACH_CRASH_CALL_TIMEOUT the replicas' settings (6 s, 3 s: a call
// that times out on an overloaded machine is retried, and may then be delivered twice, as
// at-least-once allows). -short skips it.
func TestCrashDelivery(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes minutes; run it without -short")
	}
	n := 20000
	if v, err := strconv.Atoi(os.Getenv("REACH_CRASH_MESSAGES")); err == nil && v > 0 {
		n = v
	}
	kills := crashKills
	if v, err := strconv.Atoi(os.Getenv("REACH_CRASH_KILLS")); err == nil && v >= 0 {
		kills = v
	}
	t.Run("sqlite", func(t *testing.T) {
		crashRun(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"), 1, n, kills)
	})
	t.Run("postgres", func(t *testing.T) {
		crashRun(t, storetest.SharedDatabase(t, "postgres"), 2, n, kills)
	})
}

// crashWorld prepares the database of a crash run: migrated, with the deliverytest
// channels and ledger rows for every recipient.
func crashWorld(t *testing.T, dsn, ring string) (*deliverytest.World, []deliverytest.Send) {
	t.Helper()
	mustReach(t, nil, "migrate", "--database", dsn)
	st, _, err := backend.Open(context.Background(), dsn, backend.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	kr, err := secrets.Parse(ring)
	if err != nil {
		t.Fatal(err)
	}
	w := deliverytest.New(t, st, appconn.New(st, kr, slog.New(slog.NewTextHandler(io.Discard, nil)), appconn.WithEndpoints(mustEndpoints(t))), func(c *alipaysim.Config) {
		c.MaxRecords = 1 << 20
		c.AccessTokenTTL = alipaysim.Duration(24 * time.Hour)
	})
	// The default pace (50 sends a second a channel) would make a 20,000-message run last
	// over two minutes a database, most of it waiting; lifted, the run is as fast as the
	// machine, and the kills still land while every channel has messages in flight.
	for _, ch := range []string{"life", "mini", "plus"} {
		w.Policy(ch, &reachv1.DeliveryPolicy{MaxSendsPerSecond: 5000, MaxInFlight: 32})
	}
	var targets []deliverytest.Send
	for i := range crashUsers {
		w.Follow(deliverytest.UserID(i))
		w.Accept("long", "MT2", deliverytest.UserID(i), 0)
		w.Authorize(deliverytest.Customer(i))
	}
	for _, ch := range []string{"life", "mini", "plus"} {
		for i := range crashUsers {
			s := deliverytest.Send{Channel: ch, Template: map[string]string{"life": "lt1", "mini": "long", "plus": "tp"}[ch], To: deliverytest.UserID(i)}
			if ch == "plus" {
				s.To = deliverytest.Customer(i)
			}
			targets = append(targets, s)
		}
	}
	return w, targets
}

// getenvOr is the test knob name from the environment, or def.
func getenvOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func crashRun(t *testing.T, dsn string, replicas, n, kills int) {
	ring := newKeyRing(t)
	w, targets := crashWorld(t, dsn, ring)
	sender, _ := createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", dsn)
	env := func(replica string) []string {
		return []string{"REACH_DATABASE=" + dsn, "REACH_SECRET_KEYS=" + ring, "REACH_REPLICA=" + replica,
			"REACH_LEASE=" + getenvOr("REACH_CRASH_LEASE", "6s"), "REACH_CALL_TIMEOUT=" + getenvOr("REACH_CRASH_CALL_TIMEOUT", "3s"), "REACH_POLL=50ms", "REACH_LOG_LEVEL=warn",
			"REACH_ALIPAY_ALLOW_LOOPBACK=true"} // the simulator is on loopback
	}
	procs := make([]*serveProc, replicas)
	names := make([]string, replicas)
	for i := range procs {
		names[i] = fmt.Sprintf("r%d-0", i)
		procs[i] = serveReady(t, env(names[i]))
	}

	// Queue the run through the API, 1,000 recipients a request, while the replicas send.
	start := time.Now()
	api := newAPI(t, procs[0], sender)
	for sent := 0; sent < n; {
		// One request a product in turn, each user of it once.
		block := targets[(sent/crashUsers)%3*crashUsers:][:crashUsers]
		ch := block[0].Channel
		key := map[string]string{"life": "keyword1", "mini": "keyword1", "plus": "orderNo"}[ch]
		var recips []map[string]any
		for _, s := range block {
			if sent == n {
				break
			}
			user := map[string]any{"userId": s.To.ID}
			if ch == "plus" {
				user = map[string]any{"customerId": s.To.ID}
			}
			recips = append(recips, map[string]any{"user": user, "data": map[string]string{key: fmt.Sprintf("m%d", sent)}})
			sent++
		}
		body := map[string]any{"template": "channels/" + ch + "/templates/" + block[0].Template,
			"recipients": recips, "requestId": fmt.Sprintf("crash-%d", sent)}
		if ch != "plus" {
			body["data"] = map[string]string{"keyword2": "shipped"}
		}
		api.must("POST", "/v1/messages:batchSend", body)
	}
	t.Logf("queued %d messages in %v", n, time.Since(start).Round(time.Millisecond))

	// Kill a replica five times while messages are being delivered; restart it at once.
	held := 0
	for k := range kills {
		waitProgress(t, w, n, (k+1)*n/(kills+2))
		i := k % replicas
		if err := procs[i].cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-procs[i].done
		h := leasedBy(t, w, names[i])
		held += h
		t.Logf("kill %d: %s held %d messages", k+1, names[i], h)
		names[i] = fmt.Sprintf("r%d-%d", i, k+1)
		procs[i] = serveReady(t, env(names[i]))
	}
	waitAllDone(t, w, n, 5*time.Minute)
	elapsed := time.Since(start)
	// The dispatcher's metrics are on serve's /metrics, beside the runtime's.
	_, metrics := get(t, procs[0].baseURL()+"/metrics")
	for _, want := range []string{"reach_delivery_claimed_total", `reach_delivery_outcomes_total{outcome="sent",product="ALIPAY_LIFE_ACCOUNT"}`,
		"reach_delivery_alipay_seconds_bucket", "reach_delivery_created_to_sent_seconds_bucket", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	counts := map[string]map[string]int{}
	for _, ch := range []string{"life", "mini", "plus"} {
		counts[ch] = stateCounts(t, w, ch)
	}
	total := 0
	for ch, c := range counts {
		total += c["SENT"]
		if len(c) != 1 || c["SENT"] == 0 {
			t.Errorf("%s: %v, want every message SENT", ch, c)
		}
	}
	if total != n {
		t.Fatalf("%d of %d messages SENT: %v", total, n, counts)
	}
	dupLife := w.Accepted(deliverytest.LifeApp) - counts["life"]["SENT"]
	dupMini := w.Accepted(deliverytest.MiniApp) - counts["mini"]["SENT"]
	plus := w.Sim.Requests(alipaysim.RequestFilter{AppID: deliverytest.PlusApp, API: deliverytest.SendAPI(deliverytest.PlusApp), Outcome: alipaysim.OutcomeAccepted})
	ids := map[string]bool{}
	for _, r := range plus {
		ids[r.RequestID] = true
	}
	t.Logf("%d messages, %d replica(s), %d kills in %v: duplicates Life %d, mini %d (bound %d held at the kills); Alipay+ %d deliveries of %d messages, %d request ids",
		n, replicas, kills, elapsed.Round(time.Second), dupLife, dupMini, held, len(plus), counts["plus"]["SENT"], len(ids))
	if dupLife < 0 || dupMini < 0 || dupLife+dupMini > held {
		t.Errorf("Open Platform duplicates %d+%d exceed the %d messages held at the kills", dupLife, dupMini, held)
	}
	if len(plus) != counts["plus"]["SENT"] || len(ids) != len(plus) {
		t.Errorf("Alipay+ delivered %d times (%d request ids) for %d messages", len(plus), len(ids), counts["plus"]["SENT"])
	}
}

// waitProgress waits until at least done of n messages are no longer waiting.
func waitProgress(t *testing.T, w *deliverytest.World, n, done int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for waiting(t, w) > n-done {
		if time.Now().After(deadline) {
			t.Fatalf("no progress: %d messages still waiting", waiting(t, w))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func waitAllDone(t *testing.T, w *deliverytest.World, n int, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for waiting(t, w) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages still waiting after %v", waiting(t, w), n, limit)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waiting counts QUEUED and SENDING messages.
func waiting(t *testing.T, w *deliverytest.World) int {
	t.Helper()
	counts, err := w.Store.QueueDepth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range counts {
		total += int(c.Count)
	}
	return total
}

// leasedBy counts the messages a replica held when it died.
func leasedBy(t *testing.T, w *deliverytest.World, replica string) int {
	t.Helper()
	n := 0
	p := store.Page{Size: 1000}
	for {
		msgs, next, err := w.Store.ListMessages(context.Background(), w.Tenant, store.MessageFilter{State: "SENDING"}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			if m.LeaseOwner == replica {
				n++
			}
		}
		if next == "" {
			return n
		}
		p.Token = next
	}
}

// stateCounts counts a channel's messages by state.
func stateCounts(t *testing.T, w *deliverytest.World, channelID string) map[string]int {
	t.Helper()
	out := map[string]int{}
	p := store.Page{Size: 1000}
	for {
		msgs, next, err := w.Store.ListMessages(context.Background(), w.Tenant, store.MessageFilter{ChannelID: channelID}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			out[m.State]++
		}
		if next == "" {
			return out
		}
		p.Token = next
	}
}

// mustEndpoints allows the simulator on loopback.
func mustEndpoints(tb testing.TB) *appconn.Endpoints {
	tb.Helper()
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		tb.Fatal(err)
	}
	return ep
}
