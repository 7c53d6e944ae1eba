package gateway

import (
	"crypto/rsa"
	"crypto/x509"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// vectorTime is the clock of the request vectors: 12:00:00 in Beijing.
var vectorTime = time.Date(2024, 5, 1, 4, 0, 0, 0, time.UTC)

func readTestdata(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func privateKey(tb testing.TB, name string) *rsa.PrivateKey {
	tb.Helper()
	k, err := rsakey.ParsePrivateKey(readTestdata(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return k
}

func certs(tb testing.TB, name string) []*x509.Certificate {
	tb.Helper()
	c, err := rsakey.ParseCertificates(readTestdata(tb, name))
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// keys of the test parties, loaded once per test binary.
type testKeys struct {
	app, alipay, alipay2, rogue *rsa.PrivateKey
}

var (
	keysMu     sync.Mutex
	loadedKeys *testKeys
)

func keys(tb testing.TB) *testKeys {
	tb.Helper()
	keysMu.Lock()
	defer keysMu.Unlock()
	if loadedKeys == nil {
		loadedKeys = &testKeys{
			app:     privateKey(tb, "app_key.pem"),
			alipay:  privateKey(tb, "alipay_key.pem"),
			alipay2: privateKey(tb, "alipay2_key.pem"),
			rogue:   privateKey(tb, "rogue_key.pem"),
		}
	}
	return loadedKeys
}

// keyConfig is a key-mode config for the fake Alipay at url.
func keyConfig(tb testing.TB, url string) Config {
	k := keys(tb)
	return Config{
		GatewayURL:      url,
		AppID:           "2021000000000001",
		Signer:          signer.NewRSA(k.app),
		AlipayPublicKey: &k.alipay.PublicKey,
		Now:             func() time.Time { return vectorTime },
	}
}

// certConfig is a cert-mode config holding alipay_cert.pem. Its clock is
// real: the test certificates are valid from when gen.sh ran.
func certConfig(tb testing.TB, url string) Config {
	tb.Helper()
	cfg := keyConfig(tb, url)
	cfg.Now = nil
	if err := cfg.UseCertificates(readTestdata(tb, "app_cert.pem"), readTestdata(tb, "alipay_cert.pem"), readTestdata(tb, "root_cert.pem")); err != nil {
		tb.Fatal(err)
	}
	return cfg
}

func newClient(tb testing.TB, cfg Config) *Client {
	tb.Helper()
	c, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustContain(tb testing.TB, s, sub string) {
	tb.Helper()
	if !strings.Contains(s, sub) {
		tb.Errorf("%q does not contain %q", s, sub)
	}
}
