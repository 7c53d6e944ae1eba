package server

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

// FuzzGateway sends arbitrary methods, paths, queries and bodies through the real HTTP
// handler chain (body limit, JSON gateway, in-process gRPC connection, every interceptor,
// the handlers and an SQLite store), with an admin key so the handlers run too. Whatever
// the input, the answer is never a server error: bad input is the client's 4xx.
func FuzzGateway(f *testing.F) {
	srv, st, _, _, stop := startServerWithSrv(f, "sqlite:"+filepath.Join(f.TempDir(), "reach.db"))
	f.Cleanup(stop)
	ctx := context.Background()
	tenant, err := st.EnsureTenant(ctx, "acme")
	if err != nil {
		f.Fatal(err)
	}
	token, id, hash, err := apikey.New()
	if err != nil {
		f.Fatal(err)
	}
	if err := st.CreateAPIKey(ctx, &store.APIKey{ID: id, TenantID: tenant.ID, Role: store.RoleAdmin, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
		f.Fatal(err)
	}
	admin := context.WithValue(ctx, principalKey{}, principal{TenantID: tenant.ID, Role: store.RoleAdmin})
	if _, err := (&channelService{deps: srv.deps}).CreateChannel(admin, &reachv1.CreateChannelRequest{ChannelId: "life", Channel: lifeChannel(f)}); err != nil {
		f.Fatal(err)
	}
	handler, closeGateway, err := srv.HTTPHandler(ctx)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(closeGateway)

	for _, seed := range [][4]string{
		{"GET", "/v1/channels", "", ""},
		{"GET", "/v1/channels", "filter=%ff", ""},
		{"GET", "/v1/channels", "pageToken=%ff", ""},
		{"GET", "/v1/channels", `filter=type%3D"x\"`, ""},
		{"GET", "/v1/channels/a%ffb", "", ""},
		{"GET", "/v1/channels/life", "", ""},
		{"GET", "/v1/channels/life/templates", "filter=state%3DACTIVE&pageSize=-1", ""},
		{"POST", "/v1/channels", "channelId=x", `{"displayName":"a\u0000b","type":99}`},
		{"PATCH", "/v1/channels/life", "updateMask=displayName,nope", `{"displayName":"z"}`},
		{"POST", "/v1/channels/life:verify", "", `{}`},
		{"POST", "/v1/messages:send", "", `{"requestId":"r","template":"channels/life/templates/t","recipient":{"userId":"1"}}`},
		{"POST", "/v1/messages:batchSend", "", `{"recipients":[{}],"data":{"k":"\ud800"}}`},
		{"GET", "/v1/messages", "filter=create_time%3E%3D%222020-13-01%22", ""},
		{"GET", "/v1/channels/life/subscriptions", "filter=user_id%3D1%20AND%20user_id%3D2", ""},
		{"DELETE", "/v1/channels/life/templates/%2e%2e", "", ""},
		{"POST", "/v1/notify/" + tenant.ID + "/life", "", "a=%zz&sign=1"},
		{"PUT", "/v1/channels", "", "{"},
		{"GET", "/readyz", "", ""},
	} {
		f.Add(seed[0], seed[1], seed[2], seed[3])
	}
	f.Fuzz(func(t *testing.T, method, path, query, body string) {
		// Read the request the way the HTTP server does, so input it would refuse before
		// any handler (a malformed request line) is skipped rather than built by hand.
		target := "/" + strings.TrimPrefix(path, "/")
		if query != "" {
			target += "?" + query
		}
		raw := method + " " + target + " HTTP/1.1\r\nHost: reach\r\nContent-Type: application/json\r\n" +
			"Authorization: Bearer " + token + "\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n" + body
		r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(raw)))
		if err != nil || !validMethod(r.Method) {
			t.Skip()
		}
		r.RemoteAddr = "192.0.2.1:1234"
		w := httptest.NewRecorder()
		handler.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q with body %q: %d %s", method, target, body, w.Code, w.Body.String())
		}
	})
}

// validMethod: the HTTP server answers a method that is not an RFC 9110 token itself.
func validMethod(m string) bool {
	return m != "" && !strings.ContainsFunc(m, func(r rune) bool {
		return r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r)
	})
}

func itoa(n int) string {
	b := []byte{}
	for {
		b = append(b, byte('0'+n%10))
		n /= 10
		if n == 0 {
			slices.Reverse(b)
			return string(b)
		}
	}
}

// FuzzParseFilter: no filter text makes the parser panic, and what it accepts only uses
// the fields and operators allowed (the List handlers rely on both).
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		``, `state = ACTIVE`, `state="A" AND type=x`, `create_time >= "2024-01-01T00:00:00Z" AND create_time < "2025-01-01T00:00:00Z"`,
		`"\`, `state = "\"`, `a != b`, `!`, `state = "a\\"b"`, "state = \xff", `state = "unterminated`, `AND AND AND`,
		`user_id = 1 AND user_id = 2`, "\u00a0state\u2028=\u3000x",
	} {
		f.Add(seed)
	}
	allowed := map[string][]string{"state": {"="}, "type": {"="}, "user_id": {"="}, "create_time": {">=", ">", "<", "<="}}
	f.Fuzz(func(t *testing.T, filter string) {
		terms, err := parseFilter(filter, allowed)
		if err != nil {
			return
		}
		for _, term := range terms {
			if !slices.Contains(allowed[term.Field], term.Op) {
				t.Fatalf("%q: accepted %q %q", filter, term.Field, term.Op)
			}
			if term.Field == "create_time" {
				_, _ = parseFilterTime(term.Value)
			}
		}
	})
}
