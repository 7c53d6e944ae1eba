package server

import (
	"context"
	"fmt"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/rules"
	"github.com/reachhq/reach/store"
)

// verifyTimeout bounds how long a create, update or enable waits for Alipay: past it the
// call returns with the channel UNVERIFIED and a reason, rather than hanging.
const verifyTimeout = 4 * time.Second

// verify checks ch's credentials with Alipay and records the outcome in ch (not saved):
// ENABLED when Alipay accepted them, AUTH_FAILED with Alipay's code when it rejected them,
// UNVERIFIED with the reason when the check could not run.
func (d *deps) verify(ctx context.Context, ch *store.Channel) {
	ctx, cancel := context.WithTimeout(ctx, verifyTimeout)
	defer cancel()
	err := d.checkCredentials(ctx, ch)
	now := d.now()
	reason, refused := rules.ChannelRefused(err)
	switch {
	case err == nil:
		ch.State, ch.StateReason, ch.VerifyTime = "ENABLED", "verified with Alipay", &now
	case refused:
		ch.State, ch.StateReason, ch.VerifyTime = "AUTH_FAILED", reason, &now
	default:
		// A check that could not run says nothing about the credentials: a channel Alipay
		// accepted (or rejected) keeps that state, so an outage never stops a working
		// channel; only the reason tells. New and rotated credentials are UNVERIFIED already.
		ch.StateReason = "verification could not run: " + alipayerr.Public(err)
		d.log.WarnContext(ctx, "channel verification could not run", "channel", ch.ID, "error", err)
	}
}

func (d *deps) checkCredentials(ctx context.Context, ch *store.Channel) error {
	// A certificate adopted during the check goes into the record being verified, which
	// the caller saves (it may not exist in the store yet).
	a, err := d.conn.Build(ch, func(_ context.Context, certPEM string) error {
		_, err := appconn.AdoptAlipayCert(ch, certPEM)
		return err
	})
	if err != nil {
		return fmt.Errorf("build adapter: %w", err)
	}
	return a.Verify(ctx)
}
