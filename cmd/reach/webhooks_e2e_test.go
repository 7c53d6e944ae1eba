package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/storetest"
)

// receiver is a webhook endpoint that checks every call the Standard Webhooks way with its
// own code (not Reach's): HMAC-SHA256 under the base64 key after "whsec_", over
// "id.timestamp.body", one of the space-separated "v1,<base64>" signatures must match, and
// the timestamp must be within five minutes. It refuses failRate of the calls with a 500.
type receiver struct {
	t        *testing.T
	key      []byte
	failRate float64

	mu       sync.Mutex
	got      map[string]json.RawMessage // webhook-id → body, for the calls answered 204
	calls    int
	failed   int
	repeated int // calls of an id already answered 204: at-least-once allows them
	bad      []string
}

func newReceiver(t *testing.T, failRate float64) *receiver {
	return &receiver{t: t, failRate: failRate, got: map[string]json.RawMessage{}}
}

func (rc *receiver) setSecret(secret string) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		rc.t.Fatalf("signing secret %q is not whsec_ and base64", secret)
	}
	rc.mu.Lock()
	rc.key = key
	rc.mu.Unlock()
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	id, stamp, sigs := r.Header.Get("webhook-id"), r.Header.Get("webhook-timestamp"), r.Header.Get("webhook-signature")
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls++
	if problem := rc.check(id, stamp, sigs, body); problem != "" {
		rc.bad = append(rc.bad, problem)
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	if rand.Float64() < rc.failRate {
		rc.failed++
		http.Error(w, "receiver down (on purpose)", http.StatusInternalServerError)
		return
	}
	if _, ok := rc.got[id]; ok {
		rc.repeated++
	}
	rc.got[id] = body
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) check(id, stamp, sigs string, body []byte) string {
	sec, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil || id == "" {
		return fmt.Sprintf("id %q, timestamp %q", id, stamp)
	}
	if d := time.Since(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Sprintf("timestamp %s is %v off", stamp, d)
	}
	mac := hmac.New(sha256.New, rc.key)
	mac.Write([]byte(id + "." + stamp + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, sig, ok := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if ok && v == "v1" && err == nil && hmac.Equal(got, want) {
			return ""
		}
	}
	return fmt.Sprintf("no signature of %s verifies: %q", id, sigs)
}

// received returns (message, revision) → state of every message event received.
func (rc *receiver) received() map[string]string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]string{}
	for id, b := range rc.got {
		var ev struct {
			Type string
			Data struct {
				Message  string
				State    string
				Revision int64
			}
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			rc.t.Errorf("webhook %s: body %s: %v", id, b, err)
			continue
		}
		if !strings.HasPrefix(ev.Type, "message.") || "message."+strings.ToLower(strings.TrimPrefix(ev.Data.State, "MESSAGE_STATE_")) != ev.Type {
			rc.t.Errorf("webhook %s: type %q with state %q", id, ev.Type, ev.Data.State)
		}
		out[fmt.Sprintf("%s@%d", ev.Data.Message, ev.Data.Revision)] = ev.Data.State
	}
	return out
}

// TestWebhooksEveryStateChange: 2 `reach serve` replicas on PostgreSQL send 300 messages
// through the simulator, which fails a fifth of the sends (so messages are retried), to a
// receiver that refuses 30 % of the webhook calls; one replica is killed with SIGKILL and
// started again while they work. Every state change of every message (every event of its
// timeline) reaches the receiver, signed, at least once.
func TestWebhooksEveryStateChange(t *testing.T) {
	if testing.Short() {
		t.Skip("runs real replicas for half a minute; run it without -short")
	}
	const n = 300
	dsn := storetest.SharedDatabase(t, "postgres")
	ring := newKeyRing(t)
	w, targets := crashWorld(t, dsn, ring)
	if _, err := w.Sim.AddFault(alipaysim.Fault{Kind: alipaysim.FaultUnknownError, Rate: 0.2}); err != nil {
		t.Fatal(err)
	}
	rc := newReceiver(t, 0.3)
	hookSrv := httptest.NewServer(rc)
	t.Cleanup(hookSrv.Close)

	admin, _ := createKey(t, nil, "--tenant", "acme", "--role", "admin", "--database", dsn)
	env := func(replica string) []string {
		return []string{"REACH_DATABASE=" + dsn, "REACH_SECRET_KEYS=" + ring, "REACH_REPLICA=" + replica, "REACH_POLL=50ms",
			"REACH_LOG_LEVEL=warn", "REACH_ALIPAY_ALLOW_LOOPBACK=true", "REACH_WEBHOOK_ALLOW_PRIVATE=true",
			"REACH_BACKOFF=100ms", "REACH_BACKOFF_MAX=500ms", "REACH_MAX_ATTEMPTS=8", "REACH_LEASE=6s", "REACH_CALL_TIMEOUT=3s",
			"REACH_WEBHOOK_RETRIES=100ms,200ms,300ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms,500ms"}
	}
	procs := []*serveProc{serveReady(t, env("r0")), serveReady(t, env("r1"))}
	api := newAPI(t, procs[1], admin)
	hook := api.must("POST", "/v1/webhooks?webhookId=orders", map[string]any{"url": hookSrv.URL + "/reach",
		"eventTypes": []string{"message.queued", "message.sending", "message.sent", "message.failed", "message.expired", "message.cancelled"}})
	rc.setSecret(str(hook, "signingSecret"))
	time.Sleep(500 * time.Millisecond) // the relay reads endpoints per batch: let it see this one

	for i := 0; i < n; i++ {
		s := targets[i%len(targets)]
		user := map[string]any{"userId": s.To.ID}
		data := map[string]string{"keyword1": fmt.Sprint(i), "keyword2": "shipped"}
		if s.Channel == "plus" {
			user, data = map[string]any{"customerId": s.To.ID}, map[string]string{"orderNo": fmt.Sprint(i)}
		}
		api.must("POST", "/v1/messages:send", map[string]any{"template": "channels/" + s.Channel + "/templates/" + s.Template,
			"recipient": user, "data": data, "requestId": fmt.Sprintf("wh-%d", i)})
		if i == n/3 {
			if err := procs[0].cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-procs[0].done
			procs[0] = serveReady(t, env("r0-again"))
		}
	}
	waitAllDone(t, w, n, 2*time.Minute)

	// Every event of every message's timeline, by (message, revision).
	want := map[string]string{}
	for _, ch := range []string{"life", "mini", "plus"} {
		msgs, _, err := w.Store.ListMessages(t.Context(), w.Tenant, store.MessageFilter{ChannelID: ch}, store.Page{Size: 1000})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			evs, _, err := w.Store.ListMessageEvents(t.Context(), w.Tenant, m.ID, store.Page{Size: 1000})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range evs {
				want[fmt.Sprintf("messages/%s@%d", m.ID, e.Revision)] = "MESSAGE_STATE_" + e.State
			}
		}
	}
	deadline := time.Now().Add(time.Minute)
	var missing []string
	for {
		got := rc.received()
		missing = missing[:0]
		for k, state := range want {
			if got[k] != state {
				missing = append(missing, k+" "+state)
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	t.Logf("%d events of %d messages; receiver: %d calls, %d refused on purpose, %d repeats, %d bad", len(want), n, rc.calls, rc.failed, rc.repeated, len(rc.bad))
	if len(rc.bad) > 0 {
		t.Errorf("calls that failed verification: %v", rc.bad[:min(len(rc.bad), 5)])
	}
	if len(missing) > 0 {
		explainMissing(t, w.Store, w.Tenant, "orders", missing)
		t.Fatalf("%d of %d events never arrived, e.g. %v", len(missing), len(want), missing[:min(len(missing), 5)])
	}
	if len(want) <= n || rc.failed == 0 {
		t.Fatalf("the run proved little: %d events for %d messages (no retries?), %d refused calls", len(want), n, rc.failed)
	}
}

// explainMissing logs what Reach's webhook queue holds for each missing event ("messages/
// ID@revision STATE"): no delivery at all points at the relay, a PENDING one at the
// deliverer (its lease, its retries), so a failure says where the event stopped.
func explainMissing(t *testing.T, st store.Store, tenant, webhook string, missing []string) {
	t.Helper()
	byEvent := map[string]*store.WebhookDelivery{}
	page := store.Page{Size: 1000}
	for {
		ds, next, err := st.ListWebhookDeliveries(t.Context(), tenant, webhook, store.WebhookDeliveryFilter{}, page)
		if err != nil {
			t.Logf("list webhook deliveries: %v", err)
			return
		}
		for _, d := range ds {
			var ev struct {
				Data struct {
					Message  string
					Revision int64
				}
			}
			if json.Unmarshal([]byte(d.Payload), &ev) == nil {
				byEvent[fmt.Sprintf("%s@%d", ev.Data.Message, ev.Data.Revision)] = d
			}
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	t.Logf("the webhook queue holds %d deliveries", len(byEvent))
	for _, m := range missing[:min(len(missing), 20)] {
		key, _, _ := strings.Cut(m, " ")
		d, ok := byEvent[key]
		if !ok {
			t.Logf("missing %s: no delivery was queued (the relay never read it)", m)
			continue
		}
		t.Logf("missing %s: delivery %s %s, %d attempts, due %s, updated %s, last %d %q", m, d.EventID, d.State,
			d.Attempts, d.DueTime.Format(time.RFC3339Nano), d.UpdateTime.Format(time.RFC3339Nano), d.LastStatus, d.LastError)
	}
}
