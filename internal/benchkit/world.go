package benchkit

import (
	"context"
	"log/slog"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/delivery/deliverytest"
	"github.com/reachhq/reach/internal/secrets"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
)

// World is one measurement's deliverytest world (a simulated Alipay and a tenant whose
// channels use it) on a fresh database.
type World struct {
	*deliverytest.World
	TB   *TB
	Conn *appconn.Connector
	DSN  string
}

// NewWorld creates the world on a fresh database of kind db; Close removes it.
func NewWorld(ctx context.Context, s Servers, db string, log *slog.Logger) (*World, error) {
	tb := &TB{}
	dsn, err := s.Fresh(ctx, tb, db)
	if err != nil {
		tb.Done()
		return nil, err
	}
	st, _, err := backend.Open(ctx, dsn, backend.Options{AutoMigrate: true})
	if err != nil {
		tb.Done()
		return nil, err
	}
	tb.Cleanup(func() { st.Close() })
	ring, err := secrets.Parse(RingText)
	if err != nil {
		tb.Done()
		return nil, err
	}
	// The benchmarks' Alipay is the simulator on loopback.
	ep, err := appconn.NewEndpoints(nil, true)
	if err != nil {
		tb.Done()
		return nil, err
	}
	conn := appconn.New(st, ring, log, appconn.WithEndpoints(ep))
	return &World{World: deliverytest.New(tb, st, conn, nil), TB: tb, Conn: conn, DSN: dsn}, nil
}

// Close stops the simulator and drops the database.
func (w *World) Close() { w.TB.Done() }

// Recipients prepares n users of a product's channel ("life", "mini" or "plus"), each
// with a usable ledger row, and returns one send to each.
func (w *World) Recipients(product string, n int) []deliverytest.Send {
	var out []deliverytest.Send
	for i := range n {
		s := deliverytest.Send{Channel: product, To: deliverytest.UserID(i)}
		switch product {
		case "life":
			s.Template = "lt1"
			w.Follow(s.To)
		case "mini":
			s.Template = "long"
			w.Accept("long", "MT2", s.To, 0)
		case "plus":
			s.Template, s.To = "tp", deliverytest.Customer(i)
			w.Authorize(s.To)
		}
		out = append(out, s)
	}
	return out
}

// Waiting counts the messages not finished yet.
func Waiting(ctx context.Context, st store.Store) (int, error) {
	counts, err := st.QueueDepth(ctx)
	n := 0
	for _, c := range counts {
		n += int(c.Count)
	}
	return n, err
}
