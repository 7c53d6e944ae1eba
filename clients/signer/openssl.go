//go:build cgo && unix

package signer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/golang-fips/openssl/v2"
	"github.com/golang-fips/openssl/v2/bbig"
)

// libcryptoNames are the OpenSSL libraries tried, newest first. The library is loaded with
// dlopen at run time, so building Reach needs a C compiler but no OpenSSL headers, and a
// machine without OpenSSL still runs Reach (signing with Go).
var libcryptoNames = []string{"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.3.dylib"}

type opensslOps struct {
	version string
	// publicKeys holds OpenSSL's copies of the public keys verified lately, by modulus and
	// exponent: a verifying peer (Alipay's key, an app's key in the simulator) is one of a
	// few keys, each used for every message.
	publicKeys *lru.Cache[string, *openssl.PublicKeyRSA]
}

var loadOpenSSL = sync.OnceValues(func() (rsaOps, error) {
	var errs []error
	for _, lib := range libcryptoNames {
		if ok, _ := openssl.CheckVersion(lib); !ok {
			errs = append(errs, fmt.Errorf("%s: not found", lib))
			continue
		}
		// Only the first Init takes effect, so a library that loads but fails to
		// initialise ends the search.
		if err := openssl.Init(lib); err != nil {
			return nil, fmt.Errorf("%s: %w", lib, err)
		}
		keys, err := lru.New[string, *openssl.PublicKeyRSA](256)
		if err != nil {
			return nil, err
		}
		return opensslOps{version: openssl.VersionText(), publicKeys: keys}, nil
	}
	return nil, errors.Join(errs...)
})

func (o opensslOps) name() string { return BackendOpenSSL + " (" + o.version + ")" }

// signerFor hands the key to OpenSSL and proves the copy right: one signature made with it
// must verify with Go against the original public key, or the key is refused (and NewRSA
// signs with Go).
func (opensslOps) signerFor(priv *rsa.PrivateKey) (func(digest []byte) ([]byte, error), error) {
	if len(priv.Primes) != 2 {
		return nil, errors.New("openssl: only two-prime keys")
	}
	// Not priv.Precompute(): it would write to a key others may be using. Parsed and
	// generated keys come precomputed.
	pre := priv.Precomputed
	if pre.Dp == nil || pre.Dq == nil || pre.Qinv == nil {
		return nil, errors.New("openssl: key has no CRT values")
	}
	key, err := openssl.NewPrivateKeyRSA(bbig.Enc(priv.N), bbig.Enc(big.NewInt(int64(priv.E))), bbig.Enc(priv.D),
		bbig.Enc(priv.Primes[0]), bbig.Enc(priv.Primes[1]), bbig.Enc(pre.Dp), bbig.Enc(pre.Dq), bbig.Enc(pre.Qinv))
	if err != nil {
		return nil, err
	}
	sign := func(digest []byte) ([]byte, error) { return openssl.SignRSAPKCS1v15(key, crypto.SHA256, digest) }
	var probe [32]byte
	if _, err := rand.Read(probe[:]); err != nil {
		return nil, err
	}
	probe = sha256.Sum256(probe[:])
	sig, err := sign(probe[:])
	if err != nil {
		return nil, err
	}
	if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, probe[:], sig); err != nil {
		return nil, fmt.Errorf("openssl: signature of the imported key does not verify: %w", err)
	}
	return sign, nil
}

// Go's crypto/rsa refuses keys under 1,024 bits; so does verify, leaving them to it.
const minVerifyBits = 1024

func (o opensslOps) verify(pub *rsa.PublicKey, digest, sig []byte) (valid, ok bool) {
	if pub.N == nil || pub.N.BitLen() < minVerifyBits {
		return false, false
	}
	id := publicKeyID(pub)
	key, found := o.publicKeys.Get(id)
	if !found {
		var err error
		if key, err = openssl.NewPublicKeyRSA(bbig.Enc(pub.N), bbig.Enc(big.NewInt(int64(pub.E)))); err != nil {
			return false, false
		}
		o.publicKeys.Add(id, key)
	}
	return openssl.VerifyRSAPKCS1v15(key, crypto.SHA256, digest, sig) == nil, true
}

// publicKeyID names a public key in publicKeys: its modulus and exponent.
func publicKeyID(pub *rsa.PublicKey) string { return string(pub.N.Bytes()) + "/" + strconv.Itoa(pub.E) }
