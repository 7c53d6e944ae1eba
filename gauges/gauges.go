// Package gauges exports what the database says about the whole deployment — how long
// the oldest due message and webhook delivery have waited, channels by state, failing
// webhook endpoints — as Prometheus gauges. Every replica reads the same database, so
// every replica reports the same values: dashboards and alerts aggregate them with max(),
// never sum(). Reads happen on scrape, at most once per period however many scrapers
// there are, so the cost does not grow with the scrape rate.
package gauges

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/store"
)

// Period is how long one read of the database is reused by the scrapes that follow.
const Period = 10 * time.Second

// readTimeout bounds one read, below Prometheus' default scrape timeout (10 s).
const readTimeout = 5 * time.Second

// The states every scrape reports, 0 when no row has them, so an alert on one of them
// has a series to compare from the start (a series that appears only when it becomes
// non-zero makes "> 0 for 10m" wait for a sample before it can start counting).
var (
	channelStates  = []string{"UNVERIFIED", "ENABLED", "DISABLED", "AUTH_FAILED"}
	endpointStates = []string{"ENABLED", "DISABLED"}
)

var (
	queueAgeDesc = prometheus.NewDesc("reach_queue_oldest_age_seconds",
		"How long the oldest due, unfinished message (QUEUED or SENDING) of a channel that may send has been due; 0 when none is due. Messages of DISABLED and AUTH_FAILED channels are held on purpose and left out. Read from the database: every replica reports the same value (aggregate with max).", nil, nil)
	webhookAgeDesc = prometheus.NewDesc("reach_webhook_oldest_age_seconds",
		"How long the oldest due PENDING webhook delivery of an ENABLED endpoint has been due; 0 when none is due. Read from the database (aggregate with max).", nil, nil)
	channelsDesc = prometheus.NewDesc("reach_channels",
		"Channels by state, across tenants. Read from the database (aggregate with max).", []string{"state"}, nil)
	endpointsDesc = prometheus.NewDesc("reach_webhook_endpoints",
		"Webhook endpoints by state, across tenants. Read from the database (aggregate with max).", []string{"state"}, nil)
	failingDesc = prometheus.NewDesc("reach_webhook_endpoints_failing",
		"ENABLED webhook endpoints whose every call has failed since some time (a success ends the streak; a streak past --webhook-disable-after disables the endpoint). Read from the database (aggregate with max).", nil, nil)
)

// Collector is a prometheus.Collector over a store's StatsStore.
type Collector struct {
	st     store.StatsStore
	log    *slog.Logger
	now    func() time.Time
	period time.Duration
	errors prometheus.Counter

	mu   sync.Mutex // held through a read: concurrent scrapes share it
	read time.Time  // when snap was read (zero: never)
	snap snapshot
}

// snapshot is one read of the database.
type snapshot struct {
	failed     bool // the read failed: the database gauges are left out until the next
	queueDue   *time.Time
	webhookDue *time.Time
	channels   map[string]int64
	webhooks   store.WebhookCounts
}

// New returns a Collector reading st at most once per Period.
func New(st store.StatsStore, log *slog.Logger) *Collector {
	return &Collector{st: st, log: log, now: time.Now, period: Period,
		errors: prometheus.NewCounter(prometheus.CounterOpts{Name: "reach_stats_read_errors_total",
			Help: "Reads of the database gauges (queue age, channels, webhook endpoints) that failed; those gauges are missing from the scrapes until a read succeeds."})}
}

// Describe implements prometheus.Collector.
func (c *Collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{queueAgeDesc, webhookAgeDesc, channelsDesc, endpointsDesc, failingDesc} {
		ch <- d
	}
	c.errors.Describe(ch)
}

// Collect implements prometheus.Collector: it reads the database when the last read is
// older than the period, then reports. Ages are taken at the scrape, from the due times
// read, so they keep growing between reads; a message finished since the read still
// counts until the next one (at most a period).
func (c *Collector) Collect(ch chan<- prometheus.Metric) {
	now := c.now()
	c.mu.Lock()
	if c.read.IsZero() || now.Sub(c.read) >= c.period {
		c.snap = c.readStats(now)
		c.read = now
	}
	s := c.snap
	c.mu.Unlock()
	c.errors.Collect(ch)
	if s.failed {
		return
	}
	ch <- prometheus.MustNewConstMetric(queueAgeDesc, prometheus.GaugeValue, age(now, s.queueDue))
	ch <- prometheus.MustNewConstMetric(webhookAgeDesc, prometheus.GaugeValue, age(now, s.webhookDue))
	for state, n := range withStates(s.channels, channelStates) {
		ch <- prometheus.MustNewConstMetric(channelsDesc, prometheus.GaugeValue, float64(n), state)
	}
	for state, n := range withStates(s.webhooks.ByState, endpointStates) {
		ch <- prometheus.MustNewConstMetric(endpointsDesc, prometheus.GaugeValue, float64(n), state)
	}
	ch <- prometheus.MustNewConstMetric(failingDesc, prometheus.GaugeValue, float64(s.webhooks.Failing))
}

// readStats makes the four reads; any failure fails the whole snapshot, so a scrape never
// mixes fresh values with missing ones.
func (c *Collector) readStats(now time.Time) snapshot {
	ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
	defer cancel()
	var s snapshot
	err := func() error {
		var err error
		if s.queueDue, err = oldest(c.st.OldestDueMessage(ctx, now)); err != nil {
			return err
		}
		if s.webhookDue, err = oldest(c.st.OldestDueWebhookDelivery(ctx, now)); err != nil {
			return err
		}
		if s.channels, err = c.st.CountChannels(ctx); err != nil {
			return err
		}
		s.webhooks, err = c.st.CountWebhooks(ctx)
		return err
	}()
	if err != nil {
		c.errors.Inc()
		c.log.Warn("read the database gauges", "error", err)
		return snapshot{failed: true}
	}
	return s
}

// oldest is a StatsStore due time as a pointer, nil when there is none.
func oldest(due time.Time, ok bool, err error) (*time.Time, error) {
	if err != nil || !ok {
		return nil, err
	}
	return &due, nil
}

// age is how long ago due was, 0 for none (or a due time ahead of this clock).
func age(now time.Time, due *time.Time) float64 {
	if due == nil {
		return 0
	}
	return max(0, now.Sub(*due).Seconds())
}

// withStates is counts with every one of states present (0 when missing).
func withStates(counts map[string]int64, states []string) map[string]int64 {
	out := make(map[string]int64, len(counts)+len(states))
	for _, s := range states {
		out[s] = 0
	}
	for s, n := range counts {
		out[s] = n
	}
	return out
}
