package delivery

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the dispatcher's Prometheus series. Products are the channel types.
type metrics struct {
	claimed   prometheus.Counter
	outcomes  *prometheus.CounterVec   // product, outcome
	latency   *prometheus.HistogramVec // product
	toSent    *prometheus.HistogramVec // product
	slowDowns *prometheus.CounterVec   // product
	inFlight  prometheus.Gauge
	depth     *prometheus.GaugeVec // tenant, channel, state
	// reserve times the reservations of shared send slots: their count over the sends is
	// the cluster-wide rate limit's cost per message.
	reserve prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		claimed: prometheus.NewCounter(prometheus.CounterOpts{Name: "reach_delivery_claimed_total",
			Help: "Messages this dispatcher claimed from the queue."}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reach_delivery_outcomes_total",
			Help: "What became of each claimed message: sent, retry, rate_limited, token_refreshed, held, failed, expired, released."}, []string{"product", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "reach_delivery_alipay_seconds",
			Help: "How long Alipay took to answer a send.", Buckets: prometheus.ExponentialBuckets(0.005, 2, 12)}, []string{"product"}),
		toSent: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "reach_delivery_created_to_sent_seconds",
			Help: "Time from a message's creation to Alipay's acceptance.", Buckets: prometheus.ExponentialBuckets(0.01, 2, 16)}, []string{"product"}),
		slowDowns: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reach_delivery_slowdowns_total",
			Help: "Times a channel's rate was halved because Alipay limited it."}, []string{"product"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "reach_delivery_in_flight",
			Help: "Calls to Alipay this dispatcher is waiting for."}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "reach_queue_messages",
			Help: "Messages waiting (QUEUED, SENDING) by channel and state, across every replica (each dispatcher reports the same count: aggregate with max)."},
			[]string{"tenant", "channel", "state"}),
		reserve: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "reach_delivery_slot_reservation_seconds",
			Help: "How long reserving a batch of a channel's shared send slots took (one database transaction).", Buckets: prometheus.ExponentialBuckets(0.0005, 2, 12)}),
	}
	if reg != nil {
		reg.MustRegister(m.claimed, m.outcomes, m.latency, m.toSent, m.slowDowns, m.inFlight, m.depth, m.reserve)
	}
	m.initSeries()
	return m
}

// initSeries makes the series that dashboards and alerts read exist at 0 from the start:
// a counter that appears only with its first increment loses that increment to rate(),
// and a failure-rate alert has nothing to divide until every product has sent once.
func (m *metrics) initSeries() {
	for _, p := range []string{typeLifeAccount, typeMiniProgram, typeAlipayPlus} {
		for _, o := range []string{"sent", "failed", "retry", "expired"} {
			m.outcomes.WithLabelValues(p, o)
		}
		m.latency.WithLabelValues(p)
		m.toSent.WithLabelValues(p)
		m.slowDowns.WithLabelValues(p)
	}
}

// depthEvery is how often the queue depth is counted (a GROUP BY over waiting messages).
const depthEvery = 15 * time.Second

// countQueue refreshes the queue depth gauge.
func (d *Dispatcher) countQueue(ctx context.Context) {
	counts, err := d.store.QueueDepth(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.log.WarnContext(ctx, "count the queue", "error", err)
		}
		return
	}
	d.metrics.depth.Reset()
	for _, c := range counts {
		d.metrics.depth.WithLabelValues(c.TenantID, c.ChannelID, c.State).Set(float64(c.Count))
	}
}
