package delivery

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/storetest"
)

// The world's apps and users, by shorter names.
const (
	lifeApp = deliverytest.LifeApp
	miniApp = deliverytest.MiniApp
	plusApp = deliverytest.PlusApp
)

var (
	userID   = deliverytest.UserID
	customer = deliverytest.Customer
	sendAPI  = deliverytest.SendAPI
)

type send = deliverytest.Send

const ringText = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

// env is a deliverytest world on a store, for one test.
type env struct {
	*deliverytest.World
	t   *testing.T
	st  store.Store
	sim *alipaysim.TestServer
	log *slog.Logger
}

// databases are the backends the dispatcher tests run on: SQLite always, PostgreSQL and
// MariaDB when reachable (required under CI=true).
func databases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite": func(t *testing.T) string {
			return "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
		},
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
}

// eachDatabase runs fn on every backend.
func eachDatabase(t *testing.T, fn func(t *testing.T, dsn string)) {
	dbs := databases(t)
	for _, name := range []string{"mysql", "postgres", "sqlite"} {
		t.Run(name, func(t *testing.T) { fn(t, dbs[name](t)) })
	}
}

func newEnv(t *testing.T, dsn string, mod func(*alipaysim.Config)) *env {
	t.Helper()
	st, _, err := backend.Open(context.Background(), dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(ringText)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("REACH_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	w := deliverytest.New(t, st, appconn.New(st, ring, log, appconn.WithEndpoints(loopbackAlipay(t))), mod)
	return &env{World: w, t: t, st: st, sim: w.Sim, log: log}
}

// start runs a dispatcher until the test ends and returns it.
func (e *env) start(cfg Config) *Dispatcher {
	e.t.Helper()
	cfg.BackoffInitial = cmpOr(cfg.BackoffInitial, 20*time.Millisecond)
	cfg.BackoffMax = cmpOr(cfg.BackoffMax, 100*time.Millisecond)
	cfg.RateLimitDelay = cmpOr(cfg.RateLimitDelay, 50*time.Millisecond)
	cfg.Poll = cmpOr(cfg.Poll, 20*time.Millisecond)
	cfg.CallTimeout = cmpOr(cfg.CallTimeout, 5*time.Second)
	cfg.CacheFor = cmpOr(cfg.CacheFor, 50*time.Millisecond)
	cfg.HoldFor = cmpOr(cfg.HoldFor, 100*time.Millisecond)
	d := New(cfg, e.st, e.Conn, e.log, nil)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = d.Run(ctx); close(done) }()
	e.t.Cleanup(func() { cancel(); <-done })
	return d
}

func cmpOr[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

// wait polls a message until done says it is where the test expects, or fails.
func (e *env) wait(m *store.Message, done func(*store.Message) bool) *store.Message {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := e.st.GetMessage(context.Background(), e.Tenant, m.ID)
		if err != nil {
			e.t.Fatal(err)
		}
		if done(got) {
			return got
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("message %s stayed %s (%q), attempts %d", got.ID, got.State, got.StateReason, got.Attempts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitState waits for a message to reach state.
func (e *env) waitState(m *store.Message, state string) *store.Message {
	e.t.Helper()
	return e.wait(m, func(got *store.Message) bool { return got.State == state && got.LeaseOwner == "" })
}

func (e *env) events(m *store.Message) []*store.MessageEvent {
	e.t.Helper()
	evs, _, err := e.st.ListMessageEvents(context.Background(), e.Tenant, m.ID, store.Page{Size: 1000})
	if err != nil {
		e.t.Fatal(err)
	}
	return evs
}

// accepted counts the sends the simulator accepted for an app.
func (e *env) accepted(appID string) int { return e.Accepted(appID) }

// loopbackAlipay is the default allowlist plus loopback, where the tests' simulator runs.
func loopbackAlipay(tb testing.TB) *appconn.Endpoints {
	tb.Helper()
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		tb.Fatal(err)
	}
	return ep
}
