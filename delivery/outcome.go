package delivery

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/rules"
	"github.com/reachhq/reach/store"
)

// outcome starts the outcome of this attempt. counted says whether Alipay was asked (the
// claim counted an attempt; anything else gives it back).
func (a *attempt) outcome(state, reason string, counted bool, label string) *store.Outcome {
	n := a.c.Attempts
	if !counted {
		n--
	}
	a.d.metrics.outcomes.WithLabelValues(a.product(), label).Inc()
	return &store.Outcome{TenantID: a.c.TenantID, MessageID: a.c.ID, Revision: a.c.Revision, State: state, StateReason: reason, Attempts: n}
}

// event adds the step to the outcome's timeline.
func (a *attempt) event(o *store.Outcome, kind, description string, e *store.AlipayError, latency time.Duration) *store.Outcome {
	o.Events = append(o.Events, &store.MessageEvent{Time: a.now, Kind: kind, State: o.State, Description: description,
		Attempt: o.Attempts, Replica: a.d.cfg.Replica, Error: e, Latency: latency})
	return o
}

// waiting is the state of a message that waits again: QUEUED until it was first tried.
func waiting(attempts int) string {
	if attempts == 0 {
		return "QUEUED"
	}
	return "SENDING"
}

func (a *attempt) due(after time.Duration) time.Time {
	t := a.now.Add(after)
	if e := a.c.ExpireTime; e != nil && e.Before(t) {
		t = *e // an expiring message is looked at when it expires
	}
	return t
}

func (a *attempt) expired() *store.Outcome {
	o := a.outcome("EXPIRED", "not accepted by Alipay before expire_time", false, "expired")
	o.LastError = a.c.LastError
	return a.event(o, store.EventExpired, o.StateReason, nil, 0)
}

// fail ends the message without a call to Alipay.
func (a *attempt) fail(reason string) *store.Outcome {
	o := a.outcome("FAILED", reason, false, "failed")
	return a.event(o, store.EventFailed, reason, nil, 0)
}

// later puts the message back without counting an attempt (the store or the token
// renewal could not be read); it is tried again after delay.
func (a *attempt) later(ctx context.Context, reason string, delay time.Duration) *store.Outcome {
	o := a.outcome("", reason, false, "deferred")
	o.State, o.DueTime = waiting(o.Attempts), a.due(delay)
	o.StateReason = cmp.Or(a.c.StateReason, reason)
	a.d.log.WarnContext(ctx, "message deferred", "message", a.c.ID, "reason", reason)
	return o
}

// hold keeps the message of a disabled or refused channel until the channel is enabled
// again; the dispatcher stops claiming the channel's messages meanwhile.
func (a *attempt) hold() *store.Outcome {
	ch := a.ch.ch
	return a.holdFor(fmt.Sprintf("held: the channel is %s (%s); it is sent when the channel is enabled again", ch.State, ch.StateReason))
}

func (a *attempt) holdFor(reason string) *store.Outcome {
	a.d.holdChannel(store.ChannelRef{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID})
	o := a.outcome("QUEUED", reason, false, "held")
	o.DueTime = a.due(a.d.cfg.HoldFor)
	if a.c.StateReason != reason { // one event when the hold starts, not one per look
		a.event(o, store.EventHeld, reason, nil, 0)
	}
	return o
}

// failUnknown ends a message taken over from a stopped replica on an at-most-once channel:
// that replica's attempt may have been delivered (it counted it; this one makes none).
func (a *attempt) failUnknown(why string) *store.Outcome {
	reason := "not retried (the channel is at-most-once) and it may have been delivered: " + why
	o := a.outcome("FAILED", reason, false, "failed")
	o.LastError = a.c.LastError
	return a.event(o, store.EventFailed, reason, nil, 0)
}

func (a *attempt) sent(res *adapter.SendResult, latency time.Duration) *store.Outcome {
	o := a.outcome("SENT", "accepted by Alipay", true, "sent")
	o.SentTime = &a.now
	if res != nil {
		o.ExternalID = res.ExternalID
	}
	a.d.metrics.toSent.WithLabelValues(a.product()).Observe(a.now.Sub(a.c.CreateTime).Seconds())
	return a.event(o, store.EventAttempt, o.StateReason, nil, latency)
}

// answered applies a failed call's answer (§3 of the delivery issue; rules/ for what it
// does to the records around the message).
func (a *attempt) answered(ctx context.Context, err error, latency time.Duration) *store.Outcome {
	// Tenants read only alipayerr.Public of it (last_error, reasons); the whole of it,
	// the transport's words included, is for the operator.
	a.d.log.InfoContext(ctx, "alipay call failed", "message", a.c.ID, "channel", a.c.ChannelID, "error", err)
	ae := storeError(err)
	class := alipayerr.ClassOf(err)
	maybe := !rules.Definite(err)
	words := describe(err)
	var o *store.Outcome
	if reason, ok := rules.ChannelRefused(err); ok && !(maybe && a.atMostOnce()) {
		a.d.cache.markChannelRefused(a.ch.ch, reason)
		o = a.giveBack(a.holdFor("held: " + reason))
		o.Channel = &store.ChannelRefusal{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, Reason: reason, At: a.now}
		o.Events = nil // the attempt event below tells it
		o.LastError = ae
		return a.event(o, store.EventAttempt, o.StateReason, ae, latency)
	}
	// Alipay's own, signed, final word; anything else (no answer, 20000, U, an answer
	// nobody signed) leaves the outcome open.
	refusal := rules.SignedRefusal(err)
	switch reason, gone := rules.TemplateGone(err); {
	case class == alipayerr.RateLimited:
		if a.lane.pace.slowDown(a.now) {
			a.d.metrics.slowDowns.WithLabelValues(a.product()).Inc()
		}
		delay := a.d.cfg.RateLimitDelay + time.Duration(rand.Int64N(int64(a.d.cfg.RateLimitDelay)))
		o = a.outcome("", "rate limited by Alipay ("+words+"); tried again without counting an attempt", false, "rate_limited")
		o.State, o.DueTime = waiting(o.Attempts), a.due(delay)
		if !maybe {
			a.giveBack(o)
		}
	case gone:
		a.d.cache.markTemplateInvalid(a.tpl, reason, a.now)
		o = a.giveBack(a.outcome("FAILED", "not sent: "+reason, true, "failed"))
		o.Template = &store.TemplateInvalidation{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, TemplateID: a.c.TemplateID,
			Reason: reason, At: a.now, FailReason: fmt.Sprintf("not sent: template %s was marked INVALID: %s", a.c.TemplateID, reason)}
	case rules.UserRefused(err):
		o = a.outcome("FAILED", "not sent: Alipay refused the recipient ("+words+")", true, "failed")
		if a.row != nil {
			key := store.SubscriptionKey{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, TemplateID: a.row.TemplateID, User: a.row.User}
			o.Ledger = &store.LedgerChange{Key: key, Change: rules.LedgerRefusal(a.row.Kind, a.tpl.SubscriptionType, err)}
		}
	case refusal:
		o = a.giveBack(a.outcome("FAILED", "not sent: Alipay refused the message ("+words+")", true, "failed"))
	default:
		o = a.unknown(words, maybe)
	}
	o.LastError = ae
	return a.event(o, store.EventAttempt, o.StateReason, ae, latency)
}

// unknown handles an answer that does not say whether the message was delivered, or that
// failed for a while: retried with backoff, up to the channel's attempts and never past
// expire_time.
func (a *attempt) unknown(words string, maybe bool) *store.Outcome {
	if maybe && a.atMostOnce() {
		return a.outcome("FAILED", "not retried (the channel is at-most-once) and it may have been delivered: "+words, true, "failed")
	}
	n, limit := a.c.Attempts, a.maxAttempts()
	next := a.now.Add(a.d.backoff(n))
	switch {
	case n >= limit:
		return a.outcome("FAILED", fmt.Sprintf("not sent after %d attempts; the last: %s", n, words), true, "failed")
	case a.c.ExpireTime != nil && !next.Before(*a.c.ExpireTime):
		return a.outcome("FAILED", fmt.Sprintf("not sent before expire_time after %d attempts; the last: %s", n, words), true, "failed")
	}
	o := a.outcome("SENDING", fmt.Sprintf("attempt %d of %d failed (%s); next attempt at %s", n, limit, words, next.Format(time.RFC3339)), true, "retry")
	o.DueTime = next
	if !maybe {
		a.giveBack(o)
	}
	return o
}

// giveBack returns a one-time acceptance the message holds, for an answer that proves
// the message was not delivered.
func (a *attempt) giveBack(o *store.Outcome) *store.Outcome {
	if (a.reserved || a.c.Reserved) && a.tpl != nil {
		key := store.SubscriptionKey{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, TemplateID: a.tpl.ID, User: a.c.Recipient}
		o.Ledger = &store.LedgerChange{Key: key, ReturnSend: true}
	}
	return o
}

// backoff is the wait before attempt n+1: exponential with jitter, capped.
func (d *Dispatcher) backoff(n int) time.Duration {
	b := &backoff.ExponentialBackOff{InitialInterval: d.cfg.BackoffInitial, RandomizationFactor: 0.5,
		Multiplier: 2, MaxInterval: d.cfg.BackoffMax}
	b.Reset()
	var t time.Duration
	for range max(n, 1) {
		t = b.NextBackOff()
	}
	return t
}

// storeError keeps, for last_error and the timeline, Alipay's words from an answer it
// signed; of any other failure only what alipayerr.Public shows.
func storeError(err error) *store.AlipayError {
	var ae *alipayerr.Error
	if !errors.As(err, &ae) {
		return &store.AlipayError{Msg: describe(err)}
	}
	out := &store.AlipayError{Code: ae.Code, Msg: ae.Msg, SubCode: ae.SubCode, SubMsg: ae.SubMsg}
	if !ae.Verified {
		out = &store.AlipayError{Code: alipayerr.SafeCode(ae.Code), SubCode: alipayerr.SafeCode(ae.SubCode)}
	}
	if out.Code == "" && ae.HTTPStatus != 0 {
		out.Code = fmt.Sprintf("HTTP %d", ae.HTTPStatus)
	}
	if out.Msg == "" && out.SubMsg == "" {
		out.Msg = describe(err)
	}
	return out
}

// describe says in a line what Alipay answered, in words a tenant may read.
func describe(err error) string { return alipayerr.Public(err) }
