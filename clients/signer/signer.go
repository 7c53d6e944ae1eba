// Package signer produces and checks the RSA2 signatures Alipay uses everywhere: RSASSA-PKCS1-v1_5 over SHA-256.
package signer

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
)

// Signer signs content with the app private key. It is an interface so that
// the key can live in a KMS or HSM: an implementation receives the exact
// bytes to sign (the string-to-sign of protocol notes §1.4 or a §3.2 reply),
// hashes them with SHA-256 and returns the RSASSA-PKCS1-v1_5 signature.
type Signer interface {
	// Sign returns the raw (not base64) signature of content.
	Sign(ctx context.Context, content []byte) ([]byte, error)
	// Public returns the public half of the signing key, used to catch the
	// app key being configured where Alipay's key belongs.
	Public() *rsa.PublicKey
}

// ErrVerification is returned by Verify when a signature does not match.
var ErrVerification = errors.New("signature does not verify")

// NewRSA returns a Signer backed by a key held in memory. It signs with the implementation
// Use selected (OpenSSL when it loads, by default) and with Go's crypto/rsa when that one
// cannot take the key; the signatures are the same bytes either way.
func NewRSA(priv *rsa.PrivateKey) Signer {
	s := localSigner{priv: priv}
	if priv != nil {
		if ops := current(); ops != nil {
			s.fast, _ = ops.signerFor(priv) // nil on error: Go signs
		}
	}
	return s
}

type localSigner struct {
	priv *rsa.PrivateKey
	fast func(digest []byte) ([]byte, error) // nil: crypto/rsa
}

func (s localSigner) Sign(ctx context.Context, content []byte) ([]byte, error) {
	if s.priv == nil {
		return nil, errors.New("sign: no private key")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sum := sha256.Sum256(content)
	if s.fast != nil {
		sig, err := s.fast(sum[:])
		if err != nil {
			return nil, fmt.Errorf("sign: %w", err)
		}
		return sig, nil
	}
	// PKCS #1 v1.5 is deterministic: the same key and content always give
	// the same signature, which the openssl test vectors rely on.
	sig, err := rsa.SignPKCS1v15(rand.Reader, s.priv, crypto.SHA256, sum[:])
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	return sig, nil
}

func (s localSigner) Public() *rsa.PublicKey {
	if s.priv == nil {
		return nil
	}
	return &s.priv.PublicKey
}

// Verify checks an RSA2 signature of content. Any mismatch, including a
// signature of the wrong length, is reported as ErrVerification.
//
// Signatures that verified are remembered (see verified): Alipay's answers repeat byte
// for byte (every successful send answers the same signed {"code":"10000",…}), and
// PKCS #1 v1.5 is deterministic, so the same key, content and signature verify the same
// way every time and the RSA step can be skipped.
func Verify(pub *rsa.PublicKey, content, sig []byte) error {
	if pub == nil {
		return errors.New("verify: no public key")
	}
	k := verifiedKey{pub: pub, sum: sha256.Sum256(content), sig: string(sig)}
	if verified.has(k) {
		return nil
	}
	if err := VerifyDigest(pub, k.sum[:], sig); err != nil {
		return err
	}
	verified.add(k)
	return nil
}

// VerifyDigest checks an RSA2 signature of a SHA-256 digest, with the implementation Use
// selected (OpenSSL verifies in about half the time of crypto/rsa). A mismatch is
// ErrVerification.
func VerifyDigest(pub *rsa.PublicKey, digest, sig []byte) error {
	if pub == nil {
		return errors.New("verify: no public key")
	}
	if ops := current(); ops != nil {
		if valid, ok := ops.verify(pub, digest, sig); ok {
			if !valid {
				return ErrVerification
			}
			return nil
		}
	}
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, sig); err != nil {
		return ErrVerification
	}
	return nil
}
