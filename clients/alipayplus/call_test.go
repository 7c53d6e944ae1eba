package alipayplus

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/rsakey"
)

// wantErr asserts err is an *alipayerr.Error of class and returns it.
func wantErr(t *testing.T, err error, class alipayerr.Class) *alipayerr.Error {
	t.Helper()
	var ae *alipayerr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want *alipayerr.Error", err, err)
	}
	if ae.Class != class {
		t.Fatalf("class %v, want %v: %v", ae.Class, class, err)
	}
	return ae
}

func TestCallResponseVerification(t *testing.T) {
	k := keys(t)
	for _, tc := range []struct {
		name string
		edit func(p *platform)
		ok   bool
	}{
		{"valid, lower-case header names, spaces in Signature", func(p *platform) {}, true},
		{"signature not URL-encoded is accepted", func(p *platform) { p.rawBase64 = true }, true},
		{"tampered body", func(p *platform) {
			p.after = func(h http.Header, body string) string { return strings.Replace(body, "m-1", "m-2", 1) }
		}, false},
		{"wrong Response-Time", func(p *platform) {
			p.after = func(h http.Header, body string) string {
				h["response-time"] = []string{"2019-04-04T12:08:58.001+05:30"}
				return body
			}
		}, false},
		{"missing Response-Time", func(p *platform) {
			p.after = func(h http.Header, body string) string { delete(h, "response-time"); return body }
		}, false},
		{"signed with the wrong key", func(p *platform) { p.signKey = k.merchant }, false},
		{"missing Signature header", func(p *platform) {
			p.after = func(h http.Header, body string) string { delete(h, "signature"); return body }
		}, false},
		{"another merchant's Client-Id", func(p *platform) {
			p.after = func(h http.Header, body string) string { h["client-id"] = []string{"OTHER"}; return body }
		}, false},
		{"unsigned error body", func(p *platform) {
			p.body = `{"result":{"resultCode":"INVALID_SIGNATURE","resultStatus":"F","resultMessage":"bad sig"}}`
			p.after = func(h http.Header, body string) string { delete(h, "signature"); return body }
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlatform(t)
			tc.edit(p)
			var resp SendMessageResponse
			err := p.client(nil).Call(context.Background(), PathSendMessage, vectorRequest(), &resp)
			if tc.ok {
				if err != nil || resp.MessageID != "m-1" {
					t.Fatalf("got %+v, %v", resp, err)
				}
				return
			}
			ae := wantErr(t, err, alipayerr.Auth)
			if !errors.Is(err, ErrBadSignature) || ae.Code != "" || resp.MessageID != "" {
				t.Fatalf("%v (code %q), resp %+v", err, ae.Code, resp)
			}
			if strings.Contains(p.body, "INVALID_SIGNATURE") && !strings.Contains(err.Error(), "unverified result F/INVALID_SIGNATURE") {
				t.Errorf("unverified result not reported: %v", err)
			}
		})
	}
}

func TestCallResults(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		status     int
		class      alipayerr.Class
		code, sub  string
		errIs      error
	}{
		{name: "accepted A", body: `{"result":{"resultCode":"ACCEPT","resultStatus":"A"},"messageId":"m-9"}`},
		{name: "F template", body: `{"result":{"resultCode":"TEMPLATE_NOT_EXIST","resultStatus":"F","resultMessage":"no"}}`,
			class: alipayerr.TemplateMissing, code: "F", sub: "TEMPLATE_NOT_EXIST"},
		{name: "F expired token", body: `{"result":{"resultCode":"EXPIRED_ACCESS_TOKEN","resultStatus":"F"}}`,
			class: alipayerr.NotSubscribed, code: "F", sub: "EXPIRED_ACCESS_TOKEN"},
		{name: "F rate", body: `{"result":{"resultCode":"MESSAGE_SEND_EXCEED_LIMIT","resultStatus":"F"}}`,
			class: alipayerr.RateLimited, code: "F", sub: "MESSAGE_SEND_EXCEED_LIMIT"},
		{name: "U unknown", body: `{"result":{"resultCode":"UNKNOWN_EXCEPTION","resultStatus":"U"}}`,
			class: alipayerr.Retryable, code: "U", sub: "UNKNOWN_EXCEPTION"},
		{name: "missing result", body: `{"messageId":"m-1"}`, class: alipayerr.Retryable, errIs: ErrNoResult},
		{name: "result without status", body: `{"result":{"resultCode":"SUCCESS"}}`, class: alipayerr.Retryable, errIs: ErrNoResult},
		{name: "not JSON", body: `<html>`, class: alipayerr.Retryable, errIs: ErrNoResult},
		{name: "S but wrong shape", body: `{"result":{"resultCode":"SUCCESS","resultStatus":"S"},"messageId":7}`,
			class: alipayerr.Permanent, code: "S", sub: "SUCCESS"},
		{name: "HTTP 500", status: 500, body: `oops`, class: alipayerr.Retryable},
		{name: "HTTP 429", status: 429, body: `slow down`, class: alipayerr.RateLimited},
		{name: "HTTP 404", status: 404, body: `no`, class: alipayerr.Permanent},
		{name: "HTTP 302 not followed", status: 302, body: ``, class: alipayerr.Permanent},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlatform(t)
			p.body, p.status = tc.body, tc.status
			if tc.status == 302 {
				p.body = " "
				p.after = func(h http.Header, b string) string { h.Set("Location", "/elsewhere"); return b }
			}
			var resp SendMessageResponse
			err := p.client(nil).Call(context.Background(), PathSendMessage, vectorRequest(), &resp)
			if tc.class == 0 {
				if err != nil || resp.MessageID != "m-9" || resp.Result.ResultStatus != "A" {
					t.Fatalf("got %+v, %v", resp, err)
				}
				return
			}
			ae := wantErr(t, err, tc.class)
			if ae.Code != tc.code || ae.SubCode != tc.sub {
				t.Errorf("code %q/%q, want %q/%q", ae.Code, ae.SubCode, tc.code, tc.sub)
			}
			if tc.errIs != nil && !errors.Is(err, tc.errIs) {
				t.Errorf("%v does not wrap %v", err, tc.errIs)
			}
			if tc.status != 0 && ae.HTTPStatus != tc.status {
				t.Errorf("HTTPStatus %d, want %d", ae.HTTPStatus, tc.status)
			}
			if n := p.calls(); n != 1 {
				t.Errorf("%d requests, want 1", n)
			}
		})
	}
	t.Run("F keeps the message", func(t *testing.T) {
		p := newPlatform(t)
		p.body = `{"result":{"resultCode":"USER_NOT_SUBSCRIBED","resultStatus":"F","resultMessage":"user has not subscribed"}}`
		_, err := p.client(nil).SendMessage(context.Background(), vectorRequest())
		if ae := wantErr(t, err, alipayerr.NotSubscribed); ae.SubMsg != "user has not subscribed" || ae.Reason() != "F/USER_NOT_SUBSCRIBED" {
			t.Fatalf("%+v", ae)
		}
	})
}

func TestCallTransportFailures(t *testing.T) {
	t.Run("server gone", func(t *testing.T) {
		p := newPlatform(t)
		c := p.client(nil)
		p.srv.Close()
		wantErr(t, c.Call(context.Background(), PathSendMessage, vectorRequest(), nil), alipayerr.Retryable)
	})
	t.Run("timeout", func(t *testing.T) {
		p := newPlatform(t)
		block := make(chan struct{})
		p.after = func(h http.Header, b string) string { <-block; return b }
		defer close(block)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		err := p.client(nil).Call(ctx, PathSendMessage, vectorRequest(), nil)
		wantErr(t, err, alipayerr.Retryable)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%v does not wrap DeadlineExceeded", err)
		}
	})
	t.Run("signer fails", func(t *testing.T) {
		p := newPlatform(t)
		c := p.client(func(cfg *Config) { cfg.Signer = failingSigner{keySigner{p.keys.merchant}} })
		wantErr(t, c.Call(context.Background(), PathSendMessage, vectorRequest(), nil), alipayerr.Retryable)
		if p.calls() != 0 {
			t.Error("request sent without a signature")
		}
	})
	t.Run("unencodable request", func(t *testing.T) {
		p := newPlatform(t)
		wantErr(t, p.client(nil).Call(context.Background(), PathSendMessage, func() {}, nil), alipayerr.BadRequest)
		wantErr(t, p.client(nil).Call(context.Background(), PathSendMessage, json.RawMessage(`{`), nil), alipayerr.BadRequest)
		wantErr(t, p.client(nil).Call(context.Background(), "v2/x", struct{}{}, nil), alipayerr.BadRequest)
	})
}

type failingSigner struct{ keySigner }

func (failingSigner) Sign(context.Context, []byte) ([]byte, error) {
	return nil, errors.New("kms unreachable")
}

// TestCallRawMessageAndPrefix: a json.RawMessage goes out byte for byte, and the signed URI is
// the path actually posted to, whatever the base URL's prefix.
func TestCallRawMessageAndPrefix(t *testing.T) {
	p := newPlatform(t)
	c := p.client(func(cfg *Config) { cfg.BaseURL = p.srv.URL + "/api/"; cfg.KeyVersion = "3" })
	body := json.RawMessage("{ \"appId\" : \"x\" }")
	if err := c.Call(context.Background(), "/v2/authorizations/applyToken", body, nil); err != nil {
		t.Fatal(err)
	}
	got := p.last()
	if got.body != string(body) || got.uri != "/api/v2/authorizations/applyToken" || got.err != nil {
		t.Fatalf("%+v", got)
	}
	if sig := got.header.Get("Signature"); !strings.HasPrefix(sig, "algorithm=RSA256,keyVersion=3,signature=") {
		t.Fatalf("Signature %q", sig)
	}
}

func TestNew(t *testing.T) {
	k := keys(t)
	merchantPub, err := rsakey.ParsePublicKey(readTestdata(t, "merchant_pub.pem"))
	if err != nil {
		t.Fatal(err)
	}
	good := Config{BaseURL: "https://open-sea-global.alipay.com/api/open", ClientID: "c",
		Signer: keySigner{k.merchant}, PlatformPublicKey: &k.platform.PublicKey}
	if _, err := New(good); err != nil {
		t.Fatal(err)
	}
	for name, edit := range map[string]func(*Config){
		"no base URL":         func(c *Config) { c.BaseURL = "" },
		"relative base URL":   func(c *Config) { c.BaseURL = "/api/open" },
		"base URL query":      func(c *Config) { c.BaseURL += "?a=b" },
		"no client id":        func(c *Config) { c.ClientID = "" },
		"no signer":           func(c *Config) { c.Signer = nil },
		"no platform key":     func(c *Config) { c.PlatformPublicKey = nil },
		"own key as platform": func(c *Config) { c.PlatformPublicKey = merchantPub },
		"bad time format":     func(c *Config) { c.RequestTimeFormat = 7 },
		"bad key version":     func(c *Config) { c.KeyVersion = "1,signature=x" },
	} {
		cfg := good
		edit(&cfg)
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
