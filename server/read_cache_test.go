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
	"github.com/reachhq/reach/store/storetest"
)

// replicaDatabases are the databases the cache tests run two replicas on.
func replicaDatabases(t *testing.T) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "reach.db") },
		"postgres": func(t *testing.T) string { return storetest.SharedDatabase(t, "postgres") },
		"mysql":    func(t *testing.T) string { return storetest.SharedDatabase(t, "mysql") },
	}
}

// TestKeyRevocationAcrossReplicas: both replicas have just used a key (so it is in their
// caches); once it is revoked, it stops working on both within the key cache's bound.
func TestKeyRevocationAcrossReplicas(t *testing.T) {
	for kind, dsn := range replicaDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			d := dsn(t)
			a, b := startTestEnv(t, d), startTestEnv(t, d)
			key, id := a.mintKey("acme", store.RoleAdmin)
			list := func(e *testEnv) (codes.Code, int) {
				err := e.call(key, mListChannels, &reachv1.ListChannelsRequest{}, &reachv1.ListChannelsResponse{})
				code, _ := e.httpCall(key, "GET", "/v1/channels", nil)
				return status.Code(err), code
			}
			for _, e := range []*testEnv{a, b} {
				if c, h := list(e); c != codes.OK || h != http.StatusOK {
					t.Fatalf("before the revocation: %v %d", c, h)
				}
			}
			if err := a.store.RevokeAPIKey(context.Background(), id, time.Now()); err != nil {
				t.Fatal(err)
			}
			time.Sleep(testKeyCacheFor) // the stated bound
			for i, e := range []*testEnv{a, b} {
				if c, h := list(e); c != codes.Unauthenticated || h != http.StatusUnauthorized {
					t.Errorf("replica %d after the bound: %v %d, want Unauthenticated 401", i, c, h)
				}
			}
		})
	}
}

// TestTemplateChangeAcrossReplicas: replica B has the template cached from a send; the
// template is changed through replica A; B's next answer is the one the change calls for,
// at once, both ways (made INVALID, then ACTIVE again), and for a changed keyword list.
func TestTemplateChangeAcrossReplicas(t *testing.T) {
	for kind, dsn := range replicaDatabases(t) {
		t.Run(kind, func(t *testing.T) {
			d := dsn(t)
			a, b := startTestEnv(t, d), startTestEnv(t, d)
			key := a.admin()
			a.createChannel("mini", miniChannel(t))
			a.oneTimeTemplate("mini", "order", "ext-order")
			send := func(data map[string]string) error {
				return b.call(key, mSendMessage, &reachv1.SendMessageRequest{Template: "channels/mini/templates/order",
					Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}}, Data: data}, &reachv1.SendMessageResponse{})
			}
			data := map[string]string{"keyword1": "1001", "keyword2": "SF"}
			if err := send(data); err != nil {
				t.Fatal(err)
			}
			setState := func(state reachv1.TemplateState) {
				a.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: "channels/mini/templates/order", State: state},
					UpdateMask: mask("state")}, &reachv1.UpdateTemplateResponse{})
			}
			setState(reachv1.TemplateState_TEMPLATE_STATE_INVALID)
			if err := send(data); status.Code(err) != codes.FailedPrecondition {
				t.Fatalf("send on B after A made the template INVALID: %v", err)
			}
			setState(reachv1.TemplateState_TEMPLATE_STATE_ACTIVE)
			if err := send(data); err != nil {
				t.Fatalf("send on B after A revived the template: %v", err)
			}
			a.must(mUpdateTemplate, &reachv1.UpdateTemplateRequest{Template: &reachv1.Template{Name: "channels/mini/templates/order",
				Keywords: []*reachv1.TemplateKeyword{{Key: "keyword1"}, {Key: "keyword3"}}}, UpdateMask: mask("keywords")}, &reachv1.UpdateTemplateResponse{})
			if err := send(data); status.Code(err) != codes.InvalidArgument {
				t.Fatalf("send on B with a keyword A removed: %v", err)
			}
			if err := send(map[string]string{"keyword1": "1001", "keyword3": "x"}); err != nil {
				t.Fatalf("send on B with the keywords A set: %v", err)
			}
		})
	}
}
