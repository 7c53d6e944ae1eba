package gormstore

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

const (
	defaultPageSize = 50
	// maxPageSize caps a page so one request cannot load a whole table into memory.
	maxPageSize = 1000
)

// A page token is the base64url of the sort key of the last row returned, its parts joined
// by NUL (which no id contains). Keyset pagination, not offsets: rows inserted or deleted
// between pages never shift the listing.
const tokenSep = "\x00"

func encodeToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, tokenSep)))
}

func decodeToken(token string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	// Its parts go into the query: text a database refuses (invalid UTF-8) would fail there
	// with an error that no longer says it was the token. (NUL is the separator.)
	if err != nil || len(raw) == 0 || !utf8.Valid(raw) {
		return nil, fmt.Errorf("%w: malformed", store.ErrPageToken)
	}
	parts := strings.Split(string(raw), tokenSep)
	if len(parts) != n {
		return nil, fmt.Errorf("%w: it belongs to another listing", store.ErrPageToken)
	}
	return parts, nil
}

// paginate orders q by cols (the listing's unique sort key, ascending), skips to after the
// token and limits to size+1 rows so the caller can tell whether a next page exists.
func paginate(q *gorm.DB, p store.Page, cols ...string) (*gorm.DB, int, error) {
	size := p.Size
	if size <= 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	if p.Token != "" {
		parts, err := decodeToken(p.Token, len(cols))
		if err != nil {
			return nil, 0, err
		}
		sql, args := after(cols, parts)
		q = q.Where(sql, args...)
	}
	for _, c := range cols {
		q = q.Order(c)
	}
	return q.Limit(size + 1), size, nil
}

// after expands "(c1, c2, …) > (v1, v2, …)" into ORs of equalities, which every planner
// turns into an index range (row-value comparisons are not optimized everywhere).
func after(cols, vals []string) (string, []any) {
	var ors []string
	var args []any
	for i := range cols {
		var ands []string
		for j := 0; j < i; j++ {
			ands = append(ands, cols[j]+" = ?")
			args = append(args, vals[j])
		}
		ands = append(ands, cols[i]+" > ?")
		args = append(args, vals[i])
		ors = append(ors, "("+strings.Join(ands, " AND ")+")")
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

// cut drops the extra row fetched by paginate and returns the token of the next page
// ("" at the end).
func cut[T any](rows []T, size int, key func(*T) []string) ([]T, string) {
	if len(rows) <= size {
		return rows, ""
	}
	rows = rows[:size]
	return rows, encodeToken(key(&rows[size-1])...)
}

// idToken reads the page token of a listing ordered by a numeric id.
func idToken(token string) (int64, error) {
	parts, err := decodeToken(token, 1)
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: malformed", store.ErrPageToken)
	}
	return id, nil
}
