package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/signer"
)

// offlineClient verifies with the testdata Alipay key and never dials out.
func offlineClient(tb testing.TB) *Client {
	k := keys(tb)
	aesKey, _ := ParseEncryptKey(readTestdata(tb, "aes128_key.b64"))
	return newClient(tb, Config{
		GatewayURL: "http://127.0.0.1:1/gateway.do", AppID: "2021000000000001", Signer: signer.NewRSA(k.app),
		AlipayPublicKey: &k.alipay.PublicKey, EncryptKey: aesKey, Now: func() time.Time { return vectorTime },
	})
}

// FuzzParseResponse: no body panics, every failure is an *alipayerr.Error,
// and whatever passes verification was signed by the Alipay key over the
// very bytes of the body.
func FuzzParseResponse(f *testing.F) {
	good := readTestdata(f, "response.json")
	for _, s := range []string{good, readTestdata(f, "response_aes.json"), strings.Replace(good, "Success", "Succes5", 1),
		`{"error_response":{"code":"40002","msg":"Invalid Arguments"}}`, `{"a":1,"a":2}`, `{"x_response":"AAAA","sign":"AA=="}`, "", "{", "null"} {
		f.Add([]byte(s), true)
		f.Add([]byte(s), false)
	}
	c := offlineClient(f)
	pub := &keys(f).alipay.PublicKey
	f.Fuzz(func(t *testing.T, body []byte, verify bool) {
		for _, method := range []string{addMethod, "alipay.open.app.messagetemplate.subscribe.query"} {
			resp, err := c.readResponse(context.Background(), method, body, verify)
			if err != nil {
				var ae *alipayerr.Error
				if !errors.As(err, &ae) || ae.Class == 0 {
					t.Fatalf("error %v is not a classified *alipayerr.Error", err)
				}
				continue
			}
			if !json.Valid(resp.Body) {
				t.Fatalf("Body is not JSON: %q", resp.Body)
			}
			if verify {
				env, err := parseEnvelope(body, method)
				if err != nil || !bytes.Contains(body, env.value) || env.sign == "" {
					t.Fatalf("verified a body parseEnvelope rejects: %v", err)
				}
				sig, _ := base64.StdEncoding.DecodeString(env.sign)
				if signer.Verify(pub, env.value, sig) != nil {
					t.Fatal("accepted a value the Alipay key did not sign")
				}
			}
		}
	})
}

// FuzzParseLifeAccountEvent: no input panics.
func FuzzParseLifeAccountEvent(f *testing.F) {
	xmlFollow := readTestdata(f, "lifeaccount_biz.txt")
	for _, s := range []string{xmlFollow, gbk(f, xmlFollow), `{"MsgType":"event","EventType":"follow","UserInfo":{"user_name":"张三"}}`,
		`{"MsgType":"text","Text":{"Content":"hi"}}`, `<XML><Text><Content>x</Content></Text></XML>`, "\ufeff{}", "<", "{"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ev, err := ParseLifeAccountEvent(s)
		if err == nil && ev.MsgType == "" && ev.EventType == "" {
			t.Fatal("accepted an event with neither MsgType nor EventType")
		}
	})
}

// FuzzVerifyNotification: no form panics either verifier, and nothing
// verifies but the signed notifications of the seeds, in either charset form.
func FuzzVerifyNotification(f *testing.F) {
	utf := notifyParams(f)
	gbkForm := notifyParams(f)
	gbkForm.Set("charset", "GBK")
	gbkForm.Set("sign", readTestdata(f, "notify_gbk_sig.txt"))
	for _, s := range []string{utf.Encode(), gbkForm.Encode(), lifeAccountParams(f).Encode(),
		"sign=%ZZ&charset=gbk&a=%D6%A7", "sign=&sign=&sign_type=RSA", "charset=big5"} {
		f.Add(s)
	}
	raw := notifyParams(f)
	raw.Set("charset", "GBK")
	raw.Set("biz_content", gbk(f, raw.Get("biz_content")))
	f.Add(raw.Encode())

	drop := map[string]bool{"sign": true, "sign_type": true, "alipay_cert_sn": true}
	norm := func(p url.Values) string {
		q := url.Values{}
		for k, v := range p {
			q.Set(k, toUTF8(v[0]))
		}
		return signContent(q, drop)
	}
	known := map[string]bool{norm(utf): true, norm(gbkForm): true}
	pub := &keys(f).alipay.PublicKey
	f.Fuzz(func(t *testing.T, query string) {
		params, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		_ = VerifyLifeAccountNotification(params, pub)
		if VerifyNotification(params, pub) == nil && !known[norm(params)] {
			t.Fatalf("verified a form that is not a signed notification: %q", query)
		}
	})
}
