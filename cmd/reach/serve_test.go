package main

import (
	"bufio"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const interrupt = syscall.SIGINT

const keyFileCreatedLog = "created a new secret key file"

// serveFails starts `reach serve` (on free ports) expecting it to give up on its own, and
// returns its exit code and stderr.
func serveFails(t *testing.T, env []string, args ...string) (int, string) {
	t.Helper()
	p := startServe(t, env, append([]string{"--grpc-addr", freeAddr(t), "--http-addr", freeAddr(t)}, args...)...)
	select {
	case <-p.done:
	case <-time.After(failTimeout):
		t.Fatalf("reach serve %v is still running after %v, want it to fail\nstderr:\n%s", args, failTimeout, p.stderr.String())
	}
	if strings.Contains(p.stderr.String(), "msg=serving") {
		t.Errorf("reach serve %v served before failing:\n%s", args, p.stderr.String())
	}
	return p.code, p.stderr.String()
}

// TestServeSQLite is the README on the embedded default: keys made by the CLI, a key file
// created on first start, the walk-through over JSON, SIGTERM, restart.
func TestServeSQLite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbDir := filepath.Join(dir, "db")
	db := "sqlite:" + filepath.Join(dbDir, "reach.db")
	keyFile := filepath.Join(dbDir, "reach.keys")

	adminKey, _ := createKey(t, nil, "--tenant", "acme", "--role", "admin", "--database", db)
	senderKey, _ := createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", db)
	if _, err := os.Stat(keyFile); !os.IsNotExist(err) {
		t.Fatalf("keys create made a key file (%v); only serve should", err)
	}

	first, second := lifecycle(t, nil, []string{"--database", db}, adminKey, senderKey)

	info, err := os.Stat(keyFile)
	if err != nil {
		t.Fatalf("serve did not create %s: %v", keyFile, err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %#o, want 0600", keyFile, perm)
	}
	log := first.stderr.String()
	if !strings.Contains(log, keyFileCreatedLog) || !strings.Contains(log, keyFile) {
		t.Errorf("first start does not log that it created %s:\n%s", keyFile, log)
	}
	if strings.Contains(second.stderr.String(), keyFileCreatedLog) {
		t.Errorf("restart created the key file again:\n%s", second.stderr.String())
	}
	// The key file's key is itself a secret.
	data, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(data), "\n") {
		if id, key, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(id, "#") {
			assertNoSecrets(t, "serve stderr", first.stderr.String()+second.stderr.String(), strings.TrimSpace(key))
		}
	}
}

// TestServeFlagBeatsEnv: a flag wins over its REACH_* variable, which wins over the default.
func TestServeFlagBeatsEnv(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")

	// --http-addr beats REACH_HTTP_ADDR; REACH_GRPC_ADDR and REACH_LOG_FORMAT apply where no
	// flag is given.
	envHTTP, flagHTTP, envGRPC := freeAddr(t), freeAddr(t), freeAddr(t)
	p := startServe(t, []string{"REACH_HTTP_ADDR=" + envHTTP, "REACH_GRPC_ADDR=" + envGRPC, "REACH_LOG_FORMAT=json", "REACH_SECRET_KEYS=" + newKeyRing(t)},
		"--database", db, "--http-addr", flagHTTP)
	p.waitReady()
	if c, err := net.DialTimeout("tcp", envHTTP, 2*time.Second); err == nil {
		c.Close()
		t.Errorf("something listens on REACH_HTTP_ADDR %s although --http-addr %s was given", envHTTP, flagHTTP)
	}
	serving := jsonLogLine(t, p.waitLog(`"msg":"serving"`), "serving")
	if serving["http"] != flagHTTP || serving["grpc"] != envGRPC {
		t.Errorf("serving on http %v grpc %v, want http %s (flag) grpc %s (env)", serving["http"], serving["grpc"], flagHTTP, envGRPC)
	}
	if c, err := net.DialTimeout("tcp", envGRPC, 5*time.Second); err != nil {
		t.Errorf("gRPC not on REACH_GRPC_ADDR %s: %v", envGRPC, err)
	} else {
		c.Close()
	}
	p.stop()

	// Without the flag, REACH_HTTP_ADDR applies; --log-format beats REACH_LOG_FORMAT.
	envHTTP = freeAddr(t)
	p = startServe(t, []string{"REACH_HTTP_ADDR=" + envHTTP, "REACH_LOG_FORMAT=json", "REACH_SECRET_KEYS=" + newKeyRing(t)},
		"--database", db, "--grpc-addr", freeAddr(t), "--log-format", "text")
	p.httpAddr = envHTTP
	p.waitReady()
	if log := p.waitLog("msg=serving"); !strings.Contains(log, "level=INFO msg=serving") || strings.Contains(log, `{"time"`) {
		t.Errorf("--log-format text did not beat REACH_LOG_FORMAT=json:\n%s", log)
	}
	p.stop()
}

// jsonLogLine returns the JSON log record with msg, requiring every line to be JSON.
func jsonLogLine(t *testing.T, log, msg string) map[string]any {
	t.Helper()
	var found map[string]any
	sc := bufio.NewScanner(strings.NewReader(log))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("REACH_LOG_FORMAT=json, but a log line is not JSON: %q", sc.Text())
		}
		if rec["msg"] == msg {
			found = rec
		}
	}
	if found == nil {
		t.Fatalf("no %q log record in:\n%s", msg, log)
	}
	return found
}

// TestServeKeyConfig: where the key ring comes from, and the refusals.
func TestServeKeyConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	ring := newKeyRing(t)

	t.Run("inline ring, no key file", func(t *testing.T) {
		db := "sqlite:" + filepath.Join(dir, "inline", "reach.db")
		p := serveReady(t, []string{"REACH_SECRET_KEYS=" + ring}, "--database", db)
		p.stop()
		if _, err := os.Stat(filepath.Join(dir, "inline", "reach.keys")); !os.IsNotExist(err) {
			t.Errorf("a key file was created although REACH_SECRET_KEYS is set (%v)", err)
		}
		if log := p.stderr.String(); strings.Contains(log, keyFileCreatedLog) {
			t.Errorf("logs a created key file:\n%s", log)
		}
		assertNoSecrets(t, "serve stderr", p.stderr.String(), strings.TrimPrefix(ring, "k1:"))
	})

	keyFile := filepath.Join(dir, "ring.keys")
	if err := os.WriteFile(keyFile, []byte(ring+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Run("key file flag", func(t *testing.T) {
		db := "sqlite:" + filepath.Join(dir, "file", "reach.db")
		p := serveReady(t, nil, "--database", db, "--secret-key-file", keyFile)
		p.stop()
		if _, err := os.Stat(filepath.Join(dir, "file", "reach.keys")); !os.IsNotExist(err) {
			t.Errorf("a key file was created although --secret-key-file is set (%v)", err)
		}
	})

	openFile := filepath.Join(dir, "open.keys")
	if err := os.WriteFile(openFile, []byte(ring+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(openFile, 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(dir, "refused", "reach.db")
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"world-readable key file", nil, []string{"--secret-key-file", openFile}, "chmod 600"},
		{"missing key file", nil, []string{"--secret-key-file", filepath.Join(dir, "nope.keys")}, "nope.keys"},
		{"both ring and file", []string{"REACH_SECRET_KEYS=" + ring}, []string{"--secret-key-file", keyFile}, "not both"},
		{"malformed ring", []string{"REACH_SECRET_KEYS=not-a-key-ring"}, nil, "key"},
		{"in-memory database without keys", nil, []string{"--database", "sqlite::memory:"}, "REACH_SECRET_KEYS"},
		{"unsupported database", []string{"REACH_SECRET_KEYS=" + ring}, []string{"--database", "oracle://x"}, "sqlite:PATH"},
		{"bad log level", []string{"REACH_SECRET_KEYS=" + ring}, []string{"--log-level", "loud"}, "log level"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if dbArg(nil, args) == "" {
				args = append([]string{"--database", db}, args...)
			}
			code, stderr := serveFails(t, tc.env, args...)
			if code == 0 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, want non-zero and %q in stderr:\n%s", code, tc.want, stderr)
			}
			assertNoSecrets(t, "serve stderr", stderr, strings.TrimPrefix(ring, "k1:"))
		})
	}
}

// TestServePortInUse: a taken port is a clear startup error, not a hang, and it is found
// before anything is written: no database directory, database or key file appears.
func TestServePortInUse(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	busy := l.Addr().String()
	for _, tc := range []struct{ name, grpc, http, want string }{
		{"http", freeAddr(t), busy, "listen http " + busy},
		{"grpc", busy, freeAddr(t), "listen grpc " + busy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			p := startServe(t, nil, "--database", "sqlite:"+filepath.Join(dir, "reach.db"), "--grpc-addr", tc.grpc, "--http-addr", tc.http)
			if code := p.waitExit(failTimeout); code == 0 || !strings.Contains(p.stderr.String(), tc.want) {
				t.Fatalf("exit %d, stderr:\n%s", code, p.stderr.String())
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("serve created %s before finding its port taken (%v)", dir, err)
			}
			if strings.Contains(p.stderr.String(), keyFileCreatedLog) {
				t.Errorf("serve created a key file before finding its port taken:\n%s", p.stderr.String())
			}
		})
	}
}

// TestServeHealthWithoutKey: /healthz and /readyz need no key; /v1 does.
func TestServeHealthWithoutKey(t *testing.T) {
	t.Parallel()
	p := serveReady(t, []string{"REACH_SECRET_KEYS=" + newKeyRing(t)}, "--database", "sqlite:"+filepath.Join(t.TempDir(), "reach.db"))
	if code, body := get(t, p.baseURL()+"/healthz"); code != http.StatusOK || body != "ok\n" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, p.baseURL()+"/readyz"); code != http.StatusOK || body != "ready\n" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	if code, _ := get(t, p.baseURL()+"/v1/channels"); code != http.StatusUnauthorized {
		t.Errorf("/v1/channels without a key: %d, want 401", code)
	}
	p.stop()
}

// TestServeKeyFileNextToDatabase: the automatic key file goes next to the database for every
// SQLite DSN form the store accepts, including sqlite://relative/path.
func TestServeKeyFileNextToDatabase(t *testing.T) {
	t.Parallel()
	sub := randomName(t)
	t.Cleanup(func() { _ = os.RemoveAll("/" + sub) }) // where the bug puts it
	p := startServe(t, nil, "--database", "sqlite://"+sub+"/reach.db", "--grpc-addr", freeAddr(t), "--http-addr", freeAddr(t))
	p.waitReady()
	p.stop()
	if _, err := os.Stat(filepath.Join(p.dir, sub, "reach.db")); err != nil {
		t.Fatalf("database not under the working directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(p.dir, sub, "reach.keys")); err != nil {
		t.Fatalf("key file not next to the database: %v\n%s", err, p.stderr.String())
	}
}
