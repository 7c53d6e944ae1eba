package delivery

import (
	"fmt"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

// checkQuietHours holds (or fails, by policy) a MARKETING message that is due inside its
// channel's quiet hours; TRANSACTIONAL messages go at any hour. A held message is due
// again when the period ends, or at its expire_time if that comes first, when it expires.
func (a *attempt) checkQuietHours() *store.Outcome {
	q := a.ch.quiet
	if q == nil {
		return nil
	}
	until, quiet := q.Until(a.now)
	if !quiet {
		return nil
	}
	category, err := categoryOf(a.c.Message)
	if err != nil {
		return a.fail("not sent: " + err.Error())
	}
	if category != reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING {
		return nil
	}
	if q.Fail {
		return a.fail(fmt.Sprintf("not sent: a MARKETING message due in the channel's quiet hours (%s)", q))
	}
	return a.waitUntil(until, fmt.Sprintf("held for the channel's quiet hours (%s) until %s", q, until.Format(time.RFC3339)), "quiet_hours")
}

// waitUntil puts the message back, untried, until a policy lets it go (or it expires
// first), with one HELD event per hold however often it is looked at meanwhile.
func (a *attempt) waitUntil(until time.Time, reason, label string) *store.Outcome {
	o := a.outcome("", reason, false, label)
	o.State, o.DueTime = waiting(o.Attempts), a.due(until.Sub(a.now))
	if a.c.StateReason != reason {
		a.event(o, store.EventHeld, reason, nil, 0)
	}
	return o
}

// categoryOf reads a message's category from its payload, with the default applied.
func categoryOf(m *store.Message) (reachv1.MessageCategory, error) {
	content, err := payloadContent(m)
	if err != nil {
		return 0, err
	}
	return policy.Category(content.Category), nil
}
