package server

import (
	"context"
	"fmt"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// validateInterceptor refuses, for every method and before any handler, the values no
// handler should have to think about, naming each field at fault in a BadRequest:
//
//   - enum numbers the schema does not define: proto3 and protojson accept any number
//     ("subscriptionType": 99), and a handler that switches on the known values would
//     store or act on one it does not understand;
//   - control characters in strings: NUL is stored by SQLite and MariaDB but refused by
//     PostgreSQL, so the same request must not depend on the database; the other C0
//     controls and DEL have no meaning in any of Reach's text. Tab, line feed and carriage
//     return are allowed: template text, message content, keys and certificates carry them.
//
// It walks the request with protoreflect rather than protovalidate: protovalidate's rules
// are buf.validate options whose protos come from the Buf Schema Registry, which the build
// machines cannot reach, and these two rules hold for every field of every message, which a
// walk states once instead of per field.
func validateInterceptor(ctx context.Context, req any, _ *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	if m, ok := req.(proto.Message); ok {
		var f fieldErrors
		checkMessage(&f, "", m.ProtoReflect())
		if err := f.err(); err != nil {
			return nil, err
		}
	}
	return handler(ctx, req)
}

// checkMessage checks the set fields of m; prefix is m's own path ("channel.").
func checkMessage(f *fieldErrors, prefix string, m protoreflect.Message) {
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		path := prefix + string(fd.Name())
		switch {
		case fd.IsList():
			l := v.List()
			for i := range l.Len() {
				checkValue(f, fmt.Sprintf("%s[%d]", path, i), fd, l.Get(i))
			}
		case fd.IsMap():
			v.Map().Range(func(k protoreflect.MapKey, mv protoreflect.Value) bool {
				key := k.String()
				if problem := controlProblem(key); problem != "" {
					f.add(path, "a key "+problem) // the key itself cannot go into the path
					return true
				}
				checkValue(f, path+"["+key+"]", fd.MapValue(), mv)
				return true
			})
		default:
			checkValue(f, path, fd, v)
		}
		return true
	})
}

// checkValue checks one value (a singular field, a list element or a map value).
func checkValue(f *fieldErrors, path string, fd protoreflect.FieldDescriptor, v protoreflect.Value) {
	switch fd.Kind() {
	case protoreflect.EnumKind:
		if fd.Enum().Values().ByNumber(v.Enum()) == nil {
			f.add(path, fmt.Sprintf("%d is not a value of %s; use one of %s", v.Enum(), fd.Enum().Name(), enumNames(fd.Enum())))
		}
	case protoreflect.StringKind:
		if problem := controlProblem(v.String()); problem != "" {
			f.add(path, problem)
		}
	case protoreflect.MessageKind, protoreflect.GroupKind:
		checkMessage(f, path+".", v.Message())
	}
}

// controlProblem says what is wrong with the control characters in s, or "".
func controlProblem(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		return "must not contain NUL characters"
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f {
			return fmt.Sprintf("must not contain control characters (found U+%04X)", r)
		}
	}
	return ""
}

// enumNames lists the values a client may send (the zero value means "unset" and is left
// out when there are others).
func enumNames(ed protoreflect.EnumDescriptor) string {
	vals := ed.Values()
	var names []string
	for i := range vals.Len() {
		if v := vals.Get(i); v.Number() != 0 || vals.Len() == 1 {
			names = append(names, string(v.Name()))
		}
	}
	return strings.Join(names, ", ")
}
