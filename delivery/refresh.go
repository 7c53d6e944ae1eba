package delivery

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/store"
)

// Refresher renews Alipay+ access tokens before they expire. It runs beside the
// dispatcher, which also asks it to renew a token Alipay+ reports expired.
type Refresher struct {
	store store.Store
	conn  *appconn.Connector
	log   *slog.Logger
	now   func() time.Time
}

// NewRefresher returns a refresher over st.
func NewRefresher(st store.Store, conn *appconn.Connector, log *slog.Logger) *Refresher {
	return &Refresher{store: st, conn: conn, log: log, now: func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }}
}

// writeTimeout bounds a write that must happen after Alipay did something that cannot be
// undone (a refresh token spent), even if the dispatcher is stopping.
const writeTimeout = 10 * time.Second

// Alipay+ access tokens are renewed this long before they expire, checked this often. A
// replica that starts a refresh holds it for refreshLease, so another replica does not
// spend the same (single-use) refresh token meanwhile.
const (
	refreshAhead     = 10 * time.Minute
	refreshEvery     = time.Minute
	refreshBatch     = 100
	refreshLease     = 2 * time.Minute
	reasonRefreshing = "refreshing the access token"
)

// Run renews Alipay+ access tokens before they expire until ctx is done.
func (d *Refresher) Run(ctx context.Context) {
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	for {
		d.RefreshDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RefreshDue renews every token that expires within refreshAhead.
func (d *Refresher) RefreshDue(ctx context.Context) {
	rows, err := d.store.ListExpiringTokens(ctx, d.now().Add(refreshAhead), refreshBatch)
	if err != nil {
		d.log.WarnContext(ctx, "list expiring tokens", "error", err)
		return
	}
	for _, row := range rows {
		if _, err := d.refreshOne(ctx, row); err != nil {
			d.log.WarnContext(ctx, "refresh Alipay+ token", "tenant", row.TenantID, "channel", row.ChannelID, "subscription", row.ID, "error", err)
		}
	}
}

// refreshOne renews one authorization and returns the row as stored afterwards. It first
// claims the row with an optimistic update, so that of several replicas only one spends
// the (possibly single-use) refresh token. A nil row means another replica has it.
func (d *Refresher) refreshOne(ctx context.Context, row *store.Subscription) (*store.Subscription, error) {
	now := d.now()
	if row.RefreshExpireTime != nil && now.After(*row.RefreshExpireTime) {
		return row, d.expire(ctx, row, "the refresh token expired; the user must authorize again")
	}
	if row.StateReason == reasonRefreshing && now.Sub(row.UpdateTime) < refreshLease {
		return nil, nil // another replica holds the lease
	}
	held := row.StateReason
	if held == reasonRefreshing { // an expired lease of a replica that stopped midway
		held = "authorized by the user"
	}
	row.StateReason = reasonRefreshing
	if err := d.store.UpdateSubscription(ctx, row); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, nil // another replica has it
		}
		return nil, err
	}
	ch, err := d.store.GetChannel(ctx, row.TenantID, row.ChannelID)
	if err != nil {
		return nil, err
	}
	refresh, err := d.conn.RefreshToken(row)
	if err != nil {
		return nil, err
	}
	authz, err := d.conn.Authorizer(ch)
	if err != nil {
		return nil, err
	}
	tok, err := authz.RefreshToken(ctx, refresh)
	// From here the refresh token may be spent at Alipay: the outcome is written even if
	// the server is shutting down.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err != nil {
		if tokenRefused(err) {
			return row, d.expire(wctx, row, "Alipay refused to refresh the token: "+alipayerr.Public(err))
		}
		// Anything else (Alipay unreachable, the channel's own credentials failing) says
		// nothing about the user's authorization: give the lease back and try again later.
		row.StateReason = held
		if uerr := d.store.UpdateSubscription(wctx, row); uerr != nil {
			d.log.WarnContext(ctx, "release token refresh lease", "error", uerr)
		}
		return nil, err
	}
	if err := d.conn.SealTokens(row, tok); err != nil {
		return nil, err
	}
	row.StateReason = "access token renewed"
	// A revision check: if an operator cancelled the authorization meanwhile, that wins.
	if err := d.store.UpdateSubscription(wctx, row); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil, nil
		}
		return nil, err
	}
	return row, nil
}

// tokenRefused reports whether Alipay refused the refresh token itself (expired, used,
// invalid, the user withdrew), as opposed to failing for another reason.
func tokenRefused(err error) bool {
	var ae *alipayerr.Error
	if !errors.As(err, &ae) || !ae.Verified {
		return false
	}
	return ae.Class == alipayerr.NotSubscribed || strings.Contains(strings.ToUpper(ae.SubCode), "REFRESH_TOKEN")
}

// expire marks an authorization whose tokens can no longer be renewed.
func (d *Refresher) expire(ctx context.Context, row *store.Subscription, reason string) error {
	row.State, row.StateReason = "EXPIRED", reason
	return d.store.UpdateSubscription(ctx, row)
}

// Renew renews row's access token now, because Alipay+ answered that it expired. It
// returns the row as stored afterwards (ACTIVE with a new token, or EXPIRED when Alipay+
// refused the refresh token), or nil when another replica is renewing it at this moment.
func (d *Refresher) Renew(ctx context.Context, row *store.Subscription) (*store.Subscription, error) {
	return d.refreshOne(ctx, row)
}
