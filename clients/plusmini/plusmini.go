// Package plusmini is the Alipay+ mini program adapter: messages through
// /v2/miniprogram/message/send and user authorization through /v2/authorizations/applyToken.
package plusmini

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/alipayplus"
	"github.com/reachhq/reach/clients/rsakey"
	"github.com/reachhq/reach/clients/signer"
)

// Adapter sends through one Alipay+ mini program.
type Adapter struct {
	client *alipayplus.Client
	creds  adapter.Credentials
}

var (
	_ adapter.Adapter    = (*Adapter)(nil)
	_ adapter.Authorizer = (*Adapter)(nil)
)

// New builds the adapter; httpClient nil means a client with a 15 s timeout.
func New(creds adapter.Credentials, httpClient *http.Client) (*Adapter, error) {
	priv, err := rsakey.ParsePrivateKey(creds.MerchantPrivateKey)
	if err != nil {
		return nil, fmt.Errorf("merchant private key: %w", err)
	}
	pub, err := rsakey.ParsePublicKey(creds.PlatformPublicKey)
	if err != nil {
		return nil, fmt.Errorf("platform public key: %w", err)
	}
	if httpClient == nil {
		httpClient = &http.Client{Timeout: 15 * time.Second, CheckRedirect: noRedirect}
	}
	c, err := alipayplus.New(alipayplus.Config{
		BaseURL: creds.GatewayURL, ClientID: creds.ClientID, KeyVersion: creds.KeyVersion,
		Signer: signer.NewRSA(priv), PlatformPublicKey: pub, HTTPClient: httpClient,
	})
	if err != nil {
		return nil, err
	}
	return &Adapter{client: c, creds: creds}, nil
}

// noRedirect keeps a signed POST from being replayed to another URI.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// verifyAuthCode is an auth code no user was ever given: applyToken with it fails as a
// business error once the platform has accepted our signature, and with a signature or
// access error when it has not.
const verifyAuthCode = "reach-credential-check"

// Verify proves the credentials with a signed applyToken call that cannot succeed: a
// business failure (an invalid auth code) means the platform accepted the signature.
func (a *Adapter) Verify(ctx context.Context) error {
	_, err := a.client.ApplyToken(ctx, a.tokenRequest(alipayplus.GrantAuthorizationCode, verifyAuthCode))
	return alipayerr.ProvesCredentials(err)
}

// Send delivers one message. The requestId is derived from the message id, so a retry of
// the same message is recognised by Alipay+ and not delivered twice.
func (a *Adapter) Send(ctx context.Context, m *adapter.Message) (*adapter.SendResult, error) {
	if m.AccessToken == "" {
		return nil, &alipayerr.Error{Class: alipayerr.NotSubscribed, Msg: "the user has no authorization (no access token)"}
	}
	req := &alipayplus.SendMessageRequest{
		AppID: a.creds.AppID, AccessToken: m.AccessToken, CustomerBelongsTo: a.creds.CustomerBelongsTo,
		AuthClientID: a.creds.AuthClientID, RequestID: alipayplus.RequestIDFor(m.ID),
		TemplateCode: m.Template.ExternalID, Templates: contentTemplates(m), RedirectURL: cmp.Or(m.Page, m.Template.Page),
	}
	resp, err := a.client.SendMessage(ctx, req)
	if err != nil {
		return nil, err
	}
	return &adapter.SendResult{ExternalID: resp.MessageID}, nil
}

// contentTemplates is the message in every language it has: its localizations, or its data
// in the template's first language (no language when the template names none).
func contentTemplates(m *adapter.Message) []alipayplus.ContentTemplate {
	if len(m.Localized) > 0 {
		out := make([]alipayplus.ContentTemplate, len(m.Localized))
		for i, l := range m.Localized {
			out[i] = alipayplus.ContentTemplate{TemplateParameters: l.Data, Language: l.Language}
		}
		return out
	}
	lang := ""
	if len(m.Template.Languages) > 0 {
		lang = m.Template.Languages[0]
	}
	data := m.Data
	if data == nil {
		data = map[string]string{}
	}
	return []alipayplus.ContentTemplate{{TemplateParameters: data, Language: lang}}
}

// ApplyToken exchanges a user's auth code for tokens.
func (a *Adapter) ApplyToken(ctx context.Context, authCode string) (*adapter.Token, error) {
	return a.token(ctx, a.tokenRequest(alipayplus.GrantAuthorizationCode, authCode))
}

// RefreshToken renews a user's tokens.
func (a *Adapter) RefreshToken(ctx context.Context, refreshToken string) (*adapter.Token, error) {
	req := a.tokenRequest(alipayplus.GrantRefreshToken, "")
	req.RefreshToken = refreshToken
	return a.token(ctx, req)
}

func (a *Adapter) tokenRequest(grant, code string) *alipayplus.ApplyTokenRequest {
	return &alipayplus.ApplyTokenRequest{AppID: a.creds.AppID, AuthClientID: cmp.Or(a.creds.AuthClientID, a.creds.ClientID),
		GrantType: grant, CustomerBelongsTo: a.creds.CustomerBelongsTo, AuthCode: code}
}

func (a *Adapter) token(ctx context.Context, req *alipayplus.ApplyTokenRequest) (*adapter.Token, error) {
	resp, err := a.client.ApplyToken(ctx, req)
	if err != nil {
		return nil, err
	}
	return &adapter.Token{CustomerID: resp.CustomerID, AccessToken: resp.AccessToken, RefreshToken: resp.RefreshToken,
		AccessExpiry: resp.AccessTokenExpiryTime, RefreshExpiry: resp.RefreshTokenExpiryTime}, nil
}
