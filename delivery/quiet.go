package delivery

import (
	"fmt"
	"time"

	"google.golang.org/protobuf/encoding/protojson"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
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
	reason := fmt.Sprintf("held for the channel's quiet hours (%s) until %s", q, until.Format(time.RFC3339))
	o := a.outcome("", reason, false, "quiet_hours")
	o.State, o.DueTime = waiting(o.Attempts), a.due(until.Sub(a.now))
	if a.c.StateReason != reason { // one event per quiet period, however often it is looked at
		a.event(o, store.EventHeld, reason, nil, 0)
	}
	return o
}

// categoryOf reads a message's category from its payload; messages queued before
// categories existed, and those that name none, are TRANSACTIONAL.
func categoryOf(m *store.Message) (reachv1.MessageCategory, error) {
	content := &reachv1.Message{}
	if len(m.Payload) > 0 {
		if err := protojson.Unmarshal(m.Payload, content); err != nil {
			return 0, fmt.Errorf("decode message %s payload: %w", m.ID, err)
		}
	}
	if content.Category == reachv1.MessageCategory_MESSAGE_CATEGORY_UNSPECIFIED {
		return reachv1.MessageCategory_MESSAGE_CATEGORY_TRANSACTIONAL, nil
	}
	return content.Category, nil
}
