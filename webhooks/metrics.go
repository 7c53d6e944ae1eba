package webhooks

import "github.com/prometheus/client_golang/prometheus"

// Results of a try, as counted in reach_webhook_attempts_total.
const (
	resultSucceeded = "succeeded" // the endpoint answered 2xx
	resultRetry     = "retry"     // it did not; the delivery is tried again later
	resultFailed    = "failed"    // it did not, and that was the last try
)

// metrics are this replica's webhook calls. The backlog and the endpoints' states are
// the database's, exported by package gauges.
type metrics struct {
	attempts *prometheus.CounterVec // result
	latency  prometheus.Histogram
	disabled prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		attempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "reach_webhook_attempts_total",
			Help: "Webhook calls this replica made, by result: succeeded (2xx), retry (failed, tried again later), failed (failed on the last try)."}, []string{"result"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "reach_webhook_call_seconds",
			Help: "How long a webhook endpoint took to answer (or the call to fail).", Buckets: prometheus.ExponentialBuckets(0.005, 2, 13)}),
		disabled: prometheus.NewCounter(prometheus.CounterOpts{Name: "reach_webhook_endpoints_disabled_total",
			Help: "Webhook endpoints this replica disabled because every call failed for --webhook-disable-after."}),
	}
	for _, r := range []string{resultSucceeded, resultRetry, resultFailed} {
		m.attempts.WithLabelValues(r) // at 0 from the start, so rate() sees the first one
	}
	if reg != nil {
		reg.MustRegister(m.attempts, m.latency, m.disabled)
	}
	return m
}
