package store

import (
	"context"
	"time"
)

// Resource event types: changes to a template, channel or broadcast that webhooks report.
// They are written in the same transaction as the change.
const (
	EventTemplateInvalid    = "template.invalid"
	EventChannelAuthFailed  = "channel.auth_failed"
	EventBroadcastCompleted = "broadcast.completed"
)

// OutboxStore is what the webhook relay and the live watch read: the two event tables, in
// id order, as an outbox. Message events are every step of every message (message_events);
// resource events are the template, channel and broadcast changes above. Both are written
// in the transaction of the change they describe, so an event exists exactly when its
// change does.
type OutboxStore interface {
	// ReadMessageFeed returns up to limit message events with an id above after or inside
	// one of gaps (inclusive id ranges), in id order, each with what its message is; a
	// tenantID other than "" keeps that tenant's only.
	ReadMessageFeed(ctx context.Context, tenantID string, after int64, gaps [][2]int64, limit int) ([]*FeedEvent, error)
	// ReadResourceFeed is ReadMessageFeed for resource events.
	ReadResourceFeed(ctx context.Context, after int64, gaps [][2]int64, limit int) ([]*ResourceEvent, error)
	// LatestEventIDs are the highest message and resource event ids (0 when there is none):
	// where a feed that wants only what happens from now on starts.
	LatestEventIDs(ctx context.Context) (messages, resources int64, err error)
}

// FeedEvent is a message event with what its message is.
type FeedEvent struct {
	MessageEvent
	ChannelID, TemplateID, RequestID string
	Recipient                        UserRef
}

// ResourceEvent is a change to a template, channel or broadcast.
type ResourceEvent struct {
	ID       int64
	TenantID string
	Type     string // EventTemplateInvalid, …
	// Subject is the resource name, e.g. "channels/c/templates/t".
	Subject  string
	Revision int64
	State    string
	Reason   string
	Time     time.Time
}

// WebhookDeliveryStore keeps the webhook queue: one delivery per event and endpoint, tried
// until the endpoint answers 2xx or the retries run out, with every try recorded.
type WebhookDeliveryStore interface {
	// LeaseWebhookRelay makes owner the one relay until until, when no other live owner
	// holds it, and returns the relay's saved feed state ("" at first). ok is false when
	// another owner holds a live lease.
	LeaseWebhookRelay(ctx context.Context, owner string, now, until time.Time) (state string, ok bool, err error)
	// QueueWebhookDeliveries inserts ds (a delivery already queued for the same endpoint and
	// event is left as it is) and saves the relay's feed state, in one transaction, if owner
	// still holds the relay; ErrStale when it does not.
	QueueWebhookDeliveries(ctx context.Context, owner string, ds []*WebhookDelivery, state string) error
	// WebhookTargets returns the ENABLED endpoints of these tenants (secrets left out).
	WebhookTargets(ctx context.Context, tenantIDs []string) ([]*Webhook, error)
	// AnyWebhookTargets reports whether any tenant has an ENABLED endpoint.
	AnyWebhookTargets(ctx context.Context) (bool, error)
	// ClaimWebhookDeliveries leases up to limit due PENDING deliveries of ENABLED endpoints
	// to owner until now+lease, oldest due first.
	ClaimWebhookDeliveries(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]*WebhookDelivery, error)
	// RecordWebhookAttempt records a try of d (leased by owner) and its result, in one
	// transaction: the attempt row, the delivery's new state (d.State, d.DueTime, …) and the
	// endpoint's failure streak. A failure that ends a streak older than disableAfter
	// disables the endpoint with a reason; disabled reports that. ErrStale when owner no
	// longer holds d.
	RecordWebhookAttempt(ctx context.Context, owner string, d *WebhookDelivery, a *WebhookAttempt, disableAfter time.Duration) (disabled bool, err error)
	// ExtendWebhookLeases moves the lease expiry of ds to until, for those owner still
	// holds (PENDING and leased by owner), and returns how many it moved.
	ExtendWebhookLeases(ctx context.Context, owner string, ds []*WebhookDelivery, until time.Time) (int, error)
	// ReleaseWebhookDeliveries gives back deliveries owner claimed and did not try.
	ReleaseWebhookDeliveries(ctx context.Context, owner string, ds []*WebhookDelivery) error
	// ListWebhookDeliveries lists an endpoint's deliveries, newest event first.
	ListWebhookDeliveries(ctx context.Context, tenantID, webhookID string, f WebhookDeliveryFilter, p Page) ([]*WebhookDelivery, string, error)
	// GetWebhookDelivery returns one delivery.
	GetWebhookDelivery(ctx context.Context, tenantID, webhookID, eventID string) (*WebhookDelivery, error)
	// ListWebhookAttempts lists the tries of one delivery, oldest first.
	ListWebhookAttempts(ctx context.Context, tenantID, webhookID, eventID string, p Page) ([]*WebhookAttempt, string, error)
}

// Webhook delivery states.
const (
	DeliveryPending   = "PENDING"
	DeliverySucceeded = "SUCCEEDED"
	DeliveryFailed    = "FAILED"
)

// WebhookDelivery is one event on its way to one endpoint.
type WebhookDelivery struct {
	TenantID, WebhookID string
	// EventID is the webhook-id header: the same on every try, unique per event.
	EventID    string
	Type       string
	Payload    string // the JSON body, fixed when the event is queued
	State      string // PENDING, SUCCEEDED, FAILED
	Attempts   int
	DueTime    time.Time // when the next try is due (PENDING)
	LastStatus int       // the HTTP status of the last try, 0 when none came back
	LastError  string
	CreateTime time.Time
	UpdateTime time.Time
}

// WebhookDeliveryFilter narrows ListWebhookDeliveries; zero fields do not filter.
type WebhookDeliveryFilter struct {
	State string
	Type  string
}

// WebhookAttempt is one try of a delivery.
type WebhookAttempt struct {
	ID                  int64
	TenantID, WebhookID string
	EventID             string
	Attempt             int
	Time                time.Time
	StatusCode          int    // 0 when no HTTP answer came back
	Error               string // why it failed, "" on success
	Latency             time.Duration
	Replica             string
}
