package tmplimport

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error says what is wrong with pasted template text and where, so the
// console can point at it.
type Error struct {
	// Field is the JSON key or keyword key at fault ("key3", "value2",
	// "title"), or "" when the problem concerns the whole input.
	Field string
	// Line and Column (1-based, Column in characters) locate the problem in
	// the pasted text; 0 when it has no single place. For a template that was
	// itself a JSON string inside the paste, they point at that string.
	Line, Column int
	Reason       string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("import template: ")
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteByte(' ')
	}
	b.WriteString(e.Reason)
	return b.String()
}

// source maps offsets in the text being parsed back to the operator's input.
type source struct {
	full   string // the whole input, for line and column
	base   int    // offset of the text being parsed within full
	pinned bool   // text was decoded from a JSON string: inner offsets do not map to full
}

// at returns the source for a sub-text starting at off.
func (s source) at(off int) source {
	if s.pinned {
		return s
	}
	return source{full: s.full, base: s.base + off}
}

// decoded returns the source for the contents of a JSON string at off.
func (s source) decoded(off int) source {
	s = s.at(off)
	s.pinned = true
	return s
}

func (s source) errAt(off int, field, format string, args ...any) *Error {
	p := s.base
	if !s.pinned {
		p += off
	}
	line, col := lineCol(s.full, p)
	return &Error{Field: field, Line: line, Column: col, Reason: fmt.Sprintf(format, args...)}
}

// lineCol converts a byte offset to a 1-based line and character column.
func lineCol(text string, off int) (line, col int) {
	off = max(0, min(off, len(text)))
	for off > 0 && off < len(text) && !utf8.RuneStart(text[off]) {
		off--
	}
	before := text[:off]
	line = 1 + strings.Count(before, "\n")
	start := strings.LastIndexByte(before, '\n') + 1
	return line, 1 + utf8.RuneCountInString(before[start:])
}

func invalidUTF8Offset(s string) int {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return i
			}
		}
	}
	return len(s)
}
