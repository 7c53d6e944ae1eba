package signer

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"math/big"
	"sync"
	"testing"
)

var (
	keyOnce sync.Once
	keys    [2]*rsa.PrivateKey
)

func testKeys(tb testing.TB) (*rsa.PrivateKey, *rsa.PrivateKey) {
	tb.Helper()
	keyOnce.Do(func() {
		for i := range keys {
			k, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			keys[i] = k
		}
	})
	return keys[0], keys[1]
}

// sha256DigestInfo is the DER prefix of DigestInfo{sha256, digest} (RFC 8017 §9.2 note 1).
var sha256DigestInfo = []byte{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20}

// The signature must be EMSA-PKCS1-v1_5 with SHA-256, checked here by hand
// (s^e mod n) rather than with crypto/rsa, so a wrong hash or padding cannot
// pass by symmetry.
func TestSignIsPKCS1v15SHA256(t *testing.T) {
	priv, _ := testKeys(t)
	content := []byte("app_id=2021000000000001&biz_content={\"a\":\"支付宝\"}&charset=utf-8")
	sig, err := NewRSA(priv).Sign(context.Background(), content)
	if err != nil {
		t.Fatal(err)
	}
	k := priv.Size()
	m := new(big.Int).Exp(new(big.Int).SetBytes(sig), big.NewInt(int64(priv.E)), priv.N).FillBytes(make([]byte, k))
	sum := sha256.Sum256(content)
	want := append([]byte{0x00, 0x01}, bytes.Repeat([]byte{0xff}, k-3-len(sha256DigestInfo)-len(sum))...)
	want = append(append(append(want, 0x00), sha256DigestInfo...), sum[:]...)
	if !bytes.Equal(m, want) {
		t.Fatalf("encoded message is not EMSA-PKCS1-v1_5(SHA-256)")
	}
	again, _ := NewRSA(priv).Sign(context.Background(), content)
	if !bytes.Equal(sig, again) {
		t.Error("PKCS #1 v1.5 signatures must be deterministic")
	}
}

func TestVerify(t *testing.T) {
	priv, other := testKeys(t)
	content := []byte(`{"code":"10000","msg":"Success"}`)
	sig, err := NewRSA(priv).Sign(context.Background(), content)
	if err != nil {
		t.Fatal(err)
	}
	if err := Verify(&priv.PublicKey, content, sig); err != nil {
		t.Fatalf("Verify = %v", err)
	}
	tampered := bytes.Replace(content, []byte(`"msg"`), []byte(` "msg"`), 1)
	cases := []struct {
		name    string
		pub     *rsa.PublicKey
		content []byte
		sig     []byte
	}{
		{"tampered content", &priv.PublicKey, tampered, sig},
		{"wrong key", &other.PublicKey, content, sig},
		{"truncated signature", &priv.PublicKey, content, sig[1:]},
		{"empty signature", &priv.PublicKey, content, nil},
	}
	for _, c := range cases {
		if err := Verify(c.pub, c.content, c.sig); !errors.Is(err, ErrVerification) {
			t.Errorf("%s: Verify = %v, want ErrVerification", c.name, err)
		}
	}
	if err := Verify(nil, content, sig); err == nil {
		t.Error("Verify with nil key succeeded")
	}
}

func TestSignerEdges(t *testing.T) {
	priv, _ := testKeys(t)
	s := NewRSA(priv)
	if !s.Public().Equal(&priv.PublicKey) {
		t.Error("Public is not the key's public half")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Sign(ctx, []byte("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("Sign with cancelled context = %v", err)
	}
	nilSigner := NewRSA(nil)
	if nilSigner.Public() != nil {
		t.Error("nil key has a public key")
	}
	if _, err := nilSigner.Sign(context.Background(), []byte("x")); err == nil {
		t.Error("nil key signed")
	}
}

func BenchmarkSign(b *testing.B) {
	priv, _ := testKeys(b)
	s := NewRSA(priv)
	content := bytes.Repeat([]byte("k=v&"), 100)
	for b.Loop() {
		if _, err := s.Sign(context.Background(), content); err != nil {
			b.Fatal(err)
		}
	}
}
