package server

import (
	"context"
	"errors"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/durationpb"

	"github.com/reachhq/reach/store"
)

// errorDomain is the ErrorInfo domain of every error Reach returns.
const errorDomain = "reach.v1"

// fieldErrors collects the field violations of one request so the caller gets all of them
// at once, not one per round trip.
type fieldErrors struct {
	violations []*errdetails.BadRequest_FieldViolation
	dropped    int // violations beyond maxViolations, counted but not listed
}

// add records that field is wrong and why.
func (f *fieldErrors) add(field, description string) {
	if len(f.violations) >= maxViolations {
		f.dropped++
		return
	}
	f.violations = append(f.violations, &errdetails.BadRequest_FieldViolation{Field: field, Description: description})
}

// empty reports whether nothing was wrong.
func (f *fieldErrors) empty() bool { return len(f.violations) == 0 }

// err returns nil or INVALID_ARGUMENT with a BadRequest detail listing every violation.
func (f *fieldErrors) err() error {
	if f.empty() {
		return nil
	}
	msg := "invalid request: " + f.violations[0].Field + ": " + f.violations[0].Description
	if n := len(f.violations) + f.dropped; n > 1 {
		msg += " (and " + strconv.Itoa(n-1) + " more)"
	}
	st := status.New(codes.InvalidArgument, msg)
	if d, err := st.WithDetails(&errdetails.BadRequest{FieldViolations: f.violations}); err == nil {
		st = d
	}
	return st.Err()
}

// invalidField is a one-violation INVALID_ARGUMENT.
func invalidField(field, description string) error {
	var f fieldErrors
	f.add(field, description)
	return f.err()
}

// withReason returns an error of code c with an ErrorInfo detail naming reason, so clients
// can branch on a stable machine-readable value instead of the message.
func withReason(c codes.Code, reason, msg string) error {
	st := status.New(c, msg)
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: errorDomain}); err == nil {
		st = d
	}
	return st.Err()
}

// overloadRetry is how long a client told to back off by overloaded should wait.
const overloadRetry = 200 * time.Millisecond

// overloaded is RESOURCE_EXHAUSTED with RetryInfo: more sends wait for the database than
// Reach queues, so this one was refused before anything was written; retry it shortly.
func overloaded() error {
	st := status.New(codes.ResourceExhausted, "too many sends are waiting for the database; retry shortly")
	if d, err := st.WithDetails(&errdetails.ErrorInfo{Reason: "OVERLOADED", Domain: errorDomain},
		&errdetails.RetryInfo{RetryDelay: durationpb.New(overloadRetry)}); err == nil {
		st = d
	}
	return st.Err()
}

// toStatus maps any error a handler returns to a gRPC status. Store sentinels become their
// standard codes with the handler's context as message; anything unknown becomes INTERNAL
// with a public message and the cause goes to the log only.
func toStatus(ctx context.Context, log *slog.Logger, method string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok {
		return err
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, "request cancelled")
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, "deadline exceeded")
	case errors.Is(err, store.ErrNotFound):
		return withReason(codes.NotFound, "NOT_FOUND", publicMessage(ctx, log, err, store.ErrNotFound))
	case errors.Is(err, store.ErrAlreadyExists):
		return withReason(codes.AlreadyExists, "ALREADY_EXISTS", publicMessage(ctx, log, err, store.ErrAlreadyExists))
	case errors.Is(err, store.ErrConflict):
		return withReason(codes.Aborted, "CONCURRENT_MODIFICATION", publicMessage(ctx, log, err, store.ErrConflict)+": read it again and retry")
	case errors.Is(err, store.ErrInvalid):
		return withReason(codes.InvalidArgument, "INVALID_ARGUMENT", publicMessage(ctx, log, err, store.ErrInvalid))
	case errors.Is(err, store.ErrStale):
		return withReason(codes.Aborted, "CONCURRENT_MODIFICATION", "the template changed while this request was checked; retry it")
	case errors.Is(err, store.ErrOverloaded):
		return overloaded()
	case errors.Is(err, store.ErrUnavailable):
		log.ErrorContext(ctx, "store unavailable", "method", method, "error", err)
		return withReason(codes.Unavailable, "STORE_UNAVAILABLE", "the database is unavailable; retry later")
	}
	log.ErrorContext(ctx, "internal error", "method", method, "error", err)
	return status.Error(codes.Internal, "internal error; the cause has been logged")
}

// publicMessage is err's text up to the store sentinel it wraps, without the store's
// own operation before it or the database driver's words after it, which name tables and
// columns (those go to the log): "template \"channels/c/templates/t\": create template:
// already exists: …" becomes "template \"channels/c/templates/t\": already exists".
func publicMessage(ctx context.Context, log *slog.Logger, err, sentinel error) string {
	msg, want := err.Error(), sentinel.Error()
	i := strings.Index(msg, want)
	if i < 0 {
		return want
	}
	if len(msg) > i+len(want) {
		log.DebugContext(ctx, "store error", "error", err)
	}
	before, ok := strings.CutSuffix(msg[:i], ": ")
	if !ok {
		return msg[:i+len(want)]
	}
	parts := strings.Split(before, ": ")
	for len(parts) > 1 && storeOperation.MatchString(parts[len(parts)-1]) {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ": ") + ": " + want
}

// storeOperation is how the store names what it was doing ("get message").
var storeOperation = regexp.MustCompile(`^[a-z]+( [a-z]+)*$`)
