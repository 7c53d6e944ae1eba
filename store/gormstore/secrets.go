package gormstore

import (
	"bytes"
	"context"
	"strings"

	"github.com/reachhq/reach/store"
)

// secretColumn is one column of ciphertexts and the primary key of its table.
type secretColumn struct {
	table, column string
	keys          []string
	// ref names the record from its key values (in the order of keys).
	ref func(key []string) store.SecretRef
}

var secretColumns = []secretColumn{
	{"channels", "secrets", []string{"tenant_id", "id"}, func(k []string) store.SecretRef {
		return store.SecretRef{Kind: "channel", TenantID: k[0], ChannelID: k[1], Column: "secrets"}
	}},
	{"subscriptions", "access_token", []string{"tenant_id", "channel_id", "id"}, func(k []string) store.SecretRef {
		return store.SecretRef{Kind: "subscription", TenantID: k[0], ChannelID: k[1], ID: k[2], Column: "access_token"}
	}},
	{"subscriptions", "refresh_token", []string{"tenant_id", "channel_id", "id"}, func(k []string) store.SecretRef {
		return store.SecretRef{Kind: "subscription", TenantID: k[0], ChannelID: k[1], ID: k[2], Column: "refresh_token"}
	}},
	{"webhooks", "secret", []string{"tenant_id", "id"}, func(k []string) store.SecretRef {
		return store.SecretRef{Kind: "webhook", TenantID: k[0], ID: k[1], Column: "secret"}
	}},
	{"webhooks", "previous_secret", []string{"tenant_id", "id"}, func(k []string) store.SecretRef {
		return store.SecretRef{Kind: "webhook", TenantID: k[0], ID: k[1], Column: "previous_secret"}
	}},
}

// reencryptBatch is how many rows are read at a time; the table is never loaded whole.
const reencryptBatch = 200

// secretRow holds one ciphertext and up to three key parts (K3 unused for channels and
// webhooks).
type secretRow struct {
	K1, K2, K3 string
	V          []byte
}

// ReencryptSecrets passes every non-empty ciphertext through fn and writes back the values
// that changed. The write is a compare-and-set on the old ciphertext, so a concurrent update
// of the same row wins and is never overwritten. Revisions are not bumped: the plaintext is
// unchanged, and a rotation must not make every client's next update fail with a conflict.
// The price: an update based on a read from before the rotation may write an old-key
// ciphertext back, so retire a key only once a pass rewrites nothing.
func (s *Store) ReencryptSecrets(ctx context.Context, fn func(ref store.SecretRef, ciphertext []byte) ([]byte, error)) (int, error) {
	total := 0
	for _, c := range secretColumns {
		n, err := s.reencryptColumn(ctx, c, fn)
		total += n
		if err != nil {
			return total, s.fail("reencrypt "+c.table+"."+c.column, err)
		}
	}
	return total, nil
}

func (s *Store) reencryptColumn(ctx context.Context, c secretColumn, fn func(store.SecretRef, []byte) ([]byte, error)) (int, error) {
	aliases := []string{"K1", "K2", "K3"}
	var sel []string
	for i, k := range c.keys {
		sel = append(sel, k+" AS "+strings.ToLower(aliases[i]))
	}
	sel = append(sel, c.column+" AS v")
	keyWhere := strings.Join(c.keys, " = ? AND ") + " = ?"
	n := 0
	var last []string
	for {
		q := s.db.WithContext(ctx).Table(c.table).Select(strings.Join(sel, ", ")).Where(c.column + " IS NOT NULL")
		if last != nil {
			sql, args := after(c.keys, last)
			q = q.Where(sql, args...)
		}
		for _, k := range c.keys {
			q = q.Order(k)
		}
		var rows []secretRow
		if err := q.Limit(reencryptBatch).Scan(&rows).Error; err != nil {
			return n, err
		}
		for _, r := range rows {
			key := []string{r.K1, r.K2, r.K3}[:len(c.keys)]
			last = key
			if len(r.V) == 0 {
				continue
			}
			out, err := fn(c.ref(key), r.V)
			if err != nil {
				return n, err
			}
			if bytes.Equal(out, r.V) {
				continue
			}
			args := append(anySlice(key), r.V)
			res := s.db.WithContext(ctx).Table(c.table).Where(keyWhere+" AND "+c.column+" = ?", args...).Update(c.column, out)
			if res.Error != nil {
				return n, res.Error
			}
			n += int(res.RowsAffected)
		}
		if len(rows) < reencryptBatch {
			return n, nil
		}
	}
}

func anySlice(in []string) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}
