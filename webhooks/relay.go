package webhooks

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"time"

	"github.com/reachhq/reach/internal/feed"
	"github.com/reachhq/reach/store"
)

// relayBatch is how many events of each table one relay step reads.
const relayBatch = 500

// relayLease is how long the relay is this replica's without renewal; another replica takes
// over when it runs out.
const relayLease = 15 * time.Second

// feedState is where the relay is in both event tables, saved with the deliveries it queues.
type feedState struct {
	Messages  feed.Cursor `json:"messages"`
	Resources feed.Cursor `json:"resources"`
}

// relay turns new events into deliveries for the endpoints that subscribe to them.
type relay struct {
	cfg   Config
	store store.Store
	log   *slog.Logger
	// queued is told when deliveries were queued, so the local deliverer looks at once.
	queued func()
}

// run steps while it holds the relay lease, and looks for the lease at every poll when it
// does not.
func (r *relay) run(ctx context.Context) {
	for ctx.Err() == nil {
		more, err := r.step(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.WarnContext(ctx, "webhook relay step failed", "error", err)
		}
		if more {
			continue
		}
		select {
		case <-ctx.Done():
		case <-time.After(r.cfg.Poll):
		}
	}
}

// step queues the deliveries of one batch of new events; more says another batch is waiting.
func (r *relay) step(ctx context.Context) (more bool, err error) {
	now := r.cfg.Now()
	raw, ok, err := r.store.LeaseWebhookRelay(ctx, r.cfg.Replica, now, now.Add(relayLease))
	if err != nil || !ok {
		return false, err
	}
	var st feedState
	hooked, err := r.store.AnyWebhookTargets(ctx)
	if err != nil {
		return false, err
	}
	if raw == "" || !hooked {
		// The first relay of a deployment starts from now: endpoints get what happens from
		// here on, not the history of every message ever sent. While no endpoint is
		// enabled anywhere the relay only keeps up, without reading a single event: a
		// deployment that uses no webhooks pays two MAX(id) lookups a poll for them.
		m, res, err := r.store.LatestEventIDs(ctx)
		if err != nil {
			return false, err
		}
		st.Messages.After, st.Resources.After = m, res
	} else if err := json.Unmarshal([]byte(raw), &st); err != nil {
		return false, errors.New("webhook relay: saved feed state unreadable: " + err.Error())
	}
	if !hooked {
		saved, _ := json.Marshal(st)
		return false, r.store.QueueWebhookDeliveries(ctx, r.cfg.Replica, nil, string(saved))
	}
	msgs, err := r.store.ReadMessageFeed(ctx, "", st.Messages.After, st.Messages.Ranges(), relayBatch)
	if err != nil {
		return false, err
	}
	res, err := r.store.ReadResourceFeed(ctx, st.Resources.After, st.Resources.Ranges(), relayBatch)
	if err != nil {
		return false, err
	}
	ds, err := r.deliveries(ctx, msgs, res)
	if err != nil {
		return false, err
	}
	st.Messages.Advance(ids(msgs, func(e *store.FeedEvent) int64 { return e.ID }), now, feed.DefaultGapKeep)
	st.Resources.Advance(ids(res, func(e *store.ResourceEvent) int64 { return e.ID }), now, feed.DefaultGapKeep)
	saved, _ := json.Marshal(st)
	if err := r.store.QueueWebhookDeliveries(ctx, r.cfg.Replica, ds, string(saved)); err != nil {
		return false, err
	}
	if len(ds) > 0 && r.queued != nil {
		r.queued()
	}
	return len(msgs) == relayBatch || len(res) == relayBatch, nil
}

// deliveries are the events' deliveries to the ENABLED endpoints that subscribe to them.
func (r *relay) deliveries(ctx context.Context, msgs []*store.FeedEvent, res []*store.ResourceEvent) ([]*store.WebhookDelivery, error) {
	var tenants []string
	for _, e := range msgs {
		tenants = append(tenants, e.TenantID)
	}
	for _, e := range res {
		tenants = append(tenants, e.TenantID)
	}
	slices.Sort(tenants)
	tenants = slices.Compact(tenants)
	hooks, err := r.store.WebhookTargets(ctx, tenants)
	if err != nil || len(hooks) == 0 {
		return nil, err
	}
	byTenant := map[string][]*store.Webhook{}
	for _, h := range hooks {
		byTenant[h.TenantID] = append(byTenant[h.TenantID], h)
	}
	var out []*store.WebhookDelivery
	add := func(tenant, typ, eventID string, payload func() (string, error)) error {
		var body string
		for _, h := range byTenant[tenant] {
			if !slices.Contains(h.EventTypes, typ) {
				continue
			}
			if body == "" {
				var err error
				if body, err = payload(); err != nil {
					return err
				}
			}
			out = append(out, &store.WebhookDelivery{TenantID: tenant, WebhookID: h.ID, EventID: eventID, Type: typ, Payload: body})
		}
		return nil
	}
	for _, e := range msgs {
		if err := add(e.TenantID, MessageEventType(e.State), messageEventID(e.ID), func() (string, error) { return messagePayload(e) }); err != nil {
			return nil, err
		}
	}
	for _, e := range res {
		if err := add(e.TenantID, e.Type, resourceEventID(e.ID), func() (string, error) { return resourcePayload(e) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func ids[T any](events []T, id func(T) int64) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = id(e)
	}
	return out
}
