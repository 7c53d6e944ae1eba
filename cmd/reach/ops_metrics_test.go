package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

// TestOpsMetricsExist: every metric the dashboard (ops/grafana) and the alert rules
// (ops/prometheus) read is on the /metrics of the real `reach serve` or `reach dispatch`,
// so a renamed or removed metric fails here instead of leaving a blank panel or an alert
// that can never fire. The Go runtime, process and delivery metrics are on both.
func TestOpsMetricsExist(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "reach.db")
	seedWaitingMessage(t, db)
	srv := serveReady(t, nil, "--database", db)
	disp := startDispatch(t, db)

	// One request the HTTP edge answers itself, so its rejection counter has a series.
	if code, _ := get(t, srv.baseURL()+"/v1/no-such-route"); code != http.StatusNotFound {
		t.Fatalf("GET /v1/no-such-route: %d, want 404", code)
	}
	onServe := waitMetrics(t, srv.baseURL()+"/metrics", "reach_queue_messages")
	onDispatch := waitMetrics(t, disp+"/metrics", "reach_queue_messages")
	for _, name := range []string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_gc_duration_seconds_count",
		"process_resident_memory_bytes", "process_cpu_seconds_total", "reach_delivery_claimed_total",
		"reach_delivery_outcomes_total", "reach_queue_oldest_age_seconds", "reach_channels", "reach_webhook_attempts_total"} {
		for where, names := range map[string][]string{"reach serve": onServe, "reach dispatch": onDispatch} {
			if !slices.Contains(names, name) {
				t.Errorf("%s /metrics lacks %s", where, name)
			}
		}
	}

	// Synthetic series Prometheus adds itself.
	synthetic := []string{"up"}
	ops := filepath.Join("..", "..", "ops")
	sources := map[string][]string{
		"ops/grafana/reach.json":    dashboardExprs(t, filepath.Join(ops, "grafana", "reach.json")),
		"ops/prometheus/alerts.yml": ruleExprs(t, filepath.Join(ops, "prometheus", "alerts.yml")),
	}
	checked := 0
	for file, exprs := range sources {
		for _, expr := range exprs {
			names := metricNames(expr)
			if len(names) == 0 {
				t.Errorf("%s: no metric in %q", file, expr)
			}
			for _, name := range names {
				checked++
				if !slices.Contains(synthetic, name) && !slices.Contains(onServe, name) && !slices.Contains(onDispatch, name) {
					t.Errorf("%s uses %s, which neither reach serve nor reach dispatch exports (in %q)", file, name, expr)
				}
			}
		}
	}
	if checked < 20 {
		t.Fatalf("only %d metric uses found in ops/: the expression reader is broken", checked)
	}
}

// seedWaitingMessage creates the database with a message waiting on a DISABLED channel:
// the dispatchers hold it without calling Alipay, and the queue depth has a series.
func seedWaitingMessage(t *testing.T, db string) {
	t.Helper()
	ctx := t.Context()
	st, _, err := backend.Open(ctx, db, backend.Options{AutoMigrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tn, err := st.EnsureTenant(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	ch := &store.Channel{TenantID: tn.ID, ID: "shop", DisplayName: "Shop", Type: "ALIPAY_MINI_PROGRAM", State: "DISABLED",
		Config: []byte(`{}`), Secrets: []byte{1}}
	if err := st.CreateChannel(ctx, ch); err != nil {
		t.Fatal(err)
	}
	msg := &store.Message{TenantID: tn.ID, ID: "m1", ChannelID: "shop", TemplateID: "tpl", Payload: []byte(`{}`), State: "QUEUED",
		Recipient: store.UserRef{Kind: "USER_ID", ID: "2088000000000001"}}
	if _, _, _, err := st.CreateMessages(ctx, tn.ID, "", "", []*store.Message{msg}); err != nil {
		t.Fatal(err)
	}
}

// startDispatch starts `reach dispatch` on db and returns the base URL of its /metrics
// listener once /healthz answers; it is killed when the test ends.
func startDispatch(t *testing.T, db string) string {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(reachBin, "dispatch", "--database", db, "--http-addr", addr)
	cmd.Env = childEnv()
	cmd.Dir = t.TempDir()
	stderr := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("reach dispatch stderr:\n%s", stderr.String())
		}
	})
	base := "http://" + addr
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("reach dispatch exited: %v\n%s", err, stderr.String())
		default:
		}
		if resp, err := client.Get(base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return base
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("reach dispatch: no /healthz within %v\n%s", readyTimeout, stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitMetrics scrapes url until it shows want (a dispatcher counts its queue just after
// it starts), and returns the sample names it exposes (histograms as _bucket, _sum,
// _count).
func waitMetrics(t *testing.T, url, want string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), readyTimeout)
	defer cancel()
	for {
		names, err := scrapeNames(url)
		if err == nil && slices.Contains(names, want) {
			return names
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: no %s within %v (%v)", url, want, readyTimeout, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// scrapeNames reads the Prometheus text format: the name of every sample line.
func scrapeNames(url string) ([]string, error) {
	code, body, err := fetch(url)
	if err != nil {
		return nil, err
	}
	if code != http.StatusOK {
		return nil, fmt.Errorf("status %d", code)
	}
	var names []string
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return nil, errors.New("no samples")
	}
	return names, nil
}

func fetch(url string) (int, string, error) {
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(url)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}
