package store

import (
	"context"
	"time"
)

// PacingStore keeps each channel's send schedule, shared by every dispatcher replica, so
// that a channel's rate is one limit for the whole deployment.
type PacingStore interface {
	// ReserveSendSlots reserves n send slots of a channel, interval apart, and returns the
	// time of the first: slot i is at first + i·interval. Slots are handed out in order
	// and never twice, whatever the number of concurrent callers. A channel that has been
	// idle may be given up to burst slots in the past, which start at once: in any period
	// of length d, at most d/interval + burst + 1 slots fall.
	ReserveSendSlots(ctx context.Context, ref ChannelRef, n int, interval time.Duration, burst int, now time.Time) (time.Time, error)
}
