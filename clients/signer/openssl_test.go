//go:build cgo && unix

package signer

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"testing"
)

// OpenSSL's copy of a public key is made once and reused.
func TestOpenSSLImportsAPublicKeyOnce(t *testing.T) {
	requireOpenSSL(t)
	useBackend(t, BackendOpenSSL)
	digest := sha256.Sum256([]byte(`{"code":"10000","msg":"Success"}`))
	fresh, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	freshSig, err := rsa.SignPKCS1v15(nil, fresh, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	keys := current().(opensslOps).publicKeys
	id := publicKeyID(&fresh.PublicKey)
	if keys.Contains(id) {
		t.Fatal("a fresh key is cached already")
	}
	if err := VerifyDigest(&fresh.PublicKey, digest[:], freshSig); err != nil {
		t.Fatal(err)
	}
	imported, ok := keys.Get(id)
	if !ok {
		t.Fatal("the key verified with is not kept")
	}
	for range 3 {
		if err := VerifyDigest(&fresh.PublicKey, digest[:], freshSig); err != nil {
			t.Fatal(err)
		}
	}
	if again, _ := keys.Get(id); again != imported {
		t.Error("the same key was imported into OpenSSL again")
	}
}
