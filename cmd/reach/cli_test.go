package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	r := mustReach(t, nil, "version")
	// The test binary is built with -buildvcs=auto in the checkout, so Go records the
	// commit and its time where it can (see checkoutCommit); "unknown" where it cannot.
	re := regexp.MustCompile(`^reach ` + regexp.QuoteMeta(testVersion) + `\n` +
		`commit:      ([0-9a-f]{40}(\+dirty)?|unknown)\n` +
		`commit time: (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ|unknown)\n` +
		`go:          ` + regexp.QuoteMeta(runtime.Version()) + `\n$`)
	if !re.MatchString(r.stdout) {
		t.Fatalf("version output %q does not match %s", r.stdout, re)
	}
	if want, ok := checkoutCommit(t); ok && !strings.Contains(r.stdout, "commit:      "+want) {
		t.Fatalf("version output %q does not name the checkout's commit %s", r.stdout, want)
	}
}

// checkoutCommit is the commit of the checkout the test binary was built in, when Go can
// record it: git must be installed and .git a directory (Go does not recognize a git
// worktree, whose .git is a file).
func checkoutCommit(t *testing.T) (string, bool) {
	t.Helper()
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", false
	}
	if fi, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !fi.IsDir() {
		return "", false
	}
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	return strings.TrimSpace(string(head)), true
}

var tokenRE = regexp.MustCompile(`^rk_([a-z0-9]+)_(\S+)$`)

// createKey runs `reach keys create` and returns the key (the last stdout line) and its id.
func createKey(t *testing.T, env []string, args ...string) (token, id string) {
	t.Helper()
	r := mustReach(t, env, append([]string{"keys", "create"}, args...)...)
	if !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("keys create: stdout does not end with a newline: %q", r.stdout)
	}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	last := lines[len(lines)-1]
	m := tokenRE.FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("keys create: last stdout line %q is not alone an rk_… key\n%s", last, r)
	}
	for _, l := range lines[:len(lines)-1] {
		if strings.Contains(l, m[2]) {
			t.Fatalf("keys create: the secret is printed twice:\n%s", r.stdout)
		}
	}
	return last, m[1]
}

// keyRow returns the `keys list` row of key id (its fields), or nil.
func keyRow(t *testing.T, list, id string) []string {
	t.Helper()
	for _, l := range strings.Split(list, "\n") {
		if f := strings.Fields(l); len(f) > 0 && f[0] == id {
			return f
		}
	}
	return nil
}

func TestKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "x.db")

	token, id := createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", db)
	secret := tokenRE.FindStringSubmatch(token)[2]
	other, otherID := createKey(t, nil, "--tenant", "globex", "--role", "viewer", "--database", db)
	if other == token || otherID == id {
		t.Fatalf("two keys are the same: %s %s", token, other)
	}

	list := mustReach(t, nil, "keys", "list", "--database", db)
	if strings.Contains(list.stdout+list.stderr, secret) || strings.Contains(list.stdout, token) {
		t.Fatalf("keys list shows the secret:\n%s", list)
	}
	header := strings.Fields(strings.SplitN(list.stdout, "\n", 2)[0])
	if strings.Join(header, " ") != "ID TENANT ROLE CREATED LAST USED REVOKED" {
		t.Fatalf("keys list header %q", header)
	}
	row := keyRow(t, list.stdout, id)
	if row == nil || row[2] != "sender" || row[len(row)-1] != "-" {
		t.Fatalf("keys list: row of %s = %q, want a sender key not revoked\n%s", id, row, list.stdout)
	}
	if keyRow(t, list.stdout, otherID) == nil {
		t.Fatalf("keys list does not show %s\n%s", otherID, list.stdout)
	}

	// --tenant filters by tenant name.
	acme := mustReach(t, nil, "keys", "list", "--tenant", "acme", "--database", db)
	if keyRow(t, acme.stdout, id) == nil || keyRow(t, acme.stdout, otherID) != nil {
		t.Fatalf("keys list --tenant acme:\n%s", acme.stdout)
	}
	if r := reach(t, nil, "keys", "list", "--tenant", "nobody", "--database", db); r.code == 0 || !strings.Contains(r.stderr, `"nobody"`) {
		t.Fatalf("keys list of an unknown tenant: %s", r)
	}

	rev := mustReach(t, nil, "keys", "revoke", id, "--database", db)
	if !strings.Contains(rev.stdout, id) {
		t.Fatalf("keys revoke output: %s", rev)
	}
	list = mustReach(t, nil, "keys", "list", "--database", db)
	row = keyRow(t, list.stdout, id)
	if row == nil || !regexp.MustCompile(`^\d{4}-\d\d-\d\dT`).MatchString(row[len(row)-1]) {
		t.Fatalf("keys list after revoke: row of %s = %q, want a revoke time\n%s", id, row, list.stdout)
	}
	if row := keyRow(t, list.stdout, otherID); row == nil || row[len(row)-1] != "-" {
		t.Fatalf("revoking %s revoked %s too:\n%s", id, otherID, list.stdout)
	}
	// A whole key pasted instead of its id revokes that key, and its secret is not printed.
	pasted := mustReach(t, nil, "keys", "revoke", other, "--database", db)
	otherSecret := tokenRE.FindStringSubmatch(other)[2]
	if !strings.Contains(pasted.stdout, otherID) || strings.Contains(pasted.stdout+pasted.stderr, otherSecret) {
		t.Fatalf("keys revoke of a whole key: %s", pasted)
	}
	if row := keyRow(t, mustReach(t, nil, "keys", "list", "--database", db).stdout, otherID); row == nil || row[len(row)-1] == "-" {
		t.Fatalf("a pasted key was not revoked: %q", row)
	}
	if r := reach(t, nil, "keys", "revoke", "rk_"+otherSecret, "--database", db); r.code == 0 || strings.Contains(r.stdout+r.stderr, otherSecret) {
		t.Fatalf("keys revoke of a broken key: %s", r)
	}
	// Revoking twice is not an error (the store contract); an unknown id is.
	mustReach(t, nil, "keys", "revoke", id, "--database", db)
	if r := reach(t, nil, "keys", "revoke", "nosuchkey", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "not found") {
		t.Fatalf("revoke of an unknown key: %s", r)
	}
}

func TestKeysCreateRejectsBadInput(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "x.db")
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad role", []string{"--tenant", "acme", "--role", "owner"}, "--role must be admin, sender or viewer"},
		{"role case", []string{"--tenant", "acme", "--role", "Admin"}, "--role must be admin, sender or viewer"},
		{"no tenant", []string{"--role", "admin"}, "--tenant is required"},
		{"long tenant", []string{"--tenant", strings.Repeat("a", 101)}, "--tenant is required"},
		{"tenant with a tab", []string{"--tenant", "x\ty", "--role", "admin"}, "without control characters"},
		{"unknown flag", []string{"--tenant", "acme", "--rol", "admin"}, "unknown flag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := reach(t, nil, append([]string{"keys", "create", "--database", db}, tc.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("want a non-zero exit and %q on stderr, got %s", tc.want, r)
			}
			if strings.Contains(r.stdout, "rk_") {
				t.Fatalf("a key was printed:\n%s", r.stdout)
			}
		})
	}
	// Rejected before the database was opened: there is none, and listing does not make one.
	if r := reach(t, nil, "keys", "list", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "no database at") {
		t.Fatalf("keys list after rejected creates: %s", r)
	}
	for _, args := range [][]string{{"tenants", "list"}, {"keys", "revoke", "abc"}, {"tenants", "delete", "x", "--yes"}} {
		if r := reach(t, nil, append(args, "--database", db)...); r.code == 0 || !strings.Contains(r.stderr, "no database at") {
			t.Fatalf("reach %v without a database: %s", args, r)
		}
	}
	if _, err := os.Stat(strings.TrimPrefix(db, "sqlite:")); !os.IsNotExist(err) {
		t.Fatalf("a read-only command made the database (%v)", err)
	}
	if r := reach(t, nil, "keys", "revoke", "--database", db); r.code == 0 || !strings.Contains(r.stderr, "arg") {
		t.Fatalf("revoke without an id: %s", r)
	}
}

// TestDatabaseFlagBeatsEnv: --database wins over REACH_DATABASE, which wins over the default.
func TestDatabaseFlagBeatsEnv(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	envDB := "sqlite:" + filepath.Join(dir, "env.db")
	flagDB := "sqlite:" + filepath.Join(dir, "flag.db")
	env := []string{"REACH_DATABASE=" + envDB}

	_, flagID := createKey(t, env, "--tenant", "acme", "--database", flagDB)
	_, envID := createKey(t, env, "--tenant", "acme")
	if l := mustReach(t, nil, "keys", "list", "--database", flagDB).stdout; keyRow(t, l, flagID) == nil || keyRow(t, l, envID) != nil {
		t.Fatalf("flag database holds:\n%s", l)
	}
	if l := mustReach(t, env, "keys", "list").stdout; keyRow(t, l, envID) == nil || keyRow(t, l, flagID) != nil {
		t.Fatalf("env database holds:\n%s", l)
	}
}

// TestDSNPasswordNotPrinted: connection errors never show the DSN's password.
func TestDSNPasswordNotPrinted(t *testing.T) {
	t.Parallel()
	const pw = "Sup3rS3cretPw"
	for _, dsn := range []string{
		"postgres://reach:" + pw + "@127.0.0.1:1/reach?sslmode=disable&connect_timeout=5",
		"postgres://reach@127.0.0.1:1/reach?sslmode=disable&connect_timeout=5&password=" + pw,
		"mysql://reach:" + pw + "@127.0.0.1:1/reach?timeout=5s",
	} {
		for _, args := range [][]string{
			{"migrate", "--database", dsn},
			{"keys", "list", "--database", dsn},
			{"serve", "--database", dsn, "--grpc-addr", "127.0.0.1:0", "--http-addr", "127.0.0.1:0"},
		} {
			r := reach(t, []string{"REACH_SECRET_KEYS=" + newKeyRing(t)}, args...)
			if r.code == 0 {
				t.Fatalf("reach %v on an unreachable database succeeded: %s", args[0], r)
			}
			if strings.Contains(r.stdout+r.stderr, pw) {
				t.Fatalf("reach %v printed the password: %s", args[0], r)
			}
		}
	}
}

// TestSecretsRotation is the README's key rotation: put a new key first in the ring, run
// `reach secrets reencrypt`, then serve with the new key alone.
func TestSecretsRotation(t *testing.T) {
	t.Parallel()
	db := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	oldKey, newKey, otherKey := newKey(t), newKey(t), newKey(t)
	adminKey, _ := createKey(t, nil, "--tenant", "acme", "--role", "admin", "--database", db)

	p := serveReady(t, []string{"REACH_SECRET_KEYS=k1:" + oldKey}, "--database", db)
	priv, pub := channelKeys()
	newAPI(t, p, adminKey).must("POST", "/v1/channels?channelId=acme-mini", map[string]any{
		"displayName": "Acme mini program", "type": "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM",
		"openPlatform": map[string]any{"appId": "2021000000000001", "appPrivateKey": priv, "alipayPublicKey": pub},
	})
	// A webhook with a rotated signing secret: its current and previous secret are sealed too.
	api := newAPI(t, p, adminKey)
	hook := api.must("POST", "/v1/webhooks?webhookId=orders", map[string]any{"url": "https://hooks.example.com/reach", "eventTypes": []string{"message.sent"}})
	rotated := api.must("POST", "/v1/webhooks/orders:rotateSecret", map[string]any{})
	webhookSecrets := []string{str(hook, "signingSecret"), str(rotated, "signingSecret")}
	p.stop()
	logs := p.stderr.String()

	t.Run("ReencryptWithoutRingCreatesNoKeyFile", func(t *testing.T) {
		r := reach(t, nil, "secrets", "reencrypt", "--database", db)
		keyFile := filepath.Join(filepath.Dir(strings.TrimPrefix(db, "sqlite:")), "reach.keys")
		if _, err := os.Stat(keyFile); err == nil {
			t.Fatalf("reencrypt created %s: %s", keyFile, r)
		}
		if r.code == 0 || !strings.Contains(r.stderr, "REACH_SECRET_KEYS") {
			t.Fatalf("reencrypt without a ring: %s", r)
		}
	})

	r := mustReach(t, []string{"REACH_SECRET_KEYS=k2:" + newKey + ",k1:" + oldKey}, "secrets", "reencrypt", "--database", db)
	if !strings.Contains(r.stdout, "re-encrypted 3 secrets under key k2") {
		t.Fatalf("reencrypt after putting k2 first: %s", r)
	}
	logs += r.stdout + r.stderr
	r = mustReach(t, []string{"REACH_SECRET_KEYS=k2:" + newKey}, "secrets", "reencrypt", "--database", db)
	if !strings.Contains(r.stdout, "re-encrypted 0 secrets under key k2") {
		t.Fatalf("reencrypt with k2 alone (nothing left under k1): %s", r)
	}
	logs += r.stdout + r.stderr
	r = reach(t, []string{"REACH_SECRET_KEYS=k3:" + otherKey}, "secrets", "reencrypt", "--database", db)
	if r.code == 0 {
		t.Fatalf("reencrypt with a ring that lacks the sealing key succeeded: %s", r)
	}
	logs += r.stdout + r.stderr

	// The old key is gone; the channel's secrets still open (an update merges them).
	p = serveReady(t, []string{"REACH_SECRET_KEYS=k2:" + newKey}, "--database", db)
	ch := newAPI(t, p, adminKey).must("PATCH", "/v1/channels/acme-mini", map[string]any{"displayName": "Acme renamed"})
	if str(ch, "channel", "displayName") != "Acme renamed" || obj(ch, "channel", "openPlatform", "appPrivateKeyInfo")["set"] != true {
		t.Fatalf("update after rotation: %v", ch)
	}
	// Rotating opens the current webhook secret to keep it as the previous one.
	if code, out := newAPI(t, p, adminKey).do("POST", "/v1/webhooks/orders:rotateSecret", map[string]any{}); code != http.StatusOK {
		t.Fatalf("webhook rotation after the key rotation: %d %v", code, out)
	}
	p.stop()
	logs += p.stderr.String()

	// Control: a ring without k2 cannot open them, so the update above did decrypt.
	p = serveReady(t, []string{"REACH_SECRET_KEYS=k3:" + otherKey}, "--database", db)
	if code, out := newAPI(t, p, adminKey).do("PATCH", "/v1/channels/acme-mini", map[string]any{"displayName": "Nope"}); code == http.StatusOK {
		t.Fatalf("update with a ring lacking the sealing key succeeded: %v", out)
	}
	if code, out := newAPI(t, p, adminKey).do("POST", "/v1/webhooks/orders:rotateSecret", map[string]any{}); code == http.StatusOK {
		t.Fatalf("webhook rotation with a ring lacking the sealing key succeeded: %v", out)
	}
	p.stop()
	logs += p.stderr.String()
	assertNoSecrets(t, "output", logs, append([]string{oldKey, newKey, otherKey, priv, adminKey}, webhookSecrets...)...)
}
