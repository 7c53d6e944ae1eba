package webhooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/internal/stdwebhook"
	"github.com/reachhq/reach/store"
)

// deliverer posts due deliveries, a bounded number at a time.
type deliverer struct {
	cfg    Config
	store  store.Store
	keys   *secrets.KeyRing
	client *http.Client
	log    *slog.Logger
	wake   chan struct{}

	mu         sync.Mutex
	byEndpoint map[string]chan struct{}          // per-endpoint call slots
	held       map[string]*store.WebhookDelivery // claimed and not yet recorded, by key

	metrics *metrics
}

// run claims due deliveries while it has free call slots and posts each in its own
// goroutine; on return every call it started has finished.
func (d *deliverer) run(ctx context.Context) {
	slots := make(chan struct{}, d.cfg.Concurrency)
	var wg sync.WaitGroup
	defer wg.Wait()
	renewing, stopRenewing := context.WithCancel(ctx)
	defer stopRenewing()
	wg.Go(func() { d.renewLeases(renewing) })
	for ctx.Err() == nil {
		free := cap(slots) - len(slots)
		var claimed []*store.WebhookDelivery
		if free > 0 {
			var err error
			claimed, err = d.store.ClaimWebhookDeliveries(ctx, d.cfg.Replica, d.cfg.Now(), d.cfg.Lease, free)
			if err != nil && ctx.Err() == nil {
				d.log.WarnContext(ctx, "claim webhook deliveries", "error", err)
			}
		}
		for _, del := range claimed {
			slots <- struct{}{}
			d.hold(del)
			wg.Add(1)
			go func() {
				defer func() { d.letGo(del); <-slots; wg.Done() }()
				d.deliver(ctx, del)
			}()
		}
		if len(claimed) == free && free > 0 {
			continue // there may be more due
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-time.After(d.cfg.Poll):
		}
	}
}

func heldKey(del *store.WebhookDelivery) string {
	return del.TenantID + "/" + del.WebhookID + "/" + del.EventID
}

func (d *deliverer) hold(del *store.WebhookDelivery) {
	d.mu.Lock()
	d.held[heldKey(del)] = del
	d.mu.Unlock()
}

// letGo forgets del once its try is recorded or given back. The same event may have been
// claimed again meanwhile (given back, then due): that newer claim stays held.
func (d *deliverer) letGo(del *store.WebhookDelivery) {
	d.mu.Lock()
	if d.held[heldKey(del)] == del {
		delete(d.held, heldKey(del))
	}
	d.mu.Unlock()
}

// renewLeases extends the leases of every delivery this replica holds, every third of a
// lease, until ctx ends. A claimed delivery may wait long for its endpoint's turn (the
// endpoint's calls run a few at a time, each up to the timeout); renewing keeps it ours
// meanwhile, where one long lease would also keep a dead replica's deliveries from the
// others for as long.
func (d *deliverer) renewLeases(ctx context.Context) {
	tick := time.NewTicker(d.cfg.Lease / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		d.mu.Lock()
		held := make([]*store.WebhookDelivery, 0, len(d.held))
		for _, del := range d.held {
			held = append(held, del)
		}
		d.mu.Unlock()
		if len(held) == 0 {
			continue
		}
		if _, err := d.store.ExtendWebhookLeases(ctx, d.cfg.Replica, held, d.cfg.Now().Add(d.cfg.Lease)); err != nil && ctx.Err() == nil {
			d.log.WarnContext(ctx, "renew webhook delivery leases", "held", len(held), "error", err)
		}
	}
}

// endpointSlot waits for one of the endpoint's call slots; release gives it back.
func (d *deliverer) endpointSlot(ctx context.Context, del *store.WebhookDelivery) (release func(), err error) {
	key := del.TenantID + "/" + del.WebhookID
	d.mu.Lock()
	ch, ok := d.byEndpoint[key]
	if !ok {
		ch = make(chan struct{}, d.cfg.PerEndpoint)
		d.byEndpoint[key] = ch
	}
	d.mu.Unlock()
	select {
	case ch <- struct{}{}:
		return func() { <-ch }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// deliver makes one try of del and records it. A delivery that cannot be tried (the
// process is stopping, the endpoint was disabled meanwhile) is given back untried.
func (d *deliverer) deliver(ctx context.Context, del *store.WebhookDelivery) {
	release, err := d.endpointSlot(ctx, del)
	if err != nil {
		d.giveBack(del)
		return
	}
	defer release()
	hook, err := d.store.GetWebhook(ctx, del.TenantID, del.WebhookID)
	if err != nil || hook.State != "ENABLED" {
		d.giveBack(del)
		return
	}
	started := d.cfg.Now()
	status, callErr := d.post(ctx, hook, del, started)
	if callErr != nil && ctx.Err() != nil {
		d.giveBack(del) // cut short by shutdown: not a failure of the endpoint
		return
	}
	a := &store.WebhookAttempt{TenantID: del.TenantID, WebhookID: del.WebhookID, EventID: del.EventID,
		Attempt: del.Attempts + 1, Time: started, StatusCode: status, Latency: time.Since(started), Replica: d.cfg.Replica}
	del.Attempts++
	del.LastStatus = status
	result := resultRetry
	switch {
	case callErr == nil:
		del.State, del.LastError = store.DeliverySucceeded, ""
		result = resultSucceeded
	case del.Attempts > len(d.cfg.Retries):
		a.Error = callErr.Error()
		del.State, del.LastError = store.DeliveryFailed, a.Error
		result = resultFailed
	default:
		a.Error = callErr.Error()
		del.State, del.LastError = store.DeliveryPending, a.Error
		del.DueTime = d.cfg.Now().Add(d.cfg.Retries[del.Attempts-1])
	}
	d.metrics.attempts.WithLabelValues(result).Inc()
	d.metrics.latency.Observe(a.Latency.Seconds())
	// The record is written even while stopping: the call was made.
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	disabled, err := d.store.RecordWebhookAttempt(wctx, d.cfg.Replica, del, a, d.cfg.DisableAfter)
	if err != nil {
		d.log.WarnContext(ctx, "record webhook attempt", "webhook", del.WebhookID, "event", del.EventID, "error", err)
		return
	}
	if disabled {
		d.metrics.disabled.Inc()
		d.log.WarnContext(ctx, "webhook endpoint disabled: every call failed for too long", "tenant", del.TenantID,
			"webhook", del.WebhookID, "after", d.cfg.DisableAfter.String())
	}
}

func (d *deliverer) giveBack(del *store.WebhookDelivery) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.store.ReleaseWebhookDeliveries(ctx, d.cfg.Replica, []*store.WebhookDelivery{del}); err != nil {
		d.log.Warn("give back webhook delivery", "webhook", del.WebhookID, "event", del.EventID, "error", err)
	}
}

// post sends del to the endpoint, signed with its current secret (and the previous one
// while a rotation is under way). It returns the HTTP status (0 without an answer) and
// why the call failed, nil for a 2xx.
func (d *deliverer) post(ctx context.Context, hook *store.Webhook, del *store.WebhookDelivery, at time.Time) (int, error) {
	signing, err := d.secrets(hook, at)
	if err != nil {
		return 0, err
	}
	body := []byte(del.Payload)
	sig, err := stdwebhook.SignatureHeader(signing, del.EventID, at, body)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, fmt.Errorf("endpoint URL: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Reach-Webhooks/1")
	req.Header.Set("webhook-id", del.EventID)
	req.Header.Set("webhook-timestamp", fmt.Sprint(at.Unix()))
	req.Header.Set("webhook-signature", sig)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, errors.New(callError(err))
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return resp.StatusCode, nil
	}
	text := strings.TrimSpace(strings.ToValidUTF8(string(snippet), "?"))
	if text == "" {
		return resp.StatusCode, fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	return resp.StatusCode, fmt.Errorf("HTTP %d: %s", resp.StatusCode, text)
}

// secrets opens the endpoint's signing secrets: the current one and, until it expires,
// the previous one.
func (d *deliverer) secrets(hook *store.Webhook, at time.Time) ([]string, error) {
	cur, err := d.keys.Open(hook.Secret, hook.SecretAD("secret"))
	if err != nil {
		return nil, errors.New("the endpoint's signing secret cannot be opened with this replica's keys")
	}
	out := []string{string(cur)}
	if len(hook.PreviousSecret) > 0 && hook.PreviousSecretExpireTime != nil && at.Before(*hook.PreviousSecretExpireTime) {
		if prev, err := d.keys.Open(hook.PreviousSecret, hook.SecretAD("previous_secret")); err == nil {
			out = append(out, string(prev))
		}
	}
	return out, nil
}

// callError says why a call got no answer, in words of its own for what networks do: Go's
// texts name the URL (the tenant knows it), the addresses of the connection and the DNS
// server Reach asked, none of which the attempt record should show a tenant.
func callError(err error) string {
	var dns *net.DNSError
	var op *net.OpError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return "no answer within the call timeout"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no answer: the host name does not resolve (no such host)"
	case errors.As(err, &dns):
		return "no answer: the host name could not be resolved just now"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "no answer: the connection was refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "no answer: the connection was reset"
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
		return "no answer: the connection closed before the answer"
	case errors.As(err, &op) && op.Err != nil:
		return "no answer: " + op.Op + ": " + op.Err.Error()
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && uerr.Err != nil {
		err = uerr.Err
	}
	return "no answer: " + err.Error()
}
