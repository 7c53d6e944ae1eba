package gateway

import (
	"context"
	"crypto/rsa"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/rsakey"
)

type memStore struct {
	mu    sync.Mutex
	saved map[string][]byte
	err   error
}

func (m *memStore) SaveAlipayCert(_ context.Context, appID, sn string, certPEM []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.saved == nil {
		m.saved = map[string][]byte{}
	}
	m.saved[appID+"/"+sn] = certPEM
	return m.err
}

// rotated sets the fake gateway up as after a rotation: responses signed
// with the alipay2 key and naming alipay2's SN.
func rotated(t *testing.T) (*fakeAlipay, string) {
	f := newFakeAlipay(t)
	sn2 := readTestdata(t, "alipay2_cert_sn.txt")
	f.signKey, f.certSN = keys(t).alipay2, sn2
	f.certs[sn2] = readTestdata(t, "alipay2_cert.pem")
	return f, sn2
}

func TestCertModeSameSN(t *testing.T) {
	f := newFakeAlipay(t)
	f.certSN = readTestdata(t, "alipay_cert_sn.txt")
	c := newClient(t, certConfig(t, f.srv.URL))
	if _, err := c.Call(context.Background(), addMethod, nil); err != nil {
		t.Fatal(err)
	}
	if f.downloads != 0 {
		t.Errorf("%d downloads for the held SN", f.downloads)
	}
	form, _ := f.lastRequest()
	if form.Get("alipay_root_cert_sn") != readTestdata(t, "root_cert_sn.txt") {
		t.Errorf("alipay_root_cert_sn = %s", form.Get("alipay_root_cert_sn"))
	}
}

// §1.7: a new alipay_cert_sn triggers a download; the certificate is checked
// against the roots, adopted, persisted, and used from then on.
func TestCertRotation(t *testing.T) {
	f, sn2 := rotated(t)
	store := &memStore{}
	cfg := certConfig(t, f.srv.URL)
	cfg.CertStore = store
	c := newClient(t, cfg)
	for range 3 {
		if _, err := c.Call(context.Background(), addMethod, nil); err != nil {
			t.Fatal(err)
		}
	}
	if f.downloads != 1 {
		t.Errorf("%d downloads, want 1", f.downloads)
	}
	if c.AlipayCertSN() != sn2 {
		t.Errorf("AlipayCertSN = %s, want %s", c.AlipayCertSN(), sn2)
	}
	if got := string(store.saved["2021000000000001/"+sn2]); got != readTestdata(t, "alipay2_cert.pem") {
		t.Errorf("CertStore got %q", got)
	}
	// The download itself is not encrypted and names the SN (§1.7).
	f.mu.Lock()
	dl := f.requests[1] // after the call that named the new SN
	f.mu.Unlock()
	if dl.Get("method") != certDownloadMethod || dl.Get("biz_content") != `{"alipay_cert_sn":"`+sn2+`"}` {
		t.Errorf("download request = %v", dl)
	}
}

func TestCertRotationConcurrent(t *testing.T) {
	f, _ := rotated(t)
	c := newClient(t, certConfig(t, f.srv.URL))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := c.Call(context.Background(), addMethod, nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if f.downloads != 1 {
		t.Errorf("%d downloads, want 1", f.downloads)
	}
}

// A store that fails does not fail the call whose response was valid.
func TestCertStoreFailureIsNotFatal(t *testing.T) {
	f, _ := rotated(t)
	cfg := certConfig(t, f.srv.URL)
	cfg.CertStore = &memStore{err: errors.New("disk full")}
	if _, err := newClient(t, cfg).Call(context.Background(), addMethod, nil); err != nil {
		t.Fatal(err)
	}
}

func TestCertRotationRefused(t *testing.T) {
	rogueSN := rsakey.CertSN(certs(t, "rogue_cert.pem")[0])
	sn2 := readTestdata(t, "alipay2_cert_sn.txt")
	tests := []struct {
		name  string
		setup func(f *fakeAlipay, cfg *Config)
		msg   string
	}{
		{"no downloadable cert", func(f *fakeAlipay, _ *Config) {
			f.certSN = "0123456789abcdef0123456789abcdef"
		}, "CERT_NOT_EXIST"},
		{"rogue chain", func(f *fakeAlipay, _ *Config) {
			f.signKey, f.certSN = keys(t).rogue, rogueSN
			f.certs[rogueSN] = readTestdata(t, "rogue_cert.pem")
		}, "does not chain"},
		{"download is another cert", func(f *fakeAlipay, _ *Config) {
			f.signKey, f.certSN = keys(t).alipay2, sn2
			f.certs[sn2] = readTestdata(t, "alipay_cert.pem")
		}, "do not include SN"},
		{"download is the root", func(f *fakeAlipay, _ *Config) {
			rootSN := readTestdata(t, "root_cert_sn.txt")
			f.certSN = rootSN
			f.certs[rootSN] = readTestdata(t, "root_cert.pem")
		}, "CA certificate"},
		{"expired at Now", func(f *fakeAlipay, cfg *Config) {
			f.signKey, f.certSN = keys(t).alipay2, sn2
			f.certs[sn2] = readTestdata(t, "alipay2_cert.pem")
			cfg.Now = func() time.Time { return time.Now().AddDate(200, 0, 0) }
		}, "does not chain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeAlipay(t)
			cfg := certConfig(t, f.srv.URL)
			tt.setup(f, &cfg)
			c := newClient(t, cfg)
			_, err := c.Call(context.Background(), addMethod, nil)
			if !errors.Is(err, ErrCertRotation) || !errors.Is(err, ErrBadSignature) || alipayerr.ClassOf(err) != alipayerr.Auth {
				t.Fatalf("Call = %v; want Auth, ErrCertRotation", err)
			}
			mustContain(t, err.Error(), tt.msg)
			if c.AlipayCertSN() != readTestdata(t, "alipay_cert_sn.txt") {
				t.Errorf("adopted %s", c.AlipayCertSN())
			}
		})
	}
}

// Key mode ignores alipay_cert_sn: there is no certificate to rotate.
func TestKeyModeIgnoresCertSN(t *testing.T) {
	f := newFakeAlipay(t)
	f.certSN = "0123456789abcdef0123456789abcdef"
	if _, err := newClient(t, keyConfig(t, f.srv.URL)).Call(context.Background(), addMethod, nil); err != nil {
		t.Fatal(err)
	}
	if f.downloads != 0 {
		t.Error("key mode downloaded a certificate")
	}
}

// During a rollout some gateway nodes may still sign with the old
// certificate: both keys are kept, nothing is downloaded twice.
func TestCertRotationKeepsOldKey(t *testing.T) {
	f, sn2 := rotated(t)
	c := newClient(t, certConfig(t, f.srv.URL))
	sn1 := c.AlipayCertSN()
	for _, signed := range []struct {
		key *rsa.PrivateKey
		sn  string
	}{{keys(t).alipay2, sn2}, {keys(t).alipay, sn1}, {keys(t).alipay2, sn2}} {
		f.signKey, f.certSN = signed.key, signed.sn
		if _, err := c.Call(context.Background(), addMethod, nil); err != nil {
			t.Fatalf("signed by %s: %v", signed.sn, err)
		}
	}
	if f.downloads != 1 || c.AlipayCertSN() != sn2 {
		t.Errorf("%d downloads, AlipayCertSN %s", f.downloads, c.AlipayCertSN())
	}
}
