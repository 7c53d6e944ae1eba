package signer

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"os"
	"strings"
	"testing"
)

// useBackend selects backend for one test and restores the default after it.
func useBackend(t *testing.T, backend string) string {
	t.Helper()
	inUse, err := Use(backend)
	if err != nil {
		t.Fatalf("Use(%q) = %v", backend, err)
	}
	t.Cleanup(func() { _, _ = Use(BackendAuto) })
	return inUse
}

// requireOpenSSL skips a test that needs OpenSSL where it cannot load; under CI=true, where
// the machine has it, its absence fails the test instead.
func requireOpenSSL(t *testing.T) {
	t.Helper()
	if _, err := loadOpenSSL(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("OpenSSL does not load under CI: %v", err)
		}
		t.Skipf("OpenSSL does not load here: %v", err)
	}
}

func TestBackendsSignTheSameBytes(t *testing.T) {
	requireOpenSSL(t)
	priv, _ := testKeys(t)
	content := []byte("app_id=2021000000000001&biz_content={\"a\":\"支付宝\"}&charset=utf-8")

	if got := useBackend(t, BackendGo); got != BackendGo {
		t.Errorf("Use(go) says %q", got)
	}
	goSigner := NewRSA(priv)
	if goSigner.(localSigner).fast != nil {
		t.Fatal("Use(go) still signs with OpenSSL")
	}
	if got := useBackend(t, BackendOpenSSL); !strings.HasPrefix(got, "openssl (OpenSSL ") {
		t.Errorf("Use(openssl) says %q", got)
	}
	sslSigner := NewRSA(priv)
	if sslSigner.(localSigner).fast == nil {
		t.Fatal("Use(openssl) signs with Go")
	}
	for _, c := range [][]byte{content, nil, bytes.Repeat([]byte("k=v&"), 5000)} {
		want, err := goSigner.Sign(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		got, err := sslSigner.Sign(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("OpenSSL and Go sign %d bytes differently", len(c))
		}
	}
}

func TestUseRefusesUnknownBackend(t *testing.T) {
	if _, err := Use("boringssl"); err == nil || !strings.Contains(err.Error(), "auto, openssl or go") {
		t.Fatalf("Use(boringssl) = %v", err)
	}
}

// A key OpenSSL is not given (here one of three primes) is signed with Go, correctly.
func TestKeyOpenSSLDoesNotTakeIsSignedWithGo(t *testing.T) {
	requireOpenSSL(t)
	useBackend(t, BackendOpenSSL)
	//lint:ignore SA1019 a multi-prime key is what this test needs
	priv, err := rsa.GenerateMultiPrimeKey(rand.Reader, 3, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := NewRSA(priv)
	if s.(localSigner).fast != nil {
		t.Fatal("a three-prime key went to OpenSSL")
	}
	content := []byte("x=1")
	sig, err := s.Sign(context.Background(), content)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(content)
	if err := rsa.VerifyPKCS1v15(&priv.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
}

func BenchmarkSignGo(b *testing.B) {
	if _, err := Use(BackendGo); err != nil {
		b.Fatal(err)
	}
	defer func() { _, _ = Use(BackendAuto) }()
	BenchmarkSign(b)
}

// OpenSSL and crypto/rsa agree on every signature VerifyDigest is shown.
func TestBackendsVerifyAlike(t *testing.T) {
	requireOpenSSL(t)
	priv, other := testKeys(t)
	digest := sha256.Sum256([]byte(`{"code":"10000","msg":"Success"}`))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	flipped := bytes.Clone(sig)
	flipped[10] ^= 1
	wrongDigest := sha256.Sum256([]byte("other"))
	cases := []struct {
		name   string
		pub    *rsa.PublicKey
		digest []byte
		sig    []byte
		valid  bool
	}{
		{"valid", &priv.PublicKey, digest[:], sig, true},
		{"other digest", &priv.PublicKey, wrongDigest[:], sig, false},
		{"wrong key", &other.PublicKey, digest[:], sig, false},
		{"flipped bit", &priv.PublicKey, digest[:], flipped, false},
		{"short", &priv.PublicKey, digest[:], sig[1:], false},
		{"long", &priv.PublicKey, digest[:], append(bytes.Clone(sig), 0), false},
		{"leading zero", &priv.PublicKey, digest[:], append([]byte{0}, sig...), false},
		{"empty", &priv.PublicKey, digest[:], nil, false},
	}
	for _, backend := range []string{BackendGo, BackendOpenSSL} {
		useBackend(t, backend)
		for _, c := range cases {
			err := VerifyDigest(c.pub, c.digest, c.sig)
			if c.valid && err != nil || !c.valid && !errors.Is(err, ErrVerification) {
				t.Errorf("%s, %s: VerifyDigest = %v, want valid %v", backend, c.name, err, c.valid)
			}
		}
	}
}
