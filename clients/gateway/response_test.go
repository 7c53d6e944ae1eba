package gateway

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
)

const addMethod = "alipay.open.public.template.message.add"

// rawClient returns a key-mode client whose gateway answers every call with body.
func rawClient(t *testing.T, body string) *Client {
	t.Helper()
	f := newFakeAlipay(t)
	f.raw = func(string) []byte { return []byte(body) }
	return newClient(t, keyConfig(t, f.srv.URL))
}

// response.json was signed by openssl over the value as written, with a
// space and escapes that any re-encoding would change (§1.6).
func TestResponseMatchesOpenSSLVector(t *testing.T) {
	body := readTestdata(t, "response.json")
	resp, err := rawClient(t, body).Call(context.Background(), addMethod, nil)
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(body, `_response":`) + len(`_response":`)
	end := strings.Index(body, `,"sign":`)
	if string(resp.Body) != body[start:end] {
		t.Errorf("Body is not the raw value:\n%s\n%s", resp.Body, body[start:end])
	}
	var out struct {
		TemplateID string `json:"template_id"`
		Tip        string `json:"tip"`
	}
	if err := resp.Decode(&out); err != nil {
		t.Fatal(err)
	}
	if resp.Code != "10000" || resp.Msg != "Success" || out.TemplateID != "7c866fab64464afaa956223c74ce6cbc" || out.Tip != "支付宝" {
		t.Errorf("resp = %+v, %+v", resp, out)
	}
}

// response_aes.json: a quoted base64 value signed WITH its quotes, then
// decrypted (§1.6, §1.8), in cert mode.
func TestEncryptedResponseMatchesOpenSSLVector(t *testing.T) {
	f := newFakeAlipay(t)
	f.raw = func(string) []byte { return []byte(readTestdata(t, "response_aes.json")) }
	cfg := certConfig(t, f.srv.URL)
	cfg.EncryptKey, _ = ParseEncryptKey(readTestdata(t, "aes128_key.b64"))
	resp, err := newClient(t, cfg).Call(context.Background(), "alipay.open.app.messagetemplate.subscribe.query", nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(resp.Body) != readTestdata(t, "response_aes_plain.txt") {
		t.Errorf("Body = %s", resp.Body)
	}
	var out struct {
		Relations []struct {
			SubscribeType string `json:"subscribe_type"`
		} `json:"subscribe_relations"`
	}
	if err := resp.Decode(&out); err != nil || len(out.Relations) != 1 || out.Relations[0].SubscribeType != "longterm" {
		t.Errorf("Decode = %+v, %v", out, err)
	}
}

// Everything that must fail verification does, as Auth with ErrBadSignature.
func TestResponseVerificationFailures(t *testing.T) {
	k := keys(t)
	good := readTestdata(t, "response.json")
	value := good[strings.Index(good, ":")+1 : strings.Index(good, `,"sign":`)]
	sign := good[strings.Index(good, `,"sign":`):]
	key := `{"alipay_open_public_template_message_add_response":`
	forged := `{"code":"10000","msg":"Success","template_id":"FORGED"}`
	reordered := strings.Replace(value, `"code":"10000", "msg":"Success"`, `"msg":"Success", "code":"10000"`, 1)
	tests := []struct {
		name, body, msg string
	}{
		{"tampered value", strings.Replace(good, "7c866fab", "7c866fac", 1), "could not be verified"},
		{"one space inserted", strings.Replace(good, `"msg":"Success"`, `"msg": "Success"`, 1), "could not be verified"},
		{"keys reordered", key + reordered + sign, "could not be verified"},
		{"signed with another key", string(signedBody(t, k.alipay2, "alipay_open_public_template_message_add_response", value, "")), "could not be verified"},
		{"signed with the app's own key", string(signedBody(t, k.app, "alipay_open_public_template_message_add_response", value, "")), "not the app's own public key"},
		{"unsigned business response", key + value + "}", "unsigned"},
		{"empty sign", key + value + `,"sign":""}`, "unsigned"},
		{"sign not base64", key + value + `,"sign":"!!"}`, "could not be verified"},
		{"duplicate response key, forged second", key + value + `,"alipay_open_public_template_message_add_response":` + forged + sign, "occurs twice"},
		{"duplicate response key, forged first", key + forged + `,"alipay_open_public_template_message_add_response":` + value + sign, "occurs twice"},
		{"duplicate sign", key + value + sign[:len(sign)-1] + sign, "occurs twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := rawClient(t, tt.body).Call(context.Background(), addMethod, nil)
			var ae *alipayerr.Error
			if !errors.As(err, &ae) || ae.Class != alipayerr.Auth || !errors.Is(err, ErrBadSignature) || resp != nil {
				t.Fatalf("Call = %v, %v; want Auth with ErrBadSignature", resp, err)
			}
			mustContain(t, err.Error(), tt.msg)
		})
	}
}

// The verification-failure message names the key by fingerprint and the
// likely cause, for the operator.
func TestBadSignatureMessage(t *testing.T) {
	body := string(signedBody(t, keys(t).alipay2, responseKey(addMethod), `{"code":"10000","msg":"Success"}`, ""))
	_, err := rawClient(t, body).Call(context.Background(), addMethod, nil)
	mustContain(t, err.Error(), "response could not be verified with the configured Alipay public key (SHA256:")
	mustContain(t, err.Error(), "not the app's own public key")
}

func TestBusinessErrors(t *testing.T) {
	k := keys(t)
	signed := func(key, value string) string { return string(signedBody(t, k.alipay, key, value, "")) }
	rk := responseKey(addMethod)
	tests := []struct {
		name, body        string
		class             alipayerr.Class
		code, sub, subMsg string
		unsigned          bool
	}{
		{"template missing", signed(rk, `{"code":"40004","msg":"Business Failed","sub_code":"USER_TEMPLATE_ILLEGAL","sub_msg":"模板非法"}`),
			alipayerr.TemplateMissing, "40004", "USER_TEMPLATE_ILLEGAL", "模板非法", false},
		{"service unavailable", signed(rk, `{"code":"20000","msg":"Service Currently Unavailable","sub_code":"isp.unknow-error","sub_msg":"系统繁忙"}`),
			alipayerr.Retryable, "20000", "isp.unknow-error", "系统繁忙", false},
		{"numeric legacy code", signed(rk, `{"code":40005,"msg":"Call Limited"}`), alipayerr.RateLimited, "40005", "", "", false},
		{"signed error_response", signed("error_response", `{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id"}`),
			alipayerr.Auth, "40002", "isv.invalid-app-id", "", false},
		{"unsigned error_response", `{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-signature","sub_msg":"验签出错"}}`,
			alipayerr.Auth, "40002", "isv.invalid-signature", "验签出错", true},
		{"unsigned error_response cannot mark a template missing", `{"error_response":{"code":"40004","msg":"Business Failed","sub_code":"USER_TEMPLATE_ILLEGAL"}}`,
			alipayerr.Permanent, "40004", "USER_TEMPLATE_ILLEGAL", "", true},
		{"error_response claiming success", `{"error_response":{"code":"10000","msg":"Success"}}`, alipayerr.Permanent, "10000", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := rawClient(t, tt.body).Call(context.Background(), addMethod, nil)
			var ae *alipayerr.Error
			if !errors.As(err, &ae) {
				t.Fatalf("Call = %v", err)
			}
			if ae.Class != tt.class || ae.Code != tt.code || ae.SubCode != tt.sub || ae.SubMsg != tt.subMsg {
				t.Errorf("error = %+v", ae)
			}
			if got := errors.Is(err, ErrUnsigned); got != tt.unsigned {
				t.Errorf("errors.Is(ErrUnsigned) = %v", got)
			}
		})
	}
}

// A body that is not a gateway response leaves the outcome unknown.
func TestMalformedResponses(t *testing.T) {
	value := `{"code":"10000","msg":"Success"}`
	rk := responseKey(addMethod)
	body := string(signedBody(t, keys(t).alipay, rk, value, ""))
	for name, b := range map[string]string{
		"HTML":            "<html>502 Bad Gateway</html>",
		"empty":           "",
		"truncated":       body[:len(body)-20],
		"trailing data":   body + `{}`,
		"no response key": `{"other_response":` + value + `,"sign":"x"}`,
		"both keys":       `{"` + rk + `":` + value + `,"error_response":` + value + `}`,
		"array":           `[` + body + `]`,
		"sign not string": `{"` + rk + `":` + value + `,"sign":1}`,
	} {
		_, err := rawClient(t, b).Call(context.Background(), addMethod, nil)
		if alipayerr.ClassOf(err) != alipayerr.Retryable || !errors.Is(err, ErrMalformedResponse) {
			t.Errorf("%s: Call = %v, want Retryable ErrMalformedResponse", name, err)
		}
	}
}

func TestTransportErrors(t *testing.T) {
	status := func(code int) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
	}
	for _, tt := range []struct {
		code  int
		class alipayerr.Class
	}{{502, alipayerr.Retryable}, {429, alipayerr.RateLimited}, {403, alipayerr.Permanent}, {404, alipayerr.Permanent}} {
		srv := httptest.NewServer(status(tt.code))
		_, err := newClient(t, keyConfig(t, srv.URL)).Call(context.Background(), addMethod, nil)
		var ae *alipayerr.Error
		if !errors.As(err, &ae) || ae.Class != tt.class || ae.HTTPStatus != tt.code {
			t.Errorf("HTTP %d: Call = %v", tt.code, err)
		}
		srv.Close()
	}

	// A body cut short by the connection (Content-Length not met).
	short := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = w.Write([]byte(`{"x_response":{"code":`))
	}))
	defer short.Close()
	_, err := newClient(t, keyConfig(t, short.URL)).Call(context.Background(), addMethod, nil)
	if alipayerr.ClassOf(err) != alipayerr.Retryable {
		t.Errorf("truncated body: Call = %v", err)
	}

	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer slow.Close()
	defer close(release) // before Close, which waits for the handler
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = newClient(t, keyConfig(t, slow.URL)).Call(ctx, addMethod, nil)
	if alipayerr.ClassOf(err) != alipayerr.Retryable || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("timeout: Call = %v", err)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = newClient(t, keyConfig(t, "http://"+addr+"/gateway.do")).Call(context.Background(), addMethod, nil)
	if alipayerr.ClassOf(err) != alipayerr.Retryable {
		t.Errorf("connection refused: Call = %v", err)
	}
}

func TestEncryptedResponseErrors(t *testing.T) {
	k := keys(t)
	aesKey, _ := ParseEncryptKey(readTestdata(t, "aes128_key.b64"))
	ct, _ := encrypt(aesKey, []byte(`{"code":"10000","msg":"Success"}`))
	body := string(signedBody(t, k.alipay, responseKey(addMethod), `"`+ct+`"`, ""))

	// No key configured: the operator must add it.
	_, err := rawClient(t, body).Call(context.Background(), addMethod, nil)
	if !errors.Is(err, ErrDecrypt) || alipayerr.ClassOf(err) != alipayerr.Auth {
		t.Errorf("no key: Call = %v", err)
	}
	// Wrong key.
	f := newFakeAlipay(t)
	f.raw = func(string) []byte { return []byte(body) }
	cfg := keyConfig(t, f.srv.URL)
	cfg.EncryptKey = make([]byte, 16)
	_, err = newClient(t, cfg).Call(context.Background(), addMethod, nil)
	if !errors.Is(err, ErrDecrypt) || alipayerr.ClassOf(err) != alipayerr.Auth {
		t.Errorf("wrong key: Call = %v", err)
	}
	// Quotes are part of the signed text: a signature over the bare base64 fails.
	bare := string(signedBody(t, k.alipay, responseKey(addMethod), ct, ""))
	bare = strings.Replace(bare, `":`+ct, `":"`+ct+`"`, 1)
	cfg.EncryptKey = aesKey
	f.raw = func(string) []byte { return []byte(bare) }
	_, err = newClient(t, cfg).Call(context.Background(), addMethod, nil)
	if !errors.Is(err, ErrBadSignature) {
		t.Errorf("signature without quotes: Call = %v", err)
	}
}

// A round trip through the fake gateway with encryption on both ways.
func TestEncryptedRoundTrip(t *testing.T) {
	f := newFakeAlipay(t)
	aesKey, _ := ParseEncryptKey(readTestdata(t, "aes256_key.b64"))
	f.encryptKey = aesKey
	f.answer = func(_ string, biz []byte) string {
		return `{"code":"10000","msg":"Success","echo":` + string(biz) + `}`
	}
	cfg := keyConfig(t, f.srv.URL)
	cfg.EncryptKey = aesKey
	resp, err := newClient(t, cfg).Call(context.Background(), "alipay.open.public.message.single.send", map[string]string{"to_user_id": "2088"})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, string(resp.Body), `"echo":{"to_user_id":"2088"}`)
	if form, _ := f.lastRequest(); form.Get("encrypt_type") != "AES" || strings.Contains(form.Get("biz_content"), "2088") {
		t.Errorf("biz_content not encrypted: %v", form)
	}
}
