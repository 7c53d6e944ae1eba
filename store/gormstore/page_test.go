package gormstore

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"github.com/reachhq/reach/store"
)

func TestToken(t *testing.T) {
	for _, parts := range [][]string{{"a"}, {"ch-1", "tpl/2"}, {"ünïcode", "x y"}} {
		got, err := decodeToken(encodeToken(parts...), len(parts))
		if err != nil || !reflect.DeepEqual(got, parts) {
			t.Errorf("round trip of %q = %q, %v", parts, got, err)
		}
	}
	for _, c := range []struct {
		token string
		n     int
	}{{"", 1}, {"!!", 1}, {"YQ==", 1}, {encodeToken("a", "b"), 1}, {encodeToken("a"), 2}} {
		if _, err := decodeToken(c.token, c.n); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("decodeToken(%q, %d) = %v, want ErrInvalid", c.token, c.n, err)
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
	if len(rows) != 2 || next != encodeToken("b") {
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
