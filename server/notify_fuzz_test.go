package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// FuzzNotifyEndpoint posts arbitrary form bodies to a Life Account channel's notification
// endpoint. Nothing an attacker can write without Alipay's key may be accepted or change
// the ledger, and no input may crash the handler or make it fail as a server error.
func FuzzNotifyEndpoint(f *testing.F) {
	srv, st, _, _, stop := startServerWithSrv(f, "sqlite:"+filepath.Join(f.TempDir(), "reach.db"))
	f.Cleanup(stop)
	tenant, err := st.EnsureTenant(context.Background(), "acme")
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.WithValue(context.Background(), principalKey{}, principal{TenantID: tenant.ID, Role: store.RoleAdmin})
	cs := &channelService{deps: srv.deps}
	if _, err := cs.CreateChannel(ctx, &reachv1.CreateChannelRequest{ChannelId: "life", Channel: lifeChannel(f)}); err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		"",
		"service=alipay.service.check&sign_type=RSA2&charset=UTF-8&biz_content=%3CXML%3E%3CEventType%3Everifygw%3C%2FEventType%3E%3C%2FXML%3E&sign=AAAA",
		"service=alipay.mobile.public.message.notify&sign_type=RSA2&charset=GBK&sign=YWJj&biz_content=%7B%22EventType%22%3A%22follow%22%2C%22FromUserId%22%3A%222088000000000001%22%7D",
		"notify_id=1&msg_method=alipay.merchant.tradecomplain.changed&utc_timestamp=1700000000000&app_id=2021000000000001&version=1.1&biz_content=%7B%7D&charset=utf-8&sign_type=RSA2&sign=%2B%2F%3D",
		"sign=&sign=&service=x&service=y",
		"%zz=1&a=%",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, notifyPath(tenant.ID, "life"), strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.SetPathValue("tenant", tenant.ID)
		r.SetPathValue("channel", "life")
		w := httptest.NewRecorder()
		srv.serveNotify(w, r)
		if w.Code < 400 || w.Code >= 500 {
			t.Fatalf("unsigned input answered %d %q", w.Code, w.Body.String())
		}
		rows, _, err := st.ListSubscriptions(context.Background(), tenant.ID, "life", store.SubscriptionFilter{}, store.Page{Size: 1})
		if err != nil || len(rows) != 0 {
			t.Fatalf("the ledger changed: %v %v", rows, err)
		}
	})
}
