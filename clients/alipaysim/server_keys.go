package alipaysim

import (
	"crypto/rsa"
	"fmt"
)

// AlipayPublicKey is the "Alipay public key" a public-key-mode client verifies with.
func (s *Server) AlipayPublicKey() *rsa.PublicKey { return &s.alipayKey.PublicKey }

// AlipayPublicKeyPEM is AlipayPublicKey as PEM "PUBLIC KEY" (base64 SubjectPublicKeyInfo).
func (s *Server) AlipayPublicKeyPEM() string { return PublicKeyPEM(&s.alipayKey.PublicKey) }

// AlipayCertPEM is the current Alipay public cert (alipayCertPublicKey_RSA2.crt): the leaf,
// then its issuer. Rotation changes it.
func (s *Server) AlipayCertPEM() string { return s.cert.Load().pem }

// AlipayCertSN is the alipay_cert_sn that certificate-mode answers carry (§1.7).
func (s *Server) AlipayCertSN() string { return s.cert.Load().sn }

// AlipayRootCertPEM is the root bundle (alipayRootCert.crt): two RSA roots and an ECDSA
// root when generated.
func (s *Server) AlipayRootCertPEM() string { return s.pki.bundlePEM }

// AlipayRootCertSN is the alipay_root_cert_sn requests must carry in certificate mode.
func (s *Server) AlipayRootCertSN() string { return s.pki.rootSN }

// PlatformPublicKeyPEM is the Alipay+ platform public key that verifies Alipay+ answers.
func (s *Server) PlatformPublicKeyPEM() string { return PublicKeyPEM(s.platform.key.Public()) }

// IssueAppCert issues a certificate for an app key from the simulator's root, as Alipay's
// console does when an app switches to certificate mode; the result goes in App.AppCert.
func (s *Server) IssueAppCert(pub *rsa.PublicKey, appID string) (string, error) {
	c, err := s.pki.issue(pub, "Alipay Open Platform App", appID)
	if err != nil {
		return "", err
	}
	return certPEM(c, s.pki.issuer), nil
}

// RotateAlipayCert issues a new Alipay cert and makes it current: later certificate-mode
// answers are signed with its key and carry its SN, so a client must notice the new
// alipay_cert_sn and download the cert (§1.7). keepKey re-certifies the same key (only the
// SN changes). Old certs stay downloadable. Public-key-mode answers are unaffected.
func (s *Server) RotateAlipayCert(keepKey bool) (sn string, err error) {
	s.certMu.Lock()
	s.rotations++
	n := s.rotations
	s.certMu.Unlock()
	key := s.cert.Load().key
	if !keepKey {
		if key, err = cachedKey(fmt.Sprintf("alipay-rotated-%d", n)); err != nil {
			return "", err
		}
	}
	c, err := s.pki.newAlipayCert(key)
	if err != nil {
		return "", err
	}
	s.setCert(c)
	return c.sn, nil
}

func (s *Server) certBySN(sn string) *alipayCert {
	s.certMu.Lock()
	defer s.certMu.Unlock()
	return s.certs[sn]
}

// answerSigner signs gateway answers and notifications for a: the current cert key in
// certificate mode, the fixed Alipay key otherwise.
func (s *Server) answerSigner(a *app) (*signer, string) {
	if a.certMode {
		c := s.cert.Load()
		return c.signer, c.sn
	}
	return s.alipay, ""
}
