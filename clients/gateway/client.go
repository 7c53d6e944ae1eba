package gateway

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/signer"
)

// maxBody bounds a response body. Message APIs answer in a few hundred
// bytes; a certificate download in a few KiB.
const maxBody = 1 << 20

// Client calls gateway.do for one app. It is safe for concurrent use.
type Client struct {
	url        string
	appID      string
	signer     signer.Signer
	certMode   bool
	appCertSN  string
	rootCertSN string
	roots      *x509.CertPool
	encryptKey []byte
	http       *http.Client
	now        func() time.Time
	store      CertStore
	log        *slog.Logger

	// alipay holds the keys responses are verified with; a rotated Alipay
	// certificate adds one (§1.7).
	alipay atomic.Pointer[keyring]
	// rotating lets one goroutine at a time download a certificate.
	rotating chan struct{}
}

type alipayKey struct {
	sn  string
	pub *rsa.PublicKey
}

// keyring is immutable; adopting a certificate stores a new one. Keys of
// earlier certificates stay, so responses from gateway nodes that still sign
// with the old certificate during a rotation do not trigger downloads.
type keyring struct {
	latest *alipayKey
	bySN   map[string]*alipayKey
}

func (r *keyring) with(k *alipayKey) *keyring {
	next := &keyring{latest: k, bySN: map[string]*alipayKey{k.sn: k}}
	if r != nil {
		for sn, old := range r.bySN {
			if sn != k.sn {
				next.bySN[sn] = old
			}
		}
	}
	return next
}

// New checks cfg and returns a client.
func New(cfg Config) (*Client, error) {
	rootSN, err := cfg.validate()
	if err != nil {
		return nil, fmt.Errorf("gateway config: %w", err)
	}
	c := &Client{
		url:        cfg.GatewayURL,
		appID:      cfg.AppID,
		signer:     cfg.Signer,
		certMode:   cfg.certMode(),
		appCertSN:  cfg.AppCertSN,
		rootCertSN: rootSN,
		encryptKey: bytes.Clone(cfg.EncryptKey),
		http:       cfg.HTTPClient,
		now:        cfg.Now,
		store:      cfg.CertStore,
		log:        cfg.Logger,
		rotating:   make(chan struct{}, 1),
	}
	if c.url == "" {
		c.url = DefaultGatewayURL
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: 30 * time.Second}
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.certMode {
		c.roots = x509.NewCertPool()
		for _, r := range cfg.AlipayRootCerts {
			c.roots.AddCert(r)
		}
	}
	c.alipay.Store((*keyring)(nil).with(&alipayKey{sn: cfg.AlipayCertSN, pub: cfg.AlipayPublicKey}))
	return c, nil
}

// AlipayCertSN is the SN of the newest Alipay certificate: the configured
// one, or the last one adopted after a rotation.
func (c *Client) AlipayCertSN() string { return c.alipay.Load().latest.sn }

// Call invokes method with biz as biz_content and returns the verified
// business object. biz is marshalled to JSON, except a string, []byte or
// json.RawMessage, which is sent as the JSON text it already is; nil (or
// "{}") sends no biz_content. A result code other than 10000 is returned as
// an *alipayerr.Error carrying Alipay's code, msg, sub_code and sub_msg, as
// is every other failure; the Response is then nil. Call does not retry:
// the error's Class says whether the caller may.
func (c *Client) Call(ctx context.Context, method string, biz any, opts ...CallOption) (*Response, error) {
	var cc callConfig
	for _, o := range opts {
		o(&cc)
	}
	return c.call(ctx, method, biz, cc)
}

func (c *Client) call(ctx context.Context, method string, biz any, cc callConfig) (*Response, error) {
	params, err := c.buildParams(ctx, method, biz, cc)
	if err != nil {
		return nil, err
	}
	body, err := c.post(ctx, params.Encode())
	if err != nil {
		return nil, err
	}
	return c.readResponse(ctx, method, body, !cc.unverified)
}

// post sends the form (§1.2) and returns a 200 response's body.
func (c *Client) post(ctx context.Context, form string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, strings.NewReader(form))
	if err != nil {
		return nil, badRequest("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded;charset=utf-8")
	resp, err := c.http.Do(req)
	if err != nil {
		// Timeouts and connection errors: the request may have been
		// processed, so the outcome is unknown.
		return nil, retryable("post to gateway: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if resp.StatusCode != http.StatusOK {
		return nil, &alipayerr.Error{
			Class:      alipayerr.HTTP(resp.StatusCode),
			HTTPStatus: resp.StatusCode,
			Err:        fmt.Errorf("gateway answered HTTP %d", resp.StatusCode),
		}
	}
	switch {
	case err != nil:
		return nil, retryable("read gateway response: %w", err)
	case len(body) > maxBody:
		return nil, retryable("%w: body larger than %d bytes", ErrMalformedResponse, maxBody)
	}
	return body, nil
}
