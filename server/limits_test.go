package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// endless is a request body of n bytes made on the fly: prefix, then 'a's. It allocates
// nothing per read, so the memory a test measures is the server's.
type endless struct {
	prefix string
	n      int64
	sent   int64
}

var fill = bytes.Repeat([]byte("a"), 32<<10)

func (e *endless) Read(p []byte) (int, error) {
	if e.sent >= e.n {
		return 0, io.EOF
	}
	k := 0
	if e.sent < int64(len(e.prefix)) {
		k = copy(p, e.prefix[e.sent:])
	} else {
		k = copy(p, fill)
	}
	k = int(min(int64(k), e.n-e.sent))
	e.sent += int64(k)
	return k, nil
}

// postBody posts body to url with no authorization and returns the status and the body.
// declared sends a Content-Length; otherwise the body is chunked, so only reading tells
// its size. A server that closes the connection after answering may make the client's
// write fail; the answer read so far is what counts.
func postBody(t *testing.T, url, contentType string, body io.Reader, size int64, declared bool) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.ContentLength = -1
	if declared {
		req.ContentLength = size
	}
	req.Header.Set("Content-Type", contentType)
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", url, err)
		return 0, nil
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	out := map[string]any{}
	if err := json.Unmarshal(raw, &out); err != nil {
		out["_raw"] = string(raw)
	}
	return resp.StatusCode, out
}

// contentTypeOf is the content type a route reads: a form for notifications, JSON else.
func contentTypeOf(path string) string {
	if strings.HasPrefix(path, "/v1/notify/") {
		return "application/x-www-form-urlencoded"
	}
	return "application/json"
}

// TestOversizeBodiesKeepTheHeapFlat: 100 MB bodies without a key, several at once, to the
// JSON gateway and to the notification endpoint, are refused with 413 after at most the
// limit is read, so the server allocates a small fraction of what was sent (issue 7,
// finding 1: one such request used to take the server from 42 MB to 508 MB).
func TestOversizeBodiesKeepTheHeapFlat(t *testing.T) {
	e := newTestEnv(t)
	const size, parallel = 100 << 20, 4
	for _, c := range []struct {
		name, path, prefix string
		declared           bool
	}{
		{"gateway, chunked", "/v1/messages:send", `{"requestId":"`, false},
		{"gateway, declared length", "/v1/messages:send", `{"requestId":"`, true},
		{"notify, chunked", "/v1/notify/acme/life", "notify_id=", false},
		{"notify, declared length", "/v1/notify/acme/life", "notify_id=", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			var wg sync.WaitGroup
			for range parallel {
				wg.Add(1)
				go func() {
					defer wg.Done()
					code, body := postBody(t, e.baseURL+c.path, contentTypeOf(c.path), &endless{prefix: c.prefix, n: size}, size, c.declared)
					if code != http.StatusRequestEntityTooLarge {
						t.Errorf("status %d, want 413 (%v)", code, body)
					}
					if strings.HasPrefix(c.path, "/v1/messages") && (body["code"] != float64(codes.InvalidArgument) || !strings.Contains(body["message"].(string), "too large")) {
						t.Errorf("body %v, want code 3 (INVALID_ARGUMENT) and a message saying it is too large", body)
					}
				}()
			}
			wg.Wait()
			runtime.ReadMemStats(&after)
			// Each request may cost the 4 MiB limit a few times over (buffers double as they
			// grow); without the limit each cost its 100 MB at least.
			if grew := after.TotalAlloc - before.TotalAlloc; grew > size {
				t.Errorf("%d requests of %d MB allocated %d MB; want far less than one body", parallel, size>>20, grew>>20)
			}
			t.Logf("allocated %d KB for %d requests of %d MB; heap in use %d → %d MB", (after.TotalAlloc-before.TotalAlloc)>>10, parallel, size>>20, before.HeapInuse>>20, after.HeapInuse>>20)
		})
	}
}

// TestOversizeIs413: a request over the size limit is 413 with INVALID_ARGUMENT in the
// body over the gateway, never 429 / RESOURCE_EXHAUSTED, which clients retry as rate
// limiting (issue 7, finding 6); the same whether the JSON body or the gRPC message it
// becomes is what is too large.
func TestOversizeIs413(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, _, conn, baseURL, stop := startServerConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"),
		Config{ShutdownTimeout: 5 * time.Second, Limits: Limits{MaxBodyBytes: 256 << 10, MaxMessageBytes: 64 << 10}}, log)
	defer stop()
	e := &testEnv{t: t, conn: conn, baseURL: baseURL, keys: map[string]string{}}

	big := strings.Repeat("a", 100<<10) // over the message limit, under the body limit
	// Native gRPC keeps grpc-go's answer, which refuses the message from its length prefix:
	// RESOURCE_EXHAUSTED is what the gRPC specification names for it.
	err := e.call("", mSendMessage, &reachv1.SendMessageRequest{RequestId: big}, &reachv1.SendMessageResponse{})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("gRPC: %v, want grpc-go's RESOURCE_EXHAUSTED", err)
	}
	for name, body := range map[string]string{
		"message over the gRPC limit": `{"requestId":"` + big + `"}`,
		"body over the HTTP limit":    `{"requestId":"` + strings.Repeat(big, 3) + `"}`,
	} {
		code, out := e.httpCall("", http.MethodPost, "/v1/messages:send", body)
		if code != http.StatusRequestEntityTooLarge || out["code"] != float64(codes.InvalidArgument) || !strings.Contains(out["message"].(string), "too large") {
			t.Errorf("HTTP, %s: %d %v, want 413 with code 3", name, code, out)
		}
	}
}

// TestSlowBodyIsCutOff: a body trickled byte by byte is cut off by the read timeout
// instead of holding its connection open for as long as the sender likes (issue 7,
// finding 1). The trickle never ends, so the test can only finish if the server ends it.
func TestSlowBodyIsCutOff(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	_, _, _, baseURL, stop := startServerConfig(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db"),
		Config{ShutdownTimeout: 5 * time.Second, Limits: Limits{ReadTimeout: 300 * time.Millisecond}}, log)
	defer stop()
	for _, path := range []string{"/v1/messages:send", "/v1/notify/acme/life"} {
		t.Run(path, func(t *testing.T) {
			done := make(chan struct{})
			defer close(done)
			pr, pw := io.Pipe()
			go func() { // a valid start, then a byte every 20 ms until the test ends
				if strings.HasPrefix(path, "/v1/notify/") {
					pw.Write([]byte("notify_id="))
				} else {
					pw.Write([]byte(`{"requestId":"`))
				}
				for {
					select {
					case <-done:
						pw.Close()
						return
					case <-time.After(20 * time.Millisecond):
						if _, err := pw.Write([]byte("a")); err != nil {
							return
						}
					}
				}
			}()
			answered := make(chan int, 1)
			go func() {
				req, _ := http.NewRequest(http.MethodPost, baseURL+path, pr)
				req.Header.Set("Content-Type", contentTypeOf(path))
				resp, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
				if err != nil {
					answered <- 0 // the connection was closed: cut off too
					return
				}
				resp.Body.Close()
				answered <- resp.StatusCode
			}()
			select {
			case code := <-answered:
				if code != 0 && code != http.StatusRequestTimeout {
					t.Errorf("status %d, want 408 or a closed connection", code)
				}
			case <-time.After(30 * time.Second): // a guard, not a measurement: 100× the timeout
				t.Fatal("the trickled request is still open: no read timeout")
			}
		})
	}
}
