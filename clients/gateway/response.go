package gateway

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// codeSuccess is the result code of a successful call (§1.5).
const codeSuccess = "10000"

// Response is a successful call's verified result.
type Response struct {
	Code, Msg, SubCode, SubMsg string
	// Body is the business object, verified and (if it was encrypted)
	// decrypted: the raw JSON of "<method>_response".
	Body json.RawMessage
}

// Decode unmarshals the business object into v.
func (r *Response) Decode(v any) error {
	if err := json.Unmarshal(r.Body, v); err != nil {
		return fmt.Errorf("decode response: %w", err)
	}
	return nil
}

// result is the part of every business object that says how the call went.
type result struct {
	Code    flexString `json:"code"`
	Msg     flexString `json:"msg"`
	SubCode flexString `json:"sub_code"`
	SubMsg  flexString `json:"sub_msg"`
}

// readResponse turns a 200 body into a Response or an *alipayerr.Error
// (§1.5–§1.8).
func (c *Client) readResponse(ctx context.Context, method string, body []byte, verify bool) (*Response, error) {
	env, err := parseEnvelope(body, method)
	switch {
	case errors.Is(err, errDuplicateKey):
		return nil, authFailure("response rejected: a top-level key occurs twice (tampering?)",
			fmt.Errorf("%w: %w", ErrBadSignature, err))
	case err != nil:
		// Not JSON, truncated, or not a gateway response (a proxy's page):
		// we cannot tell whether Alipay processed the call.
		return nil, retryable("%w", err)
	}
	unsigned := false
	if verify {
		// Open question 5 (see the package doc): gateway errors, such as a rejected
		// signature, may come unsigned under error_response or under <method>_response.
		// Their codes are kept for the user; nothing unsigned is ever taken as a success.
		if env.sign == "" && (env.isError || unsignedFailure(env.value)) {
			unsigned = true
		} else if err := c.verify(ctx, env); err != nil {
			return nil, err
		}
	}
	value := env.value
	if len(value) > 0 && value[0] == '"' {
		if value, err = c.decryptValue(value); err != nil {
			return nil, err
		}
	}
	var r result
	if err := json.Unmarshal(value, &r); err != nil {
		return nil, retryable("%w: business object: %v", ErrMalformedResponse, err)
	}
	if !env.isError && string(r.Code) == codeSuccess {
		return &Response{Code: string(r.Code), Msg: string(r.Msg), SubCode: string(r.SubCode), SubMsg: string(r.SubMsg), Body: value}, nil
	}
	e := &alipayerr.Error{
		Class: alipayerr.OpenPlatform(string(r.Code), string(r.SubCode)),
		Code:  string(r.Code), Msg: string(r.Msg), SubCode: string(r.SubCode), SubMsg: string(r.SubMsg),
	}
	if e.Class == 0 { // "10000" under error_response makes no sense
		e.Class = alipayerr.Permanent
	}
	e.Verified = verify && !unsigned
	if unsigned {
		e.Err = ErrUnsigned
		if e.Class == alipayerr.TemplateMissing || e.Class == alipayerr.NotSubscribed {
			e.Class = alipayerr.Permanent // unvouched: must not change template or subscription state
		}
	}
	return nil, e
}

// unsignedFailure reports whether an unsigned business value at least claims to be a
// failure (a plain object whose code is not 10000); only such a value is read unsigned.
func unsignedFailure(value []byte) bool {
	var r result
	if len(value) == 0 || value[0] != '{' || json.Unmarshal(value, &r) != nil {
		return false
	}
	return r.Code != "" && string(r.Code) != codeSuccess
}

// verify checks the signature over the raw value, including the quotes of an
// encrypted value (§1.6), with the key of the certificate the response names.
func (c *Client) verify(ctx context.Context, env *envelope) error {
	if env.sign == "" {
		return authFailure("business response is unsigned; Alipay signs every business response",
			fmt.Errorf("%w: no sign", ErrBadSignature))
	}
	key, err := c.keyFor(ctx, env.certSN)
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(env.sign)
	if err == nil {
		err = signer.Verify(key.pub, env.value, sig)
	}
	if err != nil {
		// The usual cause is configuration, not an attack: the app's own
		// public key (or another app's Alipay key) pasted as Alipay's.
		return authFailure(fmt.Sprintf("response could not be verified with the configured Alipay public key (%s); "+
			"check that it is Alipay's public key for this app, not the app's own public key", rsakey.Fingerprint(key.pub)),
			fmt.Errorf("%w: %v", ErrBadSignature, err))
	}
	return nil
}

// decryptValue decrypts a verified "<method>_response" string (§1.8).
func (c *Client) decryptValue(quoted []byte) ([]byte, error) {
	if len(c.encryptKey) == 0 {
		return nil, authFailure("response is encrypted but no EncryptKey is configured",
			fmt.Errorf("%w: no key", ErrDecrypt))
	}
	var b64 string
	if err := json.Unmarshal(quoted, &b64); err != nil {
		return nil, retryable("%w: encrypted value: %v", ErrMalformedResponse, err)
	}
	plain, err := decrypt(c.encryptKey, b64)
	if err != nil {
		return nil, authFailure("response could not be decrypted with the configured EncryptKey",
			fmt.Errorf("%w: %v", ErrDecrypt, err))
	}
	return plain, nil
}

// flexString reads a JSON string, number or boolean as its text: legacy
// answers carry numeric codes ({"code":11013}, FWC §9.2.1).
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case string(b) == "null":
		*f = ""
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("want a string, got %.1s", b)
	default:
		*f = flexString(b)
	}
	return nil
}
