// Package store defines Reach's persistence contract: the records it keeps and the small
// role interfaces that together make up a Store. Dialect packages (sqlite, postgres, mysql)
// implement it on top of the shared GORM code in store/gormstore.
package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Sentinel errors. Every implementation returns (wraps) these so the transport edge can map
// them to gRPC codes without knowing which database is underneath.
var (
	// ErrNotFound: no such record for this tenant (another tenant's record is also "not found").
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists: a unique key (id, external id, idempotency key) is taken.
	ErrAlreadyExists = errors.New("already exists")
	// ErrConflict: optimistic concurrency failed: the record's revision is not the one expected.
	ErrConflict = errors.New("revision conflict")
	// ErrInvalid: the request is structurally impossible for the store (bad page token, …).
	ErrInvalid = errors.New("invalid store request")
	// ErrPageToken: a page token the store did not issue for this listing (an ErrInvalid).
	ErrPageToken = fmt.Errorf("%w: not a page token of this listing", ErrInvalid)
	// ErrUnavailable: the database could not be reached or the schema is not current.
	ErrUnavailable = errors.New("store unavailable")
	// ErrOverloaded: more writes are waiting than the store accepts; retry shortly.
	ErrOverloaded = errors.New("store overloaded")
	// ErrStale: what a write was checked against has changed since; check again.
	ErrStale = errors.New("changed since it was read")
	// ErrDeleted: the tenant was deleted; its name stays taken by the tombstone.
	ErrDeleted = errors.New("deleted")
)

// SendGuard names the template a send was validated against, at the revision it had.
type SendGuard struct {
	ChannelID, TemplateID string
	Revision              int64
}

// IngestStats counts the work of a store that writes concurrent CreateMessages calls in
// shared transactions (group commit).
type IngestStats struct {
	Calls        int64 // CreateMessages calls written (or answered as replays)
	Transactions int64 // transactions they took
	Alone        int64 // calls written again alone after their group failed
}

// The state reasons of messages failed because what they were for was deleted.
const (
	ReasonChannelDeleted  = "not sent: the channel was deleted"
	ReasonTemplateDeleted = "not sent: the template was deleted"
)

// Store is everything Reach persists. Each role interface is small so that code can ask
// for only what it uses.
type Store interface {
	TenantStore
	APIKeyStore
	ChannelStore
	TemplateStore
	SubscriptionStore
	MessageStore
	DeliveryStore
	PacingStore
	FrequencyStore
	ContentStore
	SecretStore
	NotificationStore
	WebhookStore
	OutboxStore
	WebhookDeliveryStore
	BroadcastStore
	StatsStore
	Health
	// Close releases the connection pool.
	Close() error
}

// Health reports whether the store can serve.
type Health interface {
	// Ping checks the database connection.
	Ping(ctx context.Context) error
	// SchemaCurrent reports whether every embedded migration has been applied.
	SchemaCurrent(ctx context.Context) (bool, error)
}

// Page asks for one page of a listing. Results are ordered by ID ascending; Token is the
// opaque value a previous page returned (empty for the first page).
type Page struct {
	Size  int
	Token string
}

// TenantStore keeps tenants: the isolation boundary of every other record.
type TenantStore interface {
	// EnsureTenant returns the tenant with this name, creating it if needed; ErrDeleted
	// when the tenant of that name was deleted.
	EnsureTenant(ctx context.Context, name string) (*Tenant, error)
	// GetTenantByName returns the tenant, deleted or not (DeleteTime tells).
	GetTenantByName(ctx context.Context, name string) (*Tenant, error)
	// GetTenant returns the tenant with this id, deleted or not; ErrNotFound when none.
	GetTenant(ctx context.Context, id string) (*Tenant, error)
	// ListTenants lists every tenant, deleted ones too, by name.
	ListTenants(ctx context.Context) ([]*Tenant, error)
	// DeleteTenant tombstones the tenant (DeleteTime = at), revokes every key it has and
	// erases its channels, templates, subscriptions, messages with their timelines, send
	// requests, notification records and webhooks, in one transaction; it returns how many
	// keys it revoked. The tenant row and its keys stay, as the record of who had access
	// until when. Deleting a deleted tenant keeps the first time and erases again (nothing).
	DeleteTenant(ctx context.Context, id string, at time.Time) (revoked int, err error)
}

// APIKeyStore keeps hashed API keys.
type APIKeyStore interface {
	// CreateAPIKey stores k; ErrNotFound when its tenant does not exist, ErrDeleted when it
	// was deleted.
	CreateAPIKey(ctx context.Context, k *APIKey) error
	// GetAPIKey looks a key up by its public id (across tenants: the key tells the tenant).
	// A key of a deleted tenant is ErrNotFound, whatever its own revocation says.
	GetAPIKey(ctx context.Context, id string) (*APIKey, error)
	// ListAPIKeys lists keys; tenantID "" lists every tenant's keys.
	ListAPIKeys(ctx context.Context, tenantID string) ([]*APIKey, error)
	// RevokeAPIKey sets RevokeTime; revoking twice is not an error.
	RevokeAPIKey(ctx context.Context, id string, at time.Time) error
	// TouchAPIKey records that the key was used (best effort, may be rate limited by callers).
	TouchAPIKey(ctx context.Context, id string, at time.Time) error
}

// ChannelStore keeps channels. All methods are scoped by tenant.
type ChannelStore interface {
	CreateChannel(ctx context.Context, c *Channel) error
	GetChannel(ctx context.Context, tenantID, id string) (*Channel, error)
	ListChannels(ctx context.Context, tenantID string, f ChannelFilter, p Page) ([]*Channel, string, error)
	// UpdateChannel writes every field of c if the stored Revision equals c.Revision, then
	// increments Revision (and sets UpdateTime). Otherwise ErrConflict (or ErrNotFound).
	UpdateChannel(ctx context.Context, c *Channel) error
	// DeleteChannel deletes the channel and its templates and subscriptions, and fails its
	// QUEUED messages with ReasonChannelDeleted, in one transaction. Messages are kept: their
	// history matters.
	DeleteChannel(ctx context.Context, tenantID, id string) error
}

// TemplateStore keeps templates, scoped by tenant and channel.
type TemplateStore interface {
	CreateTemplate(ctx context.Context, t *Template) error
	GetTemplate(ctx context.Context, tenantID, channelID, id string) (*Template, error)
	ListTemplates(ctx context.Context, tenantID, channelID string, f TemplateFilter, p Page) ([]*Template, string, error)
	UpdateTemplate(ctx context.Context, t *Template) error
	// DeleteTemplate deletes the template and the subscriptions to it, and fails its QUEUED
	// messages with ReasonTemplateDeleted, in one transaction.
	DeleteTemplate(ctx context.Context, tenantID, channelID, id string) error
}

// SubscriptionStore keeps the subscription ledger.
type SubscriptionStore interface {
	GetSubscription(ctx context.Context, tenantID, channelID, id string) (*Subscription, error)
	// FindSubscription finds by natural key (template "" for followers and authorizations).
	FindSubscription(ctx context.Context, tenantID, channelID, templateID string, user UserRef) (*Subscription, error)
	// FindSubscriptions finds the rows of many keys of one channel at once (keys without a
	// row are left out).
	FindSubscriptions(ctx context.Context, keys []SubscriptionKey) ([]*Subscription, error)
	ListSubscriptions(ctx context.Context, tenantID, channelID string, f SubscriptionFilter, p Page) ([]*Subscription, string, error)
	// ApplySubscription atomically creates or updates the row for (tenant, channel, template,
	// user) following ch, and returns the row as stored afterwards. It must be correct under
	// concurrent calls for the same key (acceptances add up, none is lost).
	ApplySubscription(ctx context.Context, key SubscriptionKey, ch SubscriptionChange) (*Subscription, error)
	// UpdateSubscription is an optimistic full update, like UpdateChannel.
	UpdateSubscription(ctx context.Context, s *Subscription) error
	// ListExpiringTokens lists, across tenants, ACTIVE authorizations whose access token
	// expires before the given time, soonest first, at most limit of them.
	ListExpiringTokens(ctx context.Context, before time.Time, limit int) ([]*Subscription, error)
}

// MessageStore keeps messages and the idempotency records of send requests.
type MessageStore interface {
	// CreateMessages inserts msgs and the idempotency record for (tenantID, requestID) in one
	// transaction. If requestID is already recorded it inserts nothing and returns the stored
	// messages of that request with the stored request hash; the caller compares hashes.
	// requestID "" means no idempotency. Correct under concurrent calls with the same id:
	// exactly one caller inserts, the others get the winner's messages.
	CreateMessages(ctx context.Context, tenantID, requestID, requestHash string, msgs []*Message) (created bool, existing []*Message, existingHash string, err error)
	// CreateGuardedMessages is CreateMessages for messages validated against a template
	// read from a cache: they are written only if the template is still at that revision,
	// in the same transaction; otherwise nothing is written and the error is ErrStale (a
	// recorded request id is still answered as a replay).
	CreateGuardedMessages(ctx context.Context, tenantID, requestID, requestHash string, guard SendGuard, msgs []*Message) (created bool, existing []*Message, existingHash string, err error)
	// GetSendRequest returns the messages and hash recorded for a request id, or
	// ErrNotFound: a replay is answered from it before the request is validated again.
	GetSendRequest(ctx context.Context, tenantID, requestID string) (msgs []*Message, requestHash string, err error)
	GetMessage(ctx context.Context, tenantID, id string) (*Message, error)
	ListMessages(ctx context.Context, tenantID string, f MessageFilter, p Page) ([]*Message, string, error)
	// UpdateMessage writes m's state, reason, times and attempts if the stored revision is
	// m.Revision (else ErrConflict), with ev (when set) added to its timeline in the same
	// transaction. It clears any lease, and makes a QUEUED message due at once (or at its
	// send time).
	UpdateMessage(ctx context.Context, m *Message, ev *MessageEvent) error
}

// WebhookStore keeps webhook endpoints. All methods are scoped by tenant.
type WebhookStore interface {
	// CreateWebhook stores w with Revision 1 and fresh create/update times; ErrAlreadyExists
	// when the tenant has a webhook with its id.
	CreateWebhook(ctx context.Context, w *Webhook) error
	GetWebhook(ctx context.Context, tenantID, id string) (*Webhook, error)
	ListWebhooks(ctx context.Context, tenantID string, f WebhookFilter, p Page) ([]*Webhook, string, error)
	// UpdateWebhook writes every field of w if the stored Revision equals w.Revision, then
	// increments Revision (and sets UpdateTime). Otherwise ErrConflict (or ErrNotFound).
	UpdateWebhook(ctx context.Context, w *Webhook) error
	// DeleteWebhook deletes the webhook, or returns ErrNotFound.
	DeleteWebhook(ctx context.Context, tenantID, id string) error
}

// NotificationStore remembers the Alipay notifications that were applied, so that a retry
// or a captured call posted again changes nothing the second time, on any replica.
type NotificationStore interface {
	// ApplyNotification records n unless its key is already recorded for its channel and,
	// when it is new, applies change (if not nil) to the ledger in the same transaction.
	// Concurrent calls with one key, from any replica, apply it exactly once: the others
	// get Duplicate. A change with an EventTime older than the row's leaves the row as it
	// is (Superseded); n is recorded all the same.
	ApplyNotification(ctx context.Context, n *Notification, change *LedgerUpsert) (NotificationResult, error)
	// PurgeNotifications deletes up to limit records whose ExpireTime is before before, and
	// returns how many it deleted.
	PurgeNotifications(ctx context.Context, before time.Time, limit int) (int, error)
}

// SecretStore walks every encrypted value so the key ring can be rotated.
type SecretStore interface {
	// ReencryptSecrets calls fn for every stored ciphertext (channel credentials, tokens,
	// webhook signing secrets) with the record that holds it, and writes back what fn
	// returns when it differs. It returns how many values were rewritten.
	ReencryptSecrets(ctx context.Context, fn func(ref SecretRef, ciphertext []byte) ([]byte, error)) (int, error)
}

// SecretRef names the record and column that hold one ciphertext.
type SecretRef struct {
	Kind      string // "channel", "subscription" or "webhook"
	TenantID  string
	ChannelID string // the channel itself for Kind "channel"; "" for Kind "webhook"
	ID        string // the subscription or webhook id
	Column    string // "secrets", "access_token", "refresh_token", "secret" or "previous_secret"
}

// AssociatedData is what a ciphertext is bound to when sealed: the same bytes must be given
// to open it, so a ciphertext copied into another row or column does not decrypt.
func (r SecretRef) AssociatedData() []byte {
	if r.Kind == "channel" {
		return []byte("channel/" + r.TenantID + "/" + r.ChannelID)
	}
	return []byte(r.Kind + "/" + r.TenantID + "/" + r.ChannelID + "/" + r.ID + "/" + r.Column)
}
