package server

import (
	"context"
	"log/slog"
	"runtime/debug"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// requestIDHeader carries a per-request id for correlating logs; it is a trace id, not the
// idempotency key (that is request_id in the send requests).
const requestIDHeader = "x-request-id"

// callInfo is what the finished-call log line says about a call. The logging interceptor
// runs before auth (so rejected calls are logged too) and reads this holder when the call
// finishes, after auth has filled in who called.
type callInfo struct {
	requestID string
	tenant    string
	key       string
}

type callInfoKey struct{}

// interceptors returns the unary chain in its one explicit order:
// recovery → request id → logging → metrics → auth → validation → error mapping → handler.
// Recovery is outermost so a panic anywhere becomes INTERNAL; error mapping is innermost so
// logging and metrics see the final codes. The JSON gateway reaches the handlers through an
// in-process gRPC connection, so it passes through this same chain.
func interceptors(log *slog.Logger, metrics *grpcprom.ServerMetrics, auth *authenticator) []grpc.UnaryServerInterceptor {
	return []grpc.UnaryServerInterceptor{
		recovery.UnaryServerInterceptor(recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
			log.ErrorContext(ctx, "panic in handler", "panic", p, "stack", string(debug.Stack()))
			return status.Error(codes.Internal, "internal error; the cause has been logged")
		})),
		requestIDInterceptor,
		logging.UnaryServerInterceptor(slogAdapter(log), logging.WithLogOnEvents(logging.FinishCall), logging.WithFieldsFromContext(requestIDFields)),
		metrics.UnaryServerInterceptor(),
		authInterceptor(log, auth),
		validateInterceptor,
		errorInterceptor(log),
	}
}

// requestIDInterceptor takes the caller's x-request-id (or makes one) and echoes it back.
func requestIDInterceptor(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	id := ""
	if md, ok := metadata.FromIncomingContext(ctx); ok {
		if v := md.Get(requestIDHeader); len(v) > 0 && len(v[0]) <= 128 {
			id = v[0]
		}
	}
	if id == "" {
		id = newID()
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs(requestIDHeader, id))
	return handler(context.WithValue(ctx, callInfoKey{}, &callInfo{requestID: id}), req)
}

func requestIDFields(ctx context.Context) logging.Fields {
	info, ok := ctx.Value(callInfoKey{}).(*callInfo)
	if !ok {
		return nil
	}
	f := logging.Fields{"request_id", info.requestID}
	if info.tenant != "" {
		f = append(f, "tenant", info.tenant, "key", info.key)
	}
	return f
}

// authInterceptor requires a valid API key with a sufficient role for Reach's methods.
func authInterceptor(log *slog.Logger, auth *authenticator) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if !needsAuth(info.FullMethod) {
			return handler(ctx, req)
		}
		p, err := auth.authenticate(ctx, info.FullMethod)
		if err != nil {
			return nil, toStatus(ctx, log, info.FullMethod, err)
		}
		if ci, ok := ctx.Value(callInfoKey{}).(*callInfo); ok {
			ci.tenant, ci.key = p.TenantID, p.KeyID
		}
		return handler(context.WithValue(ctx, principalKey{}, p), req)
	}
}

// errorInterceptor maps handler errors to statuses at one place.
func errorInterceptor(log *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		resp, err := handler(ctx, req)
		if err != nil {
			return nil, toStatus(ctx, log, info.FullMethod, err)
		}
		return resp, nil
	}
}

// slogAdapter lets go-grpc-middleware's logging interceptor write through our slog logger.
func slogAdapter(l *slog.Logger) logging.Logger {
	return logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		l.Log(ctx, slog.Level(lvl), msg, fields...)
	})
}
