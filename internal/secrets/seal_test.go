package secrets

import (
	"bytes"
	"errors"
	"testing"
)

func mustParse(t testing.TB, text string) *KeyRing {
	t.Helper()
	r, err := Parse(text)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpenRoundTrip(t *testing.T) {
	r := mustParse(t, "k1:"+keyA+",k2:"+keyB)
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty plaintext", nil, []byte("channel/t1/c1")},
		{"no additional data", []byte("secret"), nil},
		{"json credential", []byte(`{"app_id":"2021000000000000","private_key":"MIIE..."}`), []byte("channel/t1/c1")},
		{"binary", []byte{0, 1, 2, 255, 254}, []byte{0}},
		{"large", bytes.Repeat([]byte("x"), 1<<16), []byte("channel/t/c")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := r.Seal(tt.plaintext, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if want := 2 + len("k1") + nonceSize + len(tt.plaintext) + tagSize; len(c) != want {
				t.Errorf("len = %d, want %d", len(c), want)
			}
			if c[0] != version1 || string(c[2:4]) != "k1" {
				t.Errorf("header = % x, want version 1 and id k1", c[:4])
			}
			got, err := r.Open(c, tt.ad)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealUsesFreshNonces(t *testing.T) {
	r := mustParse(t, "k1:"+keyA)
	a, _ := r.Seal([]byte("same"), nil)
	b, _ := r.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("two Seals of the same plaintext are identical; nonce reuse")
	}
}

func TestOpenErrors(t *testing.T) {
	ring := mustParse(t, "k1:"+keyA+",k2:"+keyB)
	ad := []byte("channel/t1/c1")
	good, err := ring.Seal([]byte("secret"), ad)
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		c := bytes.Clone(good)
		c[i] ^= 1
		return c
	}
	otherRing := mustParse(t, "k1:"+keyB) // same id, different key
	withoutK1 := mustParse(t, "k2:"+keyB) // k1 removed too early
	renamed := bytes.Clone(good)          // header says k2, sealed by k1
	renamed[3] = '2'

	tests := []struct {
		name string
		ring *KeyRing
		c    []byte
		ad   []byte
		want error
	}{
		{"wrong additional data (moved row)", ring, good, []byte("channel/t1/c2"), ErrDecrypt},
		{"missing additional data", ring, good, nil, ErrDecrypt},
		{"wrong key with same id", otherRing, good, ad, ErrDecrypt},
		{"tampered ciphertext", ring, flip(len(good) - 20), ad, ErrDecrypt},
		{"tampered tag", ring, flip(len(good) - 1), ad, ErrDecrypt},
		{"tampered nonce", ring, flip(5), ad, ErrDecrypt},
		{"id swapped to another ring key", ring, renamed, ad, ErrDecrypt},
		{"unknown id", withoutK1, good, ad, ErrUnknownKey},
		{"empty", ring, nil, ad, ErrMalformed},
		{"bad version", ring, flip(0), ad, ErrMalformed},
		{"zero id length", ring, append([]byte{1, 0}, good[4:]...), ad, ErrMalformed},
		{"id length too big", ring, append([]byte{1, 33}, good[2:]...), ad, ErrMalformed},
		{"invalid id bytes", ring, append([]byte{1, 2, '.', '/'}, good[4:]...), ad, ErrMalformed},
		{"truncated", ring, good[:2+2+nonceSize+tagSize-1], ad, ErrMalformed},
		{"header only", ring, good[:3], ad, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(tt.c, tt.ad)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %q, %v; want error %v", got, err, tt.want)
			}
			for _, other := range []error{ErrDecrypt, ErrUnknownKey, ErrMalformed} {
				if other != tt.want && errors.Is(err, other) {
					t.Errorf("error %v also matches %v; kinds must be distinct", err, other)
				}
			}
		})
	}
}

func TestReseal(t *testing.T) {
	ad := []byte("channel/t1/c1")
	old := mustParse(t, "k1:"+keyA)
	rotated := mustParse(t, "k2:"+keyB+"\nk1:"+keyA) // new key first
	underOld, _ := old.Seal([]byte("secret"), ad)
	underNew, _ := rotated.Seal([]byte("secret"), ad)

	t.Run("old key is resealed under primary", func(t *testing.T) {
		out, changed, err := rotated.Reseal(underOld, ad)
		if err != nil || !changed {
			t.Fatalf("Reseal = changed %v, err %v; want true, nil", changed, err)
		}
		if string(out[2:4]) != "k2" {
			t.Errorf("resealed under %q, want k2", out[2:4])
		}
		// Once the old key is gone, the resealed value must still open.
		onlyNew := mustParse(t, "k2:"+keyB)
		if got, err := onlyNew.Open(out, ad); err != nil || string(got) != "secret" {
			t.Errorf("Open after rotation = %q, %v", got, err)
		}
	})
	t.Run("primary is left alone", func(t *testing.T) {
		out, changed, err := rotated.Reseal(underNew, ad)
		if err != nil || changed {
			t.Fatalf("Reseal = changed %v, err %v; want false, nil", changed, err)
		}
		if !bytes.Equal(out, underNew) {
			t.Error("unchanged ciphertext was rewritten")
		}
	})
	errs := []struct {
		name string
		c    []byte
		ad   []byte
		want error
	}{
		{"wrong additional data is not rewritten", underOld, []byte("other"), ErrDecrypt},
		{"malformed", []byte{9}, ad, ErrMalformed},
		{"unknown key", func() []byte { c, _ := mustParse(t, "zz:"+keyC).Seal(nil, ad); return c }(), ad, ErrUnknownKey},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			out, changed, err := rotated.Reseal(tt.c, tt.ad)
			if !errors.Is(err, tt.want) || changed || out != nil {
				t.Errorf("Reseal = %x, %v, %v; want nil, false, %v", out, changed, err, tt.want)
			}
		})
	}
}

// Seal must not let additional data write into the ciphertext it returns,
// nor alias caller buffers.
func TestSealDoesNotAliasInputs(t *testing.T) {
	r := mustParse(t, "k1:"+keyA)
	pt := []byte("plaintext")
	ad := make([]byte, 4, 64)
	copy(ad, "ad!!")
	c, _ := r.Seal(pt, ad)
	pt[0], ad[0] = 'X', 'X'
	got, err := r.Open(c, []byte("ad!!"))
	if err != nil || string(got) != "plaintext" {
		t.Errorf("Open = %q, %v", got, err)
	}
}
