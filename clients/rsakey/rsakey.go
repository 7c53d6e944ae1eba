// Package rsakey reads the RSA keys and certificates operators paste for Alipay channels.
package rsakey

import (
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
)

// MinBits is the smallest modulus accepted. Alipay's RSA2 (SHA256withRSA)
// keys are 2048 bits; anything smaller is a legacy RSA(1) key or a mistake.
const MinBits = 2048

// Errors are sentinels so channel validation can map them to field
// violations. Messages never contain key material.
var (
	// ErrMalformed: the text is not a key or certificate in any accepted form.
	ErrMalformed = errors.New("malformed key")
	// ErrEncrypted: a password-protected key; Reach cannot prompt for one.
	ErrEncrypted = errors.New("key is password-protected")
	// ErrNotRSA: a valid key of another algorithm (EC, Ed25519, SM2).
	ErrNotRSA = errors.New("not an RSA key")
	// ErrWeakKey: an RSA key under MinBits.
	ErrWeakKey = errors.New("RSA key too small")
	// ErrWrongKind: a private key where a public one belongs, or the reverse,
	// or a key where certificates belong — the most common paste mistake.
	ErrWrongKind = errors.New("wrong kind of key material")
)

// PublicOf returns the public half of priv.
func PublicOf(priv *rsa.PrivateKey) *rsa.PublicKey { return &priv.PublicKey }

// Fingerprint identifies a public key without revealing it: "SHA256:" and
// the lowercase hex SHA-256 of its PKIX (SubjectPublicKeyInfo) DER, the same
// bytes as `openssl pkey -pubin -outform DER | sha256sum`. Comparing the
// fingerprint of the app key with that of the configured "Alipay public key"
// catches the classic mistake of pasting the app's own public key there.
func Fingerprint(pub *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "" // only for a nil or zero key
	}
	sum := sha256.Sum256(der)
	return "SHA256:" + hex.EncodeToString(sum[:])
}
