package store

import (
	"context"
	"time"
)

// DeliveryStore is the dispatcher's view of the queue: it leases due messages, applies what
// Alipay answered (to the message and, in the same transaction, to its template, channel and
// ledger row) and keeps every message's timeline.
type DeliveryStore interface {
	// ClaimMessages leases up to Limit due messages to Owner: QUEUED or SENDING messages whose
	// DueTime has come and that hold no live lease, soonest due first, skipping the channels
	// in Skip. Each claimed message becomes SENDING under a lease until Now+Lease, with its
	// Attempts incremented (an attempt may start at any moment from here) and its Revision
	// bumped (so a concurrent Cancel loses cleanly). No message is ever held by two live
	// leases: PostgreSQL and MariaDB claim with FOR UPDATE SKIP LOCKED, SQLite inside one
	// immediate transaction.
	ClaimMessages(ctx context.Context, req ClaimRequest) ([]*Claimed, error)
	// ExtendLeases moves the lease expiry of msgs to until, for those owner still holds. A
	// dispatcher does this while it holds messages, so a lease runs out only when the
	// dispatcher is gone (or cut off from the database). It returns how many it extended.
	ExtendLeases(ctx context.Context, owner string, msgs []MessageRef, until time.Time) (int, error)
	// CompleteDeliveries applies outcomes in one transaction. Each applies only while its
	// message is still leased by owner (a message whose lease ran out and was taken over, or
	// that was cancelled meanwhile, is left alone); applied[i] tells which did.
	CompleteDeliveries(ctx context.Context, owner string, outs []*Outcome) (applied []bool, err error)
	// ReserveSend takes one one-time acceptance from an ACTIVE row of key for the message
	// messageID (of key's tenant) when any is left, and marks the message Reserved, in one
	// transaction (never below zero, correct under concurrent dispatchers). It reports
	// whether one was taken.
	ReserveSend(ctx context.Context, key SubscriptionKey, messageID string) (bool, error)
	// ExpireMessages makes up to limit waiting messages whose expire_time has passed, and
	// that no live lease holds, EXPIRED with an event each, in one transaction. It returns
	// how many it expired. (Messages of held channels are never claimed, so they expire
	// here.)
	ExpireMessages(ctx context.Context, now time.Time, limit int) (int, error)
	// QueueDepth counts the waiting (QUEUED, SENDING) messages by tenant, channel and state.
	QueueDepth(ctx context.Context) ([]QueueCount, error)
	// ListMessageEvents lists a message's timeline, oldest first.
	ListMessageEvents(ctx context.Context, tenantID, messageID string, p Page) ([]*MessageEvent, string, error)
}

// ChannelRef names one channel of one tenant.
type ChannelRef struct {
	TenantID  string
	ChannelID string
}

// MessageRef names one message of one tenant.
type MessageRef struct {
	TenantID string
	ID       string
}

// ClaimRequest asks ClaimMessages for a batch.
type ClaimRequest struct {
	Owner string // the replica's lease owner id
	Now   time.Time
	Lease time.Duration
	Limit int
	Skip  []ChannelRef // channels whose lanes are full or paused
}

// Claimed is a message leased to the caller.
type Claimed struct {
	*Message
	// TakenOver is set when the message held a lease that ran out: a replica stopped while
	// it had the message, so an attempt may have reached Alipay.
	TakenOver bool
}

// QueueCount is how many messages of one channel wait in one state.
type QueueCount struct {
	TenantID, ChannelID, State string
	Count                      int64
}

// AlipayError is Alipay's answer to a failed attempt, in Alipay's own words.
type AlipayError struct {
	Code    string `json:"code,omitempty"`
	Msg     string `json:"msg,omitempty"`
	SubCode string `json:"sub_code,omitempty"`
	SubMsg  string `json:"sub_msg,omitempty"`
}

// Event kinds of a message's timeline.
const (
	EventQueued    = "QUEUED"    // accepted by the API (derived from the message itself)
	EventAttempt   = "ATTEMPT"   // handed to Alipay; the event carries Alipay's answer
	EventHeld      = "HELD"      // waiting for its channel to be enabled again
	EventFailed    = "FAILED"    // failed without a call to Alipay
	EventExpired   = "EXPIRED"   // expire_time passed before Alipay accepted it
	EventCancelled = "CANCELLED" // cancelled by the client
	EventRequeued  = "REQUEUED"  // queued again by the client (re-drive)
	EventReleased  = "RELEASED"  // a stopping dispatcher gave it back before trying it
)

// MessageEvent is one step of a message's life.
type MessageEvent struct {
	ID          int64
	TenantID    string
	MessageID   string
	Time        time.Time
	Kind        string
	State       string // the state the message entered
	Description string
	Attempt     int    // the attempt number, for attempts
	Replica     string // the dispatcher that did it ("" for the API)
	Error       *AlipayError
	Latency     time.Duration // how long Alipay took, for attempts
	// TraceID is the trace of the work that wrote the event (32 hex digits; "" when untraced).
	TraceID string
	// Revision is the message's revision once the event happened (set by the store), so
	// a reader of events out of order can tell which is the latest.
	Revision int64
}

// Outcome is what became of a claimed message, and what Alipay's answer does to the
// records around it. Effects are applied in the same transaction as the message change.
type Outcome struct {
	TenantID, MessageID string
	// Revision is the message's revision as claimed; the outcome leaves it one higher.
	Revision           int64
	State, StateReason string
	Attempts           int
	// DueTime is when a QUEUED or SENDING message is next due.
	DueTime    time.Time
	SentTime   *time.Time
	ExternalID string
	// LastError replaces the stored one when set.
	LastError *AlipayError
	Events    []*MessageEvent

	Template *TemplateInvalidation
	Channel  *ChannelRefusal
	Ledger   *LedgerChange
}

// TemplateInvalidation marks a template INVALID because Alipay said it no longer exists,
// and fails its other waiting messages with a reason that names it.
type TemplateInvalidation struct {
	TenantID, ChannelID, TemplateID string
	Reason                          string
	At                              time.Time
	// FailReason is the state reason of the other messages failed with it.
	FailReason string
}

// ChannelRefusal marks an ENABLED or UNVERIFIED channel AUTH_FAILED because Alipay refused
// its credentials (a channel an operator disabled stays DISABLED).
type ChannelRefusal struct {
	TenantID, ChannelID string
	Reason              string
	At                  time.Time
}

// LedgerChange changes a ledger row that exists (nothing is created for a missing one).
type LedgerChange struct {
	Key    SubscriptionKey
	Change SubscriptionChange
	// ReturnSend gives back the one-time acceptance ReserveSend took, and clears the
	// message's Reserved mark (Change is then unused).
	ReturnSend bool
}
