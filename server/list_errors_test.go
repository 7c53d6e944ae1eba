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
