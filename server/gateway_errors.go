package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/prometheus/client_golang/prometheus"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// reasonTooLarge is the ErrorInfo reason of a request over a size limit, on both
// transports: INVALID_ARGUMENT over gRPC, 413 over HTTP. It is not RESOURCE_EXHAUSTED,
// which clients retry as rate limiting; the same request would fail again.
const reasonTooLarge = "REQUEST_TOO_LARGE"

// tooLargeError is the status of a request over limit bytes.
func tooLargeError(limit int64) error {
	st := status.New(codes.InvalidArgument, tooLargeMessage(limit))
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reasonTooLarge, Domain: errorDomain,
		Metadata: map[string]string{"limit_bytes": strconv.FormatInt(limit, 10)}}); err == nil {
		st = d
	}
	return st.Err()
}

// edgeErrors logs and counts the requests the HTTP side answers itself, before they reach
// the gRPC chain (whose interceptors log and count the others).
type edgeErrors struct {
	mux      *runtime.ServeMux // the gateway, whose error shape every answer takes
	log      *slog.Logger
	limits   Limits
	rejected *prometheus.CounterVec
}

func newEdgeErrors(log *slog.Logger, limits Limits, reg prometheus.Registerer) *edgeErrors {
	rejected := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "reach_http_rejected_requests_total",
		Help: "HTTP requests answered before they reached the gRPC chain: bodies too large or too slow, requests the gateway cannot decode, encode or route.",
	}, []string{"route", "status"})
	reg.MustRegister(rejected)
	return &edgeErrors{log: log, limits: limits, rejected: rejected}
}

// note logs and counts one rejected request: as a WARN, or as an INFO for what a scanner
// sends all day (unknown paths and methods). None is an ERROR: the client is at fault.
func (e *edgeErrors) note(ctx context.Context, r *http.Request, route string, httpStatus int, err error) {
	e.rejected.WithLabelValues(route, strconv.Itoa(httpStatus)).Inc()
	lvl := slog.LevelWarn
	if httpStatus == http.StatusNotFound || httpStatus == http.StatusMethodNotAllowed {
		lvl = slog.LevelInfo
	}
	e.log.Log(ctx, lvl, "http request rejected", "route", route, "method", r.Method, "path", r.URL.EscapedPath(),
		"status", httpStatus, "remote", r.RemoteAddr, "error", err)
}

// gatewayError is the gateway's error handler. Errors from the gRPC chain pass through.
// Errors raised before the call reached the chain are told apart by the missing
// x-request-id header that the chain always sets; they are the request's fault:
//   - a body cut off by the size limit or the read timeout: 413 or 408, not the generic
//     400 the gateway makes of any read error;
//   - a message over grpc-go's size limit: 413, not the 429 of RESOURCE_EXHAUSTED;
//   - a request the in-process client cannot encode (a path segment, query parameter or
//     header that is not valid UTF-8, which protobuf strings must be): grpc-go calls that
//     INTERNAL, but it is INVALID_ARGUMENT;
//
// and they are logged and counted here, since no interceptor saw them.
func (e *edgeErrors) gatewayError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	var custom *runtime.HTTPStatusError
	if errors.As(err, &custom) {
		err = custom.Err
	}
	st := status.Convert(err)
	httpStatus := runtime.HTTPStatusFromCode(st.Code())
	if custom != nil {
		httpStatus = custom.HTTPStatus
	}
	md, _ := runtime.ServerMetadataFromContext(ctx)
	if len(md.HeaderMD.Get(requestIDHeader)) > 0 { // answered by the gRPC chain
		runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: st.Err()})
		return
	}
	g := guardOf(r.Context())
	switch {
	case g != nil && g.tooLarge:
		st, httpStatus = status.Convert(tooLargeError(e.limits.MaxBodyBytes)), http.StatusRequestEntityTooLarge
	case st.Code() == codes.ResourceExhausted:
		// grpc-go's message size limit, met by the JSON body's protobuf form: still a
		// request too large, not rate limiting.
		st, httpStatus = status.Convert(tooLargeError(int64(e.limits.MaxMessageBytes))), http.StatusRequestEntityTooLarge
	case g != nil && g.timedOut:
		st, httpStatus = status.New(codes.DeadlineExceeded, "the request body did not arrive within the read timeout"), http.StatusRequestTimeout
	case st.Code() == codes.Internal || st.Code() == codes.Unknown:
		msg := strings.TrimPrefix(st.Message(), "grpc: error while marshaling: ")
		st, httpStatus = status.New(codes.InvalidArgument, "invalid request: "+msg), http.StatusBadRequest
	case st.Code() == codes.InvalidArgument && len(st.Details()) == 0:
		// A body or query parameter the gateway could not decode: the handler kept only
		// the text of the decoder's violation; the answer carries it as a detail too.
		if v, ok := fieldViolation(st.Message()); ok {
			st = status.Convert(invalidField(v.Field, v.Description))
		}
	}
	e.note(ctx, r, "gateway", httpStatus, errors.New(st.Message()))
	runtime.DefaultHTTPErrorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: st.Err()})
}

// routingError answers a request that matches no route. grpc-gateway's default makes a
// wrong method 501 (UNIMPLEMENTED, a server error); it is the client's 405, still with
// UNIMPLEMENTED, the code the gRPC side gives an unknown method, in the body.
func (e *edgeErrors) routingError(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	err := status.Error(codes.NotFound, http.StatusText(http.StatusNotFound))
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		err = status.Error(codes.Unimplemented, http.StatusText(httpStatus))
	case http.StatusBadRequest:
		err = status.Error(codes.InvalidArgument, http.StatusText(httpStatus))
	}
	e.gatewayError(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: err})
}

// tooLarge answers a request whose declared body is over the limit, in the gateway's error
// shape, or as plain text on the notification route (Alipay reads no JSON there).
func (e *edgeErrors) tooLarge(w http.ResponseWriter, r *http.Request) {
	route := "gateway"
	if strings.HasPrefix(r.URL.Path, "/v1/notify/") {
		route = "notify"
	}
	e.note(r.Context(), r, route, http.StatusRequestEntityTooLarge, errors.New("declared body length "+strconv.FormatInt(r.ContentLength, 10)))
	if route == "notify" {
		http.Error(w, tooLargeMessage(e.limits.MaxBodyBytes), http.StatusRequestEntityTooLarge)
		return
	}
	runtime.DefaultHTTPErrorHandler(r.Context(), e.mux, gatewayMarshaler, w, r,
		&runtime.HTTPStatusError{HTTPStatus: http.StatusRequestEntityTooLarge, Err: tooLargeError(e.limits.MaxBodyBytes)})
}

// badNotifyBody answers a notification whose body could not be read: 413 past limit, 408
// when it came too slowly, 400 when it is not a form.
func (e *edgeErrors) badNotifyBody(w http.ResponseWriter, r *http.Request, limit int64, err error) {
	code := bodyStatus(err)
	e.note(r.Context(), r, "notify", code, err)
	switch code {
	case http.StatusRequestEntityTooLarge:
		http.Error(w, tooLargeMessage(min(limit, e.limits.MaxBodyBytes)), code)
	case http.StatusRequestTimeout:
		http.Error(w, "the request body did not arrive within the read timeout", code)
	default:
		http.Error(w, "malformed form", code)
	}
}
