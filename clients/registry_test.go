package clients_test

import (
	"testing"

	"github.com/reachhq/reach/clients"
	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/adaptertest"
)

// TestAdapters runs the adapter suite against the simulator for every product, building
// each adapter through the registry.
func TestAdapters(t *testing.T) {
	adaptertest.Run(t, clients.NewAdapter)
}

func TestNewAdapterUnknownType(t *testing.T) {
	for _, typ := range []string{"", "CHANNEL_TYPE_ALIPAY_MINI_PROGRAM", "ALIPAY_SMS", "alipay_mini_program"} {
		if a, err := clients.NewAdapter(typ, adapter.Credentials{}, nil); err == nil || a != nil {
			t.Errorf("NewAdapter(%q) = %v, %v; want an error", typ, a, err)
		}
	}
}

func BenchmarkSendLifeAccount(b *testing.B) {
	adaptertest.BenchmarkSend(b, clients.NewAdapter, adaptertest.LifeAccount)
}

func BenchmarkSendMiniProgram(b *testing.B) {
	adaptertest.BenchmarkSend(b, clients.NewAdapter, adaptertest.MiniProgram)
}

func BenchmarkSendPlusMiniProgram(b *testing.B) {
	adaptertest.BenchmarkSend(b, clients.NewAdapter, adaptertest.PlusMini)
}
