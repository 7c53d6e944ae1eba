package server

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// runChain calls handler through the server's interceptor chain for method and returns the
// error and what was logged.
func runChain(t *testing.T, method string, handler grpc.UnaryHandler) (string, error) {
	t.Helper()
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	chain := interceptors(log, grpcprom.NewServerMetrics(), &authenticator{})
	info := &grpc.UnaryServerInfo{FullMethod: method}
	h := handler
	for i := len(chain) - 1; i >= 0; i-- {
		ic, next := chain[i], h
		h = func(ctx context.Context, req any) (any, error) { return ic(ctx, req, info, next) }
	}
	_, err := h(context.Background(), nil)
	return buf.String(), err
}

// A method this version does not implement is logged as a warning: ERROR is kept for what
// points at the server itself.
func TestLogLevelOfCodes(t *testing.T) {
	for _, c := range []struct {
		code codes.Code
		want string
	}{
		{codes.Unimplemented, "level=WARN"},
		{codes.InvalidArgument, "level=INFO"},
		{codes.NotFound, "level=INFO"},
		{codes.Internal, "level=ERROR"},
		{codes.DataLoss, "level=ERROR"},
	} {
		logged, err := runChain(t, "/grpc.health.v1.Health/Check", func(context.Context, any) (any, error) {
			return nil, status.Error(c.code, "x")
		})
		if status.Code(err) != c.code {
			t.Fatalf("%v: got %v", c.code, err)
		}
		line := ""
		for _, l := range strings.Split(logged, "\n") {
			if strings.Contains(l, "finished call") {
				line = l
			}
		}
		if !strings.Contains(line, c.want) {
			t.Errorf("%v is logged as %q, want %s", c.code, line, c.want)
		}
	}
}
