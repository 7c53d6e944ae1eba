package server

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc/metadata"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
)

// BenchmarkSendMessage measures one SendMessage over gRPC (validation, idempotency record
// and insert) on a SQLite database in a temp dir, each with its own request id.
func BenchmarkSendMessage(b *testing.B) {
	st, conn, _, stop := startServer(b, "sqlite:"+filepath.Join(b.TempDir(), "reach.db"))
	b.Cleanup(stop)
	ctx := context.Background()
	tn, err := st.EnsureTenant(ctx, "acme")
	if err != nil {
		b.Fatal(err)
	}
	tok, id, hash, err := apikey.New()
	if err != nil {
		b.Fatal(err)
	}
	if err := st.CreateAPIKey(ctx, &store.APIKey{ID: id, TenantID: tn.ID, Role: store.RoleAdmin, Hash: hash, CreateTime: time.Now().UTC()}); err != nil {
		b.Fatal(err)
	}
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
	if err := conn.Invoke(ctx, mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: "mini", Channel: miniChannel(b)}, &reachv1.CreateChannelResponse{}); err != nil {
		b.Fatal(err)
	}
	if err := conn.Invoke(ctx, mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/mini", TemplateId: "order", Template: oneTime("tpl-1")},
		&reachv1.CreateTemplateResponse{}); err != nil {
		b.Fatal(err)
	}
	req := miniSend("mini", "order", "", uid("2088000000000001"))
	for i := 0; b.Loop(); i++ {
		req.RequestId = fmt.Sprintf("bench-%d", i)
		if err := conn.Invoke(ctx, mSendMessage, req, &reachv1.SendMessageResponse{}); err != nil {
			b.Fatal(err)
		}
	}
}
