package rsakey

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
)

// ParsePrivateKey reads an app private key as operators paste it: PKCS#1 or
// PKCS#8 DER, PEM-armoured under any label or bare base64 (the Alipay key
// tool's output), with or without line breaks. Only unencrypted RSA keys of
// at least MinBits are accepted.
func ParsePrivateKey(s string) (*rsa.PrivateKey, error) {
	blocks, err := decodeBlocks(s)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	b := blocks[0]
	if b.encrypted() {
		return nil, fmt.Errorf("parse private key: %w: paste it unencrypted (openssl pkcs8 -nocrypt)", ErrEncrypted)
	}
	key, err := privateFromDER(b.der)
	if err != nil {
		return nil, fmt.Errorf("parse private key: %w", err)
	}
	if bits := key.N.BitLen(); bits < MinBits {
		return nil, fmt.Errorf("parse private key: %w: %d bits, want at least %d", ErrWeakKey, bits, MinBits)
	}
	return key, nil
}

func privateFromDER(der []byte) (*rsa.PrivateKey, error) {
	if key, err := x509.ParsePKCS1PrivateKey(der); err == nil {
		return key, nil
	}
	if key, err := x509.ParsePKCS8PrivateKey(der); err == nil {
		if rsaKey, ok := key.(*rsa.PrivateKey); ok {
			return rsaKey, nil
		}
		return nil, fmt.Errorf("%w: found %s private key", ErrNotRSA, algorithmName(key))
	}
	if _, err := x509.ParseECPrivateKey(der); err == nil {
		return nil, fmt.Errorf("%w: found EC private key", ErrNotRSA)
	}
	if _, err := x509.ParsePKIXPublicKey(der); err == nil {
		return nil, fmt.Errorf("%w: this is a public key, paste the private key", ErrWrongKind)
	}
	if _, err := x509.ParsePKCS1PublicKey(der); err == nil {
		return nil, fmt.Errorf("%w: this is a public key, paste the private key", ErrWrongKind)
	}
	if looksLikeCertificate(der) {
		return nil, fmt.Errorf("%w: this is a certificate, paste the private key", ErrWrongKind)
	}
	return nil, fmt.Errorf("%w: not a PKCS#1 or PKCS#8 private key", ErrMalformed)
}

func algorithmName(key any) string {
	switch key.(type) {
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "ECDSA"
	case ed25519.PrivateKey, ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", key)
}
