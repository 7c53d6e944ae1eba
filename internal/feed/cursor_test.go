package feed

import (
	"reflect"
	"testing"
	"time"
)

func TestAdvanceOpensAndFillsGaps(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var c Cursor
	c.Advance([]int64{1, 2, 5, 9}, t0, time.Minute)
	want := Cursor{After: 9, Gaps: []Gap{{3, 4, 1000}, {6, 8, 1000}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("after first read: %+v, want %+v", c, want)
	}
	// 7 commits late: it splits its gap; 3 shortens one; 10 continues.
	c.Advance([]int64{3, 7, 10}, t0.Add(time.Second), time.Minute)
	want = Cursor{After: 10, Gaps: []Gap{{4, 4, 1000}, {6, 6, 1000}, {8, 8, 1000}}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("after late ids: %+v, want %+v", c, want)
	}
	c.Advance([]int64{4, 6, 8}, t0.Add(2*time.Second), time.Minute)
	if len(c.Gaps) != 0 || c.After != 10 {
		t.Fatalf("every gap filled: %+v", c)
	}
}

func TestAdvanceForgetsOldGaps(t *testing.T) {
	t0 := time.Unix(1000, 0)
	var c Cursor
	c.Advance([]int64{1, 3}, t0, time.Minute)
	c.Advance([]int64{6}, t0.Add(30*time.Second), time.Minute)
	c.Advance(nil, t0.Add(61*time.Second), time.Minute)
	want := []Gap{{4, 5, 1030}}
	if !reflect.DeepEqual(c.Gaps, want) {
		t.Fatalf("gaps = %+v, want only the younger %+v", c.Gaps, want)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	c := Cursor{After: 42, Gaps: []Gap{{40, 40, 7}}}
	got, err := Decode(c.Encode())
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("Decode(Encode(%+v)) = %+v, %v", c, got, err)
	}
	if z, err := Decode(""); err != nil || z.After != 0 {
		t.Fatalf("Decode(\"\") = %+v, %v", z, err)
	}
	if _, err := Decode("{"); err == nil {
		t.Fatal("Decode of garbage: no error")
	}
}
