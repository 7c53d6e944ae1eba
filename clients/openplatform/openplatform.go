// Package openplatform builds the gateway.do client of a channel's Open Platform
// credentials and holds what the Life Account and mini program adapters share.
package openplatform

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/gateway"
	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// NewClient builds a gateway client in key mode or certificate mode, with AES content
// encryption when the channel has a key. httpClient nil means a 15 s timeout.
func NewClient(creds adapter.Credentials, httpClient *http.Client) (*gateway.Client, error) {
	priv, err := rsakey.ParsePrivateKey(creds.AppPrivateKey)
	if err != nil {
		return nil, fmt.Errorf("app private key: %w", err)
	}
	if httpClient == nil {
		// No redirects: a signed form re-posted elsewhere is not what was signed for.
		httpClient = &http.Client{Timeout: 15 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	cfg := gateway.Config{GatewayURL: creds.GatewayURL, AppID: creds.AppID, Signer: signer.NewRSA(priv), HTTPClient: httpClient}
	if creds.AlipayPublicCert != "" {
		if err := cfg.UseCertificates(creds.AppPublicCert, creds.AlipayPublicCert, creds.AlipayRootCert); err != nil {
			return nil, err
		}
		if creds.OnAlipayCert != nil {
			cfg.CertStore = certHook(creds.OnAlipayCert)
		}
	} else if cfg.AlipayPublicKey, err = rsakey.ParsePublicKey(creds.AlipayPublicKey); err != nil {
		return nil, fmt.Errorf("alipay public key: %w", err)
	}
	if creds.EncryptKey != "" {
		if cfg.EncryptKey, err = gateway.ParseEncryptKey(creds.EncryptKey); err != nil {
			return nil, fmt.Errorf("encrypt key: %w", err)
		}
	}
	return gateway.New(cfg)
}

// Verify makes a harmless signed query. An answer that Alipay signed means the credentials
// work even when the query itself is refused (for example for lack of data); only an
// authentication failure, or no trustworthy answer at all, is an error.
func Verify(ctx context.Context, c *gateway.Client, method string) error {
	_, err := c.Call(ctx, method, nil)
	return alipayerr.ProvesCredentials(err)
}

// Recipient returns the field Alipay expects for a user: to_user_id for 2088… user ids,
// to_open_id for open ids — never one for the other.
func Recipient(u adapter.User) (field string, err error) {
	switch u.Kind {
	case adapter.UserID:
		return "to_user_id", nil
	case adapter.OpenID:
		return "to_open_id", nil
	}
	return "", &alipayerr.Error{Class: alipayerr.BadRequest, Msg: fmt.Sprintf("recipient kind %q cannot receive Open Platform messages", u.Kind)}
}

// certHook adapts adapter.Credentials.OnAlipayCert to gateway.CertStore.
type certHook func(ctx context.Context, certPEM string) error

func (h certHook) SaveAlipayCert(ctx context.Context, _, _ string, certPEM []byte) error {
	return h(ctx, string(certPEM))
}
