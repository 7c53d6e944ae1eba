package adaptertest

import (
	"testing"
)

// BenchmarkSend measures one signed send round trip of channelType's adapter through the
// simulator: the adapter signs, the simulator verifies, updates its state and signs its
// answer, the adapter verifies it. Messages have distinct ids (Alipay+ would otherwise
// answer repeats from its idempotency memory).
func BenchmarkSend(b *testing.B, newAdapter Factory, channelType string) {
	var f *fixture
	for _, p := range products {
		if p.channelType == channelType {
			f = p.setup(b, newAdapter)
		}
	}
	if f == nil {
		b.Fatalf("no product %q", channelType)
	}
	m := f.ready(b, f.msgID())
	c := ctx(b)
	b.ReportAllocs()
	for b.Loop() {
		m.ID = f.msgID()
		if _, err := f.main.Send(c, m); err != nil {
			b.Fatalf("Send: %v", err)
		}
	}
}
