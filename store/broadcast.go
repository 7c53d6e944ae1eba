package store

import (
	"context"
	"errors"
	"time"
)

// Broadcast states.
const (
	BroadcastScheduled = "SCHEDULED"
	BroadcastRunning   = "RUNNING"
	BroadcastPaused    = "PAUSED"
	BroadcastCompleted = "COMPLETED"
	BroadcastCancelled = "CANCELLED"
)

// ErrLeaseLost: the caller no longer holds the broadcast's lease (it ran out and another
// runner took it, or the broadcast was paused or cancelled meanwhile). Stop working on it.
var ErrLeaseLost = errors.New("broadcast lease lost")

// Broadcast is one template with shared data sent to every active recipient of a channel's
// ledger: the rows of LedgerKind (and LedgerTemplate) that are ACTIVE, narrowed to
// SubscriptionType when set. ONE_TIME rows with no acceptance left are skipped.
type Broadcast struct {
	TenantID         string
	ID               string
	ChannelID        string
	TemplateID       string
	RequestID        string // "" when the caller gave none
	RequestHash      string
	LedgerKind       string // FOLLOWER, TEMPLATE or AUTHORIZATION
	LedgerTemplate   string // TEMPLATE rows: the template id ("" otherwise)
	SubscriptionType string // "" (any), ONE_TIME or LONG_TERM
	// Payload is the shared content of every message, as the server layer encodes it.
	Payload     []byte
	State       string
	StateReason string
	StartTime   time.Time // enqueuing starts then
	ExpireTime  time.Time // every message's expire_time
	// Cursor is the last subscription id enqueued ("" before the first batch).
	Cursor      string
	Enqueued    int64
	EnqueueDone bool
	LeaseOwner  string
	LeaseExpire *time.Time
	EndTime     *time.Time // COMPLETED or CANCELLED at
	Revision    int64
	CreateTime  time.Time
	UpdateTime  time.Time
	// Progress is counted from the broadcast's messages when read.
	Progress BroadcastProgress
}

// BroadcastProgress counts a broadcast's messages by what became of them.
type BroadcastProgress struct {
	Queued    int64 // QUEUED or SENDING
	Sent      int64 // SENT
	Failed    int64 // FAILED after Alipay was called (or could not be)
	Skipped   int64 // FAILED without an attempt: a policy or the ledger said no before Alipay was called
	Cancelled int64
	Expired   int64
}

// BroadcastStore keeps broadcasts and enqueues their recipients.
type BroadcastStore interface {
	// CreateBroadcast stores b (SCHEDULED, Revision 1). When b.RequestID is already recorded
	// for the tenant it stores nothing and returns the recorded broadcast (compare
	// RequestHash) with created=false.
	CreateBroadcast(ctx context.Context, b *Broadcast) (created bool, existing *Broadcast, err error)
	// GetBroadcast returns one broadcast with its progress.
	GetBroadcast(ctx context.Context, tenantID, id string) (*Broadcast, error)
	// BroadcastState returns one broadcast's state alone (no progress to count): what a
	// dispatcher asks before it sends a broadcast's message. ErrNotFound when there is none.
	BroadcastState(ctx context.Context, tenantID, id string) (string, error)
	// FindBroadcastRequest returns the broadcast recorded under a request id, with its
	// progress (ErrNotFound when none is).
	FindBroadcastRequest(ctx context.Context, tenantID, requestID string) (*Broadcast, error)
	// ListBroadcasts lists the tenant's broadcasts by id, with their progress.
	ListBroadcasts(ctx context.Context, tenantID string, p Page) ([]*Broadcast, string, error)
	// PauseBroadcast stops a SCHEDULED or RUNNING broadcast: no more recipients are enqueued
	// and its QUEUED messages no dispatcher holds are held (not due) until it is resumed.
	PauseBroadcast(ctx context.Context, tenantID, id string) (*Broadcast, error)
	// ResumeBroadcast makes a PAUSED broadcast RUNNING (SCHEDULED if its start is ahead)
	// and its held messages due now.
	ResumeBroadcast(ctx context.Context, tenantID, id string) (*Broadcast, error)
	// CancelBroadcast makes a SCHEDULED, RUNNING or PAUSED broadcast CANCELLED and its
	// QUEUED messages no dispatcher holds CANCELLED (each with an event), in one
	// transaction. Other states answer ErrConflict.
	CancelBroadcast(ctx context.Context, tenantID, id string) (*Broadcast, error)
	// ClaimBroadcast leases to owner until now+lease one broadcast that needs enqueuing:
	// SCHEDULED and started, or RUNNING and not fully enqueued, held by no live lease. A
	// SCHEDULED one becomes RUNNING. Nil when there is none.
	ClaimBroadcast(ctx context.Context, owner string, now time.Time, lease time.Duration) (*Broadcast, error)
	// EnqueueBroadcastBatch enqueues the next (up to) size recipients after the cursor and
	// moves the cursor and the lease (to now+lease) in one transaction, while owner holds
	// the lease and the broadcast is RUNNING (else ErrLeaseLost). done is true when no
	// recipient is left.
	EnqueueBroadcastBatch(ctx context.Context, owner string, ref BroadcastRef, size int, now time.Time, lease time.Duration) (n int, done bool, err error)
	// ReleaseBroadcast gives up owner's lease so another runner may take it at once.
	ReleaseBroadcast(ctx context.Context, owner string, ref BroadcastRef) error
	// CompleteBroadcasts makes up to limit RUNNING broadcasts that are fully enqueued and
	// have no QUEUED or SENDING message left COMPLETED, and returns them. This is the one
	// place a broadcast becomes COMPLETED.
	CompleteBroadcasts(ctx context.Context, now time.Time, limit int) ([]*Broadcast, error)
}

// The state reasons of a broadcast's messages held or cancelled with it, by the store (the
// messages no dispatcher holds) or by the dispatcher (those it had claimed).
const (
	ReasonBroadcastPaused    = "held: the broadcast is paused; it is sent when the broadcast is resumed"
	ReasonBroadcastCancelled = "cancelled: the broadcast was cancelled"
)

// BroadcastRef names one broadcast of one tenant.
type BroadcastRef struct {
	TenantID string
	ID       string
}
