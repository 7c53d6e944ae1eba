package server

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/internal/apikey"
	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/storetest"
)

// watchStream opens WatchMessages on e as admin; cancel ends it.
func (e *testEnv) watchStream(req *reachv1.WatchMessagesRequest) (reachv1.MessageService_WatchMessagesClient, context.CancelFunc) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+e.admin())
	st, err := reachv1.NewMessageServiceClient(e.conn).WatchMessages(ctx, req)
	if err != nil {
		cancel()
		e.t.Fatal(err)
	}
	return st, cancel
}

// nextEvent reads responses until one carries an event (skipping cursor-only ones).
func nextEvent(t *testing.T, st reachv1.MessageService_WatchMessagesClient) *reachv1.WatchMessagesResponse {
	t.Helper()
	for {
		r, err := st.Recv()
		if err != nil {
			t.Fatalf("watch: %v", err)
		}
		if r.Message != "" {
			return r
		}
	}
}

// ready reads the first response: the starting cursor, alone.
func ready(t *testing.T, st reachv1.MessageService_WatchMessagesClient) {
	t.Helper()
	r, err := st.Recv()
	if err != nil || r.Message != "" || r.Cursor == "" {
		t.Fatalf("first response %v, %v: want the starting cursor alone", r, err)
	}
}

// cancelMsg cancels a message through e.
func (e *testEnv) cancelMsg(name string) {
	e.t.Helper()
	e.must(mCancelMessage, &reachv1.CancelMessageRequest{Name: name}, &reachv1.CancelMessageResponse{})
}

// watchWorld is a mini program channel with a one-time template, for the watch tests.
func (e *testEnv) watchWorld() {
	e.createChannel("mini", miniChannel(e.t))
	e.oneTimeTemplate("mini", "order", "ext-order")
}

func user(i int) *reachv1.User {
	return &reachv1.User{Id: &reachv1.User_UserId{UserId: fmt.Sprintf("2088%012d", i)}}
}

// TestWatchMessages: events stream as they happen, filtered; a client that reconnects with
// its last cursor gets what it missed; bad filters and cursors are field errors.
func TestWatchMessages(t *testing.T) {
	e := newTestEnv(t)
	e.watchWorld()
	st, stop := e.watchStream(&reachv1.WatchMessagesRequest{Filter: `state = CANCELLED AND channel = "channels/mini"`})
	ready(t, st)
	var msgs []*reachv1.Message
	for i := range 3 {
		msgs = append(msgs, e.send(miniSend("mini", "order", fmt.Sprintf("w-%d", i), user(i))))
	}
	e.cancelMsg(msgs[0].Name)
	e.cancelMsg(msgs[1].Name)
	first := nextEvent(t, st)
	second := nextEvent(t, st)
	stop()
	if first.Message != msgs[0].Name || first.Event.State != reachv1.MessageState_MESSAGE_STATE_CANCELLED || first.Event.Kind != "CANCELLED" ||
		first.RequestId != "w-0" || first.Template != "channels/mini/templates/order" || first.Revision < 2 || first.Cursor == "" {
		t.Fatalf("first event %v", first)
	}
	if second.Message != msgs[1].Name || second.Cursor == first.Cursor {
		t.Fatalf("second event %v", second)
	}

	// Disconnected: the third is cancelled meanwhile; resuming from the second's cursor
	// brings it, and nothing before it.
	e.cancelMsg(msgs[2].Name)
	st, stop = e.watchStream(&reachv1.WatchMessagesRequest{Cursor: second.Cursor})
	third := nextEvent(t, st)
	stop()
	if third.Message != msgs[2].Name {
		t.Fatalf("after resuming: %v, want the cancel of %s", third, msgs[2].Name)
	}

	// Over HTTP: newline-delimited JSON, one {"result": …} per line.
	req, _ := http.NewRequest("GET", e.baseURL+"/v1/messages:watch?cursor="+url.QueryEscape(second.Cursor), nil)
	req.Header.Set("Authorization", "Bearer "+e.admin())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(resp.Body)
	_, _ = lines.ReadBytes('\n') // the starting cursor
	line, err := lines.ReadBytes('\n')
	resp.Body.Close()
	var got struct{ Result map[string]any }
	if err != nil || json.Unmarshal(line, &got) != nil || got.Result["message"] != msgs[2].Name || resp.StatusCode != 200 {
		t.Fatalf("HTTP watch: %d %q %v", resp.StatusCode, line, err)
	}

	for _, c := range []transportCase{
		{name: "bad cursor", grpcReq: &reachv1.WatchMessagesRequest{Cursor: "nope"}, httpPath: "/v1/messages:watch?cursor=nope", fields: []string{"cursor"}},
		{name: "bad filter", grpcReq: &reachv1.WatchMessagesRequest{Filter: "state = LOST"}, httpPath: "/v1/messages:watch?filter=state%3DLOST", fields: []string{"filter"}},
		{name: "create_time", grpcReq: &reachv1.WatchMessagesRequest{Filter: `create_time > "2026-01-01T00:00:00Z"`}, fields: []string{"filter"}},
	} {
		st, stop := e.watchStream(c.grpcReq.(*reachv1.WatchMessagesRequest))
		_, err := st.Recv()
		stop()
		if status.Code(err) != codes.InvalidArgument {
			t.Errorf("%s: gRPC %v, want INVALID_ARGUMENT", c.name, err)
		}
		if c.httpPath != "" {
			code, body := e.httpCall(e.admin(), "GET", c.httpPath, nil)
			if code != http.StatusBadRequest {
				t.Errorf("%s: HTTP %d %v, want 400", c.name, code, body)
			}
		}
	}
}

// TestWatchEndsWhenItsKeyIsRevoked: a watch keeps no access its key lost. After the key
// is revoked (and the key cache's time has passed) the stream ends UNAUTHENTICATED and
// sends no event that happened since.
func TestWatchEndsWhenItsKeyIsRevoked(t *testing.T) {
	e := newTestEnv(t)
	e.watchWorld()
	viewer := e.key("acme", store.RoleViewer)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+viewer)
	st, err := reachv1.NewMessageServiceClient(e.conn).WatchMessages(ctx, &reachv1.WatchMessagesRequest{})
	if err != nil {
		t.Fatal(err)
	}
	ready(t, st)
	id, _, err := apikey.Parse(viewer)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.RevokeAPIKey(context.Background(), id, time.Now()); err != nil {
		t.Fatal(err)
	}
	time.Sleep(testKeyCacheFor + 100*time.Millisecond)
	// A creation is not in the feed (a message's timeline there starts with its first
	// change): cancelling it makes an event the watch would otherwise carry.
	sent := e.send(miniSend("mini", "order", "after-revoke", user(1)))
	e.cancelMsg(sent.Name)
	for {
		r, err := st.Recv()
		if err != nil {
			if status.Code(err) != codes.Unauthenticated {
				t.Fatalf("watch of a revoked key ended with %v, want UNAUTHENTICATED", err)
			}
			return
		}
		if r.Message != "" {
			t.Fatalf("a revoked key's watch got %s (sent after the revocation as %s)", r.Message, sent.Name)
		}
	}
}

// TestWatchAcrossReplicas: a watcher connected to one replica sees the events another
// replica writes, and a stopping replica ends its streams with UNAVAILABLE at once.
func TestWatchAcrossReplicas(t *testing.T) {
	dsn := storetest.SharedDatabase(t, "postgres")
	a, b := startTestEnv(t, dsn), startTestEnv(t, dsn)
	b.keys = a.keys // one tenant, one key
	a.watchWorld()
	st, stop := a.watchStream(&reachv1.WatchMessagesRequest{})
	defer stop()
	ready(t, st)
	m := b.send(miniSend("mini", "order", "across", user(1)))
	b.cancelMsg(m.Name)
	if got := nextEvent(t, st); got.Message != m.Name {
		t.Fatalf("watcher on replica a got %v, want the cancel of %s from replica b", got, m.Name)
	}
	// What ServeListeners does first when it stops (stopping the whole env would also close
	// this test's client connection).
	a.srv.deps.shutdown()
	for {
		_, err := st.Recv()
		if err != nil {
			if status.Code(err) != codes.Unavailable {
				t.Fatalf("stream ended with %v when the server stopped, want UNAVAILABLE", err)
			}
			break
		}
	}
}

// TestWatchOutlivesWriteTimeout: an HTTP watch stays open past the server's read and
// write timeouts, which bound every other request.
func TestWatchOutlivesWriteTimeout(t *testing.T) {
	cfg := testConfig(t)
	cfg.Limits = DefaultLimits()
	cfg.Limits.ReadTimeout, cfg.Limits.WriteTimeout = 500*time.Millisecond, 500*time.Millisecond
	e := startTestEnvConfig(t, "sqlite:"+t.TempDir()+"/reach.db", cfg)
	e.watchWorld()
	req, _ := http.NewRequest("GET", e.baseURL+"/v1/messages:watch", nil)
	req.Header.Set("Authorization", "Bearer "+e.admin())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	lines := bufio.NewReader(resp.Body)
	if _, err := lines.ReadBytes('\n'); err != nil { // the starting cursor
		t.Fatal(err)
	}
	time.Sleep(1200 * time.Millisecond)
	m := e.send(miniSend("mini", "order", "late", user(1)))
	e.cancelMsg(m.Name)
	line, err := lines.ReadBytes('\n')
	var got struct{ Result map[string]any }
	if err != nil || json.Unmarshal(line, &got) != nil || got.Result["message"] != m.Name {
		t.Fatalf("after the write timeout: %q, %v", line, err)
	}
}
