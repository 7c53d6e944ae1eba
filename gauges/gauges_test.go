package gauges

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/reachhq/reach/store"
)

// fakeStats answers as a database would, and counts the reads.
type fakeStats struct {
	queueDue, webhookDue *time.Time
	channels             map[string]int64
	webhooks             store.WebhookCounts
	err                  error
	reads                int
}

func (f *fakeStats) OldestDueMessage(_ context.Context, now time.Time) (time.Time, bool, error) {
	f.reads++
	if f.err != nil {
		return time.Time{}, false, f.err
	}
	if f.queueDue == nil || f.queueDue.After(now) {
		return time.Time{}, false, nil
	}
	return *f.queueDue, true, nil
}

func (f *fakeStats) OldestDueWebhookDelivery(_ context.Context, now time.Time) (time.Time, bool, error) {
	if f.webhookDue == nil || f.webhookDue.After(now) {
		return time.Time{}, false, nil
	}
	return *f.webhookDue, true, nil
}

func (f *fakeStats) CountChannels(context.Context) (map[string]int64, error) { return f.channels, nil }

func (f *fakeStats) CountWebhooks(context.Context) (store.WebhookCounts, error) {
	return f.webhooks, nil
}

func newTestCollector(f *fakeStats, now *time.Time) *Collector {
	c := New(f, slog.New(slog.NewTextHandler(io.Discard, nil)))
	c.now = func() time.Time { return *now }
	return c
}

func TestCollector(t *testing.T) {
	start := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	now := start
	queued, hooked := start.Add(-90*time.Second), start.Add(-5*time.Second)
	f := &fakeStats{queueDue: &queued, webhookDue: &hooked,
		channels: map[string]int64{"ENABLED": 3, "AUTH_FAILED": 1},
		webhooks: store.WebhookCounts{ByState: map[string]int64{"ENABLED": 2}, Failing: 1}}
	c := newTestCollector(f, &now)
	check := func(queueAge, webhookAge float64) {
		t.Helper()
		want := map[string]float64{
			`reach_channels{state="AUTH_FAILED"}`: 1, `reach_channels{state="DISABLED"}`: 0,
			`reach_channels{state="ENABLED"}`: 3, `reach_channels{state="UNVERIFIED"}`: 0,
			`reach_queue_oldest_age_seconds`: queueAge, `reach_webhook_oldest_age_seconds`: webhookAge,
			`reach_webhook_endpoints{state="DISABLED"}`: 0, `reach_webhook_endpoints{state="ENABLED"}`: 2,
			`reach_webhook_endpoints_failing`: 1, `reach_stats_read_errors_total`: 0,
		}
		if got := values(t, c); !maps.Equal(got, want) {
			t.Fatalf("scraped\n%v\nwant\n%v", got, want)
		}
	}
	check(90, 5)
	// Within the period the read is reused, and the ages grow with the clock.
	now = start.Add(Period - time.Second)
	check(99, 14)
	if f.reads != 1 {
		t.Fatalf("%d reads within one period, want 1", f.reads)
	}
	// After it the database is read again: the queue was emptied meanwhile.
	f.queueDue, f.webhookDue = nil, nil
	now = start.Add(Period)
	check(0, 0)
	if f.reads != 2 {
		t.Fatalf("%d reads after the period, want 2", f.reads)
	}
}

// TestCollectorReadFails: a failed read leaves the database gauges out (never stale
// values), is counted, and is not retried before the period ends.
func TestCollectorReadFails(t *testing.T) {
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	f := &fakeStats{err: errors.New("database unreachable")}
	c := newTestCollector(f, &now)
	for range 3 {
		if got := values(t, c); !maps.Equal(got, map[string]float64{"reach_stats_read_errors_total": 1}) {
			t.Fatalf("scraped %v after a failed read, want only the error counter at 1", got)
		}
	}
	if f.reads != 1 {
		t.Fatalf("%d reads, want 1 within the period", f.reads)
	}
	f.err = nil
	now = now.Add(Period)
	if _, ok := values(t, c)["reach_queue_oldest_age_seconds"]; !ok {
		t.Fatal("queue age missing after the database came back")
	}
}

// values scrapes c through a pedantic registry (which also checks its descriptions) into
// "name{labels}" → value.
func values(t *testing.T, c prometheus.Collector) map[string]float64 {
	t.Helper()
	reg := prometheus.NewPedanticRegistry()
	reg.MustRegister(c)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			if len(m.GetLabel()) > 0 {
				var labels []string
				for _, l := range m.GetLabel() {
					labels = append(labels, fmt.Sprintf("%s=%q", l.GetName(), l.GetValue()))
				}
				key += "{" + strings.Join(labels, ",") + "}"
			}
			out[key] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
		}
	}
	return out
}
