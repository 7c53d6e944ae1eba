package gateway

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// DefaultGatewayURL is the production gateway (§1.1).
const DefaultGatewayURL = "https://openapi.alipay.com/gateway.do"

// Config describes one Alipay app. Key mode needs AppID, Signer and
// AlipayPublicKey; certificate mode (§1.7) also needs the cert fields, which
// UseCertificates fills from the files the console hands out.
type Config struct {
	// GatewayURL defaults to DefaultGatewayURL.
	GatewayURL string
	AppID      string
	// Signer signs requests with the app private key.
	Signer signer.Signer
	// AlipayPublicKey verifies responses: Alipay's key in key mode, the key
	// of the held Alipay public certificate (AlipayCertSN) in cert mode.
	AlipayPublicKey *rsa.PublicKey

	// Certificate mode: the SN of the app certificate, of the Alipay root
	// bundle and of the Alipay public certificate we hold, and the root
	// certificates themselves, which a rotated Alipay certificate must chain
	// to. AlipayRootCertSN is computed from AlipayRootCerts when empty.
	AppCertSN        string
	AlipayRootCertSN string
	AlipayCertSN     string
	AlipayRootCerts  []*x509.Certificate
	// CertStore, if set, is told about an Alipay certificate adopted after a
	// rotation so it survives a restart.
	CertStore CertStore

	// EncryptKey turns on AES content encryption (§1.8): the raw 16, 24 or
	// 32-byte key (ParseEncryptKey decodes the console's base64).
	EncryptKey []byte

	// HTTPClient defaults to a client with a 30 s timeout.
	HTTPClient *http.Client
	// Now defaults to time.Now; it stamps requests and checks certificates.
	Now func() time.Time
	// Logger reports what cannot fail a call (a CertStore error). Optional.
	Logger *slog.Logger
}

// CertStore persists an Alipay public certificate adopted after a rotation.
// certPEM is the certificate chain as downloaded (leaf first); sn is its
// CertSN, the new AlipayCertSN. An error is logged, never returned to the
// caller of Call: the response it came with was valid.
type CertStore interface {
	SaveAlipayCert(ctx context.Context, appID, sn string, certPEM []byte) error
}

// UseCertificates fills the certificate-mode fields from the app
// certificate, the Alipay public certificate and the Alipay root bundle, in
// any form rsakey.ParseCertificates reads. If Signer is already set, the app
// certificate must hold its public key.
func (c *Config) UseCertificates(appCert, alipayCert, rootCerts string) error {
	app, err := rsakey.ParseCertificates(appCert)
	if err != nil {
		return fmt.Errorf("app certificate: %w", err)
	}
	ali, err := rsakey.ParseCertificates(alipayCert)
	if err != nil {
		return fmt.Errorf("alipay certificate: %w", err)
	}
	roots, err := rsakey.ParseCertificates(rootCerts)
	if err != nil {
		return fmt.Errorf("alipay root certificates: %w", err)
	}
	if c.Signer != nil && !c.Signer.Public().Equal(app[0].PublicKey) {
		return errors.New("app certificate does not hold the app private key's public key")
	}
	pub, ok := ali[0].PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("alipay certificate: %w", rsakey.ErrNotRSA)
	}
	c.AppCertSN = rsakey.CertSN(app[0])
	c.AlipayCertSN = rsakey.CertSN(ali[0])
	c.AlipayPublicKey = pub
	c.AlipayRootCerts = roots
	c.AlipayRootCertSN = rsakey.RootCertSN(roots)
	return nil
}

func (c *Config) certMode() bool {
	return c.AppCertSN != "" || c.AlipayCertSN != "" || c.AlipayRootCertSN != "" || len(c.AlipayRootCerts) > 0
}

// validate checks cfg and returns the root certificate SN to send.
func (c *Config) validate() (rootSN string, err error) {
	switch {
	case c.AppID == "":
		return "", errors.New("AppID is required")
	case c.Signer == nil || c.Signer.Public() == nil:
		return "", errors.New("signer with a public key is required")
	case c.AlipayPublicKey == nil:
		return "", errors.New("AlipayPublicKey is required")
	case c.AlipayPublicKey.Equal(c.Signer.Public()):
		// The most common misconfiguration (product notes): the app's own
		// public key pasted where Alipay's belongs. Nothing would verify.
		return "", errors.New("AlipayPublicKey is the app's own public key; configure Alipay's public key")
	}
	switch len(c.EncryptKey) {
	case 0, 16, 24, 32:
	default:
		return "", fmt.Errorf("EncryptKey is %d bytes, want 16, 24 or 32", len(c.EncryptKey))
	}
	if c.GatewayURL != "" {
		u, err := url.Parse(c.GatewayURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", fmt.Errorf("GatewayURL %q is not an http(s) URL", c.GatewayURL)
		}
	}
	if !c.certMode() {
		return "", nil
	}
	switch {
	case c.AppCertSN == "":
		return "", errors.New("cert mode: AppCertSN is required")
	case c.AlipayCertSN == "":
		return "", errors.New("cert mode: AlipayCertSN is required")
	case len(c.AlipayRootCerts) == 0:
		return "", errors.New("cert mode: AlipayRootCerts are required to trust a rotated Alipay certificate")
	}
	rootSN = rsakey.RootCertSN(c.AlipayRootCerts)
	if c.AlipayRootCertSN != "" && c.AlipayRootCertSN != rootSN {
		return "", fmt.Errorf("cert mode: AlipayRootCertSN %s does not match AlipayRootCerts (%s)", c.AlipayRootCertSN, rootSN)
	}
	if rootSN == "" {
		return "", errors.New("cert mode: AlipayRootCerts hold no RSA certificate")
	}
	return rootSN, nil
}
