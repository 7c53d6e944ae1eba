package store

import (
	"context"
	"time"
)

// StatsStore reads what an operator alerts on, across every tenant. The values are the
// database's, so every replica that reads them reports the same. Each read stays cheap
// however deep the queues are: the oldest due row is one seek on the (state, due_time)
// index the claims use, and the counts run over the small channel and webhook tables.
type StatsStore interface {
	// OldestDueMessage returns the due time of the unfinished message (QUEUED or SENDING)
	// that became due longest ago, at or before now, among the channels that may send.
	// Messages of DISABLED and AUTH_FAILED channels are held on purpose and left out
	// (CountChannels shows those channels). ok is false when no message is due.
	OldestDueMessage(ctx context.Context, now time.Time) (due time.Time, ok bool, err error)
	// OldestDueWebhookDelivery is OldestDueMessage for the PENDING webhook deliveries of
	// ENABLED endpoints.
	OldestDueWebhookDelivery(ctx context.Context, now time.Time) (due time.Time, ok bool, err error)
	// CountChannels counts channels by state (states without a channel are left out).
	CountChannels(ctx context.Context) (map[string]int64, error)
	// CountWebhooks counts webhook endpoints by state, and the ENABLED ones whose calls
	// have all failed since some time (a failure streak that a success would end).
	CountWebhooks(ctx context.Context) (WebhookCounts, error)
}

// WebhookCounts is how many webhook endpoints there are, and how many are failing.
type WebhookCounts struct {
	ByState map[string]int64 // ENABLED, DISABLED
	Failing int64            // ENABLED endpoints in a failure streak
}
