package server

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// filterTerm is one `field op value` comparison of a List filter.
type filterTerm struct {
	Field string
	Op    string
	Value string
}

// parseFilter reads the small subset of AIP-160 that Reach's List methods accept: terms
// `field op value` joined by AND, where op is one of = != < <= > >= and value is a bare word
// or a double-quoted string with backslash escapes. allowed maps each field to the
// operators it accepts.
func parseFilter(filter string, allowed map[string][]string) ([]filterTerm, error) {
	toks, err := tokenizeFilter(filter)
	if err != nil {
		return nil, err
	}
	var terms []filterTerm
	seen := map[string]bool{}
	for i := 0; i < len(toks); {
		if len(terms) > 0 {
			if !strings.EqualFold(toks[i], "AND") {
				return nil, fmt.Errorf("expected AND before %q (only AND is supported)", toks[i])
			}
			i++
		}
		if i+3 > len(toks) {
			return nil, fmt.Errorf("incomplete term at the end: expected `field op value`")
		}
		t := filterTerm{Field: toks[i], Op: toks[i+1], Value: unquote(toks[i+2])}
		// The request's text was checked (validateInterceptor), but an escape such as \x00
		// makes a control character only now; refused here, it is a filter error on every
		// database rather than whatever each database makes of it.
		if problem := controlProblem(t.Value); problem != "" {
			return nil, fmt.Errorf("the value of %q %s", t.Field, problem)
		}
		ops, ok := allowed[t.Field]
		if !ok {
			return nil, fmt.Errorf("unknown field %q; known: %s", t.Field, strings.Join(slices.Sorted(maps.Keys(allowed)), ", "))
		}
		if !slices.Contains(ops, t.Op) {
			return nil, fmt.Errorf("field %q does not take operator %q (it takes %s)", t.Field, t.Op, strings.Join(ops, " "))
		}
		// Terms are ANDed, so a field compared twice for equality could only match nothing
		// or one of the values; both are surprises, so it is refused. A range may have one
		// lower and one upper bound.
		if k := t.Field + boundOf(t.Op); seen[k] {
			return nil, fmt.Errorf("field %q appears more than once (terms are joined by AND)", t.Field)
		} else {
			seen[k] = true
		}
		terms = append(terms, t)
		i += 3
	}
	return terms, nil
}

func tokenizeFilter(s string) ([]string, error) {
	if len(s) > 2000 {
		return nil, fmt.Errorf("filter longer than 2000 characters")
	}
	var toks []string
	r := []rune(s)
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
		case c == '"':
			j := i + 1
			for j < len(r) && r[j] != '"' {
				if r[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(r) {
				return nil, fmt.Errorf("unterminated string starting at %d", i)
			}
			toks = append(toks, string(r[i:j+1]))
			i = j + 1
		case strings.ContainsRune("=!<>", c):
			j := i + 1
			if j < len(r) && r[j] == '=' {
				j++
			}
			op := string(r[i:j])
			if op == "!" {
				return nil, fmt.Errorf("unknown operator %q at %d", op, i)
			}
			toks = append(toks, op)
			i = j
		default:
			j := i
			for j < len(r) && !unicode.IsSpace(r[j]) && !strings.ContainsRune("=!<>\"", r[j]) {
				j++
			}
			toks = append(toks, string(r[i:j]))
			i = j
		}
	}
	return toks, nil
}

func unquote(v string) string {
	if len(v) >= 2 && v[0] == '"' {
		if s, err := strconv.Unquote(v); err == nil {
			return s
		}
		return v[1 : len(v)-1]
	}
	return v
}

// enumValue accepts an enum value with or without its prefix ("ENABLED" or
// "CHANNEL_STATE_ENABLED") and returns the short form, checking it against known.
func enumValue(prefix, v string, known []string) (string, error) {
	short := strings.TrimPrefix(strings.ToUpper(v), prefix)
	if slices.Contains(known, short) {
		return short, nil
	}
	return "", fmt.Errorf("unknown value %q; known: %s", v, strings.Join(known, ", "))
}

func parseFilterTime(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time", v)
	}
	return t.UTC(), nil
}

// boundOf groups operators: equality, lower bound or upper bound.
func boundOf(op string) string {
	switch op {
	case ">", ">=":
		return ">"
	case "<", "<=":
		return "<"
	}
	return op
}
