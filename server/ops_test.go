package server

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// grpcHeader calls method with token and extra outgoing metadata and returns the response
// header metadata and the error.
func (e *testEnv) grpcHeader(token, method string, req, resp any, kv ...string) (metadata.MD, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if token != "" {
		kv = append(kv, "authorization", "Bearer "+token)
	}
	if len(kv) > 0 {
		ctx = metadata.AppendToOutgoingContext(ctx, kv...)
	}
	var md metadata.MD
	err := e.conn.Invoke(ctx, method, req, resp, grpc.Header(&md))
	return md, err
}

func TestRequestIDHeader(t *testing.T) {
	e := newTestEnv(t)
	e.createChannel("mini", miniChannel(t))
	get := &reachv1.GetChannelRequest{Name: "channels/mini"}

	// gRPC: generated when absent, different per call, echoed when given, also on errors.
	md1, err := e.grpcHeader(e.admin(), mGetChannel, get, &reachv1.GetChannelResponse{})
	if err != nil {
		t.Fatal(err)
	}
	md2, _ := e.grpcHeader(e.admin(), mGetChannel, get, &reachv1.GetChannelResponse{})
	id1, id2 := first(md1.Get("x-request-id")), first(md2.Get("x-request-id"))
	if id1 == "" || id2 == "" || id1 == id2 {
		t.Errorf("generated x-request-id: %q, %q", id1, id2)
	}
	for _, c := range []struct {
		name   string
		token  string
		req    *reachv1.GetChannelRequest
		wantOK bool
	}{
		{"success", e.admin(), get, true},
		{"not found", e.admin(), &reachv1.GetChannelRequest{Name: "channels/nope"}, false},
		{"invalid", e.admin(), &reachv1.GetChannelRequest{Name: "nope"}, false},
		{"unauthenticated", "", get, false},
		{"permission denied", e.key("acme", "viewer"), &reachv1.GetChannelRequest{Name: "channels/mini"}, true},
	} {
		md, err := e.grpcHeader(c.token, mGetChannel, c.req, &reachv1.GetChannelResponse{}, "x-request-id", "trace-"+strings.ReplaceAll(c.name, " ", "-"))
		if (err == nil) != c.wantOK {
			t.Errorf("%s: %v", c.name, err)
		}
		if got := first(md.Get("x-request-id")); got != "trace-"+strings.ReplaceAll(c.name, " ", "-") {
			t.Errorf("%s: gRPC x-request-id %q, want the caller's", c.name, got)
		}
	}
	md, _ := e.grpcHeader(e.admin(), mGetChannel, get, &reachv1.GetChannelResponse{}, "x-request-id", strings.Repeat("x", 129))
	if got := first(md.Get("x-request-id")); got == "" || got == strings.Repeat("x", 129) {
		t.Errorf("overlong caller id: got %q, want a generated one", got)
	}

	// HTTP: the same through the gateway.
	r1, _ := e.httpRaw(e.admin(), "GET", "/v1/channels/mini", "", nil)
	r2, _ := e.httpRaw(e.admin(), "GET", "/v1/channels/mini", "", nil)
	if a, b := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id"); a == "" || b == "" || a == b {
		t.Errorf("HTTP generated X-Request-Id: %q, %q", a, b)
	}
	for _, c := range []struct {
		name, token, path string
		status            int
	}{
		{"success", e.admin(), "/v1/channels/mini", 200},
		{"not found", e.admin(), "/v1/channels/nope", 404},
		{"unauthenticated", "", "/v1/channels/mini", 401},
		{"forbidden", e.key("acme", "viewer"), "/v1/channels/mini:disable", 403},
	} {
		method := "GET"
		body := ""
		if strings.HasSuffix(c.path, ":disable") {
			method, body = "POST", "{}"
		}
		id := "http-" + strings.ReplaceAll(c.name, " ", "-")
		resp, raw := e.httpRaw(c.token, method, c.path, body, map[string]string{"X-Request-Id": id})
		if resp.StatusCode != c.status {
			t.Errorf("%s: HTTP %d (%s), want %d", c.name, resp.StatusCode, raw, c.status)
		}
		if got := resp.Header.Get("X-Request-Id"); got != id {
			t.Errorf("%s: HTTP X-Request-Id %q, want %q", c.name, got, id)
		}
	}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

func TestHealthAndReflection(t *testing.T) {
	e := newTestEnv(t)
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, raw := e.httpRaw("", "GET", path, "", nil)
		if resp.StatusCode != 200 {
			t.Errorf("%s without a key: %d %s", path, resp.StatusCode, raw)
		}
	}
	resp, raw := e.httpRaw("", "GET", "/metrics", "", nil)
	if resp.StatusCode != 200 || !strings.Contains(string(raw), "grpc_server_handled_total") {
		t.Errorf("/metrics: %d", resp.StatusCode)
	}
	// The build that answers: under go test, no version and no commit were recorded.
	build := fmt.Sprintf(`reach_build_info{goversion=%q,revision="unknown",version="dev"} 1`, runtime.Version())
	if !strings.Contains(string(raw), build) {
		t.Errorf("/metrics lacks %s", build)
	}

	// gRPC health turns SERVING once the store answered; no key needed.
	hc := healthpb.NewHealthClient(e.conn)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		r, err := hc.Check(ctx, &healthpb.HealthCheckRequest{})
		cancel()
		if err == nil && r.Status == healthpb.HealthCheckResponse_SERVING {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("health: %v %v", r, err)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// Reflection lists Reach's services without a key.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stream, err := reflectionpb.NewServerReflectionClient(e.conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	r, err := stream.Recv()
	if err != nil {
		t.Fatalf("reflection: %v", err)
	}
	var services []string
	for _, s := range r.GetListServicesResponse().GetService() {
		services = append(services, s.Name)
	}
	for _, want := range []string{"reach.v1.ChannelService", "reach.v1.TemplateService", "reach.v1.SubscriptionService", "reach.v1.MessageService", "grpc.health.v1.Health"} {
		if !slices.Contains(services, want) {
			t.Errorf("reflection lists %v, missing %s", services, want)
		}
	}
	if err := stream.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_FileContainingSymbol{FileContainingSymbol: "reach.v1.MessageService"}}); err != nil {
		t.Fatal(err)
	}
	if r, err := stream.Recv(); err != nil || len(r.GetFileDescriptorResponse().GetFileDescriptorProto()) == 0 {
		t.Errorf("file containing reach.v1.MessageService: %v %v", r, err)
	}
}
