package alipayplus

import (
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestSignatureMatchesOpenSSL checks the bytes on the wire against testdata/gen.sh: the body
// Go marshals, the Signature header (signed by openssl over the same content) and the
// verification of a response openssl signed with the platform key.
func TestSignatureMatchesOpenSSL(t *testing.T) {
	for _, tc := range []struct {
		format  TimeFormat
		time    string
		sigFile string
	}{
		{ISO8601Millis, vectorTimeISO, "request_iso.sig"},
		{EpochMillis, vectorTimeEpoch, "request_epoch.sig"},
	} {
		t.Run(tc.sigFile, func(t *testing.T) {
			p := newPlatform(t)
			p.body = readTestdata(t, "response.json")
			p.signature = readTestdata(t, "response.sig")
			c := p.client(func(cfg *Config) { cfg.RequestTimeFormat = tc.format })

			resp, err := c.SendMessage(context.Background(), vectorRequest())
			if err != nil {
				t.Fatal(err)
			}
			got := p.last()
			if got.body != readTestdata(t, "request.json") {
				t.Errorf("body\n got %s\nwant %s", got.body, readTestdata(t, "request.json"))
			}
			for name, want := range map[string]string{
				"Signature":    "algorithm=RSA256,keyVersion=1,signature=" + readTestdata(t, tc.sigFile),
				"Client-Id":    vectorClientID,
				"Request-Time": tc.time,
				"Content-Type": "application/json; charset=UTF-8",
			} {
				if v := got.header.Get(name); v != want {
					t.Errorf("%s\n got %q\nwant %q", name, v, want)
				}
			}
			if got.uri != vectorURI || got.err != nil {
				t.Errorf("uri %q, merchant signature check: %v", got.uri, got.err)
			}
			if resp.MessageID != "2019112719074101000701234567" || resp.Result.ResultCode != "SUCCESS" {
				t.Errorf("response %+v", resp)
			}
		})
	}
}

func TestParseSignature(t *testing.T) {
	raw := []byte{0xfb, 0xff, 0xfe, 0x01} // base64 "+//+AQ==": every character that gets escaped
	b64 := base64.StdEncoding.EncodeToString(raw)
	for _, tc := range []struct {
		name, header string
		ok           bool
	}{
		{"antom form", "algorithm=RSA256,keyVersion=1,signature=%2B%2F%2F%2BAQ%3D%3D", true},
		{"docs form with spaces", "algorithm=RSA256, keyVersion=1, signature=%2B%2F%2F%2BAQ%3D%3D", true},
		{"any order and case", " Signature = %2B%2F%2F%2BAQ%3D%3D ,KEYVERSION=2, Algorithm=rsa256", true},
		{"lower-case escapes", "signature=%2b%2f%2f%2bAQ%3d%3d", true},
		{"raw base64, not URL-encoded", "algorithm=RSA256,keyVersion=1,signature=" + b64, true},
		{"unpadded base64", "signature=%2B%2F%2F%2BAQ", true},
		{"no algorithm", "keyVersion=1,signature=%2B%2F%2F%2BAQ%3D%3D", true},
		{"empty", "", false},
		{"no signature", "algorithm=RSA256,keyVersion=1", false},
		{"empty signature", "algorithm=RSA256,signature=", false},
		{"ECC", "algorithm=ECC224,signature=%2B%2F%2F%2BAQ%3D%3D", false},
		{"bad escape", "signature=%zz", false},
		{"not base64", "signature=***", false},
		{"bare value", b64, false},
	} {
		sig, err := parseSignature(tc.header)
		if tc.ok && (err != nil || string(sig) != string(raw)) {
			t.Errorf("%s: parseSignature(%q) = %x, %v", tc.name, tc.header, sig, err)
		}
		if !tc.ok && err == nil {
			t.Errorf("%s: parseSignature(%q) accepted", tc.name, tc.header)
		}
	}
}

func TestVerifyNotification(t *testing.T) {
	k := keys(t)
	const body = `{"notifyType":"MESSAGE","messageId":"m-1"}`
	signed := func(path, reqTime, b string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(b))
		r.Header.Set("client-id", vectorClientID)
		r.Header.Set("request-time", reqTime)
		r.Header.Set("signature", "algorithm=RSA256, keyVersion=1, signature="+
			signWith(t, k.platform, "POST "+path+"\n"+vectorClientID+"."+reqTime+"."+b))
		return r
	}
	pub := &k.platform.PublicKey
	if err := VerifyNotification(signed("/notify/alipayplus?x=1", vectorTimeISO, body), []byte(body), pub); err != nil {
		t.Fatalf("valid notification: %v", err)
	}
	for name, check := range map[string]func() error{
		"tampered body": func() error {
			return VerifyNotification(signed("/n", vectorTimeISO, body), []byte(body+" "), pub)
		},
		"wrong key": func() error {
			return VerifyNotification(signed("/n", vectorTimeISO, body), []byte(body), &k.merchant.PublicKey)
		},
		"other path": func() error {
			r := signed("/n", vectorTimeISO, body)
			r.RequestURI = "/m"
			return VerifyNotification(r, []byte(body), pub)
		},
		"wrong Request-Time": func() error {
			r := signed("/n", vectorTimeISO, body)
			r.Header.Set("Request-Time", vectorResponseTime)
			return VerifyNotification(r, []byte(body), pub)
		},
		"missing Signature": func() error {
			r := signed("/n", vectorTimeISO, body)
			r.Header.Del("Signature")
			return VerifyNotification(r, []byte(body), pub)
		},
		"missing Client-Id": func() error {
			r := signed("/n", vectorTimeISO, body)
			r.Header.Del("Client-Id")
			return VerifyNotification(r, []byte(body), pub)
		},
		"no key": func() error { return VerifyNotification(signed("/n", vectorTimeISO, body), []byte(body), nil) },
	} {
		if err := check(); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s: %v, want ErrBadSignature", name, err)
		}
	}
}

// TestVerifyNotificationBehindStripPrefix: the platform signed the full path it posted to,
// which http.StripPrefix hides from r.URL but not from r.RequestURI.
func TestVerifyNotificationBehindStripPrefix(t *testing.T) {
	k := keys(t)
	const path, body = "/hooks/alipayplus/notify", `{"a":1}`
	errc := make(chan error, 1)
	h := http.StripPrefix("/hooks", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		errc <- VerifyNotification(r, b, &k.platform.PublicKey)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(body))
	req.Header.Set("Client-Id", vectorClientID)
	req.Header.Set("Request-Time", vectorTimeEpoch)
	req.Header.Set("Signature", "signature="+signWith(t, k.platform, "POST "+path+"\n"+vectorClientID+"."+vectorTimeEpoch+"."+body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}
