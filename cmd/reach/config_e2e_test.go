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
