package server

import (
	"cmp"
	"context"
	"time"

	"github.com/hashicorp/golang-lru/v2/expirable"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// Every send reads its API key, its template and the template's channel. Read from the
// database each time, those reads cost more than the write itself; they are kept here for
// a short time instead (expirable LRU: bounded in size and in age). What keeps each one
// correct:
//   - API keys: a revoked key, or a key of a deleted tenant, works at most KeyCacheFor
//     longer on a replica that used it just before (other replicas revoke nothing
//     locally: the bound is the same everywhere).
//   - Templates: a send validated against a cached template is written only if the
//     template is still at that revision (store.SendGuard, checked in the insert's
//     transaction); otherwise it is validated again from fresh reads. A send rejected
//     on cached reads is validated again from fresh reads before the rejection is
//     answered. A stale template can never change an answer.
//   - Channels: a send uses only a channel's type, which never changes; a deleted
//     channel takes its templates with it, which the template guard sees.

const (
	defaultKeyCacheFor  = 5 * time.Second
	defaultReadCacheFor = 10 * time.Second
	readCacheSize       = 4096
)

type templateKey struct{ tenant, channel, id string }

// cachedTemplate is a template with its options decoded once.
type cachedTemplate struct {
	tpl     *store.Template
	options *reachv1.Template
}

type readCache struct {
	keys      *expirable.LRU[string, *store.APIKey]
	templates *expirable.LRU[templateKey, *cachedTemplate]
	channels  *expirable.LRU[store.ChannelRef, *store.Channel]
}

// newReadCache keeps keys for keyFor and templates and channels for readFor; a negative
// duration turns that cache off.
func newReadCache(keyFor time.Duration) *readCache {
	c := &readCache{}
	if keyFor >= 0 {
		c.keys = expirable.NewLRU[string, *store.APIKey](readCacheSize, nil, cmp.Or(keyFor, defaultKeyCacheFor))
	}
	c.templates = expirable.NewLRU[templateKey, *cachedTemplate](readCacheSize, nil, defaultReadCacheFor)
	c.channels = expirable.NewLRU[store.ChannelRef, *store.Channel](readCacheSize, nil, defaultReadCacheFor)
	return c
}

// apiKey returns the key with this id, from the cache or the store.
func (c *readCache) apiKey(ctx context.Context, keys store.APIKeyStore, id string) (*store.APIKey, error) {
	if c.keys != nil {
		if k, ok := c.keys.Get(id); ok {
			return k, nil
		}
	}
	k, err := keys.GetAPIKey(ctx, id)
	if err != nil {
		return nil, err
	}
	if c.keys != nil {
		c.keys.Add(id, k)
	}
	return k, nil
}

// template returns a template and its decoded options, from the cache (unless fresh)
// or the store.
func (c *readCache) template(ctx context.Context, st store.TemplateStore, tenantID, channelID, id string, fresh bool) (*cachedTemplate, error) {
	k := templateKey{tenantID, channelID, id}
	if t, ok := c.templates.Get(k); ok && !fresh {
		return t, nil
	}
	tpl, err := st.GetTemplate(ctx, tenantID, channelID, id)
	if err != nil {
		return nil, err
	}
	opts, err := templateToProto(tpl)
	if err != nil {
		return nil, err
	}
	t := &cachedTemplate{tpl: tpl, options: opts}
	c.templates.Add(k, t)
	return t, nil
}

// channel returns a channel from the cache (unless fresh) or the store.
func (c *readCache) channel(ctx context.Context, st store.ChannelStore, ref store.ChannelRef, fresh bool) (*store.Channel, error) {
	if ch, ok := c.channels.Get(ref); ok && !fresh {
		return ch, nil
	}
	ch, err := st.GetChannel(ctx, ref.TenantID, ref.ChannelID)
	if err != nil {
		return nil, err
	}
	c.channels.Add(ref, ch)
	return ch, nil
}
