package store

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Tenant is the isolation boundary: API keys belong to a tenant and see only its records.
type Tenant struct {
	ID         string
	Name       string
	CreateTime time.Time
	DeleteTime *time.Time // set once the tenant is deleted (a tombstone)
}

// MaxTenantNameLen is the longest tenant name, in bytes.
const MaxTenantNameLen = 255

// TenantNameOK reports whether name may name a tenant: 1 to MaxTenantNameLen bytes of
// UTF-8 without control characters, like every string of the API.
func TenantNameOK(name string) bool {
	return name != "" && len(name) <= MaxTenantNameLen && utf8.ValidString(name) && !strings.ContainsFunc(name, unicode.IsControl)
}

// Role is what an API key may do.
type Role string

const (
	RoleAdmin  Role = "admin"
	RoleSender Role = "sender"
	RoleViewer Role = "viewer"
)

// APIKey is a hashed API key. The secret is shown once at creation and never stored.
type APIKey struct {
	ID         string // public id, part of the token
	TenantID   string
	Role       Role
	Hash       string // hex SHA-256 of the secret part
	CreateTime time.Time
	RevokeTime *time.Time
	LastUsed   *time.Time
}

// Channel is one Alipay app for one product.
type Channel struct {
	TenantID    string
	ID          string
	DisplayName string
	Type        string // ALIPAY_LIFE_ACCOUNT, ALIPAY_MINI_PROGRAM, ALIPAY_PLUS_MINI_PROGRAM
	State       string // UNVERIFIED, ENABLED, AUTH_FAILED, DISABLED
	StateReason string
	VerifyTime  *time.Time
	// Config is the non-secret part of the credentials and settings, as JSON owned by the
	// server layer (app id, gateway URL, public keys and certificates, fingerprints).
	Config []byte
	// Secrets is the ciphertext of the secret part (private keys, AES key), sealed by the key ring.
	Secrets    []byte
	Revision   int64
	CreateTime time.Time
	UpdateTime time.Time
}

// ChannelFilter narrows ListChannels; zero fields do not filter.
type ChannelFilter struct {
	Type  string
	State string
}

// Keyword is one template variable: the key sent to Alipay and the human label.
type Keyword struct {
	Key       string `json:"key"`
	Label     string `json:"label,omitempty"`
	MaxLength int    `json:"max_length,omitempty"` // 0: the product's limit
}

// Template is a message template of a channel.
type Template struct {
	TenantID         string
	ChannelID        string
	ID               string
	ExternalID       string // Alipay's template id / user_template_id / templateCode
	DisplayName      string
	Keywords         []Keyword
	Options          []byte // product-specific optional parts as JSON owned by the server layer
	SubscriptionType string // ONE_TIME, LONG_TERM or "" (not a mini-program template)
	State            string // ACTIVE, INVALID
	StateReason      string
	InvalidTime      *time.Time
	Revision         int64
	CreateTime       time.Time
	UpdateTime       time.Time
}

// TemplateFilter narrows ListTemplates.
type TemplateFilter struct {
	State      string
	ExternalID string
}

// UserRef names an Alipay user. Kind tells what the id is; ids of different kinds never match.
type UserRef struct {
	Kind string // USER_ID (2088…), OPEN_ID, CUSTOMER_ID (Alipay+)
	ID   string
}

// SubscriptionKey is the natural key of a ledger row. TemplateID is "" for Life Account
// followers and Alipay+ authorizations.
type SubscriptionKey struct {
	TenantID   string
	ChannelID  string
	TemplateID string
	User       UserRef
}

// Subscription is one row of the ledger: who may receive what.
type Subscription struct {
	TenantID       string
	ChannelID      string
	ID             string
	Kind           string // TEMPLATE, FOLLOWER, AUTHORIZATION
	TemplateID     string
	User           UserRef
	Type           string // ONE_TIME, LONG_TERM ("" for followers and authorizations)
	State          string // ACTIVE, REJECTED, EXHAUSTED, CANCELLED, EXPIRED
	StateReason    string
	RemainingSends int64 // ONE_TIME only: acceptances not yet used by a send
	// AccessToken and RefreshToken are key-ring ciphertexts (Alipay+ authorizations only).
	AccessToken       []byte
	RefreshToken      []byte
	TokenExpireTime   *time.Time
	RefreshExpireTime *time.Time
	// EventTime is when the Alipay event that last changed the row happened (nil when no
	// event changed it).
	EventTime  *time.Time
	Revision   int64
	CreateTime time.Time
	UpdateTime time.Time
}

// SubscriptionChange says how ApplySubscription changes a row.
type SubscriptionChange struct {
	Kind string // used when the row is created
	Type string // ONE_TIME or LONG_TERM; overwrites the stored type when non-empty
	// AddSends is added to RemainingSends (one per one-time acceptance; may be negative to consume).
	AddSends int64
	// MinSends, when > 0, raises RemainingSends (after AddSends) to at least this value.
	MinSends int64
	// ClearSends sets RemainingSends to 0 (AddSends and MinSends are then ignored).
	ClearSends bool
	// StateIfNoSends applies State only if no sends remain after the change: a one-time
	// rejection must not take back acceptances Alipay still honours. Decided in the same
	// statement, so a concurrent acceptance is never lost.
	StateIfNoSends bool
	// State, when non-empty, becomes the row's state; StateReason goes with it.
	State       string
	StateReason string
	// Tokens, when non-nil, replace the stored tokens and expiry times.
	AccessToken       []byte
	RefreshToken      []byte
	TokenExpireTime   *time.Time
	RefreshExpireTime *time.Time
	// EventTime, when set, is the time of the Alipay event the change comes from: it
	// applies only if the row has no event time or one not after it, and becomes the
	// row's event time. An older event never overwrites what a newer one did.
	EventTime *time.Time
}

// Notification is the record of one applied Alipay notification.
type Notification struct {
	TenantID  string
	ChannelID string
	// Key identifies the notification within its channel: its notify_id, or what
	// identifies a Life Account event (at most 255 bytes).
	Key       string
	EventTime time.Time // when Alipay says it happened
	// ExpireTime is when the record may be forgotten: by then the notification is too
	// old to be accepted anyway.
	ExpireTime  time.Time
	ReceiveTime time.Time // set by the store
}

// LedgerUpsert is a change of one ledger row, created when missing (as ApplySubscription).
type LedgerUpsert struct {
	Key    SubscriptionKey
	Change SubscriptionChange
}

// NotificationResult says what ApplyNotification did.
type NotificationResult struct {
	// Duplicate: the notification was recorded before; nothing changed.
	Duplicate bool
	// Superseded: the ledger row holds a newer event; the row did not change.
	Superseded bool
}

// SubscriptionFilter narrows ListSubscriptions.
type SubscriptionFilter struct {
	TemplateID string
	User       UserRef // zero value does not filter; Kind "" with ID set matches any kind
	State      string
	Kind       string
}

// Message is one message to one recipient.
type Message struct {
	TenantID   string
	ID         string
	ChannelID  string
	TemplateID string
	RequestID  string // the client's idempotency key ("" when none was given)
	BatchIndex int    // position in a batch request (0 for single sends)
	Recipient  UserRef
	// Payload is the message content as JSON owned by the server layer (keyword data, page,
	// url, languages…).
	Payload     []byte
	State       string // QUEUED, SENDING, SENT, FAILED, CANCELLED, EXPIRED
	StateReason string
	SendTime    *time.Time // not before
	ExpireTime  *time.Time // not after
	Attempts    int
	// Delivery, set by the dispatcher.
	DueTime         time.Time  // when it is next due for an attempt
	LeaseOwner      string     // the dispatcher holding it ("" when none)
	LeaseExpireTime *time.Time // when that lease runs out
	SentTime        *time.Time // when Alipay accepted it
	ExternalID      string     // Alipay's message id, when it returns one
	LastError       *AlipayError
	// Reserved: the message holds one of its recipient's one-time acceptances (taken when it
	// was first tried, kept while its delivery may have happened).
	Reserved bool
	// BroadcastID is the broadcast that enqueued the message ("" for ordinary sends).
	BroadcastID string
	// TraceParent is the W3C traceparent of the API call that queued the message ("" when
	// that call was not traced): its attempts, re-driven ones too, continue that trace.
	TraceParent string
	Revision    int64
	CreateTime  time.Time
	UpdateTime  time.Time
}

// MessageFilter narrows ListMessages.
type MessageFilter struct {
	State        string
	ChannelID    string
	TemplateID   string
	Recipient    UserRef // ID "" does not filter; Kind "" matches any kind
	RequestID    string
	CreateAfter  *time.Time // inclusive
	CreateBefore *time.Time // exclusive
}

// Webhook is an endpoint of the tenant that Reach posts events to. Its signing secrets are
// sealed by the key ring, bound to the row and column (SecretRef Kind "webhook").
type Webhook struct {
	TenantID    string
	ID          string
	URL         string
	EventTypes  []string
	Description string
	State       string // ENABLED, DISABLED
	StateReason string
	// Secret is the ciphertext of the current signing secret ("whsec_…").
	Secret []byte
	// SecretFingerprint identifies the current secret without revealing it.
	SecretFingerprint string
	// PreviousSecret is the ciphertext of the secret a rotation replaced, kept so calls can
	// be signed with both until PreviousSecretExpireTime; nil when there is none.
	PreviousSecret           []byte
	PreviousSecretExpireTime *time.Time
	Revision                 int64
	CreateTime               time.Time
	UpdateTime               time.Time
}

// SecretAD is what the webhook's sealed secret in column ("secret" or "previous_secret")
// is bound to.
func (w *Webhook) SecretAD(column string) []byte {
	return SecretRef{Kind: "webhook", TenantID: w.TenantID, ID: w.ID, Column: column}.AssociatedData()
}

// WebhookFilter narrows ListWebhooks; zero fields do not filter.
type WebhookFilter struct {
	State string
}
