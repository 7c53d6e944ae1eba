package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"google.golang.org/grpc/metadata"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/internal/tracing"
	"github.com/reachhq/reach/store"
)

// BenchmarkSendMessage measures one SendMessage over gRPC (validation, idempotency record
// and insert) on a SQLite database in a temp dir, each with its own request id. Tracing is
// off, as by default: no span is started and nothing is exported (TestTracingOff).
func BenchmarkSendMessage(b *testing.B) { benchSend(b, testConfig(b)) }

// BenchmarkSendMessageTraced is BenchmarkSendMessage with every call traced (sampled) and
// its spans batched to an exporter that drops them: the cost of tracing on the ingest path
// without a collector's network time.
func BenchmarkSendMessageTraced(b *testing.B) {
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(tracetest.NewNoopExporter()))
	b.Cleanup(func() { _ = tp.Shutdown(context.Background()) })
	cfg := testConfig(b)
	cfg.Tracing = tracing.New(tp)
	benchSend(b, cfg)
}

func benchSend(b *testing.B, cfg Config) {
	_, st, conn, _, stop := startServerConfig(b, "sqlite:"+filepath.Join(b.TempDir(), "reach.db"), cfg, slog.New(slog.DiscardHandler))
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
