package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestConfigFileBinary: the real binary honours the configuration file in a command other
// than serve, and a bad file or variable stops serve before it creates anything.
func TestConfigFileBinary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "from-file.db")
	// lease is serve's and dispatch's: keys create ignores it.
	path := writeConfig(t, "database: sqlite:"+dbPath+"\nlease: 2m\n")

	r := mustReach(t, nil, "--config", path, "keys", "create", "--tenant", "acme", "--role", "viewer")
	if !strings.Contains(r.stdout, `created viewer key`) {
		t.Errorf("keys create: %s", r)
	}
	if _, err := os.Stat(dbPath); err != nil {
		t.Fatalf("keys create did not use the file's database: %v", err)
	}
	r = mustReach(t, []string{configEnv + "=" + path}, "keys", "list")
	if !strings.Contains(r.stdout, "viewer") {
		t.Errorf("keys list with REACH_CONFIG did not read the file's database: %s", r)
	}

	serveDB := filepath.Join(dir, "serve", "reach.db")
	bad := writeConfig(t, "database: sqlite:"+serveDB+"\nshutdown-timeout: 20\n")
	r = reach(t, nil, "--config", bad, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, bad+`:2: shutdown-timeout: "20": not a duration`) {
		t.Errorf("serve with a bad file: %s", r)
	}
	r = reach(t, []string{"REACH_DATABASE=sqlite:" + serveDB, "REACH_HTTP_WRITE_TIMEOUT=2"}, "serve")
	if r.code != 1 || !strings.Contains(r.stderr, `environment variable REACH_HTTP_WRITE_TIMEOUT="2": not a duration`) {
		t.Errorf("serve with a bad variable: %s", r)
	}
	if _, err := os.Stat(filepath.Dir(serveDB)); !os.IsNotExist(err) {
		t.Errorf("a refused serve created %s (%v)", filepath.Dir(serveDB), err)
	}
}

// TestBadDispatchValuesCreateNothing: a dispatcher setting that cannot work stops serve and
// dispatch with a clear error before the database or the key file exists (a negative claim
// batch panicked; a negative rate or in-flight limit started and never delivered; a bad
// webhook setting was reported after both files were made).
func TestBadDispatchValuesCreateNothing(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--claim-batch", "-1"}, "claim batch -1 must not be negative"},
		{[]string{"serve", "--sends-per-second", "-3"}, "sends per second -3 must not be negative"},
		{[]string{"serve", "--max-in-flight", "-1"}, "max in flight -1 must not be negative"},
		{[]string{"serve", "--lease", "20s"}, "must be at least twice the call timeout"},
		{[]string{"serve", "--webhook-concurrency", "0"}, "must be positive"},
		{[]string{"serve", "--webhook-retries", "5s,abc"}, "abc"},
		{[]string{"dispatch", "--poll", "-1s"}, "poll -1s must not be negative"},
	} {
		dir := t.TempDir()
		db := filepath.Join(dir, "data", "reach.db")
		args := append(c.args, "--database", "sqlite:"+db, "--secret-key-file", filepath.Join(dir, "data", "reach.keys"),
			"--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0")
		if c.args[0] == "dispatch" {
			args = append(c.args, "--database", "sqlite:"+db, "--secret-key-file", filepath.Join(dir, "data", "reach.keys"))
		}
		r := reach(t, nil, args...)
		if r.code != 1 || !strings.Contains(r.stderr, c.want) || strings.Contains(r.stderr, "panic") {
			t.Errorf("reach %v: %s; want exit 1 saying %q", c.args, r, c.want)
		}
		if _, err := os.Stat(filepath.Join(dir, "data")); !os.IsNotExist(err) {
			t.Errorf("reach %v created %s (%v)", c.args, filepath.Join(dir, "data"), err)
		}
	}
}
