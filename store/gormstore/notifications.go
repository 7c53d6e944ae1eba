package gormstore

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// maxNotifyKeyLen bounds a notification key (the column is 255 characters).
const maxNotifyKeyLen = 255

// ApplyNotification inserts the record of n with ON CONFLICT DO NOTHING and applies change
// only when the insert took, in one transaction. A concurrent call with the same key waits
// on the first one's uncommitted key (PostgreSQL, InnoDB) or its write lock (SQLite), then
// inserts nothing: it is the duplicate, and the change is applied once.
func (s *Store) ApplyNotification(ctx context.Context, n *store.Notification, change *store.LedgerUpsert) (store.NotificationResult, error) {
	if err := checkNotification(n, change); err != nil {
		return store.NotificationResult{}, s.fail("apply notification", err)
	}
	var res store.NotificationResult
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		res = store.NotificationResult{}
		at := now()
		n.ReceiveTime = at
		row := notificationRow{TenantID: n.TenantID, ChannelID: n.ChannelID, Key: n.Key,
			EventTime: *ts(&n.EventTime), ReceiveTime: at, ExpireTime: *ts(&n.ExpireTime)}
		ins := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&row)
		if ins.Error != nil {
			return ins.Error
		}
		if ins.RowsAffected == 0 {
			res.Duplicate = true
			return nil
		}
		if change == nil {
			return nil
		}
		applied, err := upsertSubscription(tx, change.Key, change.Change, at)
		res.Superseded = !applied
		return err
	})
	if err != nil {
		return store.NotificationResult{}, s.fail("apply notification", err)
	}
	return res, nil
}

// checkNotification rejects a record the schema cannot hold, and a change outside its
// channel.
func checkNotification(n *store.Notification, change *store.LedgerUpsert) error {
	if err := checkIDs("tenant id", n.TenantID, "channel id", n.ChannelID); err != nil {
		return err
	}
	if n.Key == "" || len(n.Key) > maxNotifyKeyLen || !utf8.ValidString(n.Key) {
		return fmt.Errorf("%w: notification key must be 1 to %d bytes of UTF-8", store.ErrInvalid, maxNotifyKeyLen)
	}
	if n.EventTime.IsZero() || n.ExpireTime.IsZero() {
		return fmt.Errorf("%w: notification event and expire times are required", store.ErrInvalid)
	}
	if change == nil {
		return nil
	}
	if change.Key.TenantID != n.TenantID || change.Key.ChannelID != n.ChannelID {
		return fmt.Errorf("%w: a notification changes only its own channel's ledger", store.ErrInvalid)
	}
	return checkKey(change.Key)
}

// PurgeNotifications deletes expired records in one batch: their keys are read first (a
// DELETE with LIMIT is not portable), then deleted if still expired.
func (s *Store) PurgeNotifications(ctx context.Context, before time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	cutoff := ts(&before)
	var rows []notificationRow
	err := s.db.WithContext(ctx).Select("tenant_id", "channel_id", "notify_key").
		Where("expire_time < ?", cutoff).Order("expire_time").Limit(limit).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, s.fail("purge notifications", err)
	}
	tuples := make([][]any, len(rows))
	for i, r := range rows {
		tuples[i] = []any{r.TenantID, r.ChannelID, r.Key}
	}
	res := s.db.WithContext(ctx).Where("(tenant_id, channel_id, notify_key) IN ? AND expire_time < ?", tuples, cutoff).
		Delete(&notificationRow{})
	if res.Error != nil {
		return 0, s.fail("purge notifications", res.Error)
	}
	return int(res.RowsAffected), nil
}
