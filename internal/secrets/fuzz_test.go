package secrets

import (
	"errors"
	"strings"
	"testing"
)

// Ciphertexts come back from the database, so Open is a parser of outside input.
func FuzzOpen(f *testing.F) {
	r := mustParse(f, "k1:"+keyA+",k2:"+keyB)
	good, _ := r.Seal([]byte("secret"), []byte("ad"))
	f.Add(good, []byte("ad"))
	f.Add([]byte{1, 2, 'k', '1'}, []byte(nil))
	f.Add([]byte{}, []byte("ad"))
	f.Fuzz(func(t *testing.T, c, ad []byte) {
		pt, err := r.Open(c, ad)
		if err != nil {
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrUnknownKey) && !errors.Is(err, ErrDecrypt) {
				t.Fatalf("unclassified error %v", err)
			}
			return
		}
		if _, _, err := r.Reseal(c, ad); err != nil {
			t.Fatalf("Open succeeded but Reseal failed: %v", err)
		}
		_ = pt
	})
}

func FuzzParse(f *testing.F) {
	f.Add("k1:" + keyA)
	f.Add("k1:" + keyA + ",k2:" + keyB)
	f.Add("# c\nk1:" + keyA + "\n\nk2:" + keyB + " # x\n")
	f.Add(keyA)
	f.Add("k1:" + keyA[:20])
	f.Fuzz(func(t *testing.T, text string) {
		r, err := Parse(text)
		if err != nil {
			if !errors.Is(err, ErrInvalidKeyRing) {
				t.Fatalf("error %v does not wrap ErrInvalidKeyRing", err)
			}
			return
		}
		ids := r.IDs()
		if len(ids) == 0 || r.PrimaryID() != ids[0] {
			t.Fatalf("bad ring %v", r)
		}
		seen := map[string]bool{}
		for _, id := range ids {
			if !validID(id) || seen[id] {
				t.Fatalf("invalid or duplicate id %q", id)
			}
			seen[id] = true
		}
		if s := r.String(); !strings.HasPrefix(s, "secrets.KeyRing{primary: "+ids[0]) {
			t.Fatalf("String = %q", s)
		}
	})
}
