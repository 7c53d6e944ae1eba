package gateway

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/signer"
)

// sendModel is the biz_content of alipay.open.app.mini.templatemessage.send (§2.1).
type sendModel struct {
	ToUserID       string `json:"to_user_id"`
	UserTemplateID string `json:"user_template_id"`
	Page           string `json:"page"`
	Data           string `json:"data"`
}

var vectorBiz = sendModel{
	ToUserID:       "2088102122458832",
	UserTemplateID: "ab72b134e7584250876d23f1c5a30b0b",
	Page:           "pages/index/index?a=1&b=2",
	Data:           `{"keyword1":{"value":"12:00"},"keyword2":{"value":"支付宝"}}`,
}

// The request gen.sh wrote by hand and signed with openssl: the Go client
// must send exactly that string-to-sign and signature (§1.3, §1.4).
func TestRequestMatchesOpenSSLVector(t *testing.T) {
	f := newFakeAlipay(t)
	c := newClient(t, keyConfig(t, f.srv.URL))
	_, err := c.Call(context.Background(), "alipay.open.app.mini.templatemessage.send", vectorBiz,
		WithAppAuthToken("202405BBtoken"), WithNotifyURL("https://reach.example.com/notify?x=1"))
	if err != nil {
		t.Fatal(err)
	}
	form, header := f.lastRequest()
	if got, want := SignContent(form), readTestdata(t, "request_content.txt"); got != want {
		t.Errorf("string-to-sign\n got %s\nwant %s", got, want)
	}
	if got, want := form.Get("sign"), readTestdata(t, "request_sig.txt"); got != want {
		t.Errorf("sign\n got %s\nwant %s (openssl)", got, want)
	}
	if got := form.Get("biz_content"); got != readTestdata(t, "request_biz.txt") {
		t.Errorf("biz_content = %s", got)
	}
	if got := header.Get("Content-Type"); got != "application/x-www-form-urlencoded;charset=utf-8" {
		t.Errorf("Content-Type = %q", got)
	}
	for _, k := range []string{"app_cert_sn", "alipay_root_cert_sn", "encrypt_type"} {
		if form.Has(k) {
			t.Errorf("key mode sent %s", k)
		}
	}
}

// Cert mode with AES: the cert SNs are signed, biz_content is the openssl
// ciphertext and encrypt_type=AES is signed too (§1.7, §1.8).
func TestCertModeAESRequestMatchesOpenSSLVector(t *testing.T) {
	f := newFakeAlipay(t)
	cfg := certConfig(t, f.srv.URL)
	cfg.Now = func() time.Time { return vectorTime }
	key, err := ParseEncryptKey(readTestdata(t, "aes128_key.b64"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.EncryptKey, f.encryptKey = key, key
	f.answer = func(_ string, biz []byte) string {
		if string(biz) != readTestdata(t, "request_biz.txt") {
			t.Errorf("fake gateway decrypted %s", biz)
		}
		return `{"code":"10000","msg":"Success"}`
	}
	c := newClient(t, cfg)
	if _, err := c.Call(context.Background(), "alipay.open.app.mini.templatemessage.send", vectorBiz); err != nil {
		t.Fatal(err)
	}
	form, _ := f.lastRequest()
	if got, want := SignContent(form), readTestdata(t, "request_cert_aes_content.txt"); got != want {
		t.Errorf("string-to-sign\n got %s\nwant %s", got, want)
	}
	if got, want := form.Get("sign"), readTestdata(t, "request_cert_aes_sig.txt"); got != want {
		t.Errorf("sign\n got %s\nwant %s (openssl)", got, want)
	}
	if got, want := form.Get("app_cert_sn"), readTestdata(t, "app_cert_sn.txt"); got != want {
		t.Errorf("app_cert_sn = %s, openssl says %s", got, want)
	}
}

func TestBizContentForms(t *testing.T) {
	tests := []struct {
		name string
		biz  any
		want string
	}{
		{"nil", nil, ""},
		{"empty object", map[string]string{}, ""},
		{"raw string", `{"b":1,"a":2}`, `{"b":1,"a":2}`},
		{"bytes keep their spacing", []byte(`{"a": 1}`), `{"a": 1}`},
		{"HTML characters stay literal", map[string]string{"page": "p?a=1&b=<2>"}, `{"page":"p?a=1&b=<2>"}`},
	}
	for _, tt := range tests {
		got, err := encodeBiz(tt.biz)
		if err != nil || got != tt.want {
			t.Errorf("%s: encodeBiz = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
	for _, bad := range []any{"not json", []byte("{"), make(chan int)} {
		if _, err := encodeBiz(bad); alipayerr.ClassOf(err) != alipayerr.BadRequest {
			t.Errorf("encodeBiz(%T) = %v, want BadRequest", bad, err)
		}
	}
}

func TestCallOptionsAndParams(t *testing.T) {
	f := newFakeAlipay(t)
	c := newClient(t, keyConfig(t, f.srv.URL))
	ctx := context.Background()
	// Legacy APIs take parameters outside biz_content (§2.3).
	if _, err := c.Call(ctx, "alipay.mobile.public.template.message.delete", nil,
		WithParam("template_id", "TM1"), WithParam("auth_token", ""), WithAppAuthToken("")); err != nil {
		t.Fatal(err)
	}
	form, _ := f.lastRequest()
	if form.Get("template_id") != "TM1" || form.Has("biz_content") || form.Has("auth_token") || form.Has("app_auth_token") {
		t.Errorf("form = %v", form)
	}
	if got := form.Get("timestamp"); got != "2024-05-01 12:00:00" {
		t.Errorf("timestamp = %q, want Beijing time", got)
	}
	for _, k := range []string{"sign", "method", "biz_content", "app_cert_sn", ""} {
		_, err := c.Call(ctx, "x.y", nil, WithParam(k, "v"))
		var ae *alipayerr.Error
		if !errors.As(err, &ae) || ae.Class != alipayerr.BadRequest {
			t.Errorf("WithParam(%q) = %v, want BadRequest", k, err)
		}
	}
	if _, err := c.Call(ctx, "", nil); alipayerr.ClassOf(err) != alipayerr.BadRequest {
		t.Errorf("empty method = %v", err)
	}
}

func TestSignContent(t *testing.T) {
	p := map[string][]string{"b": {"2"}, "a": {"x=1&y"}, "sign": {"S"}, "empty": {""}, "none": {}, "sign_type": {"RSA2"}}
	if got, want := SignContent(p), "a=x=1&y&b=2&sign_type=RSA2"; got != want {
		t.Errorf("SignContent = %q, want %q", got, want)
	}
}

// A signer that cannot sign (a KMS outage) fails the call before anything is sent.
func TestSignerFailure(t *testing.T) {
	f := newFakeAlipay(t)
	cfg := keyConfig(t, f.srv.URL)
	cfg.Signer = failingSigner{cfg.Signer}
	c := newClient(t, cfg)
	_, err := c.Call(context.Background(), "x.y", nil)
	if alipayerr.ClassOf(err) != alipayerr.Retryable || !strings.Contains(err.Error(), "kms down") {
		t.Errorf("Call = %v", err)
	}
	if len(f.requests) != 0 {
		t.Error("request sent without a signature")
	}
}

type failingSigner struct{ signer.Signer }

func (failingSigner) Sign(context.Context, []byte) ([]byte, error) {
	return nil, errors.New("kms down")
}
