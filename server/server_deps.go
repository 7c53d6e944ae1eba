package server

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/internal/replay"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/store"
)

// deps is what every service handler needs.
type deps struct {
	store store.Store
	keys  *secrets.KeyRing
	conn  *appconn.Connector
	log   *slog.Logger
	now   func() time.Time
	// queued is told when messages become due, so a dispatcher in this process starts on
	// them at once (nil when none runs here).
	queued func()
	// replay applies Alipay's notifications once and refuses stale ones.
	replay *replay.Guard
	// cache keeps what every send reads (keys, templates, channels) for a short time.
	cache *readCache
	// webhooks is the operator's rule for webhook endpoint URLs.
	webhooks webhookurl.Policy
	// stop is closed when the server starts shutting down: long-lived streams end on it
	// rather than hold the shutdown up.
	stop     chan struct{}
	stopOnce sync.Once
}

// shutdown tells long-lived streams that the server is stopping.
func (d *deps) shutdown() { d.stopOnce.Do(func() { close(d.stop) }) }

// untilStop returns a context that ends with ctx or when the server starts stopping.
func (d *deps) untilStop(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-d.stop:
			cancel()
		case <-ctx.Done():
		}
	}()
	return ctx, cancel
}

// stopping reports whether the server is shutting down.
func (d *deps) stopping() bool {
	select {
	case <-d.stop:
		return true
	default:
		return false
	}
}

// wake tells a local dispatcher that messages were queued.
func (d *deps) wake() {
	if d.queued != nil {
		d.queued()
	}
}

// Page sizes of every List method (AIP-158): 0 means the default, larger values are capped.
const (
	defaultPageSize = 50
	maxPageSize     = 1000
)

// page validates page_size and page_token.
func page(f *fieldErrors, size int32, token string) store.Page {
	switch {
	case size < 0:
		f.add("page_size", "must not be negative")
	case size == 0:
		size = defaultPageSize
	case size > maxPageSize:
		size = maxPageSize
	}
	if len(token) > 512 {
		f.add("page_token", "is not a token this service returned")
	}
	return store.Page{Size: int(size), Token: token}
}

func ts(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func tsp(t *time.Time) *timestamppb.Timestamp {
	if t == nil {
		return nil
	}
	return timestamppb.New(*t)
}

func etag(rev int64) string { return strconv.FormatInt(rev, 10) }

// checkEtag fails with ABORTED when the client sent an etag that is no longer current.
func checkEtag(sent string, rev int64) error {
	if sent != "" && sent != etag(rev) {
		return withReason(codes.Aborted, "ETAG_MISMATCH", "etag does not match: the resource changed since it was read; read it again and retry")
	}
	return nil
}

// listErr names the part of a List request the store could not use: page_token when the
// store says so, else the filter (whose values are the only other text it compares); a
// request without either keeps the store's own error.
func listErr(err error, filter string) error {
	switch {
	case errors.Is(err, store.ErrPageToken):
		return invalidField("page_token", "is not a token this service returned for this listing")
	case errors.Is(err, store.ErrInvalid) && filter != "":
		return invalidField("filter", "cannot be applied: a value is not one this listing can compare")
	}
	return err
}
