package rsakey

import (
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
)

// ParsePublicKey reads a public key: base64 X.509 SubjectPublicKeyInfo (the
// "Alipay public key" of the console, bare or PEM "PUBLIC KEY"), PKCS#1
// "RSA PUBLIC KEY", or a certificate, whose key is taken. Only the first PEM
// block is read, because public-cert files often carry the issuing chain
// after the leaf. RSA keys under MinBits are refused.
func ParsePublicKey(s string) (*rsa.PublicKey, error) {
	blocks, err := decodeBlocks(s)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	if blocks[0].encrypted() {
		return nil, fmt.Errorf("parse public key: %w: this is an encrypted private key, paste the public key", ErrWrongKind)
	}
	key, err := publicFromDER(blocks[0].der)
	if err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	if bits := key.N.BitLen(); bits < MinBits {
		return nil, fmt.Errorf("parse public key: %w: %d bits, want at least %d", ErrWeakKey, bits, MinBits)
	}
	return key, nil
}

func publicFromDER(der []byte) (*rsa.PublicKey, error) {
	if key, err := x509.ParsePKIXPublicKey(der); err == nil {
		if rsaKey, ok := key.(*rsa.PublicKey); ok {
			return rsaKey, nil
		}
		return nil, fmt.Errorf("%w: found %s public key", ErrNotRSA, algorithmName(key))
	}
	if key, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return key, nil
	}
	if cert, err := x509.ParseCertificate(der); err == nil {
		if rsaKey, ok := cert.PublicKey.(*rsa.PublicKey); ok {
			return rsaKey, nil
		}
		return nil, fmt.Errorf("%w: certificate holds a %s key", ErrNotRSA, cert.PublicKeyAlgorithm)
	}
	if looksLikeCertificate(der) {
		return nil, fmt.Errorf("%w: certificate Go cannot read (an SM2 key?)", ErrNotRSA)
	}
	if _, err := privateFromDER(der); err == nil || errors.Is(err, ErrNotRSA) {
		return nil, fmt.Errorf("%w: this is a private key, paste the public key", ErrWrongKind)
	}
	return nil, fmt.Errorf("%w: not an X.509 public key, PKCS#1 public key or certificate", ErrMalformed)
}
