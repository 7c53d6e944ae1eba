package tmplimport

import (
	"strings"
)

// Separators of "key: label" lines. The full-width colon is what Chinese
// consoles and documents use.
var separators = []string{":", "：", "=", "\t"}

// lineParser accumulates Format B: one keyword per line.
type lineParser struct {
	p     *Parsed
	src   source
	lines map[string]int // keyword key → line it was defined on
}

// parseLines reads "keyword1: 交易金额", "keyword1=交易金额",
// "交易金额 {{keyword1.DATA}}" or "交易金额：${keyword1}", one per line (several
// placeholders on one line also work, as consoles sometimes print the whole
// template on one line). A first line that is neither is the title; so is
// "title: …". {{first.DATA}} and {{remark.DATA}} set HasFirst and HasRemark.
// Blank lines and lines starting with '#' or '//' are skipped.
func parseLines(text string, src source) (*Parsed, *Error) {
	lp := &lineParser{p: &Parsed{}, src: src, lines: map[string]int{}}
	off, lineNo, contentLines := 0, 0, 0
	for raw := range strings.SplitAfterSeq(text, "\n") {
		start := off
		off += len(raw)
		lineNo++
		line := strings.TrimRight(raw, "\r\n")
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") || strings.HasPrefix(trimmed, "//") {
			continue
		}
		contentLines++
		indent := strings.Index(line, trimmed)
		if err := lp.line(line, start, indent, lineNo, contentLines == 1); err != nil {
			return nil, err
		}
	}
	if len(lp.p.Keywords) == 0 {
		return nil, &Error{Reason: `is neither template JSON nor keyword lines: paste the template JSON, or lines like "keyword1: 交易金额" or "交易金额 {{keyword1.DATA}}"`}
	}
	return lp.p, nil
}

func (lp *lineParser) line(line string, start, indent, lineNo int, first bool) *Error {
	phs, bad := findPlaceholders(line)
	if bad >= 0 {
		return lp.src.errAt(start+bad, "", "%s has an unterminated placeholder", quote(line[bad:]))
	}
	if len(phs) > 0 {
		prev := 0
		for _, ph := range phs {
			label := trimLabel(line[prev:ph.start])
			prev = ph.end
			if ph.name == "" {
				return lp.src.errAt(start+ph.start, "", "%s names no keyword", quote(line[ph.start:ph.end]))
			}
			if err := lp.add(ph.name, label, start+ph.start, lineNo); err != nil {
				return err
			}
		}
		return nil
	}
	key, label, sepFound := splitKeyLine(line)
	switch {
	case key != "":
		if key == "title" {
			return lp.setTitle(label, start+indent)
		}
		return lp.add(key, label, start+indent, lineNo)
	case !sepFound && first && lp.p.Title == "":
		return lp.setTitle(strings.TrimSpace(line), start+indent)
	case sepFound:
		left := strings.TrimSpace(line[:firstSeparator(line)])
		return lp.src.errAt(start+indent, "", "%s is not a keyword key: a key %s", quote(left), keyRule)
	default:
		return lp.src.errAt(start+indent, "", `%s is not a keyword line: want "keyword1: 交易金额" or "交易金额 {{keyword1.DATA}}"`, quote(strings.TrimSpace(line)))
	}
}

func (lp *lineParser) setTitle(title string, at int) *Error {
	if reason := titleProblem(title); reason != "" {
		return lp.src.errAt(at, "title", "%s", reason)
	}
	lp.p.Title = title
	return nil
}

func (lp *lineParser) add(key, label string, at, lineNo int) *Error {
	if !validKey(key) {
		return lp.src.errAt(at, "", "%s is not a keyword key: a key %s", quote(key), keyRule)
	}
	switch key {
	case "first":
		lp.p.HasFirst = true
		return nil
	case "remark":
		lp.p.HasRemark = true
		return nil
	}
	if prev, dup := lp.lines[key]; dup {
		return lp.src.errAt(at, key, "is defined twice (lines %d and %d)", prev, lineNo)
	}
	if reason := labelProblem(label); reason != "" {
		return lp.src.errAt(at, key, "%s", reason)
	}
	if len(lp.p.Keywords) == MaxKeywords {
		return lp.src.errAt(at, key, "is one keyword more than the 20 allowed")
	}
	lp.lines[key] = lineNo
	lp.p.Keywords = append(lp.p.Keywords, Keyword{Key: key, Label: label})
	return nil
}

// splitKeyLine splits "key: label". It also takes "label: key" when only the
// right side is a valid key, because operators with Chinese labels write
// "交易金额：keyword1" as often as the other way round. A left side that looks
// like a key but breaks the rule (too long, starts with a digit) is reported,
// not swapped, and when both sides are valid keys the left one is the key.
func splitKeyLine(line string) (key, label string, sepFound bool) {
	i := firstSeparator(line)
	if i < 0 {
		return "", "", false
	}
	left := strings.TrimSpace(line[:i])
	_, after, _ := strings.Cut(line[i:], sepAt(line, i))
	right := strings.TrimSpace(after)
	switch {
	case validKey(left):
		return left, right, true
	case left != "" && !keyLike(left) && validKey(right):
		return right, left, true
	}
	return "", "", true
}

func firstSeparator(line string) int {
	best := -1
	for _, sep := range separators {
		if i := strings.Index(line, sep); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}

func sepAt(line string, i int) string {
	for _, sep := range separators {
		if strings.HasPrefix(line[i:], sep) {
			return sep
		}
	}
	return ""
}

// trimLabel cleans the text before a placeholder: "交易金额：" → "交易金额",
// and drops punctuation left over from the previous keyword on one line.
func trimLabel(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, " \t:：=")
	s = strings.TrimLeft(s, " \t,，、;；。.")
	return strings.TrimSpace(s)
}

// keyLike reports whether s is made of identifier characters, i.e. was
// probably meant as a key.
func keyLike(s string) bool {
	return strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") == ""
}
