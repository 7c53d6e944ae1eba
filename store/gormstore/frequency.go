package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// TakeCapPlace counts the message in its user's window in one transaction. The count goes
// up only while it is below max, in one conditional UPDATE: on PostgreSQL and MariaDB a
// concurrent taker waits for the row and then sees the new count; SQLite's immediate
// transaction is the only writer. The window a message counted in is kept on the message
// (cap_window), so a retry of the same message is not counted again.
func (s *Store) TakeCapPlace(ctx context.Context, key store.CapKey, messageID string, window time.Time, max int) (bool, error) {
	if max <= 0 {
		return false, s.fail("take cap place", fmt.Errorf("%w: max must be positive", store.ErrInvalid))
	}
	w := window.UTC().Truncate(time.Microsecond)
	ok := false
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		ok = false
		var msg struct{ CapWindow *time.Time }
		if err := tx.Table("messages").Select("cap_window").Where("tenant_id = ? AND id = ?", key.TenantID, messageID).
			Take(&msg).Error; err != nil {
			return err
		}
		if msg.CapWindow != nil && msg.CapWindow.Equal(w) {
			ok = true
			return nil
		}
		row := frequencyCountRow{TenantID: key.TenantID, ChannelID: key.ChannelID, UserKind: key.User.Kind, UserID: key.User.ID, WindowStart: w}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error; err != nil {
			return err
		}
		res := tx.Model(&frequencyCountRow{}).
			Where("tenant_id = ? AND channel_id = ? AND user_kind = ? AND user_id = ? AND window_start = ? AND sends < ?",
				key.TenantID, key.ChannelID, key.User.Kind, key.User.ID, w, max).
			Update("sends", gorm.Expr("sends + 1"))
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		ok = true
		return tx.Table("messages").Where("tenant_id = ? AND id = ?", key.TenantID, messageID).Update("cap_window", w).Error
	})
	if err != nil {
		return false, s.fail("take cap place", err)
	}
	return ok, nil
}
