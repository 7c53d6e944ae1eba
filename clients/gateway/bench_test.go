package gateway

import (
	"context"
	"testing"
)

// BenchmarkSignRequest: build and sign the parameters of a send (§1.3, §1.4).
func BenchmarkSignRequest(b *testing.B) {
	c := offlineClient(b)
	for b.Loop() {
		if _, err := c.buildParams(context.Background(), "alipay.open.app.mini.templatemessage.send", vectorBiz, callConfig{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyResponse: extract, verify and read a response (§1.5, §1.6).
func BenchmarkVerifyResponse(b *testing.B) {
	c := offlineClient(b)
	body := []byte(readTestdata(b, "response.json"))
	for b.Loop() {
		if _, err := c.readResponse(context.Background(), addMethod, body, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyEncryptedResponse adds AES decryption (§1.8).
func BenchmarkVerifyEncryptedResponse(b *testing.B) {
	c := offlineClient(b)
	body := []byte(readTestdata(b, "response_aes.json"))
	for b.Loop() {
		if _, err := c.readResponse(context.Background(), "alipay.open.app.messagetemplate.subscribe.query", body, true); err != nil {
			b.Fatal(err)
		}
	}
}
