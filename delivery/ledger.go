package delivery

import (
	"context"
	"errors"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/store"
)

// What a recipient without a usable ledger row is told, by product.
const (
	reasonNotFollowing = "not sent: the recipient does not follow the Life Account as far as Reach knows; follows arrive through the channel's notify endpoint"
	reasonNoAcceptance = "not sent: no one-time acceptance of this template is left for the recipient; record the user's subscribe result (RecordSubscribeResult) or sync it (SyncSubscriptions)"
	reasonNoLongTerm   = "not sent: the recipient has no active long-term subscription to this template; record it (RecordSubscribeResult) or sync it (SyncSubscriptions)"
	reasonNotAuthed    = "not sent: the recipient has not authorized the mini program to send messages; authorize the user (AuthorizeUser)"
)

// checkLedger makes sure the recipient may receive the message before Alipay is called:
// a one-time acceptance is reserved (spent exactly once), anything else is checked.
func (a *attempt) checkLedger(ctx context.Context) *store.Outcome {
	m := a.c.Message
	templateID := ""
	if a.ch.ch.Type == typeMiniProgram {
		templateID = a.tpl.ID
	}
	if a.ch.ch.Type == typeMiniProgram && a.tpl.SubscriptionType == "ONE_TIME" && !m.Reserved {
		key := store.SubscriptionKey{TenantID: m.TenantID, ChannelID: m.ChannelID, TemplateID: templateID, User: m.Recipient}
		ok, err := a.d.store.ReserveSend(ctx, key, m.ID)
		switch {
		case err != nil:
			return a.later(ctx, "could not reserve a one-time acceptance: "+err.Error(), a.d.cfg.RateLimitDelay)
		case !ok:
			return a.fail(reasonNoAcceptance)
		}
		a.reserved = true
	}
	row, known := a.d.ledgerRow(store.MessageRef{TenantID: m.TenantID, ID: m.ID})
	// A reserved message only needs the row's identity, which the claim's read has
	// (unless the row was created since).
	if !known || (a.reserved && row == nil) {
		var err error
		row, err = a.d.store.FindSubscription(ctx, m.TenantID, m.ChannelID, templateID, m.Recipient)
		switch {
		case errors.Is(err, store.ErrNotFound):
			row = nil
		case err != nil:
			return a.giveBack(a.later(ctx, "could not read the ledger: "+err.Error(), a.d.cfg.RateLimitDelay))
		}
	}
	a.row = row
	if a.reserved || m.Reserved {
		return nil // the acceptance is this message's, whatever the row says now
	}
	active := row != nil && row.State == "ACTIVE"
	switch a.ch.ch.Type {
	case typeLifeAccount:
		if !active {
			return a.fail(reasonNotFollowing)
		}
	case typeMiniProgram:
		if !active {
			return a.fail(reasonNoLongTerm)
		}
	case typeAlipayPlus:
		if !active || len(row.AccessToken) == 0 {
			return a.fail(reasonNotAuthed)
		}
		if row.TokenExpireTime != nil && !a.now.Before(*row.TokenExpireTime) {
			return a.renewToken(ctx)
		}
	}
	return nil
}

// renewToken renews the recipient's Alipay+ access token (it expired, or Alipay+ said so)
// and leaves the renewed row in a.row; an outcome means the message cannot go on now.
func (a *attempt) renewToken(ctx context.Context) *store.Outcome {
	a.refreshed = true
	a.d.metrics.outcomes.WithLabelValues(a.product(), "token_refreshed").Inc()
	row, err := a.d.refresher.Renew(ctx, a.row)
	switch {
	case row != nil && row.State == "EXPIRED":
		return a.fail("not sent: the recipient's authorization expired: " + row.StateReason)
	case err != nil:
		return a.later(ctx, "could not renew the recipient's access token: "+alipayerr.Public(err), a.d.cfg.RateLimitDelay)
	case row == nil:
		return a.later(ctx, "another dispatcher is renewing the recipient's access token", a.d.cfg.RateLimitDelay)
	}
	a.row = row
	return nil
}
