package secrets

import (
	"bytes"
	"testing"
)

func BenchmarkSeal2KiB(b *testing.B) {
	r := mustParse(b, "k1:"+keyA)
	pt := bytes.Repeat([]byte("x"), 2048)
	ad := []byte("channel/tenant/channel-id")
	b.SetBytes(int64(len(pt)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Seal(pt, ad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen2KiB(b *testing.B) {
	r := mustParse(b, "k1:"+keyA)
	ad := []byte("channel/tenant/channel-id")
	c, err := r.Seal(bytes.Repeat([]byte("x"), 2048), ad)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(2048)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Open(c, ad); err != nil {
			b.Fatal(err)
		}
	}
}
