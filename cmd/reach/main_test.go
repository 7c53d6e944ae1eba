package main

// End-to-end tests of the reach binary. TestMain builds the real binary once; the tests run
// it as a child process (so exit codes, stdout/stderr and signals are the real ones) and talk
// to `reach serve` over HTTP. Every child process is killed in cleanup.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// testVersion is injected with -ldflags -X (as a release build does) so `reach version` can be
// checked; -buildvcs=auto records the commit even where GOFLAGS says -buildvcs=false.
const testVersion = "v0.0.0-clitest"

// Generous limits: the tests must pass on a loaded 2-core machine.
const (
	cmdTimeout   = 2 * time.Minute  // one short-lived command (keys, migrate, version)
	readyTimeout = 90 * time.Second // serve: start until /readyz answers 200
	exitTimeout  = 30 * time.Second // serve: SIGTERM until exit
	failTimeout  = 60 * time.Second // serve expected to fail on its own
)

// reachBin is the binary TestMain built.
var reachBin string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "reach-cli-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "reach cli tests:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	reachBin = filepath.Join(dir, "reach")
	build := exec.Command("go", "build", "-buildvcs=auto", "-ldflags=-X github.com/reachhq/reach/internal/buildinfo.version="+testVersion, "-o", reachBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "reach cli tests: go build:", err)
		return 1
	}
	return m.Run()
}

// testKeyCache is how long the servers the tests start reuse an API key read: the bound
// within which a revoked key stops working (the default is 5 s).
const testKeyCache = 300 * time.Millisecond

// childEnv is the test process's environment without any REACH_* variable (a developer's
// own settings must not leak into the tests), plus the test key cache, plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "REACH_") {
			env = append(env, kv)
		}
	}
	env = append(env, "REACH_KEY_CACHE="+testKeyCache.String())
	return append(env, extra...)
}

// result is how a finished command ended.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n--- stdout:\n%s--- stderr:\n%s", r.code, r.stdout, r.stderr)
}

// reach runs the binary to completion with env added to the scrubbed environment.
func reach(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), cmdTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, reachBin, args...)
	cmd.Env = childEnv(env...)
	cmd.Dir = t.TempDir()
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.Exited():
		r.code = exit.ExitCode()
	default:
		t.Fatalf("reach %s: %v (%s)", strings.Join(args, " "), err, r)
	}
	return r
}

// mustReach runs the binary and fails the test unless it exits 0.
func mustReach(t *testing.T, env []string, args ...string) result {
	t.Helper()
	r := reach(t, env, args...)
	if r.code != 0 {
		t.Fatalf("reach %s: %s", strings.Join(args, " "), r)
	}
	return r
}

// syncBuffer is a bytes.Buffer a child process writes to while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// serveProc is a running (or finished) `reach serve`.
type serveProc struct {
	t        *testing.T
	cmd      *exec.Cmd
	stdout   *syncBuffer
	stderr   *syncBuffer
	done     chan struct{} // closed when the process has exited
	code     int           // exit code, valid after done (-1: killed by a signal)
	httpAddr string        // from --http-addr, if the test passed it
	dir      string        // working directory
	started  time.Time
}

// startServe starts `reach serve args…` with env; it does not wait for readiness. The
// process is killed (if still running) when the test ends.
func startServe(t *testing.T, env []string, args ...string) *serveProc {
	t.Helper()
	return startReach(t, env, "serve", args...)
}

// startReach starts the long-running `reach sub args…` (serve, dispatch) like startServe.
func startReach(t *testing.T, env []string, sub string, args ...string) *serveProc {
	t.Helper()
	cmd := exec.Command(reachBin, append([]string{sub}, args...)...)
	cmd.Env = childEnv(env...)
	cmd.Dir = t.TempDir()
	p := &serveProc{t: t, cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{}), dir: cmd.Dir}
	cmd.Stdout, cmd.Stderr = p.stdout, p.stderr
	for i, a := range args {
		if a == "--http-addr" && i+1 < len(args) {
			p.httpAddr = args[i+1]
		} else if v, ok := strings.CutPrefix(a, "--http-addr="); ok {
			p.httpAddr = v
		}
	}
	p.started = time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := cmd.Wait()
		p.code = 0
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			p.code = exit.ExitCode()
		} else if err != nil {
			p.code = -1
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = cmd.Process.Kill()
			<-p.done
		}
		if t.Failed() {
			t.Logf("reach %s (pid %d) stderr:\n%s", sub, cmd.Process.Pid, p.stderr.String())
		}
	})
	return p
}

// exited reports whether the process has ended.
func (p *serveProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// baseURL is the HTTP address the test passed, as a URL.
func (p *serveProc) baseURL() string { return "http://" + p.httpAddr }

// waitReady polls /readyz until it answers 200; it fails the test if the process exits or
// readiness does not come within readyTimeout. It returns the time from start to ready.
func (p *serveProc) waitReady() time.Duration {
	p.t.Helper()
	if err := p.pollReady(); err != nil {
		p.t.Fatalf("reach serve not ready: %v\nstderr:\n%s", err, p.stderr.String())
	}
	return time.Since(p.started)
}

// waitLog waits until the process's stderr holds text: a log line may come a moment after
// /readyz answers (the HTTP server starts before "serving" is logged).
func (p *serveProc) waitLog(text string) string {
	p.t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for !strings.Contains(p.stderr.String(), text) {
		if time.Now().After(deadline) || p.exited() {
			p.t.Fatalf("no %q in the log:\n%s", text, p.stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	return p.stderr.String()
}

func (p *serveProc) pollReady() error {
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("exited with code %d", p.code)
		}
		resp, err := client.Get(p.baseURL() + "/readyz")
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no 200 from /readyz within %v", readyTimeout)
}

// waitExit waits up to d for the process to end and returns its exit code.
func (p *serveProc) waitExit(d time.Duration) int {
	p.t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(d):
		p.t.Fatalf("reach serve still running after %v\nstderr:\n%s", d, p.stderr.String())
		return 0
	}
}

// stop sends SIGTERM and requires a clean exit (code 0) within exitTimeout. It returns how
// long the shutdown took.
func (p *serveProc) stop() time.Duration {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM: %v", err)
	}
	if code := p.waitExit(exitTimeout); code != 0 {
		p.t.Fatalf("reach serve exited with %d after SIGTERM, want 0\nstderr:\n%s", code, p.stderr.String())
	}
	return time.Since(start)
}

// serveReady starts `reach serve` on fresh free ports and waits until it is ready. A port
// taken between choosing and binding it is retried with new ports.
func serveReady(t *testing.T, env []string, args ...string) *serveProc {
	t.Helper()
	for attempt := 1; ; attempt++ {
		p := startServe(t, env, append([]string{"--grpc-addr", freeAddr(t), "--http-addr", freeAddr(t)}, args...)...)
		err := p.pollReady()
		if err == nil {
			return p
		}
		if attempt < 3 && p.exited() && strings.Contains(p.stderr.String(), "address already in use") {
			continue
		}
		t.Fatalf("reach serve not ready: %v\nstderr:\n%s", err, p.stderr.String())
	}
}

// api is a JSON client of one server with one API key.
type api struct {
	t      *testing.T
	base   string
	key    string
	client *http.Client
}

func newAPI(t *testing.T, p *serveProc, key string) *api {
	return &api{t: t, base: p.baseURL(), key: key, client: &http.Client{Timeout: 30 * time.Second}}
}

// do sends body (a string is sent as is, anything else as JSON) and returns the status and
// the decoded JSON answer (nil when the answer is not a JSON object).
func (a *api) do(method, path string, body any) (int, map[string]any) {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a.key != "" {
		req.Header.Set("Authorization", "Bearer "+a.key)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// must is do that requires HTTP 200.
func (a *api) must(method, path string, body any) map[string]any {
	a.t.Helper()
	code, out := a.do(method, path, body)
	if code != http.StatusOK {
		a.t.Fatalf("%s %s: HTTP %d %v", method, path, code, out)
	}
	return out
}

// get fetches a plain (non-API) path and returns status and body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// obj walks nested JSON objects: obj(m, "message", "recipient").
func obj(m map[string]any, path ...string) map[string]any {
	for _, k := range path {
		m, _ = m[k].(map[string]any)
	}
	return m
}

// str is obj for a string leaf: str(m, "message", "state").
func str(m map[string]any, path ...string) string {
	if len(path) == 0 {
		return ""
	}
	v, _ := obj(m, path[:len(path)-1]...)[path[len(path)-1]].(string)
	return v
}
