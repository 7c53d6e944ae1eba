// Package alipayplus calls the Alipay+ mini-program OpenAPI (protocol notes §4): signed JSON
// POSTs to /v2/miniprogram/message/send and /v2/authorizations/applyToken, and verification of
// what the platform signs back.
package alipayplus

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/reachhq/reach/clients/rsakey"
)

// Signer signs request content with the merchant's private key. It mirrors
// clients/signer.Signer so that one satisfies it without this package importing it: Sign
// returns the raw RSASSA-PKCS1-v1_5 SHA-256 signature of content (the signer hashes).
type Signer interface {
	Sign(ctx context.Context, content []byte) ([]byte, error)
	Public() *rsa.PublicKey
}

// TimeFormat is how Request-Time is written. Which form each wallet accepts is open question 7:
// the mini-program docs show ISO-8601, the Antom SDK sends epoch millis. Either way the exact
// string sent is the string signed (§4.1), so the choice only matters to the platform's parser.
type TimeFormat int

const (
	// ISO8601Millis writes "2019-04-04T12:08:56.253+05:30" (the mini-program OpenAPI overview's
	// example). UTC is written "+00:00", never "Z", to match that example's shape exactly. It is
	// the default.
	ISO8601Millis TimeFormat = iota
	// EpochMillis writes milliseconds since 1970 ("1554359936253"), as the Antom Go SDK does.
	EpochMillis
)

const iso8601Millis = "2006-01-02T15:04:05.000-07:00"

// format renders t as a Request-Time header value.
func (f TimeFormat) format(t time.Time) string {
	if f == EpochMillis {
		return fmt.Sprint(t.UnixMilli())
	}
	return t.Format(iso8601Millis)
}

// Config configures a Client. BaseURL, ClientID, Signer and PlatformPublicKey are required.
type Config struct {
	// BaseURL is everything before "/v2", e.g. "https://open-sea-global.alipay.com/api/open".
	// The prefix differs per wallet (§4.1), so it is configuration, not a constant.
	BaseURL string
	// ClientID is the merchant's Client-Id assigned by the platform.
	ClientID string
	// KeyVersion goes into the Signature header; "1" when empty.
	KeyVersion string
	// Signer signs with the merchant private key.
	Signer Signer
	// PlatformPublicKey verifies responses (§4.3); it is the platform's key, not the merchant's.
	PlatformPublicKey *rsa.PublicKey
	// HTTPClient sends requests. The default has a 30 s timeout and does not follow redirects:
	// a redirected POST would reach a URI other than the one signed.
	HTTPClient *http.Client
	// Now is the clock for Request-Time; time.Now when nil.
	Now func() time.Time
	// RequestTimeFormat selects how Request-Time is written; ISO8601Millis by default.
	RequestTimeFormat TimeFormat
}

// Client calls the Alipay+ OpenAPI. It is safe for concurrent use.
type Client struct {
	cfg Config
	// base is BaseURL without a trailing slash; paths are appended to it.
	base string
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(cfg.BaseURL)
	switch {
	case err != nil:
		return nil, fmt.Errorf("alipayplus: base URL: %w", err)
	case u.Scheme != "https" && u.Scheme != "http", u.Host == "":
		return nil, fmt.Errorf("alipayplus: base URL %q: want http(s)://host/prefix", cfg.BaseURL)
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("alipayplus: base URL %q: must not have a query or fragment", cfg.BaseURL)
	case cfg.ClientID == "" || strings.ContainsAny(cfg.ClientID, "\r\n"):
		return nil, errors.New("alipayplus: client id is required")
	case cfg.Signer == nil:
		return nil, errors.New("alipayplus: signer is required")
	case cfg.PlatformPublicKey == nil:
		return nil, errors.New("alipayplus: platform public key is required")
	case cfg.PlatformPublicKey.N == nil || cfg.PlatformPublicKey.N.BitLen() < rsakey.MinBits:
		return nil, fmt.Errorf("alipayplus: platform public key: %w", rsakey.ErrWeakKey)
	case cfg.RequestTimeFormat != ISO8601Millis && cfg.RequestTimeFormat != EpochMillis:
		return nil, fmt.Errorf("alipayplus: unknown request time format %d", cfg.RequestTimeFormat)
	case strings.ContainsAny(cfg.KeyVersion, ",= \r\n"):
		return nil, fmt.Errorf("alipayplus: key version %q", cfg.KeyVersion)
	}
	// The classic paste mistake: the merchant's own public key where the platform's belongs.
	// Every response would then fail verification, so say so now.
	if pub := cfg.Signer.Public(); pub != nil && rsakey.Fingerprint(pub) == rsakey.Fingerprint(cfg.PlatformPublicKey) {
		return nil, errors.New("alipayplus: platform public key is the merchant's own public key")
	}
	if cfg.KeyVersion == "" {
		cfg.KeyVersion = "1"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{
			Timeout:       30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return &Client{cfg: cfg, base: strings.TrimRight(cfg.BaseURL, "/")}, nil
}
