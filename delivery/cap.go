package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/reachhq/reach/store"
)

// checkCap gives the message its place in the recipient's frequency-cap window, just
// before the call (after the ledger, so a message that cannot be sent anyway takes no
// place). Over the cap the message fails, or by policy waits for the user's next window;
// either way a one-time acceptance it reserved is given back. A message keeps its place
// through retries, and also when Alipay then refuses it.
func (a *attempt) checkCap(ctx context.Context) *store.Outcome {
	c := a.ch.cap
	if c == nil {
		return nil
	}
	if c.MarketingOnly {
		category, err := categoryOf(a.c.Message)
		if err != nil {
			return a.fail("not sent: " + err.Error())
		}
		if !c.Applies(category) {
			return nil
		}
	}
	start, next := c.Window(a.now)
	key := store.CapKey{TenantID: a.c.TenantID, ChannelID: a.c.ChannelID, User: a.c.Recipient}
	ok, err := a.d.store.TakeCapPlace(ctx, key, a.c.ID, start, c.Max)
	switch {
	case err != nil:
		return a.later(ctx, "could not count the message against the frequency cap: "+err.Error(), a.d.cfg.RateLimitDelay)
	case ok:
		return nil
	case !c.Delay:
		return a.fail(fmt.Sprintf("not sent: the recipient already got the channel's frequency cap of %s", c))
	}
	return a.waitUntil(next, fmt.Sprintf("over the channel's frequency cap of %s for this recipient; held until %s", c, next.Format(time.RFC3339)), "over_cap")
}
