package alipayplus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/reachhq/reach/clients/alipayerr"
)

// maxResponse bounds the response body read. Both APIs answer with a few hundred bytes; a
// megabyte is a broken or hostile peer, not an answer.
const maxResponse = 1 << 20

// ErrNoResult means a verified 2xx response had no usable result object (§4.4).
var ErrNoResult = errors.New("response has no result")

// Result is the result object every Alipay+ response carries (§4.4).
type Result struct {
	ResultCode    string `json:"resultCode"`
	ResultStatus  string `json:"resultStatus"` // S, F, U; some wallets also answer A (accepted)
	ResultMessage string `json:"resultMessage,omitempty"`
}

// Call POSTs req as JSON to BaseURL+path (path like "/v2/miniprogram/message/send"), signed as
// §4.2 describes, verifies the response signature (§4.3) and, when the result status is S or
// A, decodes the response body into resp (which may be nil). A json.RawMessage req is sent
// byte for byte.
//
// Every failure is an *alipayerr.Error: BadRequest when req cannot be encoded; Retryable for
// transport errors, timeouts, unreadable bodies and a response without a result (the outcome is
// unknown, and requestId makes a retry safe); alipayerr.HTTP for a non-2xx status; Auth with
// ErrBadSignature when the response cannot be verified; alipayerr.AlipayPlus for F and U.
func (c *Client) Call(ctx context.Context, path string, req, resp any) error {
	body, err := marshal(req)
	if err != nil {
		return &alipayerr.Error{Class: alipayerr.BadRequest, Err: fmt.Errorf("encode request: %w", err)}
	}
	if !strings.HasPrefix(path, "/") {
		return &alipayerr.Error{Class: alipayerr.BadRequest, Err: fmt.Errorf("path %q must start with /", path)}
	}
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(body))
	if err != nil {
		return &alipayerr.Error{Class: alipayerr.BadRequest, Err: fmt.Errorf("build request: %w", err)}
	}
	// Sign the URI exactly as net/http will write it on the request line.
	uri := hreq.URL.RequestURI()
	reqTime := c.cfg.RequestTimeFormat.format(c.cfg.Now())
	sig, err := c.signatureHeader(ctx, signedContent(http.MethodPost, uri, c.cfg.ClientID, reqTime, body))
	if err != nil {
		var ae *alipayerr.Error
		if errors.As(err, &ae) {
			return ae
		}
		// A remote signer (KMS, HSM) that fails is usually unreachable, not misconfigured.
		return &alipayerr.Error{Class: alipayerr.Retryable, Err: fmt.Errorf("sign request: %w", err)}
	}
	hreq.Header.Set(headerClientID, c.cfg.ClientID)
	hreq.Header.Set(headerRequestTime, reqTime)
	hreq.Header.Set(headerSignature, sig)
	hreq.Header.Set("Content-Type", "application/json; charset=UTF-8")

	hresp, err := c.cfg.HTTPClient.Do(hreq)
	if err != nil {
		return &alipayerr.Error{Class: alipayerr.Retryable, Err: fmt.Errorf("post %s: %w", path, err)}
	}
	defer hresp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(hresp.Body, maxResponse+1))
	if err != nil {
		return &alipayerr.Error{Class: alipayerr.Retryable, HTTPStatus: hresp.StatusCode, Err: fmt.Errorf("read response: %w", err)}
	}
	if len(raw) > maxResponse {
		return &alipayerr.Error{Class: alipayerr.Retryable, HTTPStatus: hresp.StatusCode, Err: errors.New("response larger than 1 MiB")}
	}
	return c.handleResponse(hresp.StatusCode, hresp.Header, raw, uri, resp)
}

// handleResponse turns a received response into resp or an *alipayerr.Error. It is separate
// from Call so that the fuzz target can feed it arbitrary headers and bodies.
func (c *Client) handleResponse(status int, h http.Header, raw []byte, uri string, resp any) error {
	if status < 200 || status > 299 {
		// The body is not echoed: the URL is the tenant's to set, and what answers there
		// must not be readable through Reach.
		return &alipayerr.Error{Class: alipayerr.HTTP(status), HTTPStatus: status,
			Err: fmt.Errorf("unexpected HTTP status (%d bytes of body not shown)", len(raw))}
	}
	if err := c.verifyResponse(h, raw, uri); err != nil {
		// Say what the unverified body claims (often INVALID_SIGNATURE, which points at the
		// merchant key) without trusting it for the classification. Msg, which tenants read,
		// keeps only its codes; its resultMessage, anyone's text, goes to Err for the log.
		msg := "the answer's signature does not verify with platform_public_key"
		if r := peekResult(raw); r != nil {
			msg += fmt.Sprintf(" (it claims %s/%s)", alipayerr.SafeCode(r.ResultStatus), alipayerr.SafeCode(r.ResultCode))
			if len(r.ResultMessage) <= 256 {
				err = fmt.Errorf("%w (unverified result %s/%s %q)", err, r.ResultStatus, r.ResultCode, r.ResultMessage)
			}
		}
		return &alipayerr.Error{Class: alipayerr.Auth, Msg: msg, Err: err}
	}
	r := peekResult(raw)
	if r == nil {
		return &alipayerr.Error{Class: alipayerr.Retryable, Err: fmt.Errorf("%w (%d bytes of body not shown)", ErrNoResult, len(raw))}
	}
	if class := alipayerr.AlipayPlus(r.ResultStatus, r.ResultCode); class != 0 {
		return &alipayerr.Error{Class: class, Code: r.ResultStatus, SubCode: r.ResultCode, SubMsg: r.ResultMessage, Verified: true}
	}
	if resp == nil {
		return nil
	}
	if err := json.Unmarshal(raw, resp); err != nil {
		// Alipay+ accepted the call but the answer does not fit our types: a bug here, not a
		// reason to send again.
		return &alipayerr.Error{Class: alipayerr.Permanent, Code: r.ResultStatus, SubCode: r.ResultCode,
			Err: fmt.Errorf("decode response: %w", err)}
	}
	return nil
}

// verifyResponse checks the response signature over §4.3's content. The response Client-Id,
// when present, must be ours: a signed answer to another merchant is not an answer to us.
func (c *Client) verifyResponse(h http.Header, raw []byte, uri string) error {
	clientID := h.Get(headerClientID)
	switch {
	case clientID == "":
		clientID = c.cfg.ClientID
	case clientID != c.cfg.ClientID:
		return fmt.Errorf("%w: response Client-Id %q is not ours", ErrBadSignature, clientID)
	}
	respTime := h.Get(headerResponseTime)
	if respTime == "" {
		return fmt.Errorf("%w: missing Response-Time header", ErrBadSignature)
	}
	return verify(c.cfg.PlatformPublicKey, h.Get(headerSignature), signedContent(http.MethodPost, uri, clientID, respTime, raw))
}

// peekResult returns the result object of body, or nil when there is none or it has no status.
func peekResult(body []byte) *Result {
	var env struct {
		Result *Result `json:"result"`
	}
	if json.Unmarshal(body, &env) != nil || env.Result == nil || env.Result.ResultStatus == "" {
		return nil
	}
	return env.Result
}

// marshal encodes req without HTML escaping, so URLs in template parameters ("&") travel as
// written; the bytes returned are exactly the bytes signed and sent.
func marshal(req any) ([]byte, error) {
	if raw, ok := req.(json.RawMessage); ok {
		if !json.Valid(raw) {
			return nil, errors.New("invalid JSON")
		}
		return raw, nil
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(req); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
