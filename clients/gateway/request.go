package gateway

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
)

// CallOption adds optional parameters to one call.
type CallOption func(*callConfig)

type callConfig struct {
	params map[string]string
	// unverified and plain are for alipay.open.app.alipaycert.download,
	// whose response is not verified and whose content is not encrypted (§1.7).
	unverified, plain bool
}

// WithAppAuthToken calls on behalf of a merchant that authorised this ISV
// app. app_auth_token is a common parameter, not part of biz_content (§1.3).
func WithAppAuthToken(token string) CallOption { return WithParam("app_auth_token", token) }

// WithNotifyURL asks Alipay to notify this URL (only APIs that notify).
func WithNotifyURL(u string) CallOption { return WithParam("notify_url", u) }

// WithParam adds a top-level request parameter, for the legacy APIs that take
// parameters outside biz_content (e.g. template_id of
// alipay.mobile.public.template.message.delete) and for auth_token. The
// parameters the client computes itself cannot be set this way.
func WithParam(key, value string) CallOption {
	return func(c *callConfig) {
		if c.params == nil {
			c.params = map[string]string{}
		}
		c.params[key] = value
	}
}

// computed are the parameters the client owns (§1.3).
var computed = map[string]bool{
	"app_id": true, "method": true, "format": true, "charset": true, "sign_type": true, "sign": true,
	"timestamp": true, "version": true, "biz_content": true, "encrypt_type": true,
	"app_cert_sn": true, "alipay_root_cert_sn": true,
}

// beijing is the gateway's time zone (§1.3). China has kept UTC+8 without
// daylight saving since 1991, so a fixed zone is exact when tzdata is missing.
var beijing = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*60*60)
}()

// buildParams returns the signed request parameters of §1.3 and §1.4.
func (c *Client) buildParams(ctx context.Context, method string, biz any, cc callConfig) (url.Values, error) {
	if method == "" {
		return nil, badRequest("method is required")
	}
	p := url.Values{}
	set := func(k, v string) {
		if v != "" { // empty parameters are neither sent nor signed (§1.4 step 2)
			p.Set(k, v)
		}
	}
	set("app_id", c.appID)
	set("method", method)
	set("format", "JSON")
	set("charset", "utf-8")
	set("sign_type", "RSA2")
	set("timestamp", c.now().In(beijing).Format(time.DateTime))
	set("version", "1.0")
	if c.certMode {
		set("app_cert_sn", c.appCertSN)
		set("alipay_root_cert_sn", c.rootCertSN)
	}
	for k, v := range cc.params {
		if computed[k] || k == "" {
			return nil, badRequest("parameter %q cannot be set with WithParam", k)
		}
		set(k, v)
	}
	content, err := encodeBiz(biz)
	if err != nil {
		return nil, err
	}
	// With encryption on, encrypt_type goes with every call, even one without business
	// content (the official SDKs do the same): an app that requires AES refuses a call
	// without it, and the answer comes back encrypted either way.
	if len(c.encryptKey) > 0 && !cc.plain {
		if content != "" {
			if content, err = encrypt(c.encryptKey, []byte(content)); err != nil {
				return nil, badRequest("encrypt biz_content: %w", err)
			}
		}
		set("encrypt_type", "AES")
	}
	set("biz_content", content)
	sig, err := c.signer.Sign(ctx, []byte(SignContent(p)))
	if err != nil {
		// A KMS that cannot sign now may sign later; nothing was sent.
		return nil, &alipayerr.Error{Class: alipayerr.Retryable, Err: fmt.Errorf("sign request: %w", err)}
	}
	p.Set("sign", base64.StdEncoding.EncodeToString(sig))
	return p, nil
}

// encodeBiz returns the biz_content JSON text, "" for none.
func encodeBiz(biz any) (string, error) {
	var text []byte
	switch v := biz.(type) {
	case nil:
		return "", nil
	case string:
		text = []byte(v)
	case []byte:
		text = v
	case json.RawMessage:
		text = v
	default:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		// Keep & < > literal: page URLs carry query strings, and the text
		// is signed as sent either way.
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return "", badRequest("encode biz_content: %w", err)
		}
		text = bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	}
	if !json.Valid(text) {
		return "", badRequest("biz_content is not valid JSON")
	}
	if s := string(bytes.TrimSpace(text)); s == "null" || s == "{}" {
		return "", nil // smartwalle/alipay omits an empty biz_content too (§1.3)
	}
	return string(text), nil
}

// SignContent is the request string-to-sign of §1.4: every parameter except
// sign, empty values dropped, sorted by key, joined as k=v with &, values
// raw (not URL-encoded). Only the first value of a key counts. A simulator
// playing Alipay can verify a request with it.
func SignContent(params url.Values) string {
	return signContent(params, map[string]bool{"sign": true})
}

func signContent(params url.Values, drop map[string]bool) string {
	keys := make([]string, 0, len(params))
	for k, v := range params {
		if !drop[k] && len(v) > 0 && v[0] != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(params[k][0])
	}
	return b.String()
}
