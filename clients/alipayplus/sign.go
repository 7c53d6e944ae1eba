package alipayplus

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/reachhq/reach/clients/signer"
)

// ErrBadSignature means a response or notification could not be verified with the platform
// public key: the signature or a header it covers is missing, malformed or wrong.
var ErrBadSignature = errors.New("bad platform signature")

// Header names (§4.1, §4.3). net/http canonicalises names, so "client-id" matches too.
const (
	headerClientID     = "Client-Id"
	headerRequestTime  = "Request-Time"
	headerResponseTime = "Response-Time"
	headerSignature    = "Signature"
)

// signedContent is Content_To_Be_Signed of §4.2 (and Content_To_Be_Validated of §4.3):
// "<method> <URI>\n<Client-Id>.<time>.<body>", with body's bytes exactly as sent.
func signedContent(method, uri, clientID, timestamp string, body []byte) []byte {
	b := make([]byte, 0, len(method)+len(uri)+len(clientID)+len(timestamp)+len(body)+4)
	b = append(b, method...)
	b = append(b, ' ')
	b = append(b, uri...)
	b = append(b, '\n')
	b = append(b, clientID...)
	b = append(b, '.')
	b = append(b, timestamp...)
	b = append(b, '.')
	return append(b, body...)
}

// signatureHeader signs content and returns the Signature header value, written without
// spaces after the commas as the official Antom Go SDK writes it (§4.1; the docs' example has
// spaces, and parseSignature accepts both).
func (c *Client) signatureHeader(ctx context.Context, content []byte) (string, error) {
	sig, err := c.cfg.Signer.Sign(ctx, content)
	if err != nil {
		return "", err
	}
	return "algorithm=RSA256,keyVersion=" + c.cfg.KeyVersion +
		",signature=" + url.QueryEscape(base64.StdEncoding.EncodeToString(sig)), nil
}

// parseSignature reads the raw signature bytes from a Signature header value such as
// "algorithm=RSA256, keyVersion=1, signature=…". It is tolerant of what wallets vary on:
// spaces around the commas and "=", parameter order and the case of parameter names. The
// value may be URL-encoded (what §4.2 specifies; the Antom SDK URL-decodes before verifying)
// or plain base64: it is percent-decoded without turning "+" into a space, so both forms
// decode to the same bytes. Only RSA256 is supported; ECC224 (§4.1) is refused.
func parseSignature(header string) ([]byte, error) {
	if strings.TrimSpace(header) == "" {
		return nil, errors.New("missing Signature header")
	}
	var value string
	var found bool
	for _, part := range strings.Split(header, ",") {
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case strings.EqualFold(k, "algorithm") && !strings.EqualFold(v, "RSA256"):
			return nil, fmt.Errorf("unsupported signature algorithm %q", v)
		case strings.EqualFold(k, "signature"):
			value, found = v, true
		}
	}
	if !found || value == "" {
		return nil, errors.New("no signature= in Signature header")
	}
	b64, err := url.PathUnescape(value)
	if err != nil {
		return nil, fmt.Errorf("signature is not URL-encoded base64: %w", err)
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		if sig, err = base64.RawStdEncoding.DecodeString(b64); err != nil {
			return nil, fmt.Errorf("signature is not base64: %w", err)
		}
	}
	if len(sig) == 0 { // e.g. "%0A": encoding/base64 skips line breaks
		return nil, errors.New("empty signature")
	}
	return sig, nil
}

// verify checks a Signature header value against content with the platform key. Every failure
// wraps ErrBadSignature.
func verify(pub *rsa.PublicKey, header string, content []byte) error {
	if pub == nil {
		return fmt.Errorf("%w: no platform public key", ErrBadSignature)
	}
	sig, err := parseSignature(header)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	sum := sha256.Sum256(content)
	if err := signer.VerifyDigest(pub, sum[:], sig); err != nil {
		return fmt.Errorf("%w: %w", ErrBadSignature, err)
	}
	return nil
}

// VerifyNotification checks a request the platform sent to Reach (§4.3, last bullet): the same
// scheme as a response, over the request's own method, URI, Client-Id and Request-Time headers
// and body (the bytes read from r.Body, passed in because the caller has consumed it).
//
// The URI is r.RequestURI, the request line as received, so the check still passes behind
// http.StripPrefix, which rewrites r.URL but not RequestURI; for a request built in-process
// (RequestURI empty) r.URL.RequestURI() is used. A proxy in front that rewrites the path breaks
// verification, since the platform signed the path it posted to. The error wraps
// ErrBadSignature. The Client-Id is not compared with the merchant's here; the caller, which
// knows which channel the endpoint serves, does that.
func VerifyNotification(r *http.Request, body []byte, pub *rsa.PublicKey) error {
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	clientID, reqTime := r.Header.Get(headerClientID), r.Header.Get(headerRequestTime)
	if clientID == "" || reqTime == "" {
		return fmt.Errorf("%w: notification lacks Client-Id or Request-Time", ErrBadSignature)
	}
	return verify(pub, r.Header.Get(headerSignature), signedContent(r.Method, uri, clientID, reqTime, body))
}
