package tmplimport

import (
	"strings"
)

// placeholder is one ${name} or {{name.DATA}} in a line or value.
type placeholder struct {
	name       string
	start, end int // byte offsets of the whole placeholder
}

// findPlaceholders finds ${name}, {{name}} and {{name.DATA}} (the form
// template consoles print). bad is the offset of an opener without its
// closer, or -1.
func findPlaceholders(s string) (phs []placeholder, bad int) {
	for i := 0; i < len(s); {
		var open, closer string
		switch {
		case strings.HasPrefix(s[i:], "${"):
			open, closer = "${", "}"
		case strings.HasPrefix(s[i:], "{{"):
			open, closer = "{{", "}}"
		default:
			i++
			continue
		}
		j := strings.Index(s[i+len(open):], closer)
		if j < 0 {
			return phs, i
		}
		inner := s[i+len(open) : i+len(open)+j]
		end := i + len(open) + j + len(closer)
		phs = append(phs, placeholder{name: placeholderInner(inner), start: i, end: end})
		i = end
	}
	return phs, -1
}

func placeholderInner(inner string) string {
	inner = strings.TrimSpace(inner)
	if len(inner) >= 5 && strings.EqualFold(inner[len(inner)-5:], ".DATA") {
		inner = strings.TrimSpace(inner[:len(inner)-5])
	}
	return inner
}
