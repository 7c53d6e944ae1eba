package delivery

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// Channel types as stored.
const (
	typeLifeAccount = "ALIPAY_LIFE_ACCOUNT"
	typeMiniProgram = "ALIPAY_MINI_PROGRAM"
	typeAlipayPlus  = "ALIPAY_PLUS_MINI_PROGRAM"
)

// attempt is one claimed message on its way to Alipay.
type attempt struct {
	d    *Dispatcher
	c    *store.Claimed
	lane *lane
	now  time.Time

	ch  *channelEntry
	tpl *store.Template
	// row is the recipient's ledger row (nil until looked up); reserved is set when this
	// attempt took a one-time acceptance.
	row      *store.Subscription
	reserved bool
	// refreshed is set once the recipient's Alipay+ token was renewed during the attempt.
	refreshed bool
	// traceID is the attempt span's trace, recorded on the attempt's events.
	traceID string
}

// deliver takes a claimed message through one attempt and hands the outcome to the
// writer. The call is not cancelled when the dispatcher stops: an attempt that reached
// Alipay must have its answer recorded.
func (d *Dispatcher) deliver(c *store.Claimed, l *lane) {
	ctx, cancel := context.WithTimeout(context.Background(), d.cfg.CallTimeout+writeTimeout)
	defer cancel()
	a := &attempt{d: d, c: c, lane: l, now: d.now()}
	ctx, span := a.startSpan(ctx)
	out := a.run(ctx)
	a.endSpan(span, out)
	d.ledger.Delete(store.MessageRef{TenantID: c.TenantID, ID: c.ID}) // a hint the attempt did not use
	d.results <- &result{out: out, product: a.product()}
}

func (a *attempt) product() string {
	if a.ch != nil && a.ch.ch != nil {
		return a.ch.ch.Type
	}
	return "unknown"
}

// run decides what becomes of the message, calling Alipay when everything allows it.
func (a *attempt) run(ctx context.Context) *store.Outcome {
	m := a.c.Message
	if m.ExpireTime != nil && !a.now.Before(*m.ExpireTime) {
		return a.expired()
	}
	ref := store.ChannelRef{TenantID: m.TenantID, ChannelID: m.ChannelID}
	ch, err := a.d.cache.channel(ctx, ref)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a.fail(store.ReasonChannelDeleted)
	case err != nil:
		return a.later(ctx, "could not read the channel: "+err.Error(), a.d.cfg.RateLimitDelay)
	}
	a.ch = ch
	a.lane.setPolicy(a.maxInFlight(), a.perSecond())
	if ch.ch.State == "DISABLED" || ch.ch.State == "AUTH_FAILED" {
		return a.hold()
	}
	a.tpl, err = a.d.cache.template(ctx, m.TenantID, m.ChannelID, m.TemplateID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return a.fail(store.ReasonTemplateDeleted)
	case err != nil:
		return a.later(ctx, "could not read the template: "+err.Error(), a.d.cfg.RateLimitDelay)
	case a.tpl.State == "INVALID":
		return a.fail(fmt.Sprintf("not sent: template %s is INVALID (%s)", a.tpl.ID, a.tpl.StateReason))
	}
	if out := a.checkBroadcast(ctx); out != nil {
		return out
	}
	if out := a.checkQuietHours(); out != nil {
		return out
	}
	if a.c.TakenOver && a.atMostOnce() {
		return a.failUnknown("a dispatcher stopped while it was sending this message")
	}
	msg, out := a.prepare(ctx)
	if out != nil {
		return out
	}
	return a.call(ctx, msg)
}

// prepare checks the recipient's ledger row and builds the adapter's message; an outcome
// means the message goes no further.
func (a *attempt) prepare(ctx context.Context) (*adapter.Message, *store.Outcome) {
	if out := a.checkLedger(ctx); out != nil {
		return nil, out
	}
	if out := a.checkCap(ctx); out != nil {
		return nil, a.giveBack(out)
	}
	if out := a.checkDuplicate(ctx); out != nil {
		return nil, a.giveBack(out)
	}
	tpl, err := a.d.cache.adapterTemplate(a.tpl)
	if err != nil {
		return nil, a.giveBack(a.fail("not sent: " + err.Error()))
	}
	msg, err := adapterMessage(a.c.Message, tpl)
	if err != nil {
		return nil, a.giveBack(a.fail("not sent: " + err.Error()))
	}
	if a.row != nil && a.ch.ch.Type == typeAlipayPlus {
		if msg.AccessToken, err = a.d.conn.AccessToken(a.row); err != nil {
			return nil, a.fail("not sent: the user's access token cannot be opened: " + err.Error())
		}
	}
	return msg, nil
}

// call sends the message and applies Alipay's answer.
func (a *attempt) call(ctx context.Context, msg *adapter.Message) *store.Outcome {
	ad, err := a.d.cache.adapterOf(a.ch)
	if err != nil {
		return a.giveBack(a.holdFor("the channel's credentials cannot be used: " + err.Error()))
	}
	if !a.d.leaseLasts(a.c) {
		return a.giveBack(a.d.released(a.c, "given back untried: this dispatcher could not keep its lease"))
	}
	// The channel's shared rate is taken last, right before the request leaves, so the
	// requests reach Alipay spaced as their slots are.
	if err := a.lane.schedule.turn(ctx, a.perSecond(), a.burst(), a.lane.pending(), a.d.now); err != nil {
		return a.giveBack(a.d.released(a.c, "given back untried: the dispatcher stopped before its turn to send"))
	}
	// The turn may have come long after the checks: a broadcast paused or cancelled since
	// still stops the message.
	a.now = a.d.now()
	if out := a.checkBroadcast(ctx); out != nil {
		return a.giveBack(out)
	}
	cctx, cancel := context.WithTimeout(ctx, a.d.cfg.CallTimeout)
	start := time.Now()
	a.d.metrics.inFlight.Inc()
	res, err := ad.Send(cctx, msg)
	a.d.metrics.inFlight.Dec()
	cancel()
	latency := time.Since(start)
	a.d.metrics.latency.WithLabelValues(a.product()).Observe(latency.Seconds())
	a.now = a.d.now()
	if err == nil {
		a.lane.pace.recover(a.now)
		return a.sent(res, latency)
	}
	if alipayerr.TokenExpired(err) && !a.refreshed {
		if out := a.renewToken(ctx); out != nil {
			return out
		}
		if msg.AccessToken, err = a.d.conn.AccessToken(a.row); err != nil {
			return a.fail("not sent: the user's renewed access token cannot be opened: " + err.Error())
		}
		return a.call(ctx, msg)
	}
	return a.answered(ctx, err, latency)
}

func (a *attempt) maxInFlight() int {
	if n := a.ch.policy.GetMaxInFlight(); n > 0 {
		return int(n)
	}
	return a.d.cfg.MaxInFlight
}

func (a *attempt) perSecond() float64 { return perSecondOf(a.ch.policy, a.d.cfg) }

// burst is how many sends beyond its rate an idle channel may start at once.
func (a *attempt) burst() int { return burstFor(a.ch.policy, a.d.cfg) }

// perSecondOf is a channel's rate: its policy's, or the dispatcher's default.
func perSecondOf(p *reachv1.DeliveryPolicy, cfg Config) float64 {
	if n := p.GetMaxSendsPerSecond(); n > 0 {
		return float64(n)
	}
	return cfg.SendsPerSecond
}

// burstFor is a channel's burst: its policy's, or a twentieth of its rate.
func burstFor(p *reachv1.DeliveryPolicy, cfg Config) int {
	if n := p.GetBurst(); n > 0 {
		return int(n)
	}
	return burstOf(perSecondOf(p, cfg))
}

func (a *attempt) maxAttempts() int {
	if n := a.ch.policy.GetMaxAttempts(); n > 0 {
		return int(n)
	}
	return a.d.cfg.MaxAttempts
}

// atMostOnce: an unknown outcome on this channel fails the message instead of retrying it.
// Alipay+ retries carry the same requestId and are delivered once, so they always retry.
func (a *attempt) atMostOnce() bool {
	return a.ch.policy.GetAtMostOnce() && a.ch.ch.Type != typeAlipayPlus
}
