package server

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/webhookurl"
	"github.com/reachhq/reach/store"
)

const (
	mCreateWebhook  = "/reach.v1.WebhookService/CreateWebhook"
	mGetWebhook     = "/reach.v1.WebhookService/GetWebhook"
	mListWebhooks   = "/reach.v1.WebhookService/ListWebhooks"
	mUpdateWebhook  = "/reach.v1.WebhookService/UpdateWebhook"
	mDeleteWebhook  = "/reach.v1.WebhookService/DeleteWebhook"
	mRotateWebhook  = "/reach.v1.WebhookService/RotateWebhookSecret"
	mEnableWebhook  = "/reach.v1.WebhookService/EnableWebhook"
	mDisableWebhook = "/reach.v1.WebhookService/DisableWebhook"
)

func orderHook() *reachv1.Webhook {
	return &reachv1.Webhook{Url: "https://hooks.example.com/reach", EventTypes: []string{"message.sent", "message.failed"}, Description: "orders"}
}

// createWebhook creates webhooks/{id} as the admin of acme and returns the response.
func (e *testEnv) createWebhook(id string, w *reachv1.Webhook) *reachv1.CreateWebhookResponse {
	e.t.Helper()
	resp := &reachv1.CreateWebhookResponse{}
	e.must(mCreateWebhook, &reachv1.CreateWebhookRequest{WebhookId: id, Webhook: w}, resp)
	return resp
}

func TestWebhookLifecycle(t *testing.T) {
	e := newTestEnv(t)
	created := &reachv1.CreateWebhookResponse{}
	e.runBoth(transportCase{name: "create", token: e.admin(), grpcMethod: mCreateWebhook,
		grpcReq: &reachv1.CreateWebhookRequest{Webhook: orderHook()}, grpcResp: created,
		httpMethod: "POST", httpPath: "/v1/webhooks", httpBody: orderHook(), want: codes.OK,
		grpcCheck: func() {
			w := created.Webhook
			if !strings.HasPrefix(created.SigningSecret, "whsec_") || !w.SigningSecretInfo.GetSet() ||
				!strings.HasPrefix(w.SigningSecretInfo.Fingerprint, "SHA256:") || w.State != reachv1.WebhookState_WEBHOOK_STATE_ENABLED ||
				w.Etag == "" || w.CreateTime == nil || !strings.HasPrefix(w.Name, "webhooks/") {
				t.Errorf("created %v", created)
			}
		},
		httpCheck: func(body map[string]any) {
			if s, _ := body["signingSecret"].(string); !strings.HasPrefix(s, "whsec_") {
				t.Errorf("HTTP create: signingSecret %q", s)
			}
		}})

	hook := e.createWebhook("orders", orderHook())
	name := hook.Webhook.Name
	if name != "webhooks/orders" {
		t.Fatalf("name %q", name)
	}
	got := &reachv1.GetWebhookResponse{}
	e.runBoth(transportCase{name: "get", token: e.key("acme", store.RoleViewer), grpcMethod: mGetWebhook,
		grpcReq: &reachv1.GetWebhookRequest{Name: name}, grpcResp: got, httpMethod: "GET", httpPath: "/v1/" + name, want: codes.OK,
		grpcCheck: func() {
			if got.Webhook.SigningSecretInfo.Fingerprint != hook.Webhook.SigningSecretInfo.Fingerprint || got.Webhook.Url != orderHook().Url {
				t.Errorf("get %v", got.Webhook)
			}
		},
		httpCheck: func(body map[string]any) {
			if strings.Contains(fmt.Sprint(body), hook.SigningSecret) || body["signingSecret"] != nil {
				t.Errorf("HTTP get shows the secret: %v", body)
			}
		}})

	list := &reachv1.ListWebhooksResponse{}
	e.runBoth(transportCase{name: "list", token: e.admin(), grpcMethod: mListWebhooks,
		grpcReq: &reachv1.ListWebhooksRequest{PageSize: 2, Filter: "state = ENABLED"}, grpcResp: list,
		httpMethod: "GET", httpPath: "/v1/webhooks?pageSize=2&filter=state%3DENABLED", want: codes.OK,
		grpcCheck: func() {
			if len(list.Webhooks) != 2 || list.NextPageToken == "" {
				t.Errorf("first page of 3: %d webhooks, next %q", len(list.Webhooks), list.NextPageToken)
			}
		}})
	rest := &reachv1.ListWebhooksResponse{}
	e.must(mListWebhooks, &reachv1.ListWebhooksRequest{PageSize: 2, Filter: "state = ENABLED", PageToken: list.NextPageToken}, rest)
	if len(rest.Webhooks) != 1 || rest.NextPageToken != "" {
		t.Fatalf("second page: %d webhooks, next %q", len(rest.Webhooks), rest.NextPageToken)
	}

	upd := &reachv1.UpdateWebhookResponse{}
	change := &reachv1.Webhook{Name: name, Url: "https://hooks.example.com/v2", EventTypes: []string{"template.invalid"}, Description: "renamed"}
	e.runBoth(transportCase{name: "update", token: e.admin(), grpcMethod: mUpdateWebhook,
		grpcReq:  &reachv1.UpdateWebhookRequest{Webhook: change, UpdateMask: mask("url", "event_types", "description")},
		grpcResp: upd, httpMethod: "PATCH", httpPath: "/v1/" + name + "?updateMask=url,eventTypes,description", httpBody: change, want: codes.OK,
		grpcCheck: func() {
			w := upd.Webhook
			if w.Url != change.Url || len(w.EventTypes) != 1 || w.Description != "renamed" || w.Etag == hook.Webhook.Etag ||
				w.SigningSecretInfo.Fingerprint != hook.Webhook.SigningSecretInfo.Fingerprint {
				t.Errorf("updated %v", w)
			}
		}})
	e.runBoth(transportCase{name: "update with a stale etag", token: e.admin(), grpcMethod: mUpdateWebhook,
		grpcReq:    &reachv1.UpdateWebhookRequest{Webhook: &reachv1.Webhook{Name: name, Description: "x", Etag: hook.Webhook.Etag}, UpdateMask: mask("description")},
		httpMethod: "PATCH", httpPath: "/v1/" + name + "?updateMask=description", httpBody: `{"description": "x", "etag": "` + hook.Webhook.Etag + `"}`,
		want: codes.Aborted})

	disabled := &reachv1.DisableWebhookResponse{}
	e.runBoth(transportCase{name: "disable", token: e.admin(), grpcMethod: mDisableWebhook,
		grpcReq: &reachv1.DisableWebhookRequest{Name: name, Reason: "receiver down"}, grpcResp: disabled,
		httpMethod: "POST", httpPath: "/v1/" + name + ":disable", httpBody: `{"reason": "receiver down"}`, want: codes.OK,
		grpcCheck: func() {
			if disabled.Webhook.State != reachv1.WebhookState_WEBHOOK_STATE_DISABLED || disabled.Webhook.StateReason != "receiver down" {
				t.Errorf("disabled %v", disabled.Webhook)
			}
		}})
	e.runBoth(transportCase{name: "list disabled", token: e.admin(), grpcMethod: mListWebhooks,
		grpcReq: &reachv1.ListWebhooksRequest{Filter: "state = WEBHOOK_STATE_DISABLED"}, grpcResp: list,
		httpMethod: "GET", httpPath: "/v1/webhooks?filter=state%3DDISABLED", want: codes.OK,
		grpcCheck: func() {
			if len(list.Webhooks) != 1 || list.Webhooks[0].Name != name {
				t.Errorf("disabled webhooks: %v", list.Webhooks)
			}
		}})
	enabled := &reachv1.EnableWebhookResponse{}
	e.must(mEnableWebhook, &reachv1.EnableWebhookRequest{Name: name}, enabled)
	if enabled.Webhook.State != reachv1.WebhookState_WEBHOOK_STATE_ENABLED || enabled.Webhook.StateReason != "" {
		t.Fatalf("enabled %v", enabled.Webhook)
	}
	if code, body := e.httpCall(e.admin(), "POST", "/v1/"+name+":disable", `{}`); code != 200 {
		t.Fatalf("HTTP disable: %d %v", code, body)
	}
	if code, body := e.httpCall(e.admin(), "POST", "/v1/"+name+":enable", `{}`); code != 200 {
		t.Fatalf("HTTP enable: %d %v", code, body)
	}
	e.runBoth(transportCase{name: "enable an enabled webhook", token: e.admin(), grpcMethod: mEnableWebhook,
		grpcReq: &reachv1.EnableWebhookRequest{Name: name}, httpMethod: "POST", httpPath: "/v1/" + name + ":enable", httpBody: `{}`,
		want: codes.FailedPrecondition})

	// Delete: a stale etag is refused; then one deletion per transport.
	e.createWebhook("second", orderHook())
	e.runBoth(transportCase{name: "delete with a stale etag", token: e.admin(), grpcMethod: mDeleteWebhook,
		grpcReq: &reachv1.DeleteWebhookRequest{Name: name, Etag: hook.Webhook.Etag}, httpMethod: "DELETE",
		httpPath: "/v1/" + name + "?etag=" + hook.Webhook.Etag, want: codes.Aborted})
	e.must(mDeleteWebhook, &reachv1.DeleteWebhookRequest{Name: name}, &reachv1.DeleteWebhookResponse{})
	if code, body := e.httpCall(e.admin(), "DELETE", "/v1/webhooks/second", nil); code != 200 {
		t.Fatalf("HTTP delete: %d %v", code, body)
	}
	for _, n := range []string{name, "webhooks/second"} {
		e.runBoth(transportCase{name: "get deleted " + n, token: e.admin(), grpcMethod: mGetWebhook,
			grpcReq: &reachv1.GetWebhookRequest{Name: n}, httpMethod: "GET", httpPath: "/v1/" + n, want: codes.NotFound})
	}
}

func TestWebhookRotateSecret(t *testing.T) {
	e := newTestEnv(t)
	hook := e.createWebhook("orders", orderHook())
	before := time.Now()
	seen := map[string]bool{hook.SigningSecret: true}
	prints := map[string]bool{hook.Webhook.SigningSecretInfo.Fingerprint: true}
	rotated := &reachv1.RotateWebhookSecretResponse{}
	e.runBoth(transportCase{name: "rotate", token: e.admin(), grpcMethod: mRotateWebhook,
		grpcReq: &reachv1.RotateWebhookSecretRequest{Name: "webhooks/orders"}, grpcResp: rotated,
		httpMethod: "POST", httpPath: "/v1/webhooks/orders:rotateSecret", httpBody: `{}`, want: codes.OK,
		grpcCheck: func() {
			fp := rotated.Webhook.SigningSecretInfo.Fingerprint
			if !strings.HasPrefix(rotated.SigningSecret, "whsec_") || seen[rotated.SigningSecret] || prints[fp] {
				t.Errorf("rotation returned secret %t-new, fingerprint %q (before %v)", !seen[rotated.SigningSecret], fp, prints)
			}
			exp := rotated.Webhook.PreviousSecretExpireTime.AsTime()
			if exp.Before(before.Add(previousSecretGrace-time.Minute)) || exp.After(time.Now().Add(previousSecretGrace)) {
				t.Errorf("previous secret expires at %v, want about 24 h from now", exp)
			}
		},
		httpCheck: func(body map[string]any) {
			s, _ := body["signingSecret"].(string)
			if !strings.HasPrefix(s, "whsec_") || seen[s] || s == rotated.SigningSecret {
				t.Errorf("HTTP rotation returned %q", s)
			}
		}})
	// The current and the previous secret are both sealed, the previous one for its column.
	rec, err := e.store.GetWebhook(t.Context(), e.tenantID(), "orders")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Secret) == 0 || len(rec.PreviousSecret) == 0 {
		t.Fatalf("stored secrets: %d and %d bytes", len(rec.Secret), len(rec.PreviousSecret))
	}
	ring := e.srv.deps.keys
	if _, err := ring.Open(rec.PreviousSecret, rec.SecretAD("previous_secret")); err != nil {
		t.Fatalf("the previous secret does not open for its column: %v", err)
	}
	if _, err := ring.Open(rec.PreviousSecret, rec.SecretAD("secret")); err == nil {
		t.Fatal("the previous secret opens as the current one")
	}
	e.runBoth(transportCase{name: "rotate with a stale etag", token: e.admin(), grpcMethod: mRotateWebhook,
		grpcReq: &reachv1.RotateWebhookSecretRequest{Name: "webhooks/orders", Etag: hook.Webhook.Etag}, httpMethod: "POST",
		httpPath: "/v1/webhooks/orders:rotateSecret", httpBody: `{"etag": "` + hook.Webhook.Etag + `"}`, want: codes.Aborted})
}

func TestWebhookBadInput(t *testing.T) {
	e := newTestEnv(t)
	e.createWebhook("orders", orderHook())
	with := func(edit func(w *reachv1.Webhook)) *reachv1.Webhook { w := orderHook(); edit(w); return w }
	for _, c := range []struct {
		name  string
		w     *reachv1.Webhook
		field string
	}{
		{"no url", with(func(w *reachv1.Webhook) { w.Url = "" }), "webhook.url"},
		{"not a URL", with(func(w *reachv1.Webhook) { w.Url = "hooks.example.com/reach" }), "webhook.url"},
		{"plain http", with(func(w *reachv1.Webhook) { w.Url = "http://hooks.example.com/reach" }), "webhook.url"},
		{"user info", with(func(w *reachv1.Webhook) { w.Url = "https://user:pw@hooks.example.com/" }), "webhook.url"},
		{"private address", with(func(w *reachv1.Webhook) { w.Url = "https://10.0.0.8/hook" }), "webhook.url"},
		{"loopback", with(func(w *reachv1.Webhook) { w.Url = "https://127.0.0.1:8443/hook" }), "webhook.url"},
		{"metadata service", with(func(w *reachv1.Webhook) { w.Url = "https://169.254.169.254/" }), "webhook.url"},
		{"no event types", with(func(w *reachv1.Webhook) { w.EventTypes = nil }), "webhook.event_types"},
		{"unknown event type", with(func(w *reachv1.Webhook) { w.EventTypes = []string{"message.sent", "message.read"} }), "webhook.event_types[1]"},
		{"event type twice", with(func(w *reachv1.Webhook) { w.EventTypes = []string{"message.sent", "message.sent"} }), "webhook.event_types[1]"},
		{"long description", with(func(w *reachv1.Webhook) { w.Description = strings.Repeat("d", 501) }), "webhook.description"},
	} {
		e.runBoth(transportCase{name: "create: " + c.name, token: e.admin(), grpcMethod: mCreateWebhook,
			grpcReq: &reachv1.CreateWebhookRequest{Webhook: c.w}, httpMethod: "POST", httpPath: "/v1/webhooks", httpBody: c.w,
			want: codes.InvalidArgument, fields: []string{c.field}})
		in := proto.Clone(c.w).(*reachv1.Webhook)
		in.Name = "webhooks/orders"
		e.runBoth(transportCase{name: "update: " + c.name, token: e.admin(), grpcMethod: mUpdateWebhook,
			grpcReq:    &reachv1.UpdateWebhookRequest{Webhook: in, UpdateMask: mask("url", "event_types", "description")},
			httpMethod: "PATCH", httpPath: "/v1/webhooks/orders?updateMask=url,eventTypes,description", httpBody: in,
			want: codes.InvalidArgument, fields: []string{c.field}})
	}
	e.runBoth(transportCase{name: "no webhook", token: e.admin(), grpcMethod: mCreateWebhook,
		grpcReq: &reachv1.CreateWebhookRequest{}, httpMethod: "POST", httpPath: "/v1/webhooks", httpBody: `null`,
		want: codes.InvalidArgument})
	e.runBoth(transportCase{name: "bad id", token: e.admin(), grpcMethod: mCreateWebhook,
		grpcReq: &reachv1.CreateWebhookRequest{WebhookId: "Bad_Id", Webhook: orderHook()}, httpMethod: "POST",
		httpPath: "/v1/webhooks?webhookId=Bad_Id", httpBody: orderHook(), want: codes.InvalidArgument, fields: []string{"webhook_id"}})
	e.runBoth(transportCase{name: "taken id", token: e.admin(), grpcMethod: mCreateWebhook,
		grpcReq: &reachv1.CreateWebhookRequest{WebhookId: "orders", Webhook: orderHook()}, httpMethod: "POST",
		httpPath: "/v1/webhooks?webhookId=orders", httpBody: orderHook(), want: codes.AlreadyExists})
	e.runBoth(transportCase{name: "no update mask", token: e.admin(), grpcMethod: mUpdateWebhook,
		grpcReq:    &reachv1.UpdateWebhookRequest{Webhook: &reachv1.Webhook{Name: "webhooks/orders"}},
		httpMethod: "PATCH", httpPath: "/v1/webhooks/orders", httpBody: `{}`, want: codes.InvalidArgument, fields: []string{"update_mask"}})
	e.runBoth(transportCase{name: "output-only field in the mask", token: e.admin(), grpcMethod: mUpdateWebhook,
		grpcReq:    &reachv1.UpdateWebhookRequest{Webhook: &reachv1.Webhook{Name: "webhooks/orders"}, UpdateMask: mask("state")},
		httpMethod: "PATCH", httpPath: "/v1/webhooks/orders?updateMask=state", httpBody: `{}`, want: codes.InvalidArgument, fields: []string{"update_mask"}})
	e.runBoth(transportCase{name: "bad name", token: e.admin(), grpcMethod: mGetWebhook,
		grpcReq: &reachv1.GetWebhookRequest{Name: "channels/orders"}, httpMethod: "GET", httpPath: "/v1/webhooks/Not_A_Name",
		want: codes.InvalidArgument, fields: []string{"name"}})
	e.runBoth(transportCase{name: "bad filter", token: e.admin(), grpcMethod: mListWebhooks,
		grpcReq: &reachv1.ListWebhooksRequest{Filter: "state = PAUSED"}, httpMethod: "GET", httpPath: "/v1/webhooks?filter=state%3DPAUSED",
		want: codes.InvalidArgument, fields: []string{"filter"}})
	e.runBoth(transportCase{name: "long disable reason", token: e.admin(), grpcMethod: mDisableWebhook,
		grpcReq: &reachv1.DisableWebhookRequest{Name: "webhooks/orders", Reason: strings.Repeat("r", 501)}, httpMethod: "POST",
		httpPath: "/v1/webhooks/orders:disable", httpBody: `{"reason": "` + strings.Repeat("r", 501) + `"}`,
		want: codes.InvalidArgument, fields: []string{"reason"}})
}

// Another tenant's webhook does not exist for the caller, whatever the call.
func TestWebhookTenantIsolation(t *testing.T) {
	e := newTestEnv(t)
	e.createWebhook("orders", orderHook())
	other := e.key("globex", store.RoleAdmin)
	n := "webhooks/orders"
	for _, c := range []transportCase{
		{name: "get", grpcMethod: mGetWebhook, grpcReq: &reachv1.GetWebhookRequest{Name: n}, httpMethod: "GET", httpPath: "/v1/" + n},
		{name: "update", grpcMethod: mUpdateWebhook, grpcReq: &reachv1.UpdateWebhookRequest{Webhook: &reachv1.Webhook{Name: n, Description: "x"}, UpdateMask: mask("description")},
			httpMethod: "PATCH", httpPath: "/v1/" + n + "?updateMask=description", httpBody: `{"description": "x"}`},
		{name: "delete", grpcMethod: mDeleteWebhook, grpcReq: &reachv1.DeleteWebhookRequest{Name: n}, httpMethod: "DELETE", httpPath: "/v1/" + n},
		{name: "rotate", grpcMethod: mRotateWebhook, grpcReq: &reachv1.RotateWebhookSecretRequest{Name: n}, httpMethod: "POST", httpPath: "/v1/" + n + ":rotateSecret", httpBody: `{}`},
		{name: "disable", grpcMethod: mDisableWebhook, grpcReq: &reachv1.DisableWebhookRequest{Name: n}, httpMethod: "POST", httpPath: "/v1/" + n + ":disable", httpBody: `{}`},
		{name: "enable", grpcMethod: mEnableWebhook, grpcReq: &reachv1.EnableWebhookRequest{Name: n}, httpMethod: "POST", httpPath: "/v1/" + n + ":enable", httpBody: `{}`},
	} {
		c.name, c.token, c.want = "other tenant: "+c.name, other, codes.NotFound
		e.runBoth(c)
	}
	list := &reachv1.ListWebhooksResponse{}
	if err := e.call(other, mListWebhooks, &reachv1.ListWebhooksRequest{}, list); err != nil || len(list.Webhooks) != 0 {
		t.Fatalf("the other tenant lists %v (%v)", list.Webhooks, err)
	}
	got := &reachv1.GetWebhookResponse{}
	e.must(mGetWebhook, &reachv1.GetWebhookRequest{Name: n}, got)
	if got.Webhook.Etag != "1" {
		t.Fatalf("the other tenant's calls changed the webhook: %v", got.Webhook)
	}
}

// Admins manage webhooks; viewers and senders may read them, nothing more.
func TestWebhookRoles(t *testing.T) {
	e := newTestEnv(t)
	e.createWebhook("orders", orderHook())
	for _, role := range []store.Role{store.RoleViewer, store.RoleSender} {
		tok := e.key("acme", role)
		if err := e.call(tok, mGetWebhook, &reachv1.GetWebhookRequest{Name: "webhooks/orders"}, &reachv1.GetWebhookResponse{}); err != nil {
			t.Errorf("%s get: %v", role, err)
		}
		if err := e.call(tok, mListWebhooks, &reachv1.ListWebhooksRequest{}, &reachv1.ListWebhooksResponse{}); err != nil {
			t.Errorf("%s list: %v", role, err)
		}
		e.runBoth(transportCase{name: string(role) + " create", token: tok, grpcMethod: mCreateWebhook,
			grpcReq: &reachv1.CreateWebhookRequest{Webhook: orderHook()}, httpMethod: "POST", httpPath: "/v1/webhooks", httpBody: orderHook(),
			want: codes.PermissionDenied})
		e.runBoth(transportCase{name: string(role) + " rotate", token: tok, grpcMethod: mRotateWebhook,
			grpcReq: &reachv1.RotateWebhookSecretRequest{Name: "webhooks/orders"}, httpMethod: "POST", httpPath: "/v1/webhooks/orders:rotateSecret",
			httpBody: `{}`, want: codes.PermissionDenied})
	}
}

// With --webhook-allow-private, local receivers (plain http, loopback) are accepted.
func TestWebhookAllowPrivate(t *testing.T) {
	cfg := testConfig(t)
	cfg.Webhooks = webhookurl.Policy{AllowPrivate: true}
	e := startTestEnvConfig(t, "sqlite:"+t.TempDir()+"/reach.db", cfg)
	for _, u := range []string{"http://127.0.0.1:9000/hook", "https://10.0.0.8/hook", "http://localhost/hook"} {
		w := orderHook()
		w.Url = u
		e.createWebhook("", w)
	}
	w := orderHook()
	w.Url = "https://u:p@10.0.0.8/hook"
	err := e.call(e.admin(), mCreateWebhook, &reachv1.CreateWebhookRequest{Webhook: w}, &reachv1.CreateWebhookResponse{})
	if codeOf(err) != codes.InvalidArgument {
		t.Fatalf("user info with private endpoints allowed: %v", err)
	}
}
