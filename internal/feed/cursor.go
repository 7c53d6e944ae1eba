// Package feed follows a table of events in id order without losing any.
//
// Event ids come from a sequence (PostgreSQL) or an auto-increment column (MariaDB), and
// transactions commit in any order: a reader that has seen id 12 may later find 11, once
// the transaction that took 11 commits. Waiting for every hole to fill would stall on ids
// that never appear (a rolled-back transaction, or a block MariaDB reserved and did not
// use), so a Cursor moves on at once and remembers the holes as Gaps, which the next reads
// look into again until they are older than a limit no real transaction comes near.
package feed

import (
	"encoding/json"
	"time"
)

// DefaultGapKeep is how long a hole is looked into: far longer than any transaction that
// writes an event runs.
const DefaultGapKeep = 10 * time.Minute

// maxGaps bounds what a cursor carries; beyond it the oldest holes are given up first.
const maxGaps = 1000

// Cursor is how far a reader got: every id up to After was seen, except those in Gaps.
type Cursor struct {
	After int64 `json:"after"`
	Gaps  []Gap `json:"gaps,omitempty"`
}

// Gap is a hole of ids From..To (inclusive) first noticed at Seen (Unix seconds).
type Gap struct {
	From int64 `json:"from"`
	To   int64 `json:"to"`
	Seen int64 `json:"seen"`
}

// Advance records ids (ascending, as read: each above After or inside a gap) as seen at
// now, opens gaps for the holes between them and forgets gaps older than keep.
func (c *Cursor) Advance(ids []int64, now time.Time, keep time.Duration) {
	sec := now.Unix()
	for _, id := range ids {
		if id <= c.After {
			c.fill(id)
			continue
		}
		if id > c.After+1 {
			c.Gaps = append(c.Gaps, Gap{From: c.After + 1, To: id - 1, Seen: sec})
		}
		c.After = id
	}
	oldest := now.Add(-keep).Unix()
	kept := c.Gaps[:0]
	for _, g := range c.Gaps {
		if g.Seen >= oldest {
			kept = append(kept, g)
		}
	}
	c.Gaps = kept
	if n := len(c.Gaps); n > maxGaps {
		c.Gaps = append(c.Gaps[:0], c.Gaps[n-maxGaps:]...)
	}
}

// fill takes id out of the gap that holds it.
func (c *Cursor) fill(id int64) {
	for i, g := range c.Gaps {
		if id < g.From || id > g.To {
			continue
		}
		switch {
		case g.From == g.To:
			c.Gaps = append(c.Gaps[:i], c.Gaps[i+1:]...)
		case id == g.From:
			c.Gaps[i].From++
		case id == g.To:
			c.Gaps[i].To--
		default:
			c.Gaps = append(c.Gaps[:i+1], c.Gaps[i:]...)
			c.Gaps[i].To, c.Gaps[i+1].From = id-1, id+1
		}
		return
	}
}

// Ranges are the gaps as id ranges, for the next read.
func (c *Cursor) Ranges() [][2]int64 {
	out := make([][2]int64, len(c.Gaps))
	for i, g := range c.Gaps {
		out[i] = [2]int64{g.From, g.To}
	}
	return out
}

// Encode is the cursor as text, for a database column or a resume token.
func (c *Cursor) Encode() string {
	b, _ := json.Marshal(c)
	return string(b)
}

// Decode reads what Encode wrote; "" is the start of the feed.
func Decode(s string) (Cursor, error) {
	var c Cursor
	if s == "" {
		return c, nil
	}
	err := json.Unmarshal([]byte(s), &c)
	return c, err
}
