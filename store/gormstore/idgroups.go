package gormstore

// Statements that address many rows by key use "tenant_id = ? AND id IN (…)" once per
// tenant, never a row-value list "(tenant_id, id) IN ((…), (…))": PostgreSQL plans a
// row-value list arm by arm (one index condition per row, then a BitmapOr), which cost it
// more CPU than the inserts of a whole group commit, where an id list is one index scan
// over an array on every dialect.

// idGroupSize caps the ids of one statement, far below every bind-parameter limit.
const idGroupSize = 500

// idGroup is ids that share a tenant and, where it matters, a channel.
type idGroup struct {
	tenant, channel string
	ids             []string
}

// groupIDs groups n keys, read with at, by tenant and channel in order of first
// appearance, in groups of at most idGroupSize ids. Repeated keys are kept once.
func groupIDs(n int, at func(i int) (tenant, channel, id string)) []idGroup {
	type scope struct{ tenant, channel string }
	var groups []idGroup
	open := map[scope]int{} // the group of a scope that still has room
	seen := map[[3]string]bool{}
	for i := range n {
		tenant, channel, id := at(i)
		if k := [3]string{tenant, channel, id}; seen[k] {
			continue
		} else {
			seen[k] = true
		}
		s := scope{tenant, channel}
		g, ok := open[s]
		if !ok || len(groups[g].ids) == idGroupSize {
			groups = append(groups, idGroup{tenant: tenant, channel: channel})
			g = len(groups) - 1
			open[s] = g
		}
		groups[g].ids = append(groups[g].ids, id)
	}
	return groups
}
