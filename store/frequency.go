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

// ContentStore remembers what content each user got through a channel, for content
// de-duplication across every replica.
type ContentStore interface {
	// ClaimContent records that the message messageID (of key's tenant) with content hash
	// is handed to Alipay at now, unless another message with the same hash was handed over
	// for the same user within window before now: then it returns that message's id and
	// time and records nothing. A message that claimed its content claims it again (a
	// retry). Concurrent claimers of one content: exactly one wins.
	ClaimContent(ctx context.Context, key CapKey, hash, messageID string, now time.Time, window time.Duration) (dupOf string, dupAt time.Time, err error)
}
