package main

// The demo's environment: the simulator and the Reach service running in this process,
// a fresh SQLite database and key ring, and an admin API key.

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/broadcast"
	"github.com/reachhq/reach/clients/alipaysim"
	"github.com/reachhq/reach/delivery"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/server"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/webhooks"
)

// The files the demo leaves in its data directory; `reach serve` finds the key file
// beside the database.
const (
	demoDBFile  = "reach.db"
	demoKeyFile = "reach.keys"
)

// demoEnv is the running simulator and Reach service with their data.
type demoEnv struct {
	configPath string // the simulator config, as found
	simConfig  alipaysim.Config
	keyDir     string // where the apps' private keys are
	dataDir    string
	tempData   bool // dataDir is removed at exit
	sim        *alipaysim.Server
	store      store.Store
	httpURL    string
	grpcAddr   string
	apiKey     string
	stopReach  func() error
	hooks      *demoReceiver // the tenant's webhook endpoint
}

// startDemoEnv starts the simulator, opens the store and starts Reach. On error whatever
// was started is stopped again.
func startDemoEnv(ctx context.Context, o demoOptions, log *slog.Logger) (env *demoEnv, err error) {
	env = &demoEnv{}
	defer func() {
		if err != nil {
			err = errors.Join(err, env.close())
			env = nil
		}
	}()
	if err := env.startSimulator(log, o.simFaults); err != nil {
		return env, err
	}
	if err := env.openStore(ctx, o.keep); err != nil {
		return env, err
	}
	ring, _, err := secrets.LoadOrCreateFile(filepath.Join(env.dataDir, demoKeyFile))
	if err != nil {
		return env, err
	}
	if env.apiKey, err = createDemoKey(ctx, env.store); err != nil {
		return env, err
	}
	if env.hooks, err = startDemoReceiver(); err != nil {
		return env, err
	}
	return env, env.startReach(ctx, ring, log)
}

// dbPath is the SQLite database file.
func (e *demoEnv) dbPath() string { return filepath.Join(e.dataDir, demoDBFile) }

// openStore opens a fresh SQLite database in a temp dir, or in keep. A kept directory
// must not hold a database or key file yet: the demo always starts from scratch.
func (e *demoEnv) openStore(ctx context.Context, keep string) error {
	if keep == "" {
		dir, err := os.MkdirTemp("", "reach-demo-")
		if err != nil {
			return err
		}
		e.dataDir, e.tempData = dir, true
	} else {
		if err := checkKeepDir(keep); err != nil {
			return err
		}
		e.dataDir = keep
	}
	st, _, err := backend.Open(ctx, "sqlite:"+e.dbPath(), backend.Options{AutoMigrate: true})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	e.store = st
	return nil
}

func checkKeepDir(dir string) error {
	if strings.ContainsAny(dir, "?#") {
		return fmt.Errorf("--keep %s: the directory name must not contain ? or #", dir)
	}
	for _, name := range []string{demoDBFile, demoKeyFile} {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("--keep %s: it already holds %s; the demo starts from scratch, so name a new directory", dir, name)
		}
	}
	return os.MkdirAll(dir, 0o700)
}

// createDemoKey makes an admin API key for the demo tenant, as `reach keys create` does.
func createDemoKey(ctx context.Context, st store.Store) (string, error) {
	t, err := st.EnsureTenant(ctx, demoTenant)
	if err != nil {
		return "", err
	}
	token, id, hash, err := apikey.New()
	if err != nil {
		return "", err
	}
	k := &store.APIKey{ID: id, TenantID: t.ID, Role: store.RoleAdmin, Hash: hash, CreateTime: time.Now().UTC()}
	return token, st.CreateAPIKey(ctx, k)
}

// startReach serves gRPC and HTTP on free loopback ports until close, and waits until
// /readyz answers.
func (e *demoEnv) startReach(ctx context.Context, ring *secrets.KeyRing, log *slog.Logger) error {
	gl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		gl.Close()
		return err
	}
	e.grpcAddr, e.httpURL = gl.Addr().String(), "http://"+hl.Addr().String()
	// The API and the dispatcher, as `reach serve` runs them.
	// The demo's Alipay is the simulator on loopback, which production never allows.
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		return err
	}
	var d *delivery.Dispatcher
	// The webhook receiver is on loopback too: allowed here, as --webhook-allow-private does.
	srv := server.New(server.Config{ShutdownTimeout: 5 * time.Second, OnQueued: func() { d.Wake() }, AlipayEndpoints: ep,
		Webhooks: webhookurl.Policy{AllowPrivate: true}}, e.store, ring, log)
	d = delivery.New(delivery.Config{}, e.store, appconn.New(e.store, ring, log, appconn.WithEndpoints(ep)), log, srv.Registry())
	poster := webhooks.New(webhooks.Config{Replica: d.Replica(), AllowPrivate: true, Poll: 50 * time.Millisecond}, e.store, ring, log)
	caster := broadcast.New(broadcast.Config{Owner: d.Replica(), Poll: 50 * time.Millisecond}, e.store, log, d.Wake)
	// Not ctx: Ctrl-C during --hold must stop Reach in order, through stopReach.
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	dispatched, posted, cast := make(chan struct{}), make(chan struct{}), make(chan struct{})
	go func() { done <- srv.ServeListeners(sctx, gl, hl) }()
	go func() { _ = d.Run(sctx); close(dispatched) }()
	go func() { poster.Run(sctx); close(posted) }()
	go func() { _ = caster.Run(sctx); close(cast) }()
	e.stopReach = func() error {
		cancel()
		<-dispatched
		<-posted
		<-cast
		err := <-done
		gl.Close() // ServeListeners leaves them open when it fails to start
		hl.Close()
		return err
	}
	return waitReady(ctx, e.httpURL+"/readyz", done)
}

// waitReady polls url until it answers 200, the server stops, or 30 s pass.
func waitReady(ctx context.Context, url string, done <-chan error) error {
	deadline := time.Now().Add(30 * time.Second)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-done:
			return fmt.Errorf("reach stopped while starting: %v", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("reach did not become ready at %s within 30s", url)
		}
	}
}

// close stops Reach before the store and the simulator it uses, then removes a temp dir.
func (e *demoEnv) close() error {
	var errs []error
	if e.stopReach != nil {
		errs = append(errs, e.stopReach())
	}
	errs = append(errs, e.hooks.close())
	if e.store != nil {
		errs = append(errs, e.store.Close())
	}
	if e.sim != nil {
		// Close, not Shutdown: Reach is already stopped, so nothing is in flight, and
		// Shutdown would wait up to 5 s for a keep-alive connection Reach dialled but never
		// used (net/http treats a new connection as busy until it is 5 s old).
		errs = append(errs, e.sim.Close())
	}
	if e.tempData && e.dataDir != "" {
		errs = append(errs, os.RemoveAll(e.dataDir))
	}
	return errors.Join(errs...)
}
