// Package appconn connects Reach to a channel's Alipay app: it opens the channel's sealed
// secrets, builds the product adapter, keeps the certificate Alipay rotated to, and seals
// and opens users' tokens. The API (server/) and the dispatcher (delivery/) both use it, so
// a channel means the same thing to both.
package appconn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/reachhq/reach/clients"
	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/rsakey"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/store"
)

// ErrNotAuthorizer: the channel's product does not authorize users (only Alipay+ does).
var ErrNotAuthorizer = errors.New("this channel's product does not authorize users")

// Secrets is the write-only part of a channel's credentials. It is sealed by the key ring
// before it reaches the store and never leaves Reach in a response.
type Secrets struct {
	AppPrivateKey      string `json:"app_private_key,omitempty"`
	EncryptKey         string `json:"encrypt_key,omitempty"`
	MerchantPrivateKey string `json:"merchant_private_key,omitempty"`
}

// Connector builds adapters of stored channels.
type Connector struct {
	store store.Store
	keys  *secrets.KeyRing
	log   *slog.Logger
	// endpoints are the Alipay gateways HTTP may call.
	endpoints *Endpoints
	// HTTP is the client adapters use; nil means each adapter's default.
	HTTP *http.Client
	// tracing traces HTTP's calls (off: none).
	tracing tracing.Tracing
}

// Option configures a Connector.
type Option func(*Connector)

// WithEndpoints sets the Alipay gateways the connector's adapters may call; without it they
// are DefaultEndpoints (Alipay's own hosts, no loopback).
func WithEndpoints(e *Endpoints) Option {
	return func(c *Connector) {
		if e != nil {
			c.endpoints = e
		}
	}
}

// WithTracing traces every call to Alipay the connector's adapters make: a client span
// under the span of the work that made it (an API call, a dispatcher's attempt).
func WithTracing(t tracing.Tracing) Option {
	return func(c *Connector) { c.tracing = t }
}

// New returns a connector over st; keys opens the channels' secrets. Its adapters share
// one HTTP client (HTTPClient), which calls only the allowed endpoints.
func New(st store.Store, keys *secrets.KeyRing, log *slog.Logger, opts ...Option) *Connector {
	c := &Connector{store: st, keys: keys, log: log, endpoints: DefaultEndpoints()}
	for _, o := range opts {
		o(c)
	}
	c.HTTP = HTTPClient(c.endpoints)
	// Outside the allowlist guard, so a call the guard refuses is a failed span too.
	c.HTTP.Transport = c.tracing.Transport(c.HTTP.Transport)
	return c
}

// Endpoints is the allowlist the connector's HTTP client enforces; the API checks a
// channel's gateway_url against the same list.
func (c *Connector) Endpoints() *Endpoints { return c.endpoints }

// HTTPClient is a client for Alipay's hosts: every request goes only to a gateway the
// allowlist names (checked per request, whatever URL the channel holds); it keeps enough
// idle connections for the many calls a dispatcher has in flight to one host (Go's default
// keeps two, so every other call would dial and handshake anew) — every Open Platform
// channel calls the same gateway host, so the calls of all channels together, up to 1,024
// (idle ones close after 90 s) — and never follows a
// redirect (Alipay does not redirect; following one would send a signed request elsewhere).
func HTTPClient(e *Endpoints) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 1024
	t.MaxIdleConnsPerHost = t.MaxIdleConns
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Timeout: 30 * time.Second, Transport: guard{endpoints: e, next: t},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Config decodes a stored channel's non-secret configuration (credentials without their
// secrets, delivery policy) as the API's Channel message.
func Config(ch *store.Channel) (*reachv1.Channel, error) {
	out := &reachv1.Channel{}
	if len(ch.Config) > 0 {
		if err := protojson.Unmarshal(ch.Config, out); err != nil {
			return nil, fmt.Errorf("decode channel %s config: %w", ch.ID, err)
		}
	}
	return out, nil
}

// ConfigOf is what store.Channel.Config holds for c: the credentials (secrets already
// removed) and the delivery policy, as protobuf JSON.
func ConfigOf(c *reachv1.Channel) ([]byte, error) {
	cfg := &reachv1.Channel{DeliveryPolicy: c.DeliveryPolicy}
	switch cr := c.Credentials.(type) {
	case *reachv1.Channel_OpenPlatform:
		cfg.Credentials = &reachv1.Channel_OpenPlatform{OpenPlatform: cr.OpenPlatform}
	case *reachv1.Channel_AlipayPlus:
		cfg.Credentials = &reachv1.Channel_AlipayPlus{AlipayPlus: cr.AlipayPlus}
	}
	return protojson.Marshal(cfg)
}

// SealSecrets encrypts a channel's secrets, bound to the channel so the ciphertext cannot
// be moved to another row.
func (c *Connector) SealSecrets(tenantID, channelID string, s Secrets) ([]byte, error) {
	plain, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	return c.keys.Seal(plain, secretAD(tenantID, channelID))
}

// OpenSecrets decrypts a channel's secrets (to build an adapter or merge an update; they
// are never returned).
func (c *Connector) OpenSecrets(ch *store.Channel) (Secrets, error) {
	var s Secrets
	if len(ch.Secrets) == 0 {
		return s, nil
	}
	plain, err := c.keys.Open(ch.Secrets, secretAD(ch.TenantID, ch.ID))
	if err != nil {
		return s, fmt.Errorf("open secrets of channel %s: %w", ch.ID, err)
	}
	return s, json.Unmarshal(plain, &s)
}

// secretAD binds a channel's sealed secrets to it (the same the store reports when the key
// ring is rotated).
func secretAD(tenantID, channelID string) []byte {
	return store.SecretRef{Kind: "channel", TenantID: tenantID, ChannelID: channelID, Column: "secrets"}.AssociatedData()
}

// Adapter builds the product adapter of a stored channel with its secrets opened. An Alipay
// certificate the adapter adopts after a rotation is saved on the channel.
func (c *Connector) Adapter(ch *store.Channel) (adapter.Adapter, error) {
	tenantID, channelID := ch.TenantID, ch.ID
	return c.Build(ch, func(ctx context.Context, certPEM string) error {
		return c.saveAlipayCert(ctx, tenantID, channelID, certPEM)
	})
}

// Authorizer is Adapter for the products whose users authorize with tokens.
func (c *Connector) Authorizer(ch *store.Channel) (adapter.Authorizer, error) {
	a, err := c.Adapter(ch)
	if err != nil {
		return nil, err
	}
	authz, ok := a.(adapter.Authorizer)
	if !ok {
		return nil, ErrNotAuthorizer
	}
	return authz, nil
}

// Build builds the adapter of ch; onCert receives an Alipay certificate adopted after a
// rotation.
func (c *Connector) Build(ch *store.Channel, onCert func(ctx context.Context, certPEM string) error) (adapter.Adapter, error) {
	cfg, err := Config(ch)
	if err != nil {
		return nil, err
	}
	sec, err := c.OpenSecrets(ch)
	if err != nil {
		return nil, err
	}
	creds := Credentials(cfg, sec)
	creds.OnAlipayCert = onCert
	return clients.NewAdapter(ch.Type, creds, c.HTTP)
}

// Credentials assembles the clear credentials an adapter needs.
func Credentials(c *reachv1.Channel, sec Secrets) adapter.Credentials {
	if op := c.GetOpenPlatform(); op != nil {
		return adapter.Credentials{
			AppID: op.AppId, AppPrivateKey: sec.AppPrivateKey, AlipayPublicKey: op.AlipayPublicKey,
			AppPublicCert: op.AppPublicCert, AlipayPublicCert: op.AlipayPublicCert, AlipayRootCert: op.AlipayRootCert,
			EncryptKey: sec.EncryptKey, GatewayURL: op.GatewayUrl,
		}
	}
	ap := c.GetAlipayPlus()
	return adapter.Credentials{
		AppID: ap.GetAppId(), ClientID: ap.GetClientId(), MerchantPrivateKey: sec.MerchantPrivateKey,
		PlatformPublicKey: ap.GetPlatformPublicKey(), KeyVersion: ap.GetKeyVersion(), AuthClientID: ap.GetAuthClientId(),
		CustomerBelongsTo: ap.GetCustomerBelongsTo(), GatewayURL: ap.GetGatewayUrl(),
	}
}

// conflictAttempts bounds how often a read-change-write is redone after losing a race.
const conflictAttempts = 5

// saveAlipayCert keeps the Alipay certificate an adapter adopted after a rotation, so that
// notifications (verified with the stored certificate) and later adapters use it too.
func (c *Connector) saveAlipayCert(ctx context.Context, tenantID, channelID, certPEM string) error {
	var err error
	for range conflictAttempts {
		var ch *store.Channel
		if ch, err = c.store.GetChannel(ctx, tenantID, channelID); err != nil {
			return err
		}
		changed, err := AdoptAlipayCert(ch, certPEM)
		if err != nil || !changed {
			return err
		}
		if err = c.store.UpdateChannel(ctx, ch); !errors.Is(err, store.ErrConflict) {
			if err == nil {
				c.log.InfoContext(ctx, "stored Alipay's rotated certificate", "channel", channelID)
			}
			return err
		}
	}
	return err
}

// AdoptAlipayCert puts a rotated Alipay certificate into ch's configuration (not saved) and
// reports whether it changed anything.
func AdoptAlipayCert(ch *store.Channel, certPEM string) (bool, error) {
	pub, err := rsakey.ParsePublicKey(certPEM)
	if err != nil {
		return false, err
	}
	cfg, err := Config(ch)
	if err != nil {
		return false, err
	}
	op := cfg.GetOpenPlatform()
	if op == nil || op.AlipayPublicCert == certPEM {
		return false, nil
	}
	op.AlipayPublicCert, op.AlipayPublicKeyFingerprint = certPEM, rsakey.Fingerprint(pub)
	ch.Config, err = ConfigOf(cfg)
	return err == nil, err
}
