package delivery

import (
	"context"

	"github.com/reachhq/reach/store"
)

// ledgerHint is a recipient's ledger row read with its message's claim (row nil: none).
type ledgerHint struct{ row *store.Subscription }

// prefetchLedger reads the ledger rows of a claimed batch in one query per chunk, rather
// than one per message. A message's hint is used once by its attempt (a row that changes
// in between is caught by Alipay's answer, and one-time acceptances are reserved in the
// store regardless). On any error the attempts read their rows themselves.
func (d *Dispatcher) prefetchLedger(ctx context.Context, claimed []*store.Claimed) {
	keys := make([]store.SubscriptionKey, 0, len(claimed))
	byMessage := make(map[store.MessageRef]store.SubscriptionKey, len(claimed))
	seen := map[store.SubscriptionKey]bool{}
	for _, c := range claimed {
		e, err := d.cache.channel(ctx, store.ChannelRef{TenantID: c.TenantID, ChannelID: c.ChannelID})
		if err != nil {
			continue
		}
		k := store.SubscriptionKey{TenantID: c.TenantID, ChannelID: c.ChannelID, User: c.Recipient}
		if e.ch.Type == typeMiniProgram {
			k.TemplateID = c.TemplateID
		}
		byMessage[store.MessageRef{TenantID: c.TenantID, ID: c.ID}] = k
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return
	}
	rows, err := d.store.FindSubscriptions(ctx, keys)
	if err != nil {
		return
	}
	found := make(map[store.SubscriptionKey]*store.Subscription, len(rows))
	for _, r := range rows {
		found[store.SubscriptionKey{TenantID: r.TenantID, ChannelID: r.ChannelID, TemplateID: r.TemplateID, User: r.User}] = r
	}
	for ref, k := range byMessage {
		d.ledger.Store(ref, &ledgerHint{row: found[k]})
	}
}

// ledgerRow returns the prefetched row of a message, if there is one.
func (d *Dispatcher) ledgerRow(ref store.MessageRef) (*store.Subscription, bool) {
	h, ok := d.ledger.LoadAndDelete(ref)
	if !ok {
		return nil, false
	}
	return h.(*ledgerHint).row, true
}
