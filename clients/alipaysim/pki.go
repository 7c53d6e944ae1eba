package alipaysim

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
)

// pki is the certificate-mode material of §1.7: the root bundle (alipayRootCert.crt) and,
// when the simulator holds its key, the root that issues Alipay certs.
type pki struct {
	issuer    *x509.Certificate
	issuerKey *rsa.PrivateKey // nil: certs cannot be issued, so no rotation
	bundle    []*x509.Certificate
	bundlePEM string
	rootSN    string
}

// alipayCert is one Alipay public cert (alipayCertPublicKey_RSA2.crt) and its key.
type alipayCert struct {
	key    *rsa.PrivateKey
	pem    string // leaf first, then the issuer, as Alipay ships it
	sn     string
	signer *signer
}

// The generated root uses the conventional C, O, OU, CN order of Alipay's CAs, for which
// Go's Name.String() and the Java SDK's RFC 2253 issuer agree (see rsakey.CertSN), so
// every client flavour computes the same SNs.
func simRootName(cn string) pkix.Name {
	return pkix.Name{Country: []string{"CN"}, Organization: []string{"Reach Alipay Simulator"},
		OrganizationalUnit: []string{"Certification Authority"}, CommonName: cn}
}

// generatePKI makes a root bundle shaped like Alipay's: two RSA roots and an ECDSA one
// that alipay_root_cert_sn must skip (§1.7). The first root issues.
func generatePKI() (*pki, error) {
	key, err := cachedKey("alipay-root")
	if err != nil {
		return nil, err
	}
	ec, err := cachedECKey()
	if err != nil {
		return nil, err
	}
	var bundle []*x509.Certificate
	for _, r := range []struct {
		name string
		pub  crypto.PublicKey
		priv crypto.Signer
	}{
		{"Reach Alipay Simulator Root CA", &key.PublicKey, key},
		{"Reach Alipay Simulator ECC Root", &ec.PublicKey, ec},
		{"Reach Alipay Simulator Root CA R2", &key.PublicKey, key},
	} {
		name := simRootName(r.name)
		c, err := createCert(&x509.Certificate{Subject: name, IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}, nil, r.pub, r.priv, 20)
		if err != nil {
			return nil, err
		}
		bundle = append(bundle, c)
	}
	return newPKI(bundle, key)
}

func newPKI(bundle []*x509.Certificate, key *rsa.PrivateKey) (*pki, error) {
	p := &pki{bundle: bundle, bundlePEM: certPEM(bundle...), rootSN: rsakey.RootCertSN(bundle), issuerKey: key}
	if p.rootSN == "" {
		return nil, errors.New("alipay_root_cert: no RSA certificate in the bundle")
	}
	if key == nil {
		return p, nil
	}
	for _, c := range bundle {
		if pub, ok := c.PublicKey.(*rsa.PublicKey); ok && sameKey(pub, &key.PublicKey) {
			p.issuer = c
			return p, nil
		}
	}
	return nil, errors.New("alipay_root_key matches no certificate in alipay_root_cert")
}

// issue makes an end-entity certificate for pub; ou/cn name the holder.
func (p *pki) issue(pub *rsa.PublicKey, ou, cn string) (*x509.Certificate, error) {
	if p.issuerKey == nil {
		return nil, errors.New("cannot issue certificates: configure alipay_root_key (or let the simulator generate its CA)")
	}
	tmpl := &x509.Certificate{
		Subject:  pkix.Name{Country: []string{"CN"}, Organization: []string{"Reach Alipay Simulator"}, OrganizationalUnit: []string{ou}, CommonName: cn},
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	return createCert(tmpl, p.issuer, pub, p.issuerKey, 10)
}

// newAlipayCert issues an Alipay public cert for key.
func (p *pki) newAlipayCert(key *rsa.PrivateKey) (*alipayCert, error) {
	c, err := p.issue(&key.PublicKey, "Alipay", "支付宝(中国)网络技术有限公司")
	if err != nil {
		return nil, err
	}
	return &alipayCert{key: key, pem: certPEM(c, p.issuer), sn: rsakey.CertSN(c), signer: newSigner(key)}, nil
}

// loadAlipayCert uses a configured Alipay cert, whose key must be the Alipay key.
func loadAlipayCert(text string, key *rsa.PrivateKey) (*alipayCert, error) {
	certs, err := rsakey.ParseCertificates(text)
	if err != nil {
		return nil, fmt.Errorf("alipay_cert: %w", err)
	}
	pub, ok := certs[0].PublicKey.(*rsa.PublicKey)
	if !ok || !sameKey(pub, &key.PublicKey) {
		return nil, errors.New("alipay_cert: its public key is not the Alipay private key's")
	}
	return &alipayCert{key: key, pem: certPEM(certs...), sn: rsakey.CertSN(certs[0]), signer: newSigner(key)}, nil
}

// createCert signs tmpl with priv; parent nil means self-signed. Serials are 128 random
// bits, printed in decimal in the SN as real Alipay serials are.
func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer, years int) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial.Add(serial, big.NewInt(1))
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().AddDate(years, 0, 0)
	if parent == nil {
		parent = tmpl
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	return x509.ParseCertificate(der)
}
