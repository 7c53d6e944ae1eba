package alipayplus

import (
	"context"
	"testing"
)

// BenchmarkSign measures what every call pays before sending: building the content and the
// Signature header with a 2048-bit in-memory key.
func BenchmarkSign(b *testing.B) {
	k := keys(b)
	c := &Client{cfg: Config{ClientID: vectorClientID, KeyVersion: "1", Signer: keySigner{k.merchant}}}
	body := []byte(readTestdata(b, "request.json"))
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.signatureHeader(ctx, signedContent("POST", vectorURI, vectorClientID, vectorTimeISO, body)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures response verification, paid on every answer.
func BenchmarkVerify(b *testing.B) {
	k := keys(b)
	body := []byte(readTestdata(b, "response.json"))
	header := "algorithm=RSA256,keyVersion=1,signature=" + readTestdata(b, "response.sig")
	content := signedContent("POST", vectorURI, vectorClientID, vectorResponseTime, body)
	b.ReportAllocs()
	for b.Loop() {
		if err := verify(&k.platform.PublicKey, header, content); err != nil {
			b.Fatal(err)
		}
	}
}
