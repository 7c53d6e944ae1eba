package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// ReserveSendSlots takes n slots from the channel's schedule in one transaction: the row
// is created if missing, then read under a row lock (PostgreSQL and MariaDB; SQLite's
// immediate transaction is the only writer) and moved on by n·interval, so concurrent
// reservations queue on the row and each gets slots after the previous one's.
func (s *Store) ReserveSendSlots(ctx context.Context, ref store.ChannelRef, n int, interval time.Duration, burst int, now time.Time) (time.Time, error) {
	if n <= 0 || interval <= 0 || burst < 0 {
		return time.Time{}, s.fail("reserve send slots", fmt.Errorf("%w: n and interval must be positive, burst not negative", store.ErrInvalid))
	}
	at := now.UTC().Truncate(time.Microsecond)
	var first time.Time
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		// An idle channel's schedule lags behind now; it may catch up by burst slots only
		// (a new channel starts with its burst).
		earliest := at.Add(-time.Duration(burst) * interval).Truncate(time.Microsecond)
		row := pacingRow{TenantID: ref.TenantID, ChannelID: ref.ChannelID, NextSlot: earliest}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		if err := s.forUpdate(tx).Where("tenant_id = ? AND channel_id = ?", ref.TenantID, ref.ChannelID).Take(&row).Error; err != nil {
			return err
		}
		first = row.NextSlot.UTC()
		if first.Before(earliest) {
			first = earliest
		}
		// Rounded up to the microsecond the databases keep, so slots never overlap.
		next := first.Add(time.Duration(n) * interval)
		if t := next.Truncate(time.Microsecond); t.Before(next) {
			next = t.Add(time.Microsecond)
		}
		return tx.Model(&pacingRow{}).Where("tenant_id = ? AND channel_id = ?", ref.TenantID, ref.ChannelID).
			Update("next_slot", next).Error
	})
	if err != nil {
		return time.Time{}, s.fail("reserve send slots", err)
	}
	return first, nil
}

// forUpdate makes a read in tx lock the rows it reads until the transaction ends, where
// the dialect has row locks; SQLite's immediate transaction is already the only writer.
func (s *Store) forUpdate(tx *gorm.DB) *gorm.DB {
	if s.dialect.SkipLocked { // the dialects with SKIP LOCKED are the ones with row locks
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}
