package server

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/mem"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protowire"
)

// syncBuffer is a log destination the server may write while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedEnv is newTestEnv with the server's log kept for the test to read.
func newLoggedEnv(t *testing.T) (*testEnv, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
	srv, st, conn, baseURL, stop := startServerConfig(t, dsn, Config{ShutdownTimeout: 5 * time.Second},
		slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	e := &testEnv{t: t, dsn: dsn, store: st, conn: conn, baseURL: baseURL, keys: map[string]string{}, stop: stop, srv: srv}
	t.Cleanup(stop)
	return e, logs
}

// counter is the value of the counter name with labels in reg (0 when absent).
func counter(t *testing.T, reg prometheus.Gatherer, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabels(m, labels) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	n := 0
	for _, l := range m.GetLabel() {
		if v, ok := want[l.GetName()]; ok && v == l.GetValue() {
			n++
		}
	}
	return n == len(want)
}

// rawCodec sends a request's bytes as given, so a test can put on the wire what a
// protobuf library would refuse to encode.
type rawCodec struct{}

func (rawCodec) Marshal(v any) (mem.BufferSlice, error) {
	return mem.BufferSlice{mem.SliceBuffer(v.([]byte))}, nil
}
func (rawCodec) Unmarshal(mem.BufferSlice, any) error { return nil }
func (rawCodec) Name() string                         { return "proto" }

// TestInvalidUTF8IsInvalidArgument: a path segment, query parameter or page token that is
// not valid UTF-8, and a protobuf string that is not, answer INVALID_ARGUMENT / 400
// on both transports, with or without a key, and are logged (not at ERROR) and counted
// (issue 7, finding 4: they were 500/INTERNAL, neither logged nor counted).
func TestInvalidUTF8IsInvalidArgument(t *testing.T) {
	e, logs := newLoggedEnv(t)
	reg := e.srv.Registry()
	for _, c := range []struct {
		name, path string
		header     map[string]string
	}{
		{"filter", "/v1/channels?filter=%ff", nil},
		{"path segment", "/v1/channels/a%ffb", nil},
		{"page token", "/v1/channels?pageToken=%ff", nil},
		{"template filter", "/v1/channels/c/templates?filter=state%3D%22%ff%22", nil},
	} {
		for _, token := range []string{"", e.admin()} {
			before := counter(t, reg, "reach_http_rejected_requests_total", map[string]string{"route": "gateway", "status": "400"})
			resp, raw := e.httpRaw(token, http.MethodGet, c.path, "", c.header)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(raw), `"code":3`) {
				t.Errorf("%s (key %v): %d %s, want 400 with code 3", c.name, token != "", resp.StatusCode, raw)
			}
			if after := counter(t, reg, "reach_http_rejected_requests_total", map[string]string{"route": "gateway", "status": "400"}); after != before+1 {
				t.Errorf("%s: rejected counter went %v → %v, want +1", c.name, before, after)
			}
		}
	}

	// A ListChannelsRequest whose filter (field 3) is the byte 0xff.
	msg := protowire.AppendString(protowire.AppendTag(nil, 3, protowire.BytesType), "\xff")
	before := counter(t, reg, "grpc_server_handled_total", map[string]string{"grpc_method": "ListChannels", "grpc_code": "InvalidArgument"})
	for _, token := range []string{"", e.admin()} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if token != "" {
			ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
		}
		err := e.conn.Invoke(ctx, mListChannels, msg, nil, grpc.ForceCodecV2(rawCodec{}))
		cancel()
		want := codes.InvalidArgument
		if token == "" {
			want = codes.Unauthenticated // the key is checked first, as for any request
		}
		if status.Code(err) != want {
			t.Errorf("gRPC (key %v): %v, want %v", token != "", err, want)
		}
	}
	if after := counter(t, reg, "grpc_server_handled_total", map[string]string{"grpc_method": "ListChannels", "grpc_code": "InvalidArgument"}); after != before+1 {
		t.Errorf("gRPC InvalidArgument counter went %v → %v, want +1", before, after)
	}

	log := logs.String()
	if strings.Contains(log, "level=ERROR") {
		t.Errorf("a bad request was logged as an ERROR:\n%s", log)
	}
	if n := strings.Count(log, "http request rejected"); n != 8 {
		t.Errorf("%d gateway rejections logged, want 8:\n%s", n, log)
	}
	if !strings.Contains(log, "grpc.method=ListChannels") || !strings.Contains(log, "grpc.code=InvalidArgument") {
		t.Errorf("the gRPC call is not logged:\n%s", log)
	}
}
