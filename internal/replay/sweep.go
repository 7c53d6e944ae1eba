package replay

import (
	"context"
	"log/slog"
	"time"
)

// sweepBatch bounds one purge statement, so the cleanup never holds long locks.
const sweepBatch = 1000

// Sweep deletes expired records now and then every interval until ctx is done. Every
// replica may run it: deleting what another replica deleted already is harmless.
func (g *Guard) Sweep(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		g.purge(ctx, log)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// purge deletes every expired record, batch by batch.
func (g *Guard) purge(ctx context.Context, log *slog.Logger) {
	total := 0
	for ctx.Err() == nil {
		n, err := g.store.PurgeNotifications(ctx, g.now(), sweepBatch)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("notify: could not purge expired notification records", "error", err)
			}
			return
		}
		total += n
		if n < sweepBatch {
			break
		}
	}
	if total > 0 {
		log.Info("notify: purged expired notification records", "count", total)
	}
}
