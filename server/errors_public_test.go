package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestStoreErrorsDoNotLeakDriverText: a conflict tells what and why in the service's words;
// the database driver's text (table, constraint and column names) goes to the log only.
func TestStoreErrorsDoNotLeakDriverText(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	e.oneTimeTemplate("mini", "order", "ext-order")
	err := e.call(e.admin(), mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/mini", TemplateId: "again", Template: &reachv1.Template{
		ExternalId: "ext-order", DisplayName: "Same Alipay id", SubscriptionType: reachv1.SubscriptionType_SUBSCRIPTION_TYPE_ONE_TIME,
		Keywords: []*reachv1.TemplateKeyword{{Key: "keyword1"}}}}, &reachv1.CreateTemplateResponse{})
	st := status.Convert(err)
	if st.Code() != codes.AlreadyExists || !strings.HasSuffix(st.Message(), "already exists") {
		t.Fatalf("duplicate external id: %v", err)
	}
	for _, leak := range []string{"duplicate", "UNIQUE", "constraint", "templates."} {
		if strings.Contains(st.Message(), leak) {
			t.Fatalf("message %q leaks driver text %q", st.Message(), leak)
		}
	}
}

// TestOverloadedIsRetryable: a send refused because too many wait for the database is
// RESOURCE_EXHAUSTED with a RetryInfo (HTTP 429), so clients back off and retry.
func TestOverloadedIsRetryable(t *testing.T) {
	err := toStatus(t.Context(), slog.New(slog.NewTextHandler(io.Discard, nil)), "/reach.v1.MessageService/SendMessage", fmt.Errorf("create messages: %w", store.ErrOverloaded))
	st := status.Convert(err)
	if st.Code() != codes.ResourceExhausted {
		t.Fatalf("code %v, want RESOURCE_EXHAUSTED", st.Code())
	}
	var retry *errdetails.RetryInfo
	for _, d := range st.Details() {
		if r, ok := d.(*errdetails.RetryInfo); ok {
			retry = r
		}
	}
	if retry == nil || retry.RetryDelay.AsDuration() <= 0 {
		t.Fatalf("no retry delay in %v", st.Details())
	}
	if got := runtime.HTTPStatusFromCode(st.Code()); got != http.StatusTooManyRequests {
		t.Fatalf("HTTP status %d, want 429", got)
	}
}

// TestPublicMessageDropsStoreWords: the store's operation and the driver's words are left
// out of a public message; the handler's context stays.
func TestPublicMessageDropsStoreWords(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, c := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("message %q: %w", "messages/nope", fmt.Errorf("get message: %w", store.ErrNotFound)), `message "messages/nope": ` + store.ErrNotFound.Error()},
		{fmt.Errorf("channel %q: %w", "channels/c", fmt.Errorf("create channel: %w: duplicate key value violates unique constraint \"channels_pkey\"", store.ErrAlreadyExists)),
			`channel "channels/c": ` + store.ErrAlreadyExists.Error()},
		{fmt.Errorf("get message: %w", store.ErrNotFound), "get message: " + store.ErrNotFound.Error()},
		{store.ErrNotFound, store.ErrNotFound.Error()},
	} {
		sentinel := store.ErrNotFound
		if errors.Is(c.err, store.ErrAlreadyExists) {
			sentinel = store.ErrAlreadyExists
		}
		if got := publicMessage(context.Background(), log, c.err, sentinel); got != c.want {
			t.Errorf("publicMessage(%q) = %q, want %q", c.err, got, c.want)
		}
	}
}
