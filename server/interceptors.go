package server

import (
	"context"
	"log/slog"
	"runtime/debug"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
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
// in-process gRPC connection, so it passes through this same chain. Tracing is not in the
// chain: it is a stats handler (Config.Tracing), whose span covers the whole call, so the
// context every interceptor logs with already holds the call's trace id.
func interceptors(log *slog.Logger, metrics *grpcprom.ServerMetrics, auth *authenticator) []grpc.UnaryServerInterceptor {
	return []grpc.UnaryServerInterceptor{
		recovery.UnaryServerInterceptor(recovered(log)),
		requestIDInterceptor,
		callLogInterceptor(log),
		metrics.UnaryServerInterceptor(),
		authInterceptor(log, auth),
		validateInterceptor,
		errorInterceptor(log),
	}
}

// streamInterceptors is the same chain for streaming methods (WatchMessages): the unary
// interceptors that only need the call's context and its final error run as they are
// (asStream); validation checks each message the client sends.
func streamInterceptors(log *slog.Logger, metrics *grpcprom.ServerMetrics, auth *authenticator) []grpc.StreamServerInterceptor {
	return []grpc.StreamServerInterceptor{
		recovery.StreamServerInterceptor(recovered(log)),
		asStream(requestIDInterceptor),
		asStream(callLogInterceptor(log)),
		metrics.StreamServerInterceptor(),
		asStream(authInterceptor(log, auth)),
		validateStream,
		asStream(errorInterceptor(log)),
	}
}

// recovered turns a panic into INTERNAL, with the cause in the log only.
func recovered(log *slog.Logger) recovery.Option {
	return recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		log.ErrorContext(ctx, "panic in handler", "panic", p, "stack", string(debug.Stack()))
		return status.Error(codes.Internal, "internal error; the cause has been logged")
	})
}

// asStream runs a unary interceptor around a stream: the context it passes on becomes the
// stream's, and the stream's error is the call's.
func asStream(u grpc.UnaryServerInterceptor) grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
		_, err := u(ss.Context(), nil, &grpc.UnaryServerInfo{Server: srv, FullMethod: info.FullMethod},
			func(ctx context.Context, _ any) (any, error) {
				return nil, handler(srv, &ctxStream{ServerStream: ss, ctx: ctx})
			})
		return err
	}
}

// ctxStream is a stream with the context the interceptors built.
type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }

// validateStream checks every message a client sends on a stream, as validateInterceptor
// checks a unary request.
func validateStream(srv any, ss grpc.ServerStream, _ *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	return handler(srv, &checkedStream{ss})
}

type checkedStream struct{ grpc.ServerStream }

func (s *checkedStream) RecvMsg(m any) error {
	if err := s.ServerStream.RecvMsg(m); err != nil {
		return err
	}
	if pm, ok := m.(proto.Message); ok {
		var f fieldErrors
		checkMessage(&f, "", pm.ProtoReflect())
		return f.err()
	}
	return nil
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

// decodeInChain returns desc with each unary method's request decoding moved into the
// interceptor chain. grpc-go decodes the request before the chain runs and answers a
// failure itself: a message that does not decode (such as a string that is not valid
// UTF-8) was INTERNAL, neither logged nor counted. Here requestCodec hands over the bytes
// and they are decoded into the request; a failure is kept and returned in the handler's
// place, so recovery, logging, metrics and auth all see the call, and it is what it is, the
// client's INVALID_ARGUMENT.
//
// A message over the size limit is refused by grpc-go from its length prefix, before the
// codec, with RESOURCE_EXHAUSTED (it has answered the client by then); the chain still runs
// so the call is logged and counted as what the client got. The JSON gateway answers 413
// for it instead (see edgeErrors.gatewayError).
func decodeInChain(desc *grpc.ServiceDesc) *grpc.ServiceDesc {
	d := *desc
	d.Methods = make([]grpc.MethodDesc, len(desc.Methods))
	for i, m := range desc.Methods {
		handle := m.Handler
		m.Handler = func(srv any, ctx context.Context, dec func(any) error, ic grpc.UnaryServerInterceptor) (any, error) {
			if ic == nil {
				return handle(srv, ctx, dec, nil)
			}
			var decodeErr error
			keep := func(v any) error {
				msg, ok := v.(proto.Message)
				if !ok {
					return dec(v)
				}
				var raw rawRequest
				if err := dec(&raw); err != nil {
					if status.Code(err) != codes.ResourceExhausted {
						return err // the client went away or broke the stream: nothing to tell it
					}
					decodeErr = err
				} else if err := proto.Unmarshal(raw.b, msg); err != nil {
					decodeErr = status.Error(codes.InvalidArgument, "invalid request message: "+err.Error())
				}
				return nil
			}
			chain := func(ctx context.Context, req any, info *grpc.UnaryServerInfo, h grpc.UnaryHandler) (any, error) {
				if decodeErr != nil {
					h = func(context.Context, any) (any, error) { return nil, decodeErr }
				}
				return ic(ctx, req, info, h)
			}
			return handle(srv, ctx, keep, chain)
		}
		d.Methods[i] = m
	}
	return &d
}
