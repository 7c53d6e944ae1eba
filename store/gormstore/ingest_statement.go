package gormstore

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// One statement per group (PostgreSQL). The transaction of writeGroup costs five round
// trips — BEGIN, the guards' template revisions, the request ids, the messages, COMMIT —
// and the socket calls and statement overhead of those were most of a send's store CPU on
// both sides. Data-modifying CTEs do all of it in one statement, committed on its own:
// the same checks in the same order (guards, then request ids, then messages), one
// snapshot, and all or nothing. Rows travel as typed arrays (unnest), so the statement's
// text is the same for every group and pgx prepares it once per connection; the dialect
// may give it connections of its own (GroupDB), where PostgreSQL keeps a generic plan.

// groupStatement: calls are $1…$8 (one element per call), messages $9… (one element per
// message, call naming the call it belongs to). It answers one row per call that was
// written (true) or is stale (false); a call it does not name was recorded before.
var groupStatement = `WITH calls AS (
  SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::bigint[])
    AS c(call, tenant_id, request_id, request_hash, create_time, guard_channel, guard_template, guard_revision)
), fresh AS (
  SELECT c.* FROM calls c
  WHERE (c.guard_channel = '' AND c.guard_template = '' AND c.guard_revision = 0) OR c.guard_revision = COALESCE((SELECT t.revision FROM templates t
    WHERE t.tenant_id = c.tenant_id AND t.channel_id = c.guard_channel AND t.id = c.guard_template), 0)
), recorded AS (
  INSERT INTO send_requests (tenant_id, request_id, request_hash, create_time)
  SELECT tenant_id, request_id, request_hash, create_time FROM fresh WHERE request_id <> ''
  ORDER BY tenant_id COLLATE "C", request_id COLLATE "C"
  ON CONFLICT (tenant_id, request_id) DO NOTHING
  RETURNING tenant_id, request_id
), written AS (
  SELECT f.call FROM fresh f WHERE f.request_id = ''
  UNION ALL
  SELECT f.call FROM fresh f JOIN recorded r ON r.tenant_id = f.tenant_id AND r.request_id = f.request_id
), inserted AS (
  INSERT INTO messages (` + messageColumnList + `)
  SELECT ` + messageColumnList + ` FROM unnest(` + messageArrayParams(9) + `)
    AS m(call, ` + messageColumnList + `)
  WHERE m.call IN (SELECT call FROM written)
)
SELECT call, true FROM written
UNION ALL
SELECT call, false FROM calls WHERE call NOT IN (SELECT call FROM fresh)`

// messageColumns are the columns of messageRow, in the order messageArrays fills them,
// with their PostgreSQL array types. ingest_statement_test checks them against the model.
var messageColumns = []struct{ name, array string }{
	{"tenant_id", "text[]"}, {"id", "text[]"}, {"channel_id", "text[]"}, {"template_id", "text[]"},
	{"request_id", "text[]"}, {"batch_index", "int[]"}, {"recipient_kind", "text[]"}, {"recipient_id", "text[]"},
	{"payload", "bytea[]"}, {"state", "text[]"}, {"state_reason", "text[]"}, {"send_time", "timestamptz[]"},
	{"expire_time", "timestamptz[]"}, {"attempts", "int[]"}, {"due_time", "timestamptz[]"}, {"lease_owner", "text[]"},
	{"lease_expire_time", "timestamptz[]"}, {"sent_time", "timestamptz[]"}, {"external_id", "text[]"},
	{"last_error", "text[]"}, {"reserved", "bool[]"}, {"broadcast_id", "text[]"}, {"trace_parent", "text[]"},
	{"revision", "bigint[]"}, {"create_time", "timestamptz[]"}, {"update_time", "timestamptz[]"},
}

var messageColumnList = func() string {
	names := make([]string, len(messageColumns))
	for i, c := range messageColumns {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}()

// messageArrayParams numbers the call array and one array per column from first on.
func messageArrayParams(first int) string {
	var b strings.Builder
	b.WriteString("$" + strconv.Itoa(first) + "::int[]")
	for i, c := range messageColumns {
		b.WriteString(", $" + strconv.Itoa(first+1+i) + "::" + c.array)
	}
	return b.String()
}

// messageArrays returns the message rows of calls column by column, after the call index
// of each row (its position in calls).
func messageArrays(calls []*ingestCall) []any {
	n := 0
	for _, c := range calls {
		n += len(c.rows)
	}
	call := make([]int32, 0, n)
	str := func() []string { return make([]string, 0, n) }
	tenant, id, channel, template, request, kind, recipient := str(), str(), str(), str(), str(), str(), str()
	state, reason, leaseOwner, external := str(), str(), str(), str()
	batch, attempts := make([]int32, 0, n), make([]int32, 0, n)
	payload := make([][]byte, 0, n)
	tm := func() []*time.Time { return make([]*time.Time, 0, n) }
	sendTime, expireTime, dueTime, leaseExpire, sentTime := tm(), tm(), tm(), tm(), tm()
	ns := func() []*string { return make([]*string, 0, n) }
	lastError, broadcast, trace := ns(), ns(), ns()
	reserved := make([]bool, 0, n)
	revision := make([]int64, 0, n)
	created, updated := make([]time.Time, 0, n), make([]time.Time, 0, n)
	for i, c := range calls {
		for _, r := range c.rows {
			call = append(call, int32(i))
			tenant, id, channel, template = append(tenant, r.TenantID), append(id, r.ID), append(channel, r.ChannelID), append(template, r.TemplateID)
			request, batch = append(request, r.RequestID), append(batch, int32(r.BatchIndex))
			kind, recipient, payload = append(kind, r.RecipientKind), append(recipient, r.RecipientID), append(payload, r.Payload)
			state, reason = append(state, r.State), append(reason, r.StateReason)
			sendTime, expireTime, attempts = append(sendTime, r.SendTime), append(expireTime, r.ExpireTime), append(attempts, int32(r.Attempts))
			dueTime, leaseOwner, leaseExpire = append(dueTime, r.DueTime), append(leaseOwner, r.LeaseOwner), append(leaseExpire, r.LeaseExpire)
			sentTime, external, lastError = append(sentTime, r.SentTime), append(external, r.ExternalID), append(lastError, r.LastError)
			reserved, broadcast, trace = append(reserved, r.Reserved), append(broadcast, r.BroadcastID), append(trace, r.TraceParent)
			revision, created, updated = append(revision, r.Revision), append(created, r.CreateTime), append(updated, r.UpdateTime)
		}
	}
	return []any{call, tenant, id, channel, template, request, batch, kind, recipient, payload, state, reason,
		sendTime, expireTime, attempts, dueTime, leaseOwner, leaseExpire, sentTime, external, lastError, reserved,
		broadcast, trace, revision, created, updated}
}

// writeStatement is writeGroup in one statement. Calls that repeat a request id of the
// group are replays of its first; the others go to the database in key order, so two
// replicas recording overlapping groups take their locks in the same order.
func (w *ingest) writeStatement(ctx context.Context, group []*ingestCall) (map[*ingestCall]outcome, error) {
	out := make(map[*ingestCall]outcome, len(group))
	var leaders []*ingestCall
	led := map[requestKey]bool{}
	for _, c := range group {
		k := requestKey{c.tenantID, c.requestID}
		if c.requestID != "" && led[k] {
			out[c] = replayed
			continue
		}
		led[k] = c.requestID != ""
		leaders = append(leaders, c)
	}
	slices.SortStableFunc(leaders, func(a, b *ingestCall) int {
		return cmp.Or(strings.Compare(a.tenantID, b.tenantID), strings.Compare(a.requestID, b.requestID))
	})
	n := len(leaders)
	index, tenant, request, hash := make([]int32, n), make([]string, n), make([]string, n), make([]string, n)
	created, channel, template, revision := make([]time.Time, n), make([]string, n), make([]string, n), make([]int64, n)
	for i, c := range leaders {
		index[i], tenant[i], request[i], hash[i], created[i] = int32(i), c.tenantID, c.requestID, c.hash, c.rows[0].CreateTime
		channel[i], template[i], revision[i] = c.guard.ChannelID, c.guard.TemplateID, c.guard.Revision
		out[c] = replayed // unless the statement says otherwise
	}
	args := append([]any{index, tenant, request, hash, created, channel, template, revision}, messageArrays(leaders)...)
	db := w.s.sqlDB
	if w.s.dialect.GroupDB != nil {
		db = w.s.dialect.GroupDB
	}
	rows, err := db.QueryContext(ctx, groupStatement, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var i int32
		var ok bool
		if err := rows.Scan(&i, &ok); err != nil {
			return nil, err
		}
		if ok {
			out[leaders[i]] = written
		} else {
			out[leaders[i]] = stale
		}
	}
	return out, rows.Err()
}
