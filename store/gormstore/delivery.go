package gormstore

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/reachhq/reach/store"
)

// ClaimMessages leases a batch of due messages in one transaction: a SELECT of due, unleased
// rows (FOR UPDATE SKIP LOCKED where the dialect has it, so concurrent claimers pass over
// each other's rows instead of waiting; SQLite's immediate transaction admits one claimer at
// a time) and one UPDATE of exactly those rows.
func (s *Store) ClaimMessages(ctx context.Context, req store.ClaimRequest) ([]*store.Claimed, error) {
	if req.Limit <= 0 || req.Owner == "" || len(req.Owner) > maxIDLen {
		return nil, s.fail("claim messages", fmt.Errorf("%w: claim needs an owner and a limit", store.ErrInvalid))
	}
	at := req.Now.UTC().Truncate(time.Microsecond)
	expire := at.Add(req.Lease)
	var out []*store.Claimed
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		out = out[:0]
		rows, err := s.dueRows(tx, req, at)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		for _, g := range groupIDs(len(rows), func(i int) (string, string, string) { return rows[i].TenantID, "", rows[i].ID }) {
			err = tx.Model(&messageRow{}).Where("tenant_id = ? AND id IN ?", g.tenant, g.ids).Updates(map[string]any{
				"state": "SENDING", "lease_owner": req.Owner, "lease_expire_time": expire,
				"attempts": gorm.Expr("attempts + 1"), "revision": gorm.Expr("revision + 1"), "update_time": at,
			}).Error
			if err != nil {
				return err
			}
		}
		for i := range rows {
			r := &rows[i]
			taken := r.LeaseOwner != ""
			r.State, r.LeaseOwner, r.LeaseExpire = "SENDING", req.Owner, &expire
			r.Attempts++
			r.Revision++
			r.UpdateTime = at
			out = append(out, &store.Claimed{Message: r.record(), TakenOver: taken})
		}
		return nil
	})
	if err != nil {
		return nil, s.fail("claim messages", err)
	}
	return out, nil
}

// ExtendLeases extends the leases owner holds on msgs, in chunks of one statement each.
func (s *Store) ExtendLeases(ctx context.Context, owner string, msgs []store.MessageRef, until time.Time) (int, error) {
	n := 0
	for _, g := range groupIDs(len(msgs), func(i int) (string, string, string) { return msgs[i].TenantID, "", msgs[i].ID }) {
		res := s.db.WithContext(ctx).Model(&messageRow{}).
			Where("tenant_id = ? AND id IN ? AND lease_owner = ? AND state = ?", g.tenant, g.ids, owner, "SENDING").
			Update("lease_expire_time", until.UTC().Truncate(time.Microsecond))
		if res.Error != nil {
			return n, s.fail("extend leases", res.Error)
		}
		n += int(res.RowsAffected)
	}
	return n, nil
}

// dueRows selects (and, where the dialect can, locks) the soonest due unleased messages.
// Each waiting state is its own query: "state = ? ORDER BY due_time LIMIT n" walks the
// (state, due_time) index and stops after n rows, where "state IN (…) ORDER BY due_time"
// would sort every waiting message first — a million of them with a deep queue. Rows
// locked but not taken are released when the transaction ends.
func (s *Store) dueRows(tx *gorm.DB, req store.ClaimRequest, at time.Time) ([]messageRow, error) {
	var rows []messageRow
	for _, state := range waitingStates {
		q := tx.Where("state = ? AND due_time <= ? AND (lease_owner = '' OR lease_expire_time < ?)", state, at, at)
		for _, c := range req.Skip {
			q = q.Where("NOT (tenant_id = ? AND channel_id = ?)", c.TenantID, c.ChannelID)
		}
		q = q.Order("due_time").Limit(req.Limit)
		if s.dialect.SkipLocked {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var part []messageRow
		if err := q.Find(&part).Error; err != nil {
			return nil, err
		}
		rows = append(rows, part...)
	}
	slices.SortStableFunc(rows, func(a, b messageRow) int { return a.DueTime.Compare(*b.DueTime) })
	return rows[:min(len(rows), req.Limit)], nil
}

// CompleteDeliveries writes outcomes, their events and their effects in one transaction.
func (s *Store) CompleteDeliveries(ctx context.Context, owner string, outs []*store.Outcome) ([]bool, error) {
	applied := make([]bool, len(outs))
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		clear(applied)
		at := now()
		// Outcomes apply in their order: plain ones gathered into one statement where the
		// dialect can, written before the next outcome with an effect (a template's
		// invalidation fails the waiting messages of the template: which ones depends on
		// what came before it).
		var plain []bool
		if s.dialect.UpdateFromValues {
			plain = plainOutcomes(outs)
		}
		var pending []int
		flush := func() error {
			err := completeBatch(tx, owner, outs, pending, at, applied)
			pending = pending[:0]
			return err
		}
		for i, o := range outs {
			if plain != nil && plain[i] {
				pending = append(pending, i)
				continue
			}
			if err := flush(); err != nil {
				return err
			}
			ok, err := completeOne(tx, owner, o, at)
			if err != nil {
				return err
			}
			applied[i] = ok
		}
		if err := flush(); err != nil {
			return err
		}
		var events []*eventRow
		for i, o := range outs {
			if !applied[i] {
				continue
			}
			for _, e := range o.Events {
				r := eventToRow(e)
				r.TenantID, r.MessageID, r.Revision = o.TenantID, o.MessageID, o.Revision+1
				events = append(events, r)
			}
		}
		if len(events) == 0 {
			return nil
		}
		return tx.CreateInBatches(events, insertChunk).Error
	})
	if err != nil {
		return nil, s.fail("complete deliveries", err)
	}
	return applied, nil
}

// completeSQL writes one outcome. It is plain SQL with a fixed text: it runs once per
// message on the dispatcher's hot path, where building a map update costs more than the
// statement, and a fixed text is prepared once.
const completeSQL = "UPDATE messages SET state = ?, state_reason = ?, attempts = ?, lease_owner = '', lease_expire_time = NULL, " +
	"revision = revision + 1, update_time = ?, due_time = COALESCE(?, due_time), sent_time = COALESCE(?, sent_time), " +
	"external_id = CASE WHEN ? = '' THEN external_id ELSE ? END, last_error = COALESCE(?, last_error) " +
	"WHERE tenant_id = ? AND id = ? AND lease_owner = ? AND state = 'SENDING'"

// completeOne applies one outcome if owner still holds the message.
func completeOne(tx *gorm.DB, owner string, o *store.Outcome, at time.Time) (bool, error) {
	var due *time.Time
	if !o.DueTime.IsZero() {
		due = ts(&o.DueTime)
	}
	res := tx.Exec(completeSQL, o.State, o.StateReason, o.Attempts, at, due, ts(o.SentTime),
		o.ExternalID, o.ExternalID, errorJSON(o.LastError), o.TenantID, o.MessageID, owner)
	if res.Error != nil || res.RowsAffected == 0 {
		return false, res.Error
	}
	if err := applyEffects(tx, o, at); err != nil {
		return false, err
	}
	return true, nil
}

// applyEffects applies what Alipay's answer does to the template, channel and ledger row.
func applyEffects(tx *gorm.DB, o *store.Outcome, at time.Time) error {
	if t := o.Template; t != nil {
		res := tx.Model(&templateRow{}).
			Where("tenant_id = ? AND channel_id = ? AND id = ? AND state = ?", t.TenantID, t.ChannelID, t.TemplateID, "ACTIVE").
			Updates(map[string]any{"state": "INVALID", "state_reason": t.Reason, "invalid_time": ts(&t.At),
				"revision": gorm.Expr("revision + 1"), "update_time": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			err := resourceEventNow(tx, &templateRow{}, "tenant_id = ? AND channel_id = ? AND id = ?", []any{t.TenantID, t.ChannelID, t.TemplateID},
				t.TenantID, store.EventTemplateInvalid, templateSubject(t.ChannelID, t.TemplateID), stateInvalid, t.Reason, at)
			if err != nil {
				return err
			}
		}
		if err := failWaiting(tx, t.TenantID, t.ChannelID, t.TemplateID, t.FailReason); err != nil {
			return err
		}
	}
	if c := o.Channel; c != nil {
		res := tx.Model(&channelRow{}).
			Where("tenant_id = ? AND id = ? AND state IN ?", c.TenantID, c.ChannelID, []string{"ENABLED", "UNVERIFIED"}).
			Updates(map[string]any{"state": stateAuthFailed, "state_reason": c.Reason, "verify_time": ts(&c.At),
				"revision": gorm.Expr("revision + 1"), "update_time": at})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 1 {
			err := resourceEventNow(tx, &channelRow{}, "tenant_id = ? AND id = ?", []any{c.TenantID, c.ChannelID},
				c.TenantID, store.EventChannelAuthFailed, channelSubject(c.ChannelID), stateAuthFailed, c.Reason, at)
			if err != nil {
				return err
			}
		}
	}
	if l := o.Ledger; l != nil {
		if l.ReturnSend {
			err := tx.Model(&messageRow{}).Where("tenant_id = ? AND id = ?", o.TenantID, o.MessageID).Update("reserved", false).Error
			if err != nil {
				return err
			}
			return returnSend(tx, l.Key, at)
		}
		if _, err := applyChange(tx, l.Key, l.Change, at); err != nil {
			return err
		}
	}
	return nil
}

// ReserveSend takes one one-time acceptance; a row left with none becomes EXHAUSTED.
func (s *Store) ReserveSend(ctx context.Context, key store.SubscriptionKey, messageID string) (bool, error) {
	var taken bool
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		at := now()
		res := tx.Model(&subscriptionRow{}).
			Where(naturalKey+" AND state = ? AND remaining_sends > 0", append(keyArgs(key), stateActive)...).
			Updates(map[string]any{"remaining_sends": gorm.Expr("remaining_sends - 1"),
				"revision": gorm.Expr("revision + 1"), "update_time": at})
		if res.Error != nil {
			return res.Error
		}
		taken = res.RowsAffected == 1
		if !taken {
			return nil
		}
		err := tx.Model(&messageRow{}).Where("tenant_id = ? AND id = ?", key.TenantID, messageID).Update("reserved", true).Error
		if err != nil {
			return err
		}
		return tx.Model(&subscriptionRow{}).
			Where(naturalKey+" AND state = ? AND remaining_sends <= 0", append(keyArgs(key), stateActive)...).
			Updates(map[string]any{"state": "EXHAUSTED", "state_reason": ReasonSendsUsed}).Error
	})
	if err != nil {
		return false, s.fail("reserve send", err)
	}
	return taken, nil
}

// ReasonSendsUsed is the state reason of a one-time row whose acceptances were all used.
const ReasonSendsUsed = "every one-time acceptance was used by a send"

// returnSend gives back an acceptance ReserveSend took, for a send Alipay definitely refused
// for another reason.
func returnSend(tx *gorm.DB, key store.SubscriptionKey, at time.Time) error {
	err := tx.Model(&subscriptionRow{}).Where(naturalKey, keyArgs(key)...).
		Updates(map[string]any{"remaining_sends": gorm.Expr("remaining_sends + 1"),
			"revision": gorm.Expr("revision + 1"), "update_time": at}).Error
	if err != nil {
		return err
	}
	return tx.Model(&subscriptionRow{}).
		Where(naturalKey+" AND state = ? AND state_reason = ? AND remaining_sends > 0", append(keyArgs(key), "EXHAUSTED", ReasonSendsUsed)...).
		Updates(map[string]any{"state": stateActive, "state_reason": "an acceptance was given back: Alipay refused the send for another reason"}).Error
}

// ListMessageEvents lists a message's events in the order they were written.
func (s *Store) ListMessageEvents(ctx context.Context, tenantID, messageID string, p store.Page) ([]*store.MessageEvent, string, error) {
	size := min(max(p.Size, 0), maxPageSize)
	if size == 0 {
		size = defaultPageSize
	}
	q := s.db.WithContext(ctx).Where("tenant_id = ? AND message_id = ?", tenantID, messageID)
	if p.Token != "" {
		after, err := idToken[eventRow](p.Token)
		if err != nil {
			return nil, "", s.fail("list message events", err)
		}
		q = q.Where("id > ?", after)
	}
	var rows []eventRow
	if err := q.Order("id").Limit(size + 1).Find(&rows).Error; err != nil {
		return nil, "", s.fail("list message events", err)
	}
	rows, next := cut(rows, size, func(r *eventRow) []string { return []string{strconv.FormatInt(r.ID, 10)} })
	out := make([]*store.MessageEvent, len(rows))
	for i := range rows {
		out[i] = rows[i].record()
	}
	return out, next, nil
}

// ReasonExpired is the state reason of a message expire_time caught waiting.
const ReasonExpired = "not accepted by Alipay before expire_time"

// ExpireMessages expires a batch of waiting messages past their expire_time.
func (s *Store) ExpireMessages(ctx context.Context, now time.Time, limit int) (int, error) {
	at := now.UTC().Truncate(time.Microsecond)
	n := 0
	err := s.inTx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&messageRow{}).Select("tenant_id", "id", "attempts", "revision").
			Where("state IN ? AND expire_time <= ? AND (lease_owner = '' OR lease_expire_time < ?)", waitingStates, at, at).Limit(limit)
		if s.dialect.SkipLocked {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []messageRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		n = len(rows)
		if n == 0 {
			return nil
		}
		events := make([]*eventRow, n)
		for i, r := range rows {
			events[i] = &eventRow{TenantID: r.TenantID, MessageID: r.ID, Time: at, Kind: store.EventExpired,
				State: "EXPIRED", Description: ReasonExpired, Attempt: r.Attempts, Revision: r.Revision + 1}
		}
		for _, g := range groupIDs(n, func(i int) (string, string, string) { return rows[i].TenantID, "", rows[i].ID }) {
			err := tx.Model(&messageRow{}).Where("tenant_id = ? AND id IN ?", g.tenant, g.ids).Updates(map[string]any{
				"state": "EXPIRED", "state_reason": ReasonExpired, "lease_owner": "", "lease_expire_time": nil,
				"revision": gorm.Expr("revision + 1"), "update_time": at,
			}).Error
			if err != nil {
				return err
			}
		}
		return tx.CreateInBatches(events, insertChunk).Error
	})
	if err != nil {
		return 0, s.fail("expire messages", err)
	}
	return n, nil
}

// QueueDepth counts waiting messages by tenant, channel and state.
func (s *Store) QueueDepth(ctx context.Context) ([]store.QueueCount, error) {
	var rows []struct {
		TenantID, ChannelID, State string
		N                          int64
	}
	err := s.db.WithContext(ctx).Model(&messageRow{}).Select("tenant_id, channel_id, state, COUNT(*) AS n").
		Where("state IN ?", waitingStates).Group("tenant_id, channel_id, state").Scan(&rows).Error
	if err != nil {
		return nil, s.fail("queue depth", err)
	}
	out := make([]store.QueueCount, len(rows))
	for i, r := range rows {
		out[i] = store.QueueCount{TenantID: r.TenantID, ChannelID: r.ChannelID, State: r.State, Count: r.N}
	}
	return out, nil
}
