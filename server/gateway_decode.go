package server

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/grpc-ecosystem/grpc-gateway/v2/utilities"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// The gateway's JSON decoder. protojson's errors quote the token they stopped at, and the
// gateway returns a decoding error's text as the answer and the edge logs it: a private
// key sent in the wrong field came back in the 400 and went whole into the log. Decoding
// errors here name the field at fault (the JSON path to it) and what is wrong with it,
// never the value, in the same words as the service's other field violations.

// gatewayJSON is the gateway's marshaler with that decoder.
type gatewayJSON struct{ *runtime.JSONPb }

func (m gatewayJSON) NewDecoder(r io.Reader) runtime.Decoder {
	d := json.NewDecoder(r)
	return runtime.DecoderFunc(func(v any) error {
		msg := messageOf(v)
		if msg == nil {
			// Not a message (no route of this API has such a body): decoded as JSONPb does,
			// with an error that quotes nothing.
			if err := (runtime.DecoderWrapper{Decoder: d, UnmarshalOptions: m.UnmarshalOptions}).Decode(v); err != nil {
				return passEOF(err, bodyViolation{field: "body", description: "is not valid JSON for this call"})
			}
			return nil
		}
		var raw json.RawMessage
		if err := d.Decode(&raw); err != nil {
			var syn *json.SyntaxError
			if errors.As(err, &syn) {
				return bodyViolation{field: "body", description: "is not valid JSON (at byte " + strconv.FormatInt(syn.Offset, 10) + ")"}
			}
			return passEOF(err, bodyViolation{field: "body", description: "is not valid JSON (it ends too early)"})
		}
		if err := m.UnmarshalOptions.Unmarshal(raw, msg); err != nil {
			return decodeViolation(msg.ProtoReflect().Descriptor(), raw, err)
		}
		return nil
	})
}

// messageOf is the message a handler decodes into: v itself, or, for a body that is one
// field of the request (&req.Channel), the message it points to, allocated if need be.
func messageOf(v any) proto.Message {
	if msg, ok := v.(proto.Message); ok {
		return msg
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Pointer {
		return nil
	}
	field := rv.Elem()
	if !field.Type().Implements(reflect.TypeFor[proto.Message]()) {
		return nil
	}
	if field.IsNil() {
		field.Set(reflect.New(field.Type().Elem()))
	}
	return field.Interface().(proto.Message)
}

// passEOF keeps io.EOF, which the generated handlers take for an empty body, as it is.
func passEOF(err error, v bodyViolation) error {
	if errors.Is(err, io.EOF) {
		return err
	}
	return v
}

// bodyViolation is a decoding error. Its text is what fieldErrors would write for it, and
// fieldViolation reads it back: the generated handlers keep only the text of a decoding
// error (status.Errorf("%v")), and the gateway's error handler turns it into the BadRequest
// detail every other invalid argument carries.
type bodyViolation struct{ field, description string }

func (v bodyViolation) Error() string { return bodyViolationPrefix + v.field + ": " + v.description }

const bodyViolationPrefix = "invalid request: "

// fieldViolation reads back the text of a bodyViolation (false for any other text).
func fieldViolation(msg string) (*errdetails.BadRequest_FieldViolation, bool) {
	rest, ok := strings.CutPrefix(msg, bodyViolationPrefix)
	if !ok {
		return nil, false
	}
	field, description, ok := strings.Cut(rest, ": ")
	if !ok || !safePath.MatchString(field) {
		return nil, false
	}
	return &errdetails.BadRequest_FieldViolation{Field: field, Description: description}, true
}

// safePath is a field path that may be shown: field names joined by dots, with list
// indexes and map keys in brackets; safeKey is a key that may be shown in one.
var (
	safePath = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}|\[[A-Za-z0-9_]{1,64}\])*$`)
	safeKey  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)
)

// protojsonPosition and protojsonKind pick the position and the kind of value out of a
// protojson error; nothing else of its text is used.
var (
	protojsonPosition = regexp.MustCompile(`\(line (\d+):(\d+)\)`)
	protojsonKind     = regexp.MustCompile(`invalid value for (bool|string|bytes|enum|int32|int64|uint32|uint64|sint32|sint64|fixed32|fixed64|sfixed32|sfixed64|float|double|message) field`)
)

// decodeViolation describes protojson's err for raw: the path of the value it stopped at,
// and what is wrong there in words of our own.
func decodeViolation(md protoreflect.MessageDescriptor, raw []byte, err error) bodyViolation {
	text := err.Error()
	field := cmp.Or(bodyPrefix(md), "body")
	where := ""
	if m := protojsonPosition.FindStringSubmatch(text); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		where = " (line " + m[1] + ", column " + m[2] + ")"
		if p := pathAt(md, raw, offsetOf(raw, line, col)); p != "" {
			field = p
		}
	}
	description := "is not valid here"
	kind := protojsonKind.FindStringSubmatch(text)
	switch {
	case strings.Contains(text, "unknown field"):
		description = "is not a field of this request"
	case strings.Contains(text, "duplicate field"):
		description = "is given more than once"
	case strings.Contains(text, "invalid value for enum field"):
		description = "is not one of the enum's names or numbers"
	case kind != nil:
		description = "is not a valid " + kind[1]
	case strings.Contains(text, "google.protobuf.Timestamp"):
		description = "is not an RFC 3339 time such as \"2026-12-06T10:00:00Z\""
	case strings.Contains(text, "google.protobuf.Duration"):
		description = "is not a duration such as \"90s\""
	case strings.Contains(text, "google.protobuf.FieldMask"):
		description = "is not a field mask such as \"displayName,deliveryPolicy\""
	case strings.Contains(text, "invalid UTF-8"):
		description = "is not valid UTF-8"
	case strings.Contains(text, "syntax error") || strings.Contains(text, "unexpected token"):
		description = "is not what this field takes"
	}
	return bodyViolation{field: field, description: description + where}
}

// offsetOf turns protojson's 1-based line and column (counted in runes) into a byte offset.
func offsetOf(raw []byte, line, col int) int {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(raw[off:], '\n')
		if i < 0 {
			return len(raw)
		}
		off += i + 1
	}
	for c := 1; c < col && off < len(raw); c++ {
		_, size := utf8.DecodeRune(raw[off:])
		off += size
	}
	return off
}

// pathAt is the path, in the field names the service's other violations use
// ("channel.open_platform.app_private_key_info", "recipients[2].user"), of the JSON token
// of raw, a form of md, that starts at or covers byte offset off. Keys are resolved
// through md; a key that names no field, or a map key, is shown only when it is a
// plausible name, so the path never repeats data.
func pathAt(md protoreflect.MessageDescriptor, raw []byte, off int) string {
	w := &pathWalker{d: json.NewDecoder(bytes.NewReader(raw)), off: off}
	w.d.UseNumber()
	w.value(bodyPrefix(md), md, nil)
	return w.found
}

// bodyPrefix is the request field a body that is not a whole request fills: the routes with
// a body of one field (channel, template, subscription, webhook) name it after its type.
func bodyPrefix(md protoreflect.MessageDescriptor) string {
	name := string(md.Name())
	if strings.HasSuffix(name, "Request") {
		return ""
	}
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) {
			if i > 0 {
				b.WriteByte('_')
			}
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

type pathWalker struct {
	d     *json.Decoder
	off   int
	found string
	done  bool
}

// reached stops the walk at path p when the last token read reaches past off.
func (w *pathWalker) reached(p string, err error) bool {
	if err != nil || int(w.d.InputOffset()) > w.off {
		w.found, w.done = p, true
	}
	return w.done
}

// value walks one value at path p: a message of md, a map or list field fd, or anything
// else (both nil).
func (w *pathWalker) value(p string, md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor) {
	tok, err := w.d.Token()
	if w.reached(p, err) {
		return
	}
	switch tok {
	case json.Delim('['):
		var item protoreflect.MessageDescriptor
		if fd != nil && fd.IsList() {
			item = fd.Message()
		}
		for i := 0; w.d.More(); i++ {
			if w.value(p+"["+strconv.Itoa(i)+"]", item, nil); w.done {
				return
			}
		}
	case json.Delim('{'):
		for w.d.More() {
			key, err := w.d.Token()
			k, _ := key.(string)
			kp, cmd, cfd := member(p, md, fd, k)
			if w.reached(kp, err) {
				return
			}
			if w.value(kp, cmd, cfd); w.done {
				return
			}
		}
	default:
		return // a scalar
	}
	_, err = w.d.Token() // the closing bracket
	w.reached(p, err)
}

// member resolves key k of an object at path p (a message of md, or map field fd): its
// path, and the message or field its value is.
func member(p string, md protoreflect.MessageDescriptor, fd protoreflect.FieldDescriptor, k string) (string, protoreflect.MessageDescriptor, protoreflect.FieldDescriptor) {
	if fd != nil && fd.IsMap() {
		if !safeKey.MatchString(k) {
			return p, nil, nil
		}
		return p + "[" + k + "]", fd.MapValue().Message(), nil
	}
	var f protoreflect.FieldDescriptor
	if md != nil {
		if f = md.Fields().ByJSONName(k); f == nil {
			f = md.Fields().ByTextName(k)
		}
	}
	if f == nil {
		if !safeKey.MatchString(k) {
			return p, nil, nil
		}
		return join(p, k), nil, nil // an unknown field, named as sent
	}
	kp := join(p, f.TextName())
	switch {
	case f.IsMap() || f.IsList():
		return kp, nil, f
	default:
		return kp, f.Message(), nil
	}
}

func join(p, name string) string {
	if p == "" {
		return name
	}
	return p + "." + name
}

// gatewayQuery reads query parameters as grpc-gateway's default parser does, but refuses a
// parameter that names no field of the call (a misspelt channelId would otherwise create
// a channel with a generated id) and reports a bad value without repeating it.
type gatewayQuery struct{ runtime.DefaultQueryParser }

func (q *gatewayQuery) Parse(target proto.Message, values url.Values, filter *utilities.DoubleArray) error {
	md := target.ProtoReflect().Descriptor()
	keys := slices.Sorted(maps.Keys(values))
	for _, key := range keys {
		if filter != nil && filter.HasCommonPrefix(strings.Split(key, ".")) {
			continue // bound from the path or the body
		}
		if _, ok := queryField(md, key); !ok {
			field := "query"
			if safePath.MatchString(key) {
				field = key
			}
			return bodyViolation{field: field, description: "is not a parameter of this call"}
		}
	}
	if err := q.DefaultQueryParser.Parse(target, values, filter); err != nil {
		for _, key := range keys {
			// The default parser names the parameter it could not read in its text.
			p, ok := queryField(md, key)
			if ok && (strings.Contains(err.Error(), strconv.Quote(key)) || strings.Contains(err.Error(), strconv.Quote(p))) {
				return bodyViolation{field: p, description: "is not a valid value for this parameter"}
			}
		}
		return bodyViolation{field: "query", description: "a parameter's value is not valid"}
	}
	return nil
}

// queryField resolves a query parameter ("pageSize", "update_mask", "filter.state") to
// its field path in the service's words.
func queryField(md protoreflect.MessageDescriptor, key string) (string, bool) {
	var path []string
	for _, part := range strings.Split(key, ".") {
		if md == nil {
			return "", false // a part after a scalar field
		}
		f := md.Fields().ByJSONName(part)
		if f == nil {
			f = md.Fields().ByTextName(part)
		}
		if f == nil {
			return "", false
		}
		path = append(path, f.TextName())
		md = f.Message()
	}
	return strings.Join(path, "."), true
}
