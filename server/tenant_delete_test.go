package server

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestDeletedTenantKeys: once a tenant is deleted, its keys fail authentication at once
// (UNAUTHENTICATED, 401) on every replica, including keys used a moment before; another
// tenant's keys go on working.
func TestDeletedTenantKeys(t *testing.T) {
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	a, b := startTestEnv(t, dsn), startTestEnv(t, dsn)
	acme, _ := a.mintKey("acme", store.RoleAdmin)
	sender, _ := a.mintKey("acme", store.RoleSender)
	globex, _ := a.mintKey("globex", store.RoleAdmin)
	list := func(e *testEnv, token string) (codes.Code, int) {
		err := e.call(token, mListChannels, &reachv1.ListChannelsRequest{}, &reachv1.ListChannelsResponse{})
		code, _ := e.httpCall(token, "GET", "/v1/channels", nil)
		return status.Code(err), code
	}
	for _, e := range []*testEnv{a, b} {
		for _, tok := range []string{acme, sender, globex} {
			if c, h := list(e, tok); c != codes.OK || h != http.StatusOK {
				t.Fatalf("before the deletion: %v %d", c, h)
			}
		}
	}
	tn, err := a.store.GetTenantByName(context.Background(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.store.DeleteTenant(context.Background(), tn.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	for i, e := range []*testEnv{a, b} {
		for _, tok := range []string{acme, sender} {
			if c, h := list(e, tok); c != codes.Unauthenticated || h != http.StatusUnauthorized {
				t.Errorf("replica %d, a key of the deleted tenant: %v %d, want Unauthenticated 401", i, c, h)
			}
		}
		if c, h := list(e, globex); c != codes.OK || h != http.StatusOK {
			t.Errorf("replica %d, another tenant's key: %v %d", i, c, h)
		}
	}
}
