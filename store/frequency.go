package store

import (
	"context"
	"time"
)

// CapKey names one user's count on one channel.
type CapKey struct {
	TenantID, ChannelID string
	User                UserRef
}

// FrequencyStore counts the messages each user gets through a channel per window, for
// frequency caps that hold across every replica.
type FrequencyStore interface {
	// TakeCapPlace gives the message messageID (of key's tenant) a place in the user's
	// window that starts at window, when the window holds fewer than max, and reports
	// whether the message has a place. A message that already has its place in that window
	// keeps it: a retry never takes a second. Concurrent callers for the last place: exactly
	// one wins.
	TakeCapPlace(ctx context.Context, key CapKey, messageID string, window time.Time, max int) (bool, error)
}
