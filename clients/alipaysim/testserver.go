package alipaysim

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"

	"github.com/reachhq/reach/clients/rsakey"
)

// TB is the part of testing.TB NewTestServer uses (so this package does not import
// testing into the binary).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// TestServer is a started simulator with the client-side credentials of its apps.
type TestServer struct {
	*Server
	creds map[string]*AppCredentials
}

// AppCredentials is what a client needs to call the simulator as one app.
type AppCredentials struct {
	AppID    string
	ClientID string // Alipay+
	// PrivateKey is nil when the config supplied the app's public key or cert itself.
	PrivateKey    *rsa.PrivateKey
	PrivateKeyPEM string // PKCS#8
	PublicKeyPEM  string
	CertPEM       string // certificate mode: the app public cert (appCertPublicKey)
	CertSN        string // its app_cert_sn
	EncryptKey    string // base64 AES key, if any
}

// NewTestServer starts a simulator for a test and closes it when the test ends. Apps
// without app_public_key/app_cert get a generated key pair (cached per process, keyed by
// the app's position, so repeated calls are fast); CertMode apps get a certificate issued
// by the simulator's root; EncryptRequired apps without encrypt_key get one.
func NewTestServer(t TB, cfg Config) *TestServer {
	t.Helper()
	ts, err := newTestServer(cfg)
	if err != nil {
		t.Fatalf("alipaysim: %v", err)
	}
	if err := ts.Start(); err != nil {
		t.Fatalf("alipaysim: %v", err)
	}
	t.Cleanup(func() { _ = ts.Close() })
	return ts
}

func newTestServer(cfg Config) (*TestServer, error) {
	cfg.Apps = append([]App(nil), cfg.Apps...)
	var p *pki
	var err error
	if cfg.AlipayRootCert == "" {
		if p, err = generatePKI(); err != nil {
			return nil, err
		}
		cfg.AlipayRootCert, cfg.AlipayRootKey = p.bundlePEM, PrivateKeyPEM(p.issuerKey)
	} else if p, err = parsePKI(cfg.AlipayRootCert, cfg.AlipayRootKey); err != nil {
		return nil, err
	}
	creds := map[string]*AppCredentials{}
	for i := range cfg.Apps {
		a := &cfg.Apps[i]
		c := &AppCredentials{AppID: a.AppID, ClientID: a.ClientID}
		if a.AppPublicKey == "" && a.AppCert == "" {
			if c.PrivateKey, err = cachedKey(fmt.Sprintf("app-%d", i)); err != nil {
				return nil, err
			}
			c.PrivateKeyPEM = PrivateKeyPEM(c.PrivateKey)
			a.AppPublicKey = PublicKeyPEM(&c.PrivateKey.PublicKey)
		}
		if a.CertMode && a.AppCert == "" {
			pub, err := rsakey.ParsePublicKey(a.AppPublicKey)
			if err != nil {
				return nil, fmt.Errorf("apps[%d]: %w", i, err)
			}
			cert, err := p.issue(pub, "Alipay Open Platform App", a.AppID)
			if err != nil {
				return nil, err
			}
			a.AppCert, a.AppPublicKey = certPEM(cert, p.issuer), ""
			c.CertPEM, c.CertSN = a.AppCert, rsakey.CertSN(cert)
		}
		if a.EncryptRequired && a.EncryptKey == "" {
			key := make([]byte, 16)
			_, _ = rand.Read(key)
			a.EncryptKey = base64.StdEncoding.EncodeToString(key)
		}
		if a.AppCert != "" && c.CertSN == "" {
			certs, err := rsakey.ParseCertificates(a.AppCert)
			if err != nil {
				return nil, fmt.Errorf("apps[%d]: app_cert: %w", i, err)
			}
			c.CertPEM, c.CertSN = a.AppCert, rsakey.CertSN(certs[0])
		}
		c.PublicKeyPEM, c.EncryptKey = a.AppPublicKey, a.EncryptKey
		if c.PrivateKey != nil {
			c.PublicKeyPEM = PublicKeyPEM(&c.PrivateKey.PublicKey)
		}
		creds[a.AppID] = c
	}
	s, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return &TestServer{Server: s, creds: creds}, nil
}

// App returns the credentials of appID; it panics for an app the config did not have,
// which is a bug in the test.
func (ts *TestServer) App(appID string) *AppCredentials {
	c := ts.creds[appID]
	if c == nil {
		panic("alipaysim: no app " + appID)
	}
	return c
}
