package server

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
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
