package server

import (
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
