package alipaysim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"sync"
)

// Generating a 2048-bit RSA key takes tens to hundreds of milliseconds; a test suite that
// starts dozens of simulators would spend most of its time there. Keys are therefore
// generated once per process and name, and shared by every simulator that asks for the same
// name. They are test keys: nothing outside the process ever sees them unless written out.
var keyCache struct {
	sync.Mutex
	rsa map[string]*keyOnce
	ec  *ecdsa.PrivateKey
}

type keyOnce struct {
	once sync.Once
	key  *rsa.PrivateKey
	err  error
}

// cachedKey returns the process-wide generated RSA key called name. Different names may be
// generated in parallel.
func cachedKey(name string) (*rsa.PrivateKey, error) {
	keyCache.Lock()
	if keyCache.rsa == nil {
		keyCache.rsa = map[string]*keyOnce{}
	}
	k := keyCache.rsa[name]
	if k == nil {
		k = &keyOnce{}
		keyCache.rsa[name] = k
	}
	keyCache.Unlock()
	k.once.Do(func() {
		k.key, k.err = rsa.GenerateKey(rand.Reader, 2048)
		if k.err == nil {
			k.key.Precompute()
		}
	})
	if k.err != nil {
		return nil, fmt.Errorf("generate %s key: %w", name, k.err)
	}
	return k.key, nil
}

// cachedECKey is the key of the ECDSA root that sits in the generated root bundle, like
// the ECC root in Alipay's alipayRootCert.crt, so clients exercise skipping it (§1.7).
func cachedECKey() (*ecdsa.PrivateKey, error) {
	keyCache.Lock()
	defer keyCache.Unlock()
	if keyCache.ec == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate ECDSA key: %w", err)
		}
		keyCache.ec = k
	}
	return keyCache.ec, nil
}

// PrivateKeyPEM encodes key as PKCS#8 "PRIVATE KEY", the form the Alipay key tool emits.
func PrivateKeyPEM(key *rsa.PrivateKey) string {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		panic(err) // only for an invalid key, which the generator never makes
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

// PublicKeyPEM encodes key as PKIX "PUBLIC KEY" (X.509 SubjectPublicKeyInfo, §1.6).
func PublicKeyPEM(key *rsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		panic(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

func certPEM(certs ...*x509.Certificate) string {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return string(out)
}

func sameKey(a, b *rsa.PublicKey) bool { return a.N.Cmp(b.N) == 0 && a.E == b.E }
