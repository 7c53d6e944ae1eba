package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/store"
)

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

// refreshTokens renews Alipay+ access tokens before they expire until ctx is done.
func (d *deps) refreshTokens(ctx context.Context) {
	t := time.NewTicker(refreshEvery)
	defer t.Stop()
	for {
		d.refreshDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// refreshDue renews every token that expires within refreshAhead.
func (d *deps) refreshDue(ctx context.Context) {
	rows, err := d.store.ListExpiringTokens(ctx, d.now().Add(refreshAhead), refreshBatch)
	if err != nil {
		d.log.WarnContext(ctx, "list expiring tokens", "error", err)
		return
	}
	for _, row := range rows {
		if err := d.refreshOne(ctx, row); err != nil {
			d.log.WarnContext(ctx, "refresh Alipay+ token", "tenant", row.TenantID, "channel", row.ChannelID, "subscription", row.ID, "error", err)
		}
	}
}

// refreshOne renews one authorization. It first claims the row with an optimistic update,
// so that of several replicas only one spends the (possibly single-use) refresh token.
func (d *deps) refreshOne(ctx context.Context, row *store.Subscription) error {
	now := d.now()
	if row.RefreshExpireTime != nil && now.After(*row.RefreshExpireTime) {
		return d.expire(ctx, row, "the refresh token expired; the user must authorize again")
	}
	if row.StateReason == reasonRefreshing && now.Sub(row.UpdateTime) < refreshLease {
		return nil // another replica holds the lease
	}
	held := row.StateReason
	if held == reasonRefreshing { // an expired lease of a replica that stopped midway
		held = "authorized by the user"
	}
	row.StateReason = reasonRefreshing
	if err := d.store.UpdateSubscription(ctx, row); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return nil // another replica has it
		}
		return err
	}
	ch, err := d.store.GetChannel(ctx, row.TenantID, row.ChannelID)
	if err != nil {
		return err
	}
	refresh, err := d.keys.Open(row.RefreshToken, tokenAD(row, "refresh_token"))
	if err != nil {
		return err
	}
	authz, err := d.authorizerFor(ch)
	if err != nil {
		return err
	}
	tok, err := authz.RefreshToken(ctx, string(refresh))
	// From here the refresh token may be spent at Alipay: the outcome is written even if
	// the server is shutting down.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	if err != nil {
		if tokenRefused(err) {
			return d.expire(wctx, row, "Alipay refused to refresh the token: "+err.Error())
		}
		// Anything else (Alipay unreachable, the channel's own credentials failing) says
		// nothing about the user's authorization: give the lease back and try again later.
		row.StateReason = held
		if uerr := d.store.UpdateSubscription(wctx, row); uerr != nil {
			d.log.WarnContext(ctx, "release token refresh lease", "error", uerr)
		}
		return err
	}
	if err := d.sealTokens(row, tok); err != nil {
		return err
	}
	row.StateReason = "access token renewed"
	// A revision check: if an operator cancelled the authorization meanwhile, that wins.
	if err := d.store.UpdateSubscription(wctx, row); err != nil && !errors.Is(err, store.ErrConflict) {
		return err
	}
	return nil
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
func (d *deps) expire(ctx context.Context, row *store.Subscription, reason string) error {
	row.State, row.StateReason = "EXPIRED", reason
	return d.store.UpdateSubscription(ctx, row)
}
