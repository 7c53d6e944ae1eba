package main

// The demo's client of Reach's JSON gateway, which narrates each call.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// demoAPI calls Reach's JSON gateway as any HTTP client would, and narrates each call.
type demoAPI struct {
	base, key string
	http      *http.Client
	out       io.Writer
	verbose   bool
}

// call sends body (nil for none) as JSON, prints the call, and decodes the answer into
// resp. An answer other than 2xx is an error carrying the server's message.
func (a *demoAPI) call(ctx context.Context, method, path string, body, resp proto.Message) error {
	fmt.Fprintf(a.out, "%s %s\n", method, path)
	return a.do(ctx, method, path, body, resp, a.verbose)
}

// callQuiet is call without printing anything (polling).
func (a *demoAPI) callQuiet(ctx context.Context, method, path string, body, resp proto.Message) error {
	return a.do(ctx, method, path, body, resp, false)
}

func (a *demoAPI) do(ctx context.Context, method, path string, body, resp proto.Message, show bool) error {
	var reqBody []byte
	if body != nil {
		var err error
		if reqBody, err = protojson.Marshal(body); err != nil {
			return err
		}
		if show {
			a.show("request", reqBody)
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(reqBody))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.key)
	req.Header.Set("Content-Type", "application/json")
	r, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer r.Body.Close()
	data, err := io.ReadAll(io.LimitReader(r.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if show {
		a.show("answer", data)
	}
	if r.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: HTTP %d: %s", method, path, r.StatusCode, statusMessage(data))
	}
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, resp); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

// withFilter adds a list filter to path as its query; an empty filter adds nothing.
func withFilter(path, filter string) string {
	if filter == "" {
		return path
	}
	return path + "?filter=" + url.QueryEscape(filter)
}

// result prints the summary line of the call just made.
func (a *demoAPI) result(format string, args ...any) {
	fmt.Fprintf(a.out, "    → "+format+"\n", args...)
}

// show prints a JSON body under --verbose, indented, with PEM text (keys) shortened.
func (a *demoAPI) show(label string, data []byte) {
	if !a.verbose {
		return
	}
	var v any
	if json.Unmarshal(data, &v) != nil {
		fmt.Fprintf(a.out, "    %s: %s\n", label, data)
		return
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("    ", "  ")
	_ = enc.Encode(shortenPEM(v))
	fmt.Fprintf(a.out, "    %s: %s", label, b.String())
}

// shortenPEM replaces PEM strings (the test keys) with a placeholder: they are long and
// say nothing to a reader.
func shortenPEM(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = shortenPEM(x)
		}
	case []any:
		for i, x := range t {
			t[i] = shortenPEM(x)
		}
	case string:
		if m := pemType.FindStringSubmatch(t); m != nil {
			return "<PEM, " + m[1] + ">"
		}
	}
	return v
}

var pemType = regexp.MustCompile(`-----BEGIN ([A-Z0-9 ]+)-----`)

// statusMessage is the message of a google.rpc.Status answer, or the raw text.
func statusMessage(data []byte) string {
	var st struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &st) == nil && st.Message != "" {
		return st.Message
	}
	return strings.TrimSpace(string(data))
}
