package webhooks

import (
	"context"
	"log/slog"
	"sync"

	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/store"
)

// Poster runs the relay and a deliverer: what one replica contributes to webhook delivery.
type Poster struct {
	relay *relay
	del   *deliverer
}

// New returns a Poster; Run starts it.
func New(cfg Config, st store.Store, keys *secrets.KeyRing, log *slog.Logger) *Poster {
	cfg = cfg.withDefaults()
	log = log.With("replica", cfg.Replica)
	client := webhookurl.NewClient(webhookurl.Policy{AllowPrivate: cfg.AllowPrivate}, cfg.Timeout)
	client.Transport = cfg.Tracing.Transport(client.Transport)
	d := &deliverer{cfg: cfg, store: st, keys: keys, log: log, wake: make(chan struct{}, 1),
		client: client, byEndpoint: map[string]chan struct{}{}, held: map[string]*store.WebhookDelivery{}, metrics: newMetrics(cfg.Metrics)}
	p := &Poster{del: d}
	p.relay = &relay{cfg: cfg, store: st, log: log, queued: p.Wake}
	return p
}

// Wake makes the deliverer look for due deliveries now. It never blocks.
func (p *Poster) Wake() {
	select {
	case p.del.wake <- struct{}{}:
	default:
	}
}

// Run relays and delivers until ctx ends, then waits for calls under way (each bounded by
// the call timeout) and gives back what it claimed and did not try.
func (p *Poster) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); p.relay.run(ctx) }()
	go func() { defer wg.Done(); p.del.run(ctx) }()
	wg.Wait()
	p.del.client.CloseIdleConnections()
}
