package delivery

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/backend"
	"github.com/reachhq/reach/store/storetest"
)

// BenchmarkReserveSendSlots: what the cluster-wide rate limit costs. One reservation is
// one transaction; a lane at 50/s reserves 5 slots at a time (reserveAhead), so the cost
// per message at that rate is a fifth of one reservation (reported as µs/msg@50/s).
// Faster channels reserve more slots at a time and pay less per message.
func BenchmarkReserveSendSlots(b *testing.B) {
	for _, db := range []string{"sqlite", "postgres", "mysql"} {
		b.Run(db, func(b *testing.B) {
			dsn := "sqlite:" + filepath.Join(b.TempDir(), "reach.db")
			if db != "sqlite" {
				dsn = storetest.SharedDatabase(b, db)
			}
			st, _, err := backend.Open(context.Background(), dsn, backend.Options{AutoMigrate: true})
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			ref := store.ChannelRef{TenantID: "t1", ChannelID: "ch1"}
			const perSecond = 50
			n := int(perSecond * reserveAhead.Seconds())
			b.ResetTimer()
			for b.Loop() {
				if _, err := st.ReserveSendSlots(b.Context(), ref, n, time.Second/perSecond, 2, time.Now()); err != nil {
					b.Fatal(err)
				}
			}
			perReservation := float64(b.Elapsed().Microseconds()) / float64(b.N)
			b.ReportMetric(perReservation/float64(n), "µs/msg@50/s")
		})
	}
}
