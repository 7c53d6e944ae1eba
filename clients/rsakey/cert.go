package rsakey

import (
	"crypto/md5"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"fmt"
	"strings"
)

// ParseCertificates reads one or more certificates: PEM blocks (text between
// them is ignored), one bare base64 DER certificate, or base64 of a PEM file
// (what alipay.open.app.alipaycert.download returns).
//
// A certificate Go cannot parse is skipped when its signature algorithm is
// not RSA: Alipay's alipayRootCert.crt bundles an SM2 root that crypto/x509
// rejects ("unsupported elliptic curve", golang/go#70136), and non-RSA roots
// play no part in RSA2 (RootCertSN ignores them). Any other failure is an
// error, as is a non-certificate PEM block (a pasted private key must not be
// accepted as a certificate).
func ParseCertificates(s string) ([]*x509.Certificate, error) {
	blocks, err := decodeBlocks(s)
	if err != nil {
		return nil, fmt.Errorf("parse certificates: %w", err)
	}
	if len(blocks) == 1 && blocks[0].typ == "" && strings.Contains(string(blocks[0].der), "-----BEGIN") {
		blocks, err = decodeBlocks(string(blocks[0].der))
		if err != nil {
			return nil, fmt.Errorf("parse certificates: %w", err)
		}
	}
	var certs []*x509.Certificate
	skipped := 0
	for i, b := range blocks {
		if b.typ != "" && b.typ != "CERTIFICATE" && b.typ != "X509 CERTIFICATE" {
			return nil, fmt.Errorf("parse certificates: %w: PEM block %d is %q, want CERTIFICATE", ErrWrongKind, i+1, b.typ)
		}
		cert, err := x509.ParseCertificate(b.der)
		if err != nil {
			if oid, ok := signatureOID(b.der); ok && !isRSASignature(oid) {
				skipped++
				continue
			}
			return nil, fmt.Errorf("parse certificates: %w: certificate %d: %v", ErrMalformed, i+1, err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("parse certificates: %w: no certificate Go can read (%d non-RSA skipped)", ErrMalformed, skipped)
	}
	return certs, nil
}

// CertSN is Alipay's certificate serial number (app_cert_sn): lowercase hex
// MD5 of the issuer DN followed by the serial number in decimal.
//
// The issuer is written in RFC 2253 form from the certificate's own RDN
// order, last RDN first — what the official Java SDK gets from
// getIssuerX500Principal().getName() and `openssl x509 -issuer -nameopt
// RFC2253` prints. smartwalle/alipay and go-pay/gopay use
// cert.Issuer.String() instead, which rebuilds the name in Go's fixed field
// order (C, ST, L, STREET, POSTALCODE, O, OU, CN, SERIALNUMBER, reversed) and
// merges repeated OUs into one multi-valued RDN ("OU=A+OU=B"). The two agree
// for the conventional C,O,OU,CN order that Alipay's CAs use, and differ for
// certificates whose issuer is ordered otherwise (see testdata/odd_*.pem).
// Attribute types outside Go's short-name table (e.g. emailAddress, DC, UID)
// come out as "OID=#hex", which can also differ from Java.
func CertSN(cert *x509.Certificate) string {
	sum := md5.Sum([]byte(issuerRFC2253(cert) + cert.SerialNumber.String()))
	return hex.EncodeToString(sum[:])
}

// RootCertSN is alipay_root_cert_sn: the CertSN of every certificate signed
// with an RSA algorithm (signature OID under 1.2.840.113549.1.1, as the
// official SDK checks; this includes SHA-1, SHA-256 and PSS), joined with "_"
// in file order.
func RootCertSN(certs []*x509.Certificate) string {
	var sns []string
	for _, c := range certs {
		if oid, ok := signatureOID(c.Raw); ok && isRSASignature(oid) {
			sns = append(sns, CertSN(c))
		}
	}
	return strings.Join(sns, "_")
}

func issuerRFC2253(cert *x509.Certificate) string {
	var rdns pkix.RDNSequence
	if rest, err := asn1.Unmarshal(cert.RawIssuer, &rdns); err != nil || len(rest) > 0 {
		return cert.Issuer.String()
	}
	return rdns.String()
}

// pkcs1 is the OID arc of RSA (PKCS #1) algorithms, 1.2.840.113549.1.1.
var pkcs1 = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 1}

func isRSASignature(oid asn1.ObjectIdentifier) bool {
	return len(oid) > len(pkcs1) && oid[:len(pkcs1)].Equal(pkcs1)
}

// signatureOID reads the outer signatureAlgorithm of a certificate without
// parsing the rest, so it works on certificates crypto/x509 refuses.
func signatureOID(der []byte) (asn1.ObjectIdentifier, bool) {
	var c struct {
		TBS       asn1.RawValue
		Algorithm pkix.AlgorithmIdentifier
		Signature asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &c); err != nil {
		return nil, false
	}
	return c.Algorithm.Algorithm, true
}

// looksLikeCertificate reports DER shaped like a certificate.
func looksLikeCertificate(der []byte) bool {
	_, ok := signatureOID(der)
	return ok
}
