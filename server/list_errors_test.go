package server

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/reachhq/reach/store"
)

// TestListErrNamesTheFilter: a store error about the page token names page_token; any other
// invalid-request error of a filtered listing names filter (issue 7: a value PostgreSQL
// refused in a filter came back as a page_token error although no token was sent).
func TestListErrNamesTheFilter(t *testing.T) {
	driver := fmt.Errorf("list messages: %w: invalid byte sequence for encoding \"UTF8\"", store.ErrInvalid)
	for _, c := range []struct {
		name   string
		err    error
		filter string
		field  string
	}{
		{"bad token", fmt.Errorf("list: %w: malformed", store.ErrPageToken), "", "page_token"},
		{"bad token with a filter", fmt.Errorf("list: %w: malformed", store.ErrPageToken), `state = "SENT"`, "page_token"},
		{"value the database refused", driver, `user_id = "x"`, "filter"},
	} {
		err := listErr(c.err, c.filter)
		if status.Code(err) != codes.InvalidArgument || !slices.Contains(grpcViolations(err), c.field) {
			t.Errorf("%s: %v %v, want INVALID_ARGUMENT naming %s", c.name, err, grpcViolations(err), c.field)
		}
	}
	if err := listErr(driver, ""); !errors.Is(err, store.ErrInvalid) || len(grpcViolations(err)) != 0 {
		t.Errorf("no filter, no token: %v; want the store's error as it was", err)
	}
}

// TestPageTokensOfNoListing: text that merely decodes as base64, or a token of another
// listing (a watch cursor, a channel page), is refused on page_token, not taken for a place
// to start (a new-user trial got 200 and an empty page for "enz6").
func TestPageTokensOfNoListing(t *testing.T) {
	e := newTestEnv(t)
	admin := e.admin()
	e.createChannel("c1", miniChannel(t))
	e.createChannel("c2", miniChannel(t))
	_, first := e.httpCall(admin, "GET", "/v1/channels?pageSize=1", nil)
	channelToken, _ := first["nextPageToken"].(string)
	if channelToken == "" {
		t.Fatalf("no next page token: %v", first)
	}
	if code, body := e.httpCall(admin, "GET", "/v1/channels?pageSize=1&pageToken="+channelToken, nil); code != 200 {
		t.Fatalf("the channel token on its own listing: %d %v", code, body)
	}
	for _, path := range []string{"/v1/messages", "/v1/channels", "/v1/channels/c1/templates", "/v1/channels/c1/subscriptions", "/v1/webhooks", "/v1/broadcasts"} {
		for _, token := range []string{"enp6", "MA", "eyJhZnRlciI6MTJ9", channelToken} {
			if path == "/v1/channels" && token == channelToken {
				continue
			}
			code, body := e.httpCall(admin, "GET", path+"?pageToken="+token, nil)
			if code != 400 || !slices.Contains(httpViolations(body), "page_token") {
				t.Errorf("GET %s with token %q: %d %v, want 400 naming page_token", path, token, code, body)
			}
		}
	}
}
