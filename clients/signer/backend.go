package signer

import (
	"crypto/rsa"
	"fmt"
	"sync/atomic"
)

// The RSA implementation that signs. Signing is most of what a delivered message costs
// (an RSA-2048 private-key operation: about 0.9 ms in Go's crypto/rsa on the machines
// Reach is measured on, 0.27 ms in OpenSSL 3, which has vectorised big-number code Go
// lacks), so Reach signs with the system's OpenSSL when it can load it and with Go's
// crypto/rsa otherwise. Both give the same bytes: PKCS #1 v1.5 is deterministic.
const (
	// BackendAuto signs with OpenSSL when its library loads, else with Go.
	BackendAuto = "auto"
	// BackendOpenSSL signs with OpenSSL and fails to start without it.
	BackendOpenSSL = "openssl"
	// BackendGo signs with Go's crypto/rsa.
	BackendGo = "go"
)

// rsaOps is an RSA implementation other than crypto/rsa: it turns a private key into a
// signing function for SHA-256 digests, and checks SHA-256 signatures.
type rsaOps interface {
	name() string
	signerFor(priv *rsa.PrivateKey) (func(digest []byte) ([]byte, error), error)
	// verify reports whether sig is pub's signature of digest; ok false means this
	// implementation could not check it (then crypto/rsa does).
	verify(pub *rsa.PublicKey, digest, sig []byte) (valid, ok bool)
}

// chosen is the implementation in use, nil until Use or the first signer or verification
// decides it; read on every signature and verification, so without a lock.
var chosen atomic.Pointer[choice]

type choice struct{ ops rsaOps } // ops nil: Go's crypto/rsa

// Use selects the RSA implementation of signers built from now on and returns the one in
// use, named for a log line ("openssl (OpenSSL 3.0.17 …)" or "go"). BackendOpenSSL fails
// when OpenSSL cannot be loaded; BackendAuto then falls back to Go and says why.
func Use(backend string) (inUse string, err error) {
	var ops rsaOps
	var fallback string
	switch backend {
	case BackendGo:
	case BackendAuto, BackendOpenSSL:
		o, err := loadOpenSSL()
		if err != nil && backend == BackendOpenSSL {
			return "", fmt.Errorf("RSA signer openssl: %w", err)
		}
		if err != nil {
			fallback = fmt.Sprintf(" (OpenSSL not loaded: %v)", err)
		}
		ops = o
	default:
		return "", fmt.Errorf("unknown RSA signer %q: want %s, %s or %s", backend, BackendAuto, BackendOpenSSL, BackendGo)
	}
	chosen.Store(&choice{ops})
	if ops == nil {
		return BackendGo + fallback, nil
	}
	return ops.name(), nil
}

// current returns the implementation NewRSA builds with: the one Use chose, or on first use
// without Use, what BackendAuto finds.
func current() rsaOps {
	if c := chosen.Load(); c != nil {
		return c.ops
	}
	ops, _ := loadOpenSSL()
	chosen.CompareAndSwap(nil, &choice{ops})
	return chosen.Load().ops
}
