package alipayplus

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/reachhq/reach/clients/alipayerr"
)

// FuzzParseSignature: any header either fails or yields bytes that survive a round trip
// through the form Reach itself sends.
func FuzzParseSignature(f *testing.F) {
	f.Add("algorithm=RSA256,keyVersion=1,signature=%2B%2F%2F%2BAQ%3D%3D")
	f.Add("algorithm=RSA256, keyVersion=1, signature=+//+AQ==")
	f.Add("Signature=AQ, algorithm=ecc224")
	f.Add("signature=%")
	f.Fuzz(func(t *testing.T, header string) {
		sig, err := parseSignature(header)
		if err != nil {
			return
		}
		again, err := parseSignature("algorithm=RSA256,signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig)))
		if err != nil || string(again) != string(sig) {
			t.Fatalf("round trip of %q: %x vs %x, %v", header, sig, again, err)
		}
	})
}

// FuzzHandleResponse feeds arbitrary response headers and bodies to the response path. With
// sign set, the body is validly signed so result and body decoding are reached too.
func FuzzHandleResponse(f *testing.F) {
	k := keys(f)
	f.Add(200, vectorClientID, vectorResponseTime, "signature=AQ==", []byte(`{"result":{"resultStatus":"S"}}`), true)
	f.Add(200, "", "1", "", []byte(`{"result":{"resultStatus":"F","resultCode":"X"}}`), true)
	f.Add(200, vectorClientID, "", "algorithm=RSA256", []byte(`{"result":null}`), false)
	f.Add(200, vectorClientID, "t", "", []byte(`{"result":{"resultStatus":"S"},"accessTokenExpiryTime":17e12}`), true)
	f.Add(503, "x", "y", "z", []byte("\xff"), false)
	c, err := New(Config{BaseURL: "https://example.com/api/open", ClientID: vectorClientID,
		Signer: keySigner{k.merchant}, PlatformPublicKey: &k.platform.PublicKey})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, status int, clientID, respTime, sigHeader string, body []byte, sign bool) {
		h := http.Header{}
		h.Set("Client-Id", clientID)
		h.Set("Response-Time", respTime)
		if sign {
			signedID := clientID
			if signedID == "" {
				signedID = vectorClientID
			}
			sigHeader = "signature=" + signWith(t, k.platform, "POST "+vectorURI+"\n"+signedID+"."+respTime+"."+string(body))
		}
		h.Set("Signature", sigHeader)
		var resp ApplyTokenResponse
		err := c.handleResponse(status, h, body, vectorURI, &resp)
		if err == nil {
			if status < 200 || status > 299 || !sign {
				t.Fatalf("accepted status %d, signed %v", status, sign)
			}
			return
		}
		var ae *alipayerr.Error
		if !errors.As(err, &ae) || ae.Class == 0 {
			t.Fatalf("error %v (%T) is not a classified *alipayerr.Error", err, err)
		}
	})
}

// FuzzVerifyNotification: arbitrary inbound requests never panic and never verify with a
// signature nobody made.
func FuzzVerifyNotification(f *testing.F) {
	k := keys(f)
	f.Add("POST", "/notify", vectorClientID, vectorTimeISO, "algorithm=RSA256,signature=AQ%3D%3D", []byte(`{}`))
	f.Add("", "", "", "", "", []byte(nil))
	f.Fuzz(func(t *testing.T, method, uri, clientID, reqTime, sig string, body []byte) {
		r := &http.Request{Method: method, RequestURI: uri, URL: &url.URL{Path: uri}, Header: http.Header{
			"Client-Id": {clientID}, "Request-Time": {reqTime}, "Signature": {sig}}}
		if err := VerifyNotification(r, body, &k.platform.PublicKey); !errors.Is(err, ErrBadSignature) {
			t.Fatalf("got %v", err)
		}
	})
}
