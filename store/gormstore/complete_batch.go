package gormstore

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

// completeBatchRows is how many outcomes one batched UPDATE carries (9 parameters each,
// far below PostgreSQL's 65,535).
const completeBatchRows = 200

// plainOutcomes marks the outcomes completeBatch may write: those with no effect on a
// template, channel or ledger row (nearly all: every accepted send) whose message no earlier
// outcome names. The others go one by one through completeOne, so a later outcome for a
// message finds it completed and is not applied, as before.
func plainOutcomes(outs []*store.Outcome) []bool {
	plain := make([]bool, len(outs))
	seen := make(map[store.MessageRef]bool, len(outs))
	for i, o := range outs {
		ref := store.MessageRef{TenantID: o.TenantID, ID: o.MessageID}
		plain[i] = o.Template == nil && o.Channel == nil && o.Ledger == nil && !seen[ref]
		seen[ref] = true
	}
	return plain
}

// completeBatch writes plain outcomes (see plainOutcomes) with one UPDATE … FROM (VALUES …)
// … RETURNING per completeBatchRows, where the dialect has it (PostgreSQL): what completeOne
// does per message, with one round trip for many. It sets applied[i] for each message owner
// still held.
func completeBatch(tx *gorm.DB, owner string, outs []*store.Outcome, idx []int, at time.Time, applied []bool) error {
	for start := 0; start < len(idx); start += completeBatchRows {
		chunk := idx[start:min(start+completeBatchRows, len(idx))]
		var sql strings.Builder
		sql.WriteString(completeBatchHead)
		args := make([]any, 0, 2+9*len(chunk))
		args = append(args, at)
		for n, i := range chunk {
			if n > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString(completeBatchRow)
			o := outs[i]
			var due *time.Time
			if !o.DueTime.IsZero() {
				due = ts(&o.DueTime)
			}
			args = append(args, o.TenantID, o.MessageID, o.State, o.StateReason, o.Attempts, due, ts(o.SentTime),
				o.ExternalID, errorJSON(o.LastError))
		}
		sql.WriteString(completeBatchTail)
		args = append(args, owner)
		var done []struct{ TenantID, ID string }
		if err := tx.Raw(sql.String(), args...).Scan(&done).Error; err != nil {
			return err
		}
		held := make(map[store.MessageRef]bool, len(done))
		for _, d := range done {
			held[store.MessageRef{TenantID: d.TenantID, ID: d.ID}] = true
		}
		for _, i := range chunk {
			applied[i] = held[store.MessageRef{TenantID: outs[i].TenantID, ID: outs[i].MessageID}]
		}
	}
	return nil
}

// The batched completeSQL. The casts type the VALUES columns; COLLATE "C" matches the key
// columns' collation, so the comparison can use the primary key.
const (
	completeBatchHead = "UPDATE messages AS m SET state = v.state, state_reason = v.state_reason, attempts = v.attempts, " +
		"lease_owner = '', lease_expire_time = NULL, revision = m.revision + 1, update_time = ?, " +
		"due_time = COALESCE(v.due_time, m.due_time), sent_time = COALESCE(v.sent_time, m.sent_time), " +
		"external_id = CASE WHEN v.external_id = '' THEN m.external_id ELSE v.external_id END, " +
		"last_error = COALESCE(v.last_error, m.last_error) FROM (VALUES "
	completeBatchRow  = "(?::text, ?::text, ?::text, ?::text, ?::integer, ?::timestamptz, ?::timestamptz, ?::text, ?::text)"
	completeBatchTail = ") AS v(tenant_id, id, state, state_reason, attempts, due_time, sent_time, external_id, last_error) " +
		"WHERE m.tenant_id = v.tenant_id COLLATE \"C\" AND m.id = v.id COLLATE \"C\" AND m.lease_owner = ? AND m.state = 'SENDING' " +
		"RETURNING m.tenant_id, m.id"
)
