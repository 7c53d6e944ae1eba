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
	"sync"

	"github.com/golang-fips/openssl/v2"
	"github.com/golang-fips/openssl/v2/bbig"
)

// libcryptoNames are the OpenSSL libraries tried, newest first. The library is loaded with
// dlopen at run time, so building Reach needs a C compiler but no OpenSSL headers, and a
// machine without OpenSSL still runs Reach (signing with Go).
var libcryptoNames = []string{"libcrypto.so.3", "libcrypto.so.1.1", "libcrypto.3.dylib"}

type opensslOps struct{ version string }

var loadOpenSSL = sync.OnceValues(func() (privateKeyOps, error) {
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
		return opensslOps{version: openssl.VersionText()}, nil
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
	priv.Precompute()
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
