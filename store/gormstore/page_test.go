package gormstore

import (
	"encoding/base64"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

func TestToken(t *testing.T) {
	for _, parts := range [][]string{{"a"}, {"ch-1", "tpl/2"}, {"ünïcode", "x y"}} {
		got, err := decodeToken(encodeToken("rows", parts...), "rows", len(parts))
		if err != nil || !reflect.DeepEqual(got, parts) {
			t.Errorf("round trip of %q = %q, %v", parts, got, err)
		}
	}
	good := encodeToken("rows", "a")
	tampered := []byte(good)
	tampered[2] ^= 1
	for _, c := range []struct {
		token string
		n     int
	}{
		{"", 1}, {"!!", 1}, {"YQ==", 1},
		{"enp6", 1}, {"MA", 1}, {base64.RawURLEncoding.EncodeToString([]byte("rows\x00a")), 1}, // text that decodes
		{encodeToken("rows", "a", "b"), 1}, {encodeToken("rows", "a"), 2}, // another key
		{encodeToken("other", "a"), 1}, // another listing
		{string(tampered), 1},
	} {
		if _, err := decodeToken(c.token, "rows", c.n); !errors.Is(err, store.ErrPageToken) {
			t.Errorf("decodeToken(%q, %d) = %v, want ErrPageToken", c.token, c.n, err)
		}
	}
}

func TestAfter(t *testing.T) {
	sql, args := after([]string{"id", "channel_id"}, []string{"b", "ch1"})
	if want := "((id > ?) OR (id = ? AND channel_id > ?))"; sql != want {
		t.Errorf("after = %s, want %s", sql, want)
	}
	if fmt.Sprint(args) != "[b b ch1]" {
		t.Errorf("args = %v", args)
	}
}

func TestCut(t *testing.T) {
	key := func(s *string) []string { return []string{*s} }
	rows, next := cut([]string{"a", "b", "c"}, 2, key)
	if len(rows) != 2 || next != encodeToken("string", "b") {
		t.Errorf("cut with a next page = %v, %q", rows, next)
	}
	rows, next = cut([]string{"a", "b"}, 2, key)
	if len(rows) != 2 || next != "" {
		t.Errorf("cut at the end = %v, %q", rows, next)
	}
}

func TestClassify(t *testing.T) {
	sentinel := errors.New("dialect says so")
	d := Dialect{Classify: func(err error) error {
		if err.Error() == "driver unique" {
			return store.ErrAlreadyExists
		}
		return nil
	}}
	for _, c := range []struct {
		err, want error
	}{
		{gorm.ErrRecordNotFound, store.ErrNotFound},
		{fmt.Errorf("x: %w", gorm.ErrDuplicatedKey), store.ErrAlreadyExists},
		{errors.New("driver unique"), store.ErrAlreadyExists},
		{fmt.Errorf("already: %w", store.ErrConflict), store.ErrConflict},
		{sentinel, sentinel},
	} {
		if got := classify(d, c.err); !errors.Is(got, c.want) {
			t.Errorf("classify(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
