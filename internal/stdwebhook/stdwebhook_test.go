package stdwebhook

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

// The test vector of the Standard Webhooks specification and its reference libraries;
// scripts/stdwebhook-vector.sh recomputes it with openssl.
const (
	vecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vecID     = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vecTS     = "1614265330"
	vecBody   = `{"test": 2432232314}`
	vecSig    = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

var vecTime = time.Unix(1614265330, 0)

func TestSignMatchesSpecVector(t *testing.T) {
	got, err := Sign(vecSecret, vecID, vecTime, []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	if got != vecSig {
		t.Fatalf("Sign = %q, want %q", got, vecSig)
	}
	if err := Verify(vecSecret, vecID, vecTS, vecSig, []byte(vecBody), vecTime, DefaultTolerance); err != nil {
		t.Fatalf("Verify(spec vector) = %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	other, _ := NewSecret()
	cases := []struct {
		name, secret, id, ts, sig, body string
		now                             time.Time
		want                            error
	}{
		{"tampered body", vecSecret, vecID, vecTS, vecSig, `{"test": 2432232315}`, vecTime, ErrNoSignature},
		{"tampered id", vecSecret, "msg_other", vecTS, vecSig, vecBody, vecTime, ErrNoSignature},
		{"tampered timestamp", vecSecret, vecID, "1614265331", vecSig, vecBody, vecTime, ErrNoSignature},
		{"wrong secret", other, vecID, vecTS, vecSig, vecBody, vecTime, ErrNoSignature},
		{"other version", vecSecret, vecID, vecTS, "v2," + strings.TrimPrefix(vecSig, "v1,"), vecBody, vecTime, ErrNoSignature},
		{"no signature", vecSecret, vecID, vecTS, "", vecBody, vecTime, ErrNoSignature},
		{"too old", vecSecret, vecID, vecTS, vecSig, vecBody, vecTime.Add(DefaultTolerance + time.Second), ErrTimestamp},
		{"too new", vecSecret, vecID, vecTS, vecSig, vecBody, vecTime.Add(-DefaultTolerance - time.Second), ErrTimestamp},
		{"bad timestamp", vecSecret, vecID, "yesterday", vecSig, vecBody, vecTime, ErrTimestamp},
		{"bad secret", "whsec_!!!", vecID, vecTS, vecSig, vecBody, vecTime, ErrSecret},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Verify(c.secret, c.id, c.ts, c.sig, []byte(c.body), c.now, DefaultTolerance)
			if !errors.Is(err, c.want) {
				t.Fatalf("Verify = %v, want %v", err, c.want)
			}
		})
	}
}

func TestVerifyWithinTolerance(t *testing.T) {
	for _, d := range []time.Duration{DefaultTolerance, -DefaultTolerance, time.Minute} {
		if err := Verify(vecSecret, vecID, vecTS, vecSig, []byte(vecBody), vecTime.Add(d), DefaultTolerance); err != nil {
			t.Errorf("now %+v from the timestamp: %v", d, err)
		}
	}
}

// During a rotation both secrets sign; a receiver holding either one verifies.
func TestSignatureHeaderCarriesEverySecret(t *testing.T) {
	next, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	h, err := SignatureHeader([]string{next, vecSecret}, vecID, vecTime, []byte(vecBody))
	if err != nil {
		t.Fatal(err)
	}
	if parts := strings.Split(h, " "); len(parts) != 2 || parts[1] != vecSig {
		t.Fatalf("header %q: want two signatures, the second the spec vector's", h)
	}
	for _, s := range []string{next, vecSecret} {
		if err := Verify(s, vecID, vecTS, h, []byte(vecBody), vecTime, DefaultTolerance); err != nil {
			t.Errorf("Verify with one of the secrets: %v", err)
		}
	}
}

func TestNewSecret(t *testing.T) {
	a, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	b, _ := NewSecret()
	if a == b {
		t.Fatal("two secrets are equal")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, SecretPrefix))
	if !strings.HasPrefix(a, SecretPrefix) || err != nil || len(raw) != 32 {
		t.Fatalf("secret %q: want whsec_ and the base64 of 32 bytes", a)
	}
	// The prefix is optional on input, as in the reference libraries.
	s1, _ := Sign(a, vecID, vecTime, nil)
	s2, _ := Sign(strings.TrimPrefix(a, SecretPrefix), vecID, vecTime, nil)
	if s1 != s2 {
		t.Fatal("the whsec_ prefix changed the signature")
	}
}
