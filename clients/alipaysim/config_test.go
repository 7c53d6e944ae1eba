package alipaysim

import (
	"crypto/rsa"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/rsakey"
)

// The example config and its openssl-made keys work end to end: what a newcomer runs.
func TestExampleConfig(t *testing.T) {
	cfg, err := LoadConfig("testdata/sim.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	readKey := func(name string) *rsa.PrivateKey {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		k, err := rsakey.ParsePrivateKey(string(b))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// Certificate-mode mini program, SNs computed independently from the files.
	certPEM, _ := os.ReadFile("testdata/certmini_cert.pem")
	rootPEM, _ := os.ReadFile("testdata/alipay_root_cert.pem")
	alipayCert, _ := os.ReadFile("testdata/alipay_cert.pem")
	c := &gwClient{t: t, url: s.URL(), appID: "2021000000000003", key: readKey("certmini_private.pem"),
		verify: parsePub(t, string(alipayCert)), appCertSN: testCertSN(testCerts(t, string(certPEM))[0]),
		rootCertSN: testRootSN(t, string(rootPEM))}
	a := c.call(miniSend, miniSendBiz("2088000000000001", "cbc3487d54a648e0b38e334b2b047dd3", data2))
	want(t, a, "10000", "")
	if a.certSN != testCertSN(testCerts(t, string(alipayCert))[0]) {
		t.Errorf("alipay_cert_sn %s", a.certSN)
	}
	// Public-key-mode mini program with the configured one-time subscription (count 2).
	alipayPub, _ := os.ReadFile("testdata/alipay_public.pem")
	m := &gwClient{t: t, url: s.URL(), appID: "2021000000000002", key: readKey("mini_private.pem"), verify: parsePub(t, string(alipayPub))}
	for _, code := range []string{"10000", "10000", "40004"} {
		if got := m.call(miniSend, miniSendBiz("2088000000000001", "ab72b134e7584250876d23000000000b", data3)).code(); got != code {
			t.Errorf("one-time send = %s, want %s", got, code)
		}
	}
	// Rotation works because the root key is configured.
	if _, err := s.RotateAlipayCert(false); err != nil {
		t.Error(err)
	}
	p := &plusClient{t: t, url: s.URL(), clientID: "SANDBOX_5Y000000000001", key: readKey("plus_private.pem"), platform: parsePub(t, string(alipayPub))}
	wantPlus(t, p.call(pathToken, map[string]any{"appId": "P000000000000001SIM1", "grantType": "AUTHORIZATION_CODE", "authCode": "x"}), "F", "INVALID_AUTHCODE")
}

func TestConfigErrors(t *testing.T) {
	pub := PublicKeyPEM(&mustKey(t, "app-0").PublicKey)
	app := func(mut func(*App)) Config {
		a := App{AppID: "2021", Product: MiniProgram, AppPublicKey: pub,
			Templates: []Template{{ID: "T", Subscription: OneTime, Keywords: []string{"keyword1"}}}}
		mut(&a)
		return Config{Apps: []App{a}}
	}
	tests := []struct {
		name string
		cfg  Config
		msg  string
	}{
		{"no app_id", app(func(a *App) { a.AppID = "" }), "app_id is required"},
		{"bad product", app(func(a *App) { a.Product = "wechat" }), "product must be"},
		{"no key", app(func(a *App) { a.AppPublicKey = "" }), "app_public_key_file or app_cert_file is required"},
		{"garbage key", app(func(a *App) { a.AppPublicKey = "hello" }), "app_public_key"},
		{"no subscription type", app(func(a *App) { a.Templates[0].Subscription = "" }), "subscription must be one_time or long_term"},
		{"no keywords", app(func(a *App) { a.Templates[0].Keywords = nil }), "needs keywords"},
		{"repeated keyword", app(func(a *App) { a.Templates[0].Keywords = []string{"k", "k"} }), "repeated"},
		{"duplicate template", app(func(a *App) { a.Templates = append(a.Templates, a.Templates[0]) }), "duplicate id"},
		{"encrypt_required without key", app(func(a *App) { a.EncryptRequired = true }), "encrypt_required needs encrypt_key"},
		{"bad AES key", app(func(a *App) { a.EncryptKey = "c2hvcnQ=" }), "16, 24 or 32 bytes"},
		{"followers on a mini program", app(func(a *App) { a.Followers = []string{"u"} }), "followers are for life_account"},
		{"subscription to unknown template", app(func(a *App) { a.Subscriptions = []Subscription{{User: "u", TemplateID: "X"}} }), "subscriptions[0]"},
		{"alipay_plus without client_id", app(func(a *App) { a.Product, a.Templates = AlipayPlus, nil }), "need a client_id"},
		{"client_id on the gateway", app(func(a *App) { a.ClientID = "C" }), "client_id is for alipay_plus"},
		{"duplicate app", Config{Apps: []App{app(func(*App) {}).Apps[0], app(func(*App) {}).Apps[0]}}, "duplicate app_id"},
		{"library entry with one keyword", Config{TemplateLibrary: map[string]LibraryEntry{"L": {Title: "t", Keywords: []string{"a"}}}}, "at least 2 keywords"},
		{"cert without root", Config{AlipayCert: "x"}, "need alipay_root_cert"},
		{"alipay key not RSA", Config{AlipayPrivateKey: "nope"}, "alipay_private_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Fatalf("New = %v, want an error containing %q", err, tt.msg)
			}
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ name, text, msg string }{
		{"typo.json", `{"apps":[],"alipay_private_key_fil":"x"}`, "unknown field"},
		{"missing.json", `{"alipay_private_key_file":"nope.pem","apps":[]}`, "alipay_private_key_file"},
		{"both.json", `{"alipay_private_key_file":"k.pem","alipay_private_key":"x","apps":[]}`, "not both"},
		{"duration.json", `{"timestamp_skew":"soon","apps":[]}`, "duration"},
		{"trailing.json", `{"apps":[]} {}`, "after the JSON object"},
	} {
		write("k.pem", "x")
		if _, err := LoadConfig(write(tc.name, tc.text)); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.msg)
		}
	}
	// Relative paths are relative to the config file; seconds work as durations.
	key := mustKey(t, "app-0")
	write("pub.pem", PublicKeyPEM(&key.PublicKey))
	cfg, err := LoadConfig(write("ok.json", `{"timestamp_skew":90,"apps":[{"app_id":"a","product":"life_account","app_public_key_file":"pub.pem","templates":[{"id":"T","keywords":["keyword1"]}]}]}`))
	if err != nil || cfg.skew().Seconds() != 90 {
		t.Fatalf("LoadConfig: %v %v", err, cfg.TimestampSkew)
	}
	if _, err := New(cfg); err != nil {
		t.Fatal(err)
	}
}

// An alipay_cert whose key is not the Alipay key would make every answer unverifiable.
func TestConfigAlipayCertMustMatchKey(t *testing.T) {
	root, _ := os.ReadFile("testdata/alipay_root_cert.pem")
	cert, _ := os.ReadFile("testdata/alipay_cert.pem")
	_, err := New(Config{AlipayRootCert: string(root), AlipayCert: string(cert)}) // generated Alipay key
	if err == nil || !strings.Contains(err.Error(), "not the Alipay private key's") {
		t.Fatalf("New = %v", err)
	}
	// Without a root key the simulator cannot rotate.
	key, _ := os.ReadFile("testdata/alipay_private.pem")
	s, err := New(Config{AlipayPrivateKey: string(key), AlipayRootCert: string(root), AlipayCert: string(cert)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.RotateAlipayCert(false); err == nil {
		t.Error("rotation without a root key succeeded")
	}
}

func mustKey(t testing.TB, name string) *rsa.PrivateKey {
	t.Helper()
	k, err := cachedKey(name)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
