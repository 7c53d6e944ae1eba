package sqlite

import (
	"fmt"
	"testing"

	"github.com/reachhq/reach/store"
)

// Benchmarks report figures only (`go test -bench . -benchmem ./store/sqlite`); nothing in
// the tests asserts a duration.

func benchMessages(prefix string, n int) []*store.Message {
	msgs := make([]*store.Message, n)
	for i := range msgs {
		msgs[i] = &store.Message{
			ID: fmt.Sprintf("%s-%04d", prefix, i), ChannelID: "ch1", TemplateID: "tpl1", BatchIndex: i,
			Recipient: store.UserRef{Kind: "USER_ID", ID: fmt.Sprintf("2088%012d", i)},
			Payload:   []byte(`{"keyword1":{"value":"order 1234"},"keyword2":{"value":"shipped"}}`),
			State:     "QUEUED",
		}
	}
	return msgs
}

// BenchmarkCreateMessages inserts one 100-message batch request per iteration.
func BenchmarkCreateMessages(b *testing.B) {
	s := openTemp(b)
	ctx := b.Context()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		req := fmt.Sprintf("req-%d", i)
		if _, _, _, err := s.CreateMessages(ctx, "tenant", req, "hash", benchMessages(req, 100)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/message")
}

// BenchmarkGetMessage reads one message by id from a table of 10,000.
func BenchmarkGetMessage(b *testing.B) {
	s := openTemp(b)
	ctx := b.Context()
	for i := range 100 {
		req := fmt.Sprintf("req-%d", i)
		if _, _, _, err := s.CreateMessages(ctx, "tenant", req, "hash", benchMessages(req, 100)); err != nil {
			b.Fatal(err)
		}
	}
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		id := fmt.Sprintf("req-%d-%04d", i%100, i%100)
		if _, err := s.GetMessage(ctx, "tenant", id); err != nil {
			b.Fatal(err)
		}
	}
}
