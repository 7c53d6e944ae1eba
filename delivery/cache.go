package delivery

import (
	"context"
	"sync"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/adapter"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/policy"
	"github.com/reachhq/reach/store"
)

// cache keeps channels (with their built adapters) and templates for a short while: most
// messages of a batch share them, and building an adapter parses RSA keys. A change made
// through the API is seen within the cache's lifetime; a template this dispatcher marks
// INVALID is forgotten at once.
type cache struct {
	store store.Store
	conn  *appconn.Connector
	ttl   time.Duration
	now   func() time.Time

	mu         sync.Mutex
	channels   map[store.ChannelRef]*channelEntry
	templates  map[templateRef]*templateEntry
	broadcasts map[store.BroadcastRef]*broadcastEntry
}

type templateRef struct{ tenantID, channelID, templateID string }

type channelEntry struct {
	ch      *store.Channel
	policy  *reachv1.DeliveryPolicy
	quiet   *policy.Quiet   // the policy's quiet hours, parsed; nil: none
	cap     *policy.Cap     // the policy's frequency cap, parsed; nil: none
	dedup   time.Duration   // the policy's content de-duplication window; 0: off
	adapter adapter.Adapter // built on first use, for this revision
	err     error
	at      time.Time
}

type templateEntry struct {
	tpl *store.Template
	err error
	at  time.Time
	// adapted is tpl as the adapter takes it, decoded once per read rather than per message.
	adapted *adapter.Template
}

func newCache(st store.Store, conn *appconn.Connector, ttl time.Duration, now func() time.Time) *cache {
	return &cache{store: st, conn: conn, ttl: ttl, now: now,
		channels: map[store.ChannelRef]*channelEntry{}, templates: map[templateRef]*templateEntry{},
		broadcasts: map[store.BroadcastRef]*broadcastEntry{}}
}

// channel returns a channel and its delivery policy.
func (c *cache) channel(ctx context.Context, ref store.ChannelRef) (*channelEntry, error) {
	c.mu.Lock()
	e, ok := c.channels[ref]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e, e.err
	}
	ch, err := c.store.GetChannel(ctx, ref.TenantID, ref.ChannelID)
	fresh := &channelEntry{ch: ch, err: err, at: c.now()}
	if err == nil {
		cfg, cerr := appconn.Config(ch)
		if cerr != nil {
			return nil, cerr
		}
		fresh.policy = cfg.GetDeliveryPolicy()
		// The API checked the quiet hours; a policy stored by an older version that does
		// not parse has none rather than stopping the channel.
		fresh.quiet, _ = policy.ParseQuiet(fresh.policy.GetQuietHours())
		fresh.cap, _ = policy.ParseCap(fresh.policy)
		fresh.dedup, _ = policy.DedupWindow(fresh.policy)
		if ok && e.ch != nil && e.ch.Revision == ch.Revision {
			fresh.adapter = e.adapter // same credentials: keep the built adapter
		}
	}
	if err != nil && ctx.Err() != nil {
		return nil, err // not the channel's fault: do not remember it
	}
	c.mu.Lock()
	c.channels[ref] = fresh
	c.mu.Unlock()
	return fresh, err
}

// adapterOf returns the entry's adapter, building it once.
func (c *cache) adapterOf(e *channelEntry) (adapter.Adapter, error) {
	c.mu.Lock()
	a := e.adapter
	c.mu.Unlock()
	if a != nil {
		return a, nil
	}
	a, err := c.conn.Adapter(e.ch)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	e.adapter = a
	c.mu.Unlock()
	return a, nil
}

// template returns a template of a channel.
func (c *cache) template(ctx context.Context, tenantID, channelID, templateID string) (*store.Template, error) {
	ref := templateRef{tenantID, channelID, templateID}
	c.mu.Lock()
	e, ok := c.templates[ref]
	c.mu.Unlock()
	if ok && c.now().Sub(e.at) < c.ttl {
		return e.tpl, e.err
	}
	tpl, err := c.store.GetTemplate(ctx, tenantID, channelID, templateID)
	if err != nil && ctx.Err() != nil {
		return nil, err
	}
	c.mu.Lock()
	c.templates[ref] = &templateEntry{tpl: tpl, err: err, at: c.now()}
	c.mu.Unlock()
	return tpl, err
}

// markChannelRefused records at once, for this dispatcher, that Alipay refused a channel.
func (c *cache) markChannelRefused(ch *store.Channel, reason string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	ref := store.ChannelRef{TenantID: ch.TenantID, ChannelID: ch.ID}
	if e, ok := c.channels[ref]; ok && e.ch != nil {
		refused := *e.ch
		if refused.State == "ENABLED" || refused.State == "UNVERIFIED" {
			refused.State, refused.StateReason = "AUTH_FAILED", reason
		}
		c.channels[ref] = &channelEntry{ch: &refused, policy: e.policy, at: c.now()}
	}
}

// markTemplateInvalid records at once, for this dispatcher, that a template is gone.
func (c *cache) markTemplateInvalid(t *store.Template, reason string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	invalid := *t
	invalid.State, invalid.StateReason, invalid.InvalidTime = "INVALID", reason, &at
	c.templates[templateRef{t.TenantID, t.ChannelID, t.ID}] = &templateEntry{tpl: &invalid, at: c.now()}
}

// adapterTemplate is t as the adapter takes it, decoded once for the cached read of t.
func (c *cache) adapterTemplate(t *store.Template) (adapter.Template, error) {
	ref := templateRef{t.TenantID, t.ChannelID, t.ID}
	c.mu.Lock()
	e := c.templates[ref]
	if e != nil && e.tpl == t && e.adapted != nil {
		v := *e.adapted
		c.mu.Unlock()
		return v, nil
	}
	c.mu.Unlock()
	v, err := adapterTemplate(t)
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if e != nil && e.tpl == t {
		e.adapted = &v
	}
	c.mu.Unlock()
	return v, nil
}
