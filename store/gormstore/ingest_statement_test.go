package gormstore

import (
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/schema"
)

// The group statement names every column of messageRow once, and messageArrays fills each
// column's array from the field of that column: a field added to the model, or two arrays
// swapped, fails here rather than in a database.
func TestMessageArraysFollowTheModel(t *testing.T) {
	model, err := schema.Parse(&messageRow{}, &sync.Map{}, schema.NamingStrategy{})
	if err != nil {
		t.Fatal(err)
	}
	if len(model.DBNames) != len(messageColumns) {
		t.Fatalf("messageRow has %d columns, the group statement %d", len(model.DBNames), len(messageColumns))
	}
	// One row whose every field holds a value no other field holds.
	row := &messageRow{}
	rv := reflect.ValueOf(row).Elem()
	for i, f := range model.Fields {
		v := rv.FieldByName(f.Name)
		switch p := v.Addr().Interface().(type) {
		case *string:
			*p = fmt.Sprintf("s%d", i)
		case **string:
			s := fmt.Sprintf("p%d", i)
			*p = &s
		case *int:
			*p = 1000 + i
		case *int64:
			*p = int64(2000 + i)
		case *bool:
			*p = true
		case *[]byte:
			*p = []byte(fmt.Sprintf("b%d", i))
		case *time.Time:
			*p = time.Unix(int64(i), 0)
		case **time.Time:
			tm := time.Unix(int64(100+i), 0)
			*p = &tm
		default:
			t.Fatalf("field %s: type %s has no case here", f.Name, v.Type())
		}
	}
	arrays := messageArrays([]*ingestCall{{rows: []*messageRow{row}}})
	if len(arrays) != len(messageColumns)+1 {
		t.Fatalf("%d arrays for %d columns and the call index", len(arrays), len(messageColumns))
	}
	for i, c := range messageColumns {
		f := model.LookUpField(c.name)
		if f == nil {
			t.Fatalf("column %s is not in messageRow", c.name)
		}
		want := rv.FieldByName(f.Name).Interface()
		got := reflect.ValueOf(arrays[i+1]).Index(0).Interface()
		if reflect.TypeOf(got) != reflect.TypeOf(want) { // int columns travel as int32
			got = reflect.ValueOf(got).Convert(reflect.TypeOf(want)).Interface()
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("column %s: array holds %v, the row %v", c.name, got, want)
		}
	}
}
