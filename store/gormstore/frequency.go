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

// ClaimContent reads the user's record of the content under a row lock (PostgreSQL and
// MariaDB; SQLite's immediate transaction is the only writer), creating it first if
// missing, and moves it to this message unless a recent other message holds it.
func (s *Store) ClaimContent(ctx context.Context, key store.CapKey, hash, messageID string, now time.Time, window time.Duration) (string, time.Time, error) {
	at := now.UTC().Truncate(time.Microsecond)
	var dupOf string
	var dupAt time.Time
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		dupOf, dupAt = "", time.Time{}
		row := contentSendRow{TenantID: key.TenantID, ChannelID: key.ChannelID, UserKind: key.User.Kind, UserID: key.User.ID,
			ContentHash: hash, MessageID: messageID, SendTime: at}
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if res.Error != nil {
			return res.Error
		}
		var got contentSendRow
		if err := s.forUpdate(tx).Where("tenant_id = ? AND channel_id = ? AND user_kind = ? AND user_id = ? AND content_hash = ?",
			key.TenantID, key.ChannelID, key.User.Kind, key.User.ID, hash).Take(&got).Error; err != nil {
			return err
		}
		if got.MessageID == messageID {
			return nil // this message's own record: just created, or a retry
		}
		if got.SendTime.After(at.Add(-window)) {
			dupOf, dupAt = got.MessageID, got.SendTime.UTC()
			return nil
		}
		return tx.Model(&contentSendRow{}).Where("tenant_id = ? AND channel_id = ? AND user_kind = ? AND user_id = ? AND content_hash = ?",
			key.TenantID, key.ChannelID, key.User.Kind, key.User.ID, hash).
			Updates(map[string]any{"message_id": messageID, "send_time": at}).Error
	})
	if err != nil {
		return "", time.Time{}, s.fail("claim content", err)
	}
	return dupOf, dupAt, nil
}
