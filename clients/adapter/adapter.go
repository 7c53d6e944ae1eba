// Package adapter is the one interface every Alipay product adapter implements, and the
// product-neutral values that cross it. Protocol code lives in clients/gateway and
// clients/alipayplus; adapters turn Reach's templates and messages into each product's
// API calls.
package adapter

import (
	"context"
	"log/slog"
	"time"
)

// Adapter talks to Alipay for one channel.
type Adapter interface {
	// Verify makes a harmless signed call. nil means Alipay accepted the credentials; an
	// *alipayerr.Error of class Auth means it rejected them; any other error means the check
	// could not tell.
	Verify(ctx context.Context) error
	// Send delivers one message. Errors are *alipayerr.Error (or wrap one).
	Send(ctx context.Context, m *Message) (*SendResult, error)
}

// TemplateClaimer is implemented by products whose templates can be claimed from a library
// (Life Account).
type TemplateClaimer interface {
	ClaimTemplate(ctx context.Context, req ClaimRequest) (*ClaimedTemplate, error)
}

// SubscriptionQuerier is implemented by products where Alipay keeps the subscription state
// (mini programs).
type SubscriptionQuerier interface {
	// QuerySubscriptions asks about at most MaxQueryTemplates template ids at a time; the
	// adapter batches larger lists.
	QuerySubscriptions(ctx context.Context, user User, templateIDs []string) ([]Relation, error)
}

// Authorizer is implemented by products whose users authorize with tokens (Alipay+).
type Authorizer interface {
	ApplyToken(ctx context.Context, authCode string) (*Token, error)
	RefreshToken(ctx context.Context, refreshToken string) (*Token, error)
}

// MaxQueryTemplates is how many templates alipay.open.app.messagetemplate.subscribe.query
// accepts per call (§2.2).
const MaxQueryTemplates = 3

// User kinds.
const (
	UserID     = "USER_ID"
	OpenID     = "OPEN_ID"
	CustomerID = "CUSTOMER_ID"
)

// User is a recipient; Kind decides which field Alipay gets (to_user_id vs to_open_id).
type User struct {
	Kind string
	ID   string
}

// Template is what an adapter needs of a Reach template.
type Template struct {
	ExternalID string
	Keys       []string // keyword keys in Alipay's order
	// Life Account defaults.
	HeadColor, URL, ActionName  string
	FirstEnabled, RemarkEnabled bool
	// Mini program default page; Alipay+ default redirect URL.
	Page string
	// Alipay+ languages; the first is used for `data` without localizations.
	Languages []string
}

// Localized is Alipay+ content in one language.
type Localized struct {
	Language string
	Data     map[string]string
}

// Message is one message to send.
type Message struct {
	ID        string // Reach's message id: the idempotency key at Alipay+
	Template  Template
	Recipient User
	Data      map[string]string
	Colors    map[string]string
	Localized []Localized
	// Overrides of the template's defaults.
	Page, URL, HeadColor, ActionName string
	// AccessToken is the recipient's Alipay+ token (decrypted just before the call).
	AccessToken string
}

// SendResult is Alipay's acceptance of a message.
type SendResult struct {
	ExternalID string // Alipay+ messageId; empty for products that return none
}

// ClaimRequest claims a Life Account template from the library.
type ClaimRequest struct {
	LibCode                                   string
	Keywords                                  []string
	FirstEnabled, RemarkEnabled, ImageEnabled bool
}

// ClaimedTemplate is what Alipay returned for a claim.
type ClaimedTemplate struct {
	TemplateID string
	// Template is the template description JSON Alipay returned (tmplimport reads it).
	Template string
}

// Relation is a user's subscription to one template as Alipay reports it.
type Relation struct {
	TemplateID string
	Subscribed bool
	LongTerm   bool
	// Raw values as Alipay sent them, kept because their meaning is not documented.
	SubscribeType, SubscribeState, KeepState string
}

// Token is an Alipay+ user's authorization.
type Token struct {
	CustomerID                  string
	AccessToken, RefreshToken   string
	AccessExpiry, RefreshExpiry time.Time
}

// Credentials are a channel's credentials in clear, assembled just before an adapter is
// built and never stored in this form.
type Credentials struct {
	// Open Platform.
	AppID, AppPrivateKey, AlipayPublicKey           string
	AppPublicCert, AlipayPublicCert, AlipayRootCert string
	EncryptKey, GatewayURL                          string
	// Alipay+.
	ClientID, MerchantPrivateKey, PlatformPublicKey string
	KeyVersion, AuthClientID, CustomerBelongsTo     string

	// OnAlipayCert, if set, is called when the adapter adopts a new Alipay public
	// certificate after Alipay rotated it (certificate mode), so the owner can keep it.
	OnAlipayCert func(ctx context.Context, certPEM string) error
}

// LogValue keeps credentials out of logs: only the ids are shown, never a key.
func (c Credentials) LogValue() slog.Value {
	return slog.GroupValue(slog.String("app_id", c.AppID), slog.String("client_id", c.ClientID))
}

// String is what fmt prints for credentials: the ids only.
func (c Credentials) String() string {
	return "credentials{app_id=" + c.AppID + " client_id=" + c.ClientID + "}"
}

// GoString is what %#v prints: the ids only.
func (c Credentials) GoString() string { return c.String() }
