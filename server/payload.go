package server

import (
	"errors"
	"slices"
	"strconv"
	"unicode/utf8"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// payloadOf returns what store.Message.Payload holds: the content fields of m as protobuf
// JSON, which protojson.Unmarshal reads back (delivery and the read APIs do). It is written
// by hand because protojson's reflection over maps was a ninth of a SendMessage's CPU; the
// format stays protojson's (field JSON names, map keys sorted, zero values left out), and
// payload_test checks every field against protojson.
func payloadOf(m *reachv1.Message) ([]byte, error) {
	e := payloadEncoder{b: make([]byte, 0, 128)}
	e.b = append(e.b, '{')
	e.stringMap("data", m.Data)
	e.stringMap("colors", m.Colors)
	if len(m.Localizations) > 0 {
		e.key("localizations")
		e.b = append(e.b, '[')
		for i, l := range m.Localizations {
			if i > 0 {
				e.b = append(e.b, ',')
			}
			e.object(func(o *payloadEncoder) {
				o.field("language", l.GetLanguage())
				o.stringMap("data", l.GetData())
			})
		}
		e.b = append(e.b, ']')
	}
	e.field("page", m.Page)
	if la := m.LifeAccount; la != nil {
		e.key("lifeAccount")
		e.object(func(o *payloadEncoder) {
			o.field("url", la.Url)
			o.field("headColor", la.HeadColor)
			o.field("actionName", la.ActionName)
		})
	}
	if c := m.Category; c != reachv1.MessageCategory_MESSAGE_CATEGORY_UNSPECIFIED {
		e.key("category")
		if c.Type().Descriptor().Values().ByNumber(c.Number()) != nil {
			e.str(c.String())
		} else { // a number this build has no name for: protojson writes (and reads) the number
			e.b = strconv.AppendInt(e.b, int64(c), 10)
		}
	}
	if e.bad {
		return nil, errInvalidUTF8
	}
	return append(e.b, '}'), nil
}

// errInvalidUTF8 is what protojson answers for a string that is not UTF-8; the transports
// refuse such strings before a handler runs, so it is never seen from outside.
var errInvalidUTF8 = errors.New("payload: string field contains invalid UTF-8")

// payloadEncoder appends one JSON object's members; the caller writes its braces.
type payloadEncoder struct {
	b      []byte
	fields int
	bad    bool // a string was not valid UTF-8
}

func (e *payloadEncoder) key(name string) {
	if e.fields > 0 {
		e.b = append(e.b, ',')
	}
	e.fields++
	e.str(name)
	e.b = append(e.b, ':')
}

// stringMap writes a map<string, string> with its keys in order (as protojson does), or
// nothing when it is empty.
func (e *payloadEncoder) stringMap(name string, m map[string]string) {
	if len(m) == 0 {
		return
	}
	e.key(name)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	e.object(func(o *payloadEncoder) {
		for _, k := range keys {
			o.key(k)
			o.str(m[k])
		}
	})
}

// object writes the braces of a nested object around what fill writes into it.
func (e *payloadEncoder) object(fill func(*payloadEncoder)) {
	inner := payloadEncoder{b: append(e.b, '{')}
	fill(&inner)
	e.b, e.bad = append(inner.b, '}'), e.bad || inner.bad
}

// field writes a string member, or nothing when it is empty (protojson leaves zero values
// out).
func (e *payloadEncoder) field(name, value string) {
	if value != "" {
		e.key(name)
		e.str(value)
	}
}

const hexDigits = "0123456789abcdef"

// str writes s as a JSON string: quotes, backslashes and control characters escaped, the
// rest as UTF-8.
func (e *payloadEncoder) str(s string) {
	if !utf8.ValidString(s) {
		e.bad = true
	}
	e.b = append(e.b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		e.b = append(e.b, s[start:i]...)
		switch c {
		case '"', '\\':
			e.b = append(e.b, '\\', c)
		case '\n':
			e.b = append(e.b, '\\', 'n')
		case '\r':
			e.b = append(e.b, '\\', 'r')
		case '\t':
			e.b = append(e.b, '\\', 't')
		default:
			e.b = append(e.b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	e.b = append(append(e.b, s[start:]...), '"')
}
