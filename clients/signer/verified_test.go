package signer

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
)

// TestVerifiedAreRemembered: a remembered success never lets anything else through (other
// content, another signature, another key), and the memory stays bounded.
func TestVerifiedAreRemembered(t *testing.T) {
	priv, other := testKeys(t)
	content := []byte(`{"code":"10000","msg":"Success"}`)
	sig, err := NewRSA(priv).Sign(context.Background(), content)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time from memory
		if err := Verify(&priv.PublicKey, content, sig); err != nil {
			t.Fatalf("a good signature: %v", err)
		}
	}
	if !verified.has(verifiedKey{pub: &priv.PublicKey, sum: sha(content), sig: string(sig)}) {
		t.Fatal("a verified signature was not remembered")
	}
	bad := append([]byte(nil), sig...)
	bad[len(bad)-1] ^= 1
	for name, err := range map[string]error{
		"other content":   Verify(&priv.PublicKey, []byte(`{"code":"10000","msg":"Success!"}`), sig),
		"other signature": Verify(&priv.PublicKey, content, bad),
		"other key":       Verify(&other.PublicKey, content, sig),
	} {
		if err != ErrVerification {
			t.Errorf("%s after a remembered success: %v, want ErrVerification", name, err)
		}
	}
	for i := range 3 * verifiedSize {
		verified.add(verifiedKey{pub: &priv.PublicKey, sum: sha([]byte(fmt.Sprint(i)))})
	}
	verified.mu.Lock()
	n := len(verified.cur) + len(verified.old)
	verified.mu.Unlock()
	if n > verifiedSize {
		t.Fatalf("%d signatures remembered, bound %d", n, verifiedSize)
	}
}

func sha(b []byte) [32]byte { return sha256.Sum256(b) }
