package gateway

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/signer"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// notifyParams is the §3.1 notification of gen.sh, as received.
func notifyParams(t testing.TB) url.Values {
	return url.Values{
		"app_id":        {"2021000000000001"},
		"biz_content":   {readTestdata(t, "notify_biz.txt")},
		"charset":       {"utf-8"},
		"msg_method":    {"alipay.merchant.tradecomplain.changed"},
		"notify_id":     {"2024050100222150201032231420004"},
		"utc_timestamp": {"1714536000000"},
		"version":       {"1.1"},
		"sign_type":     {"RSA2"},
		"sign":          {readTestdata(t, "notify_sig.txt")},
	}
}

func gbk(t testing.TB, s string) string {
	out, err := simplifiedchinese.GBK.NewEncoder().String(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func signParams(t testing.TB, content string) string {
	sig, err := signer.NewRSA(keys(t).alipay).Sign(context.Background(), []byte(content))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

func TestVerifyNotificationVectors(t *testing.T) {
	pub := &keys(t).alipay.PublicKey
	p := notifyParams(t)
	if got, want := signContent(p, map[string]bool{"sign": true, "sign_type": true}), readTestdata(t, "notify_content.txt"); got != want {
		t.Errorf("content\n got %s\nwant %s", got, want)
	}
	if err := VerifyNotification(p, pub); err != nil {
		t.Errorf("UTF-8 vector: %v", err)
	}

	// charset=GBK: openssl signed the GBK bytes. Values may arrive
	// transcoded to UTF-8 or as raw GBK bytes; both must verify.
	p.Set("charset", "GBK")
	p.Set("sign", readTestdata(t, "notify_gbk_sig.txt"))
	if err := VerifyNotification(p, pub); err != nil {
		t.Errorf("GBK vector, UTF-8 values: %v", err)
	}
	p.Set("biz_content", gbk(t, readTestdata(t, "notify_biz.txt")))
	if err := VerifyNotification(p, pub); err != nil {
		t.Errorf("GBK vector, raw GBK values: %v", err)
	}
	// And as net/http would parse the wire form of it.
	parsed, err := url.ParseQuery(p.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyNotification(parsed, pub); err != nil {
		t.Errorf("GBK vector through url.ParseQuery: %v", err)
	}
	// The sign's + turned into a space by a lenient form parser.
	parsed.Set("sign", strings.ReplaceAll(parsed.Get("sign"), "+", " "))
	if strings.Contains(parsed.Get("sign"), " ") {
		if err := VerifyNotification(parsed, pub); err != nil {
			t.Errorf("sign with spaces for +: %v", err)
		}
	}
}

// Open question 4: alipay_cert_sn may or may not be signed; both verify.
func TestVerifyNotificationCertSN(t *testing.T) {
	pub := &keys(t).alipay.PublicKey
	p := notifyParams(t)
	p.Set("alipay_cert_sn", "74916661d3e2a449f4776b827501d6d7")
	if err := VerifyNotification(p, pub); err != nil { // signed without it (SW)
		t.Errorf("cert SN unsigned: %v", err)
	}
	p.Set("sign", signParams(t, signContent(p, map[string]bool{"sign": true, "sign_type": true})))
	if err := VerifyNotification(p, pub); err != nil { // signed with it (official SDKs)
		t.Errorf("cert SN signed: %v", err)
	}
}

func TestVerifyNotificationFailures(t *testing.T) {
	k := keys(t)
	pub := &k.alipay.PublicKey
	content := readTestdata(t, "notify_content.txt")
	pairs := strings.Split(content, "&")
	reordered := strings.Join(append(pairs[1:], pairs[0]), "&")
	tests := []struct {
		name   string
		mutate func(url.Values)
		pub    *rsa.PublicKey
		want   error
	}{
		{"tampered value", func(p url.Values) { p.Set("notify_id", "2024050100222150201032231420005") }, nil, ErrBadSignature},
		{"added parameter", func(p url.Values) { p.Set("extra", "1") }, nil, ErrBadSignature},
		{"signed in another order", func(p url.Values) { p.Set("sign", signParams(t, reordered)) }, nil, ErrBadSignature},
		{"signed with sign_type included (§3.2 rule)", func(p url.Values) {
			p.Set("sign", signParams(t, signContent(p, map[string]bool{"sign": true})))
		}, nil, ErrBadSignature},
		{"wrong key", func(url.Values) {}, &k.alipay2.PublicKey, ErrBadSignature},
		{"app's own key", func(url.Values) {}, &k.app.PublicKey, ErrBadSignature},
		{"missing sign", func(p url.Values) { p.Del("sign") }, nil, ErrBadSignature},
		{"duplicate parameter", func(p url.Values) { p.Add("notify_id", "x") }, nil, ErrBadSignature},
		{"legacy RSA", func(p url.Values) { p.Set("sign_type", "RSA") }, nil, ErrUnsupportedSignType},
		{"unknown charset", func(p url.Values) { p.Set("charset", "big5") }, nil, ErrUnsupportedCharset},
	}
	for _, tt := range tests {
		p := notifyParams(t)
		tt.mutate(p)
		key := pub
		if tt.pub != nil {
			key = tt.pub
		}
		if err := VerifyNotification(p, key); !errors.Is(err, tt.want) {
			t.Errorf("%s: VerifyNotification = %v, want %v", tt.name, err, tt.want)
		}
	}
	if err := VerifyNotification(notifyParams(t), nil); err == nil {
		t.Error("nil key verified")
	}
}

// lifeAccountParams is the §3.2 push of gen.sh (charset GBK, values UTF-8).
func lifeAccountParams(t testing.TB) url.Values {
	return url.Values{
		"biz_content": {readTestdata(t, "lifeaccount_biz.txt")},
		"charset":     {"GBK"},
		"service":     {"alipay.mobile.public.message.notify"},
		"sign_type":   {"RSA2"},
		"sign":        {readTestdata(t, "lifeaccount_sig.txt")},
	}
}

func TestVerifyLifeAccountNotification(t *testing.T) {
	pub := &keys(t).alipay.PublicKey
	p := lifeAccountParams(t)
	if err := VerifyLifeAccountNotification(p, pub); err != nil {
		t.Errorf("UTF-8 values: %v", err)
	}
	p.Set("biz_content", gbk(t, p.Get("biz_content")))
	if err := VerifyLifeAccountNotification(p, pub); err != nil {
		t.Errorf("raw GBK values: %v", err)
	}
	// sign_type is signed here, so the §3.1 rule must not accept it...
	if err := VerifyNotification(lifeAccountParams(t), pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("§3.1 rule on a §3.2 push = %v", err)
	}
	// ...and changing it breaks the signature.
	p = lifeAccountParams(t)
	p.Del("sign_type")
	if err := VerifyLifeAccountNotification(p, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("sign_type removed = %v", err)
	}
	p = lifeAccountParams(t)
	p.Set("biz_content", strings.Replace(p.Get("biz_content"), "follow", "unfollow", 1))
	if err := VerifyLifeAccountNotification(p, pub); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered event = %v", err)
	}
}

func BenchmarkVerifyNotification(b *testing.B) {
	p := notifyParams(b)
	pub := &keys(b).alipay.PublicKey
	for b.Loop() {
		if err := VerifyNotification(p, pub); err != nil {
			b.Fatal(err)
		}
	}
}
