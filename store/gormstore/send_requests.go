package gormstore

import (
	"cmp"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// recordRequests records the request ids of calls (each once; calls without one are
// skipped) and returns those that were recorded before, by an earlier transaction or
// another replica: those calls are replays and must write nothing.
//
// Where the dialect can, one statement inserts and finds: INSERT … ON CONFLICT DO NOTHING
// RETURNING answers the rows it inserted, so the others were there. A concurrent
// uncommitted insert of the same id makes it wait for that transaction, never guess. The
// ids go in key order, so two replicas recording overlapping groups lock in the same order
// and never deadlock. Elsewhere (MariaDB, whose INSERT IGNORE would also swallow every
// other error) it reads first and inserts the rest; a racing replica then fails the whole
// group on the unique key, and each call is written alone.
func (s *Store) recordRequests(tx *gorm.DB, calls []*ingestCall) (map[requestKey]bool, error) {
	var rows []*sendRequestRow
	for _, c := range calls {
		if c.requestID != "" {
			rows = append(rows, &sendRequestRow{TenantID: c.tenantID, RequestID: c.requestID, RequestHash: c.hash, CreateTime: c.rows[0].CreateTime})
		}
	}
	recorded := map[requestKey]bool{}
	if len(rows) == 0 {
		return recorded, nil
	}
	slices.SortFunc(rows, func(a, b *sendRequestRow) int {
		return cmp.Or(strings.Compare(a.TenantID, b.TenantID), strings.Compare(a.RequestID, b.RequestID))
	})
	if s.dialect.InsertOrFind {
		return recorded, insertOrFindRequests(tx, rows, recorded)
	}
	for _, g := range groupIDs(len(rows), func(i int) (string, string, string) { return rows[i].TenantID, "", rows[i].RequestID }) {
		var found []sendRequestRow
		if err := tx.Select("tenant_id", "request_id").Where("tenant_id = ? AND request_id IN ?", g.tenant, g.ids).Find(&found).Error; err != nil {
			return nil, err
		}
		for _, r := range found {
			recorded[requestKey{r.TenantID, r.RequestID}] = true
		}
	}
	fresh := slices.DeleteFunc(rows, func(r *sendRequestRow) bool { return recorded[requestKey{r.TenantID, r.RequestID}] })
	if len(fresh) == 0 {
		return recorded, nil
	}
	return recorded, tx.CreateInBatches(fresh, insertChunk).Error
}

// insertOrFindRequests inserts rows with ON CONFLICT DO NOTHING and marks in recorded
// those it did not insert. Raw SQL: GORM maps RETURNING rows back onto the inserted
// values by position, which is wrong when some were skipped.
func insertOrFindRequests(tx *gorm.DB, rows []*sendRequestRow, recorded map[requestKey]bool) error {
	for start := 0; start < len(rows); start += insertChunk {
		chunk := rows[start:min(start+insertChunk, len(rows))]
		var sql strings.Builder
		sql.WriteString("INSERT INTO send_requests (tenant_id, request_id, request_hash, create_time) VALUES ")
		args := make([]any, 0, 4*len(chunk))
		for i, r := range chunk {
			if i > 0 {
				sql.WriteString(", ")
			}
			sql.WriteString("(?, ?, ?, ?)")
			args = append(args, r.TenantID, r.RequestID, r.RequestHash, r.CreateTime)
		}
		sql.WriteString(" ON CONFLICT (tenant_id, request_id) DO NOTHING RETURNING tenant_id, request_id")
		var inserted []sendRequestRow
		if err := tx.Raw(sql.String(), args...).Scan(&inserted).Error; err != nil {
			return err
		}
		fresh := make(map[requestKey]bool, len(inserted))
		for _, r := range inserted {
			fresh[requestKey{r.TenantID, r.RequestID}] = true
		}
		for _, r := range chunk {
			if k := (requestKey{r.TenantID, r.RequestID}); !fresh[k] {
				recorded[k] = true
			}
		}
	}
	return nil
}
