package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/internal/benchkit"
	"github.com/reachhq/reach/store"
)

func gomaxprocs() int { return runtime.GOMAXPROCS(0) }

// results are one database's figures, one sample per repeat.
type results struct {
	db                                 string
	empty, grpc, json, cpu, commits    []float64
	grpcToEmpty                        []float64 // each repeat's SendMessage rate / its empty calls
	dbCPU, loadCPU                     []float64 // per SendMessage: the database server, this generator
	batchGRPC, batchJSON               []float64
	p50GRPC, p99GRPC, p50JSON, p99JSON []float64
	failed                             int64
}

// measureDatabase builds a world on a fresh database of kind db, starts `reach serve` on
// it and takes every figure repeats times.
func measureDatabase(ctx context.Context, o options, bin, db string) (*results, error) {
	w, err := benchkit.NewWorld(ctx, o.servers, db, o.log)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	var users []string
	for _, s := range w.Recipients("life", 1000) {
		users = append(users, s.To.ID)
	}
	token, id, hash, err := apikey.New()
	if err != nil {
		return nil, err
	}
	if err := w.Store.CreateAPIKey(ctx, &store.APIKey{ID: id, TenantID: w.Tenant, Role: store.RoleSender, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
		return nil, err
	}
	cm, err := newCommits(o.servers, db)
	if err != nil {
		return nil, err
	}
	defer cm.close()
	if err := cm.calibrate(ctx, schemaOf(w.DSN)); err != nil {
		return nil, fmt.Errorf("calibrate the commit counter: %w", err)
	}
	admin := benchkit.FreeAddr()
	reach, err := benchkit.StartReach(ctx, w.TB, bin, w.DSN, "--dispatch=false", "--admin-addr", admin)
	if err != nil {
		return nil, err
	}
	cm.metrics = "http://" + reach.HTTPAddr + "/metrics"
	c, err := newClient(reach.GRPCAddr, reach.HTTPAddr, token, users, o.callers)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if o.hold {
		return nil, hold(ctx, reach, admin, token, users)
	}
	r := &results{db: db}
	m := &measurer{o: o, c: c, pid: reach.Cmd.Process.Pid, commits: cm, r: r, admin: admin, db: db}
	m.run(ctx, time.Second) // warm up: connections, caches, prepared statements
	for range max(o.repeats, 1) {
		if err := m.repeat(ctx); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// schemaOf names the PostgreSQL schema or MariaDB database of a benchmark DSN.
func schemaOf(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return ""
	}
	if s := u.Query().Get("search_path"); s != "" {
		return s
	}
	return strings.TrimPrefix(u.Path, "/")
}

// measurer takes one repeat's figures against one running Reach.
type measurer struct {
	o       options
	c       *client
	pid     int
	commits *commits
	r       *results
	admin   string // the server's admin listener, for profiles
	db      string
}

func (m *measurer) run(ctx context.Context, d time.Duration) {
	m.c.prefix = uuid.NewString()[:8] + "-"
	_, _, _, _ = saturate(ctx, m.o.callers, d, m.c.sendGRPC)
}

func (m *measurer) repeat(ctx context.Context) error {
	o, c, r := m.o, m.c, m.r
	c.prefix = uuid.NewString()[:8] + "-"
	rate, _, _, err := saturate(ctx, o.callers, o.duration, c.empty)
	if err != nil {
		return fmt.Errorf("empty call: %w", err)
	}
	r.empty = append(r.empty, rate)

	cpuBefore, err := benchkit.CPUTime(m.pid)
	if err != nil {
		return err
	}
	commitsBefore, counted, err := m.commits.now(ctx)
	if err != nil {
		return err
	}
	dbBefore, loadBefore := m.otherCPU()
	profiled := m.profile(ctx)
	rate, n, failed, err := saturate(ctx, o.callers, o.duration, c.sendGRPC)
	if perr := profiled(); perr != nil {
		return perr
	}
	if err != nil {
		return fmt.Errorf("SendMessage: %w", err)
	}
	r.failed += failed
	cpuAfter, err := benchkit.CPUTime(m.pid)
	if err != nil {
		return err
	}
	r.grpc = append(r.grpc, rate)
	sendRate := rate
	r.cpu = append(r.cpu, float64((cpuAfter-cpuBefore).Microseconds())/float64(max(n, 1)))
	dbAfter, loadAfter := m.otherCPU()
	if m.db != "sqlite" { // SQLite runs inside Reach: its CPU is Reach's
		r.dbCPU = append(r.dbCPU, float64((dbAfter-dbBefore).Microseconds())/float64(max(n, 1)))
	}
	r.loadCPU = append(r.loadCPU, float64((loadAfter-loadBefore).Microseconds())/float64(max(n, 1)))
	if counted {
		writes, err := m.commits.since(ctx, commitsBefore)
		if err != nil {
			return err
		}
		r.commits = append(r.commits, writes/float64(max(n, 1)))
	}
	// The empty call again, right after: these machines' speed drifts within minutes, so
	// the ratio is taken to the mean of the empty calls on either side of this run.
	after, _, _, err := saturate(ctx, o.callers, o.duration, c.empty)
	if err != nil {
		return fmt.Errorf("empty call: %w", err)
	}
	r.grpcToEmpty = append(r.grpcToEmpty, sendRate/((r.empty[len(r.empty)-1]+after)/2))

	c.prefix = uuid.NewString()[:8] + "-"
	rate, _, failed, err = saturate(ctx, o.callers, o.duration, c.sendJSON)
	if err != nil {
		return fmt.Errorf("SendMessage over JSON: %w", err)
	}
	r.failed += failed
	r.json = append(r.json, rate)

	c.prefix = uuid.NewString()[:8] + "-"
	p50, p99, failed := paced(ctx, o.rate, o.rateRun, c.sendGRPC)
	r.failed += failed
	r.p50GRPC, r.p99GRPC = append(r.p50GRPC, ms(p50)), append(r.p99GRPC, ms(p99))
	c.prefix = uuid.NewString()[:8] + "-"
	p50, p99, failed = paced(ctx, o.rate, o.rateRun, c.sendJSON)
	r.failed += failed
	r.p50JSON, r.p99JSON = append(r.p50JSON, ms(p50)), append(r.p99JSON, ms(p99))

	for _, b := range []struct {
		fn  call
		out *[]float64
	}{{c.batchGRPC(o.batch), &r.batchGRPC}, {c.batchJSON(o.batch), &r.batchJSON}} {
		c.prefix = uuid.NewString()[:8] + "-"
		rate, _, failed, err := saturate(ctx, o.callers, o.duration, b.fn)
		if err != nil {
			return fmt.Errorf("BatchSendMessages: %w", err)
		}
		r.failed += failed
		*b.out = append(*b.out, rate*float64(o.batch))
	}
	return nil
}

// otherCPU reads the CPU time used so far by the database server and by this generator,
// so that a run's CPU budget can be split between Reach, its database and the load.
func (m *measurer) otherCPU() (db, load time.Duration) {
	db = benchkit.ServerCPU(m.db)
	load, _ = benchkit.CPUTime(os.Getpid())
	return db, load
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// profile starts a CPU profile of the server for the next run (once per database, when
// asked); the function it returns waits for the profile and writes it.
func (m *measurer) profile(ctx context.Context) func() error {
	if m.o.profileDir == "" || len(m.r.grpc) > 0 {
		return func() error { return nil }
	}
	secs := max(1, int(m.o.duration.Seconds())-1)
	done := make(chan error, 1)
	go func() {
		url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", m.admin, secs)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			done <- err
			return
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- err
			return
		}
		defer resp.Body.Close()
		if err := os.MkdirAll(m.o.profileDir, 0o755); err != nil {
			done <- err
			return
		}
		f, err := os.Create(filepath.Join(m.o.profileDir, m.db+".pprof"))
		if err != nil {
			done <- err
			return
		}
		_, err = io.Copy(f, resp.Body)
		done <- errors.Join(err, f.Close())
	}()
	return func() error { return <-done }
}
