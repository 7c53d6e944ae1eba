package webhooks

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/stdwebhook"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

const ringText = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// call is one request a test endpoint received.
type call struct {
	header http.Header
	body   []byte
}

// endpoint records calls and answers status.
type endpoint struct {
	mu     sync.Mutex
	calls  []call
	status int
}

func (e *endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	e.mu.Lock()
	e.calls = append(e.calls, call{r.Header.Clone(), b})
	st := e.status
	e.mu.Unlock()
	w.WriteHeader(st)
}

func (e *endpoint) got() []call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]call(nil), e.calls...)
}

// hook creates an ENABLED endpoint at url for types, sealed with secret (and previous, when
// set, as a rotation under way).
func hook(t *testing.T, st store.Store, ring *secrets.KeyRing, tenant, id, url string, types []string, secret, previous string) {
	t.Helper()
	w := &store.Webhook{TenantID: tenant, ID: id, URL: url, EventTypes: types, State: "ENABLED", SecretFingerprint: "SHA256:test"}
	var err error
	if w.Secret, err = ring.Seal([]byte(secret), w.SecretAD("secret")); err != nil {
		t.Fatal(err)
	}
	if previous != "" {
		if w.PreviousSecret, err = ring.Seal([]byte(previous), w.SecretAD("previous_secret")); err != nil {
			t.Fatal(err)
		}
		until := time.Now().Add(time.Hour)
		w.PreviousSecretExpireTime = &until
	}
	if err := st.CreateWebhook(context.Background(), w); err != nil {
		t.Fatal(err)
	}
}

// newWorld opens a migrated SQLite store with tenant "acme" and the test key ring.
func newWorld(t *testing.T) (store.Store, *secrets.KeyRing, *store.Tenant) {
	t.Helper()
	st, _, err := backend.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "reach.db"), backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(ringText)
	if err != nil {
		t.Fatal(err)
	}
	tn, err := st.EnsureTenant(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	return st, ring, tn
}

// runPoster runs p (replica "p1") until the test ends, and returns once its relay has
// taken its first step: events written after that are relayed.
func runPoster(t *testing.T, p *Poster, st store.Store) {
	t.Helper()
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { p.Run(ctx); close(done) }()
	t.Cleanup(func() { stop(); <-done })
	waitFor(t, "the first relay step", func() bool {
		state, ok, _ := st.LeaseWebhookRelay(context.Background(), "p1", time.Now(), time.Now().Add(time.Minute))
		return ok && state != ""
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestPoster: a message cancelled and a channel whose credentials Alipay refused reach the
// endpoint that subscribes to them, signed with the current and the previous secret, as the
// documented payloads; an endpoint that always fails gets the retry schedule, then FAILED
// (the store's conformance tests cover disabling it); events before the first relay are
// not sent.
func TestPoster(t *testing.T) {
	ctx := context.Background()
	st, ring, tn := newWorld(t)
	tenant := tn.ID
	good, bad := &endpoint{status: http.StatusNoContent}, &endpoint{status: http.StatusServiceUnavailable}
	goodSrv, badSrv := httptest.NewServer(good), httptest.NewServer(bad)
	t.Cleanup(goodSrv.Close)
	t.Cleanup(badSrv.Close)
	current, _ := stdwebhook.NewSecret()
	previous, _ := stdwebhook.NewSecret()
	hook(t, st, ring, tenant, "good", goodSrv.URL, []string{"message.cancelled", "channel.auth_failed"}, current, previous)
	hook(t, st, ring, tenant, "bad", badSrv.URL, []string{"message.cancelled"}, current, "")

	ch := &store.Channel{TenantID: tenant, ID: "ch1", DisplayName: "Shop", Type: "ALIPAY_MINI_PROGRAM", State: "ENABLED", Config: []byte(`{}`), Secrets: []byte{1}}
	tpl := &store.Template{TenantID: tenant, ChannelID: "ch1", ID: "tpl1", ExternalID: "EXT", DisplayName: "Shipped", SubscriptionType: "ONE_TIME", State: "ACTIVE"}
	if err := st.CreateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateTemplate(ctx, tpl); err != nil {
		t.Fatal(err)
	}
	msgs := []*store.Message{{TenantID: tenant, ID: "m1", ChannelID: "ch1", TemplateID: "tpl1", Recipient: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"},
		Payload: []byte(`{}`), State: "QUEUED"}}
	if _, _, _, err := st.CreateMessages(ctx, tenant, "req-1", "h", msgs); err != nil {
		t.Fatal(err)
	}
	m, _ := st.GetMessage(ctx, tenant, "m1")
	m.State, m.StateReason = "CANCELLED", "before the relay ran: never sent"
	if err := st.UpdateMessage(ctx, m, &store.MessageEvent{Kind: store.EventCancelled, State: "CANCELLED"}); err != nil {
		t.Fatal(err)
	}

	reg := prometheus.NewRegistry()
	p := New(Config{Replica: "p1", Retries: []time.Duration{20 * time.Millisecond, 20 * time.Millisecond}, DisableAfter: time.Hour,
		Poll: 20 * time.Millisecond, AllowPrivate: true, Metrics: reg}, st, ring, slog.New(slog.NewTextHandler(io.Discard, nil)))
	runPoster(t, p, st)

	// A second message, cancelled now, and the channel refused.
	msgs[0].ID = "m2"
	if _, _, _, err := st.CreateMessages(ctx, tenant, "req-2", "h", msgs); err != nil {
		t.Fatal(err)
	}
	m, _ = st.GetMessage(ctx, tenant, "m2")
	m.State, m.StateReason = "CANCELLED", "cancelled by the client"
	if err := st.UpdateMessage(ctx, m, &store.MessageEvent{Kind: store.EventCancelled, State: "CANCELLED", Description: "cancelled by the client"}); err != nil {
		t.Fatal(err)
	}
	ch, _ = st.GetChannel(ctx, tenant, "ch1")
	ch.State, ch.StateReason = "AUTH_FAILED", "Alipay: invalid-signature"
	if err := st.UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}

	waitFor(t, "two calls at the good endpoint", func() bool { return len(good.got()) >= 2 })
	var types []string
	for _, c := range good.got() {
		for _, secret := range []string{current, previous} {
			if err := stdwebhook.Verify(secret, c.header.Get("webhook-id"), c.header.Get("webhook-timestamp"), c.header.Get("webhook-signature"), c.body, time.Now(), time.Minute); err != nil {
				t.Errorf("call %s does not verify with one of the secrets: %v", c.body, err)
			}
		}
		var b struct {
			Type string
			Data map[string]any
		}
		if err := json.Unmarshal(c.body, &b); err != nil {
			t.Fatal(err)
		}
		types = append(types, b.Type)
		switch b.Type {
		case "message.cancelled":
			if b.Data["message"] != "messages/m2" || b.Data["state"] != "MESSAGE_STATE_CANCELLED" || b.Data["revision"] != float64(m.Revision) ||
				b.Data["requestId"] != "req-2" || b.Data["template"] != "channels/ch1/templates/tpl1" {
				t.Errorf("message event data %v (message revision %d)", b.Data, m.Revision)
			}
		case "channel.auth_failed":
			if b.Data["name"] != "channels/ch1" || b.Data["state"] != "CHANNEL_STATE_AUTH_FAILED" || b.Data["stateReason"] != "Alipay: invalid-signature" {
				t.Errorf("channel event data %v", b.Data)
			}
		}
	}
	if len(types) != 2 || types[0] == types[1] {
		t.Fatalf("good endpoint got %v, want message.cancelled (of m2 only) and channel.auth_failed", types)
	}

	// The failing endpoint: tried at once and after each of the 2 retries, then FAILED.
	waitFor(t, "the failing delivery to fail", func() bool {
		ds, _, _ := st.ListWebhookDeliveries(ctx, tenant, "bad", store.WebhookDeliveryFilter{State: store.DeliveryFailed}, store.Page{})
		return len(ds) == 1
	})
	ds, _, _ := st.ListWebhookDeliveries(ctx, tenant, "bad", store.WebhookDeliveryFilter{}, store.Page{})
	attempts, _, _ := st.ListWebhookAttempts(ctx, tenant, "bad", ds[0].EventID, store.Page{})
	if len(ds) != 1 || ds[0].Attempts != 3 || len(attempts) != 3 || attempts[2].StatusCode != 503 || attempts[2].Error != "HTTP 503" || len(bad.got()) != 3 {
		t.Fatalf("failing endpoint: deliveries %+v, attempts %+v, %d calls", ds, attempts, len(bad.got()))
	}
	// Every call is counted by result: two successes; the failing endpoint's two retries
	// and its last try.
	want := map[string]float64{resultSucceeded: 2, resultRetry: 2, resultFailed: 1}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got, calls := map[string]float64{}, uint64(0)
	for _, f := range families {
		for _, m := range f.GetMetric() {
			switch f.GetName() {
			case "reach_webhook_attempts_total":
				got[m.GetLabel()[0].GetValue()] = m.GetCounter().GetValue()
			case "reach_webhook_call_seconds":
				calls = m.GetHistogram().GetSampleCount()
			}
		}
	}
	if !maps.Equal(got, want) || calls != 5 {
		t.Fatalf("reach_webhook_attempts_total %v (want %v), %d timed calls (want 5)", got, want, calls)
	}
}

func TestParseRetries(t *testing.T) {
	got, err := ParseRetries("5s, 5m,2h")
	if err != nil || len(got) != 3 || got[1] != 5*time.Minute {
		t.Fatalf("ParseRetries = %v, %v", got, err)
	}
	for _, bad := range []string{"", "5s,,5m", "-1s", "soon"} {
		if _, err := ParseRetries(bad); err == nil {
			t.Errorf("ParseRetries(%q) accepted", bad)
		}
	}
}

// slowEndpoint answers 204 once release is closed, and counts the calls it got.
type slowEndpoint struct {
	release chan struct{}
	mu      sync.Mutex
	calls   int
}

func (e *slowEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.calls++
	e.mu.Unlock()
	select {
	case <-e.release:
	case <-r.Context().Done():
	}
	w.WriteHeader(http.StatusNoContent)
}

func (e *slowEndpoint) count() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls
}

// TestLeaseRenewedWhileCallRuns: a call that lasts many leases keeps its delivery; another
// replica cannot take it over while the replica that holds it is alive.
func TestLeaseRenewedWhileCallRuns(t *testing.T) {
	ctx := context.Background()
	st, ring, tn := newWorld(t)
	slow := &slowEndpoint{release: make(chan struct{})}
	srv := httptest.NewServer(slow)
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(slow.release) })
	secret, _ := stdwebhook.NewSecret()
	hook(t, st, ring, tn.ID, "slow", srv.URL, []string{"channel.auth_failed"}, secret, "")

	const lease = 300 * time.Millisecond
	p := New(Config{Replica: "p1", Lease: lease, Timeout: time.Minute, Poll: 20 * time.Millisecond, AllowPrivate: true},
		st, ring, slog.New(slog.NewTextHandler(io.Discard, nil)))
	runPoster(t, p, st)
	ch := &store.Channel{TenantID: tn.ID, ID: "ch1", DisplayName: "Shop", Type: "ALIPAY_MINI_PROGRAM", State: "ENABLED", Config: []byte(`{}`), Secrets: []byte{1}}
	if err := st.CreateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	ch.State, ch.StateReason = "AUTH_FAILED", "Alipay: invalid-signature"
	if err := st.UpdateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the call to start", func() bool { return slow.count() == 1 })

	// Five leases long, another replica looks for due deliveries: it finds none.
	for end := time.Now().Add(5 * lease); time.Now().Before(end); time.Sleep(lease / 4) {
		if got, err := st.ClaimWebhookDeliveries(ctx, "p2", time.Now(), time.Minute, 10); err != nil || len(got) != 0 {
			t.Fatalf("another replica claimed %d deliveries (error %v) while p1's call ran", len(got), err)
		}
	}
	if slow.count() != 1 {
		t.Fatalf("the endpoint got %d calls, want the one still running", slow.count())
	}
}
