package gormstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"reflect"
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
// by NUL (which no id contains), behind the name of the listing and followed by a check (the
// first bytes of a SHA-256 of the rest). Keyset pagination, not offsets: rows inserted or
// deleted between pages never shift the listing. The name and the check make a token of
// another listing, or any text that merely decodes, an error instead of a page that starts
// at an arbitrary row.
const tokenSep = "\x00"

// tokenCheckBytes is how much of the hash a token carries: enough that text which happens
// to decode passes one time in four billion.
const tokenCheckBytes = 4

// listingOf names the listing of rows of type T, which is what a token is for.
func listingOf[T any]() string { return reflect.TypeFor[T]().Name() }

func encodeToken(listing string, parts ...string) string {
	body := listing + tokenSep + strings.Join(parts, tokenSep)
	sum := sha256.Sum256([]byte(body))
	return base64.RawURLEncoding.EncodeToString(append([]byte(body), sum[:tokenCheckBytes]...))
}

func decodeToken(token, listing string, n int) ([]string, error) {
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) <= tokenCheckBytes {
		return nil, fmt.Errorf("%w: malformed", store.ErrPageToken)
	}
	body, check := raw[:len(raw)-tokenCheckBytes], raw[len(raw)-tokenCheckBytes:]
	sum := sha256.Sum256(body)
	// Its parts go into the query: text a database refuses (invalid UTF-8) would fail there
	// with an error that no longer says it was the token.
	if !bytes.Equal(sum[:tokenCheckBytes], check) || !utf8.Valid(body) {
		return nil, fmt.Errorf("%w: malformed", store.ErrPageToken)
	}
	parts := strings.Split(string(body), tokenSep)
	if parts[0] != listing || len(parts) != n+1 {
		return nil, fmt.Errorf("%w: it belongs to another listing", store.ErrPageToken)
	}
	return parts[1:], nil
}

// paginate orders q by cols (the listing's unique sort key, ascending), skips to after the
// token and limits to size+1 rows so the caller can tell whether a next page exists.
func paginate[T any](q *gorm.DB, p store.Page, cols ...string) (*gorm.DB, int, error) {
	size := p.Size
	if size <= 0 {
		size = defaultPageSize
	}
	size = min(size, maxPageSize)
	if p.Token != "" {
		parts, err := decodeToken(p.Token, listingOf[T](), len(cols))
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
	return rows, encodeToken(listingOf[T](), key(&rows[size-1])...)
}

// idToken reads the page token of a listing of T ordered by a numeric id.
func idToken[T any](token string) (int64, error) {
	parts, err := decodeToken(token, listingOf[T](), 1)
	if err != nil {
		return 0, err
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: malformed", store.ErrPageToken)
	}
	return id, nil
}
