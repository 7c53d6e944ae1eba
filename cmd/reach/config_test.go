package main

// In-process tests of the settings: the command tree is built and run without the binary.
// They change the environment, so none runs in parallel.

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// runRoot runs reach with args in-process, with env as the only REACH_* variables set,
// and returns its standard output.
func runRoot(t *testing.T, env map[string]string, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	for _, f := range knownSettings(root) {
		t.Setenv(envName(f), "") // empty counts as unset: the developer's own stay out
	}
	t.Setenv(configEnv, "")
	t.Setenv(secretKeysEnv, "")
	for k, v := range env {
		t.Setenv(k, v)
	}
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

// writeConfig writes a configuration file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "reach.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// wantLines fails unless every line of want is a line of out.
func wantLines(t *testing.T, out string, want ...string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	for _, w := range want {
		found := false
		for _, l := range lines {
			found = found || l == w
		}
		if !found {
			t.Errorf("no line %q in:\n%s", w, out)
		}
	}
}

// TestSettingsPrecedence: default < file < environment < flag, one setting on each layer,
// whether the file comes from --config or REACH_CONFIG.
func TestSettingsPrecedence(t *testing.T) {
	path := writeConfig(t, "backoff: 7s\npoll: 2s\nlease: 1m30s\n")
	env := map[string]string{"REACH_POLL": "1s", "REACH_LEASE": "2m"}
	want := []string{
		"backoff-max: 5m0s # default",
		"backoff: 7s # file " + path,
		"poll: 1s # env REACH_POLL",
		"lease: 3m0s # flag --lease",
	}
	out, err := runRoot(t, env, "--config", path, "config", "print", "--for", "dispatch", "--", "--lease", "3m")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, want...)

	env[configEnv] = path
	out, err = runRoot(t, env, "config", "print", "--for", "dispatch", "--", "--lease", "3m")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, want...)
}

// TestSettingsReachTheCommand: a value from the file or the environment lands in the
// variable the command reads, not only in the printout.
func TestSettingsReachTheCommand(t *testing.T) {
	t.Setenv(configEnv, writeConfig(t, "alipay-hosts: [wallet.example:8443]\n"))
	t.Setenv("REACH_ALIPAY_ALLOW_LOOPBACK", "true")
	t.Setenv("REACH_ALIPAY_HOSTS", "")
	var f alipayFlags
	root := newRootCmd()
	f.register(root) // any command: the settings only look at its flags
	if err := root.ParseFlags(nil); err != nil {
		t.Fatal(err)
	}
	if _, err := applySettings(root); err != nil {
		t.Fatal(err)
	}
	if f.hosts != "wallet.example:8443" || !f.allowLoopback {
		t.Errorf("hosts %q, loopback %v: want the file's host and the environment's true", f.hosts, f.allowLoopback)
	}
}

// TestSettingsUnknownKey: a key no command has is an error naming the file and line, with
// a guess when one is close; a key only another command has is fine.
func TestSettingsUnknownKey(t *testing.T) {
	path := writeConfig(t, "database: sqlite:x.db\nhttp-adr: 127.0.0.1:1\nfrobnicate: 3\n")
	_, err := runRoot(t, nil, "--config", path, "config", "print")
	if err == nil {
		t.Fatal("unknown keys accepted")
	}
	for _, want := range []string{
		path + `:2: http-adr: unknown setting (did you mean "http-addr"?)`,
		path + ":3: frobnicate: unknown setting\n",
	} {
		if !strings.Contains(err.Error()+"\n", want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}

	// lease is dispatch's and serve's, not keys create's: ignored there, not refused.
	path = writeConfig(t, "database: sqlite:shared.db\nlease: 2m\n")
	out, err := runRoot(t, nil, "--config", path, "config", "print", "--for", "keys create")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "database: sqlite:shared.db # file "+path)
	if strings.Contains(out, "lease") {
		t.Errorf("keys create shows dispatch's lease:\n%s", out)
	}
}

// TestSettingsBadValues: a value its flag cannot parse is an error naming the file, line
// and key, or the environment variable; every one is reported at once.
func TestSettingsBadValues(t *testing.T) {
	path := writeConfig(t, "shutdown-timeout: 20\nmax-attempts: many\ndispatch: maybe\ngrpc-addr: nowhere\nhttp-max-body-bytes: 99999999999999999999\nreplica: {a: b}\n")
	_, err := runRoot(t, map[string]string{"REACH_KEY_CACHE": "5", "REACH_WEBHOOK_ALLOW_PRIVATE": "yes"}, "--config", path, "config", "print")
	if err == nil {
		t.Fatal("bad values accepted")
	}
	for _, want := range []string{
		path + `:1: shutdown-timeout: "20": not a duration`,
		path + `:2: max-attempts: "many": not a whole number`,
		path + `:3: dispatch: "maybe": not true or false`,
		path + `:4: grpc-addr: "nowhere": not a host:port address`,
		path + `:5: http-max-body-bytes: "99999999999999999999": out of range`,
		path + `:6: replica: want a value or a list of values, not a mapping`,
		`environment variable REACH_KEY_CACHE="5": not a duration`,
		`environment variable REACH_WEBHOOK_ALLOW_PRIVATE="yes": not true or false`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// TestSettingsFileRefusals: the inline key ring, a nested --config and a key set twice
// are refused; a file that is not a mapping, or not there, is a clear error.
func TestSettingsFileRefusals(t *testing.T) {
	for text, want := range map[string]string{
		"secret-keys: k1:AAAA\n":      ":1: secret-keys: the inline key ring is not read from a configuration file",
		"config: other.yaml\n":        ":1: config: a configuration file cannot name another one",
		"lease: 1m\nlease: 2m\n":      ":2: lease: set twice (first on line 1)",
		"- lease\n":                   ":1: want a mapping of settings",
		"lease: [1m\n":                "config file ",
		"database: sqlite:a\n\tpoll:": "config file ",
	} {
		path := writeConfig(t, text)
		_, err := runRoot(t, nil, "--config", path, "config", "print")
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", text, err, want)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := runRoot(t, nil, "--config", missing, "config", "print"); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
	// A command without settings does not read the file.
	if out, err := runRoot(t, nil, "--config", missing, "version"); err != nil {
		t.Errorf("version with a missing file: %v %s", err, out)
	}
}

// TestConfigPrintRedacts: passwords in database URLs and connection strings, secret-named
// settings and the inline ring never show; what is hidden says so.
func TestConfigPrintRedacts(t *testing.T) {
	for _, dsn := range []string{
		"postgres://reach:hunter2@db:5432/reach?sslmode=disable",
		"mysql://root:hunter2@db:3306/reach",
		"host=db user=reach password=hunter2 dbname=reach",
	} {
		out, err := runRoot(t, map[string]string{"REACH_DATABASE": dsn, secretKeysEnv: "k1:c2VjcmV0c2VjcmV0"}, "config", "print")
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "hunter2") || strings.Contains(out, "c2VjcmV0c2VjcmV0") {
			t.Errorf("a secret shows:\n%s", out)
		}
		if !strings.Contains(out, "# env REACH_DATABASE (redacted)") || !strings.Contains(out, secretKeysEnv+" (not shown)") {
			t.Errorf("the redactions are not marked:\n%s", out)
		}
	}
	// A flag added later whose name says secret is hidden whole.
	fs := pflag.NewFlagSet("x", pflag.ContinueOnError)
	fs.String("otlp-headers", "authorization=Bearer abc", "")
	fs.String("otlp-endpoint", "https://user:pw@collector:4318", "")
	if v, hidden := redact(fs.Lookup("otlp-headers")); !hidden || strings.Contains(v, "abc") {
		t.Errorf("otlp-headers shown as %q", v)
	}
	if v, hidden := redact(fs.Lookup("otlp-endpoint")); !hidden || strings.Contains(v, "pw") {
		t.Errorf("otlp-endpoint shown as %q", v)
	}
}

// TestSettingsSecretFileMode: a file holding a database password that others can read is
// warned about; at mode 0600, or without a secret, it is not.
func TestSettingsSecretFileMode(t *testing.T) {
	for _, tc := range []struct {
		text string
		mode os.FileMode
		warn bool
	}{
		{"database: postgres://reach:hunter2@db/reach\n", 0o644, true},
		{"database: postgres://reach:hunter2@db/reach\n", 0o600, false},
		{"database: postgres://reach@db/reach\n", 0o644, false},
	} {
		path := writeConfig(t, tc.text)
		if err := os.Chmod(path, tc.mode); err != nil {
			t.Fatal(err)
		}
		out, err := runRoot(t, nil, "--config", path, "config", "print")
		if err != nil {
			t.Fatal(err)
		}
		want := "reach: warning: " + path + " holds secrets (database) and other users may read it (mode 0644): chmod 600 " + path
		if got := strings.Contains(out, want); got != tc.warn || strings.Contains(out, "hunter2") {
			t.Errorf("%q at %04o: warned %v, want %v:\n%s", tc.text, tc.mode, got, tc.warn, out)
		}
	}
}

// TestConfigPrintRoundTrip: what config print writes is a configuration file giving the
// same settings back.
func TestConfigPrintRoundTrip(t *testing.T) {
	first, err := runRoot(t, map[string]string{"REACH_WEBHOOK_RETRIES": "1s,2s", "REACH_REPLICA": "true"}, "config", "print", "--", "--dispatch=false", "--log-level", "debug")
	if err != nil {
		t.Fatal(err)
	}
	path := writeConfig(t, first)
	second, err := runRoot(t, nil, "--config", path, "config", "print")
	if err != nil {
		t.Fatal(err)
	}
	values := func(out string) string {
		var b strings.Builder
		for _, l := range strings.Split(out, "\n") {
			v, _, _ := strings.Cut(l, " #")
			b.WriteString(v + "\n")
		}
		return b.String()
	}
	if values(first) != values(second) {
		t.Errorf("printed, then read back, the settings differ:\n%s\n---\n%s", first, second)
	}
	wantLines(t, second, `replica: "true" # file `+path, "dispatch: false # file "+path)
}

// TestConfigPrintFor: --for names a command; anything else is refused.
func TestConfigPrintFor(t *testing.T) {
	out, err := runRoot(t, nil, "config", "print", "--for", "dispatch")
	if err != nil {
		t.Fatal(err)
	}
	wantLines(t, out, "dispatch-http-addr: 127.0.0.1:9091 # default")
	for _, bad := range []string{"", "nonsense", "keys create extra"} {
		if _, err := runRoot(t, nil, "config", "print", "--for", bad); err == nil || !strings.Contains(err.Error(), "no such command") {
			t.Errorf("--for %q: %v", bad, err)
		}
	}
}
