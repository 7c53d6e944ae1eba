package gateway

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/rsakey"
)

// certDownloadMethod fetches an Alipay public certificate by SN (§1.7).
const certDownloadMethod = "alipay.open.app.alipaycert.download"

// keyFor returns the key to verify a response that names Alipay certificate
// sn. In cert mode a new SN means Alipay rotated its certificate: download
// it, check it, adopt it (§1.7). Key mode ignores the SN.
func (c *Client) keyFor(ctx context.Context, sn string) (*alipayKey, error) {
	ring := c.alipay.Load()
	if !c.certMode || sn == "" {
		return ring.latest, nil
	}
	if k, ok := ring.bySN[sn]; ok {
		return k, nil
	}
	select {
	case c.rotating <- struct{}{}:
		defer func() { <-c.rotating }()
	case <-ctx.Done():
		return nil, retryable("wait for alipay certificate download: %w", ctx.Err())
	}
	if k, ok := c.alipay.Load().bySN[sn]; ok { // another call adopted it meanwhile
		return k, nil
	}
	certPEM, key, err := c.downloadCert(ctx, sn)
	if err != nil {
		class := alipayerr.Auth
		var ae *alipayerr.Error
		if errors.As(err, &ae) && ae.Class.Retry() {
			class = alipayerr.Retryable // a network failure says nothing about the certificate
		}
		return nil, &alipayerr.Error{
			Class: class,
			Msg:   fmt.Sprintf("response is signed with Alipay certificate %s, which could not be downloaded and trusted", sn),
			Err:   fmt.Errorf("%w: %w: %w", ErrBadSignature, ErrCertRotation, err),
		}
	}
	c.alipay.Store(c.alipay.Load().with(key)) // only this goroutine stores now
	c.log.InfoContext(ctx, "adopted rotated alipay certificate", "app_id", c.appID, "alipay_cert_sn", sn)
	if c.store != nil {
		if err := c.store.SaveAlipayCert(ctx, c.appID, sn, certPEM); err != nil {
			c.log.WarnContext(ctx, "cannot persist rotated alipay certificate", "app_id", c.appID, "alipay_cert_sn", sn, "err", err)
		}
	}
	return key, nil
}

// downloadCert calls alipay.open.app.alipaycert.download. Its response is
// not verified and its content not encrypted (§1.7): trust comes from the
// chain check instead.
func (c *Client) downloadCert(ctx context.Context, sn string) ([]byte, *alipayKey, error) {
	resp, err := c.call(ctx, certDownloadMethod, map[string]string{"alipay_cert_sn": sn}, callConfig{unverified: true, plain: true})
	if err != nil {
		return nil, nil, err
	}
	var out struct {
		Content string `json:"alipay_cert_content"`
	}
	if err := resp.Decode(&out); err != nil {
		return nil, nil, err
	}
	certPEM, err := base64.StdEncoding.DecodeString(out.Content)
	if err != nil || len(certPEM) == 0 {
		return nil, nil, errors.New("alipay_cert_content is not base64 of a certificate")
	}
	key, err := c.trust(certPEM, sn)
	if err != nil {
		return nil, nil, err
	}
	return certPEM, key, nil
}

// trust accepts a downloaded certificate only if one certificate in it has
// the SN the response named and chains, through the others, to a configured
// Alipay root at Now. SN alone proves nothing: it is outside the signature.
func (c *Client) trust(certPEM []byte, sn string) (*alipayKey, error) {
	certs, err := rsakey.ParseCertificates(string(certPEM))
	if err != nil {
		return nil, err
	}
	var leaf *x509.Certificate
	intermediates := x509.NewCertPool()
	for _, cert := range certs {
		if leaf == nil && rsakey.CertSN(cert) == sn {
			leaf = cert
			continue
		}
		intermediates.AddCert(cert)
	}
	if leaf == nil {
		return nil, fmt.Errorf("downloaded certificates do not include SN %s", sn)
	}
	if leaf.IsCA {
		return nil, errors.New("downloaded certificate is a CA certificate")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:         c.roots,
		Intermediates: intermediates,
		CurrentTime:   c.now(),
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return nil, fmt.Errorf("downloaded certificate does not chain to the Alipay root certificates: %w", err)
	}
	pub, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok || pub.N.BitLen() < rsakey.MinBits {
		return nil, errors.New("downloaded certificate does not hold an RSA key of at least 2048 bits")
	}
	return &alipayKey{sn: sn, pub: pub}, nil
}
