package server

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
)

// postJSON is a goroutine-safe JSON POST to the gateway (httpCall may call t.Fatal).
func (e *testEnv) postJSON(token, path string, req, resp proto.Message) error {
	body, err := protojson.Marshal(req)
	if err != nil {
		return err
	}
	hr, err := http.NewRequest("POST", e.baseURL+path, strings.NewReader(string(body)))
	if err != nil {
		return err
	}
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(hr)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != 200 {
		return fmt.Errorf("HTTP %d: %s", res.StatusCode, raw)
	}
	return protojson.Unmarshal(raw, resp)
}

// TestSendIdempotentUnderConcurrency: 20 callers send the same request at once, half over
// gRPC and half over HTTP: exactly one message exists, every response names it, and
// exactly one response says it was not a replay.
func TestSendIdempotentUnderConcurrency(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	token := e.admin()
	req := miniSend("mini", "order", "concurrent-1", uid("2088000000000001"))
	const n = 20
	resps := make([]*reachv1.SendMessageResponse, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			resps[i] = &reachv1.SendMessageResponse{}
			if i%2 == 0 {
				errs[i] = e.call(token, mSendMessage, req, resps[i])
			} else {
				errs[i] = e.postJSON(token, "/v1/messages:send", req, resps[i])
			}
		}()
	}
	close(start)
	wg.Wait()
	created := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if resps[i].Message.Name != resps[0].Message.Name {
			t.Errorf("caller %d got %s, caller 0 got %s", i, resps[i].Message.Name, resps[0].Message.Name)
		}
		if !resps[i].Replayed {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d responses say they created the message, want exactly 1", created)
	}
	list := &reachv1.ListMessagesResponse{}
	e.must(mListMessages, &reachv1.ListMessagesRequest{Filter: `request_id = "concurrent-1"`}, list)
	if len(list.Messages) != 1 || list.Messages[0].Name != resps[0].Message.Name {
		t.Errorf("messages of the request: %v", list.Messages)
	}
}

// TestBatchIdempotentUnderConcurrency: the same for a batch of 50 recipients.
func TestBatchIdempotentUnderConcurrency(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	token := e.key("acme", "sender")
	req := &reachv1.BatchSendMessagesRequest{RequestId: "concurrent-batch", Template: "channels/mini/templates/order",
		Data: map[string]string{"keyword1": "1", "keyword2": "2"}, Recipients: recipients(1, 50)}
	const n = 10
	resps := make([]*reachv1.BatchSendMessagesResponse, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resps[i] = &reachv1.BatchSendMessagesResponse{}
			if i%2 == 0 {
				errs[i] = e.call(token, mBatchSend, req, resps[i])
			} else {
				errs[i] = e.postJSON(token, "/v1/messages:batchSend", req, resps[i])
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if len(resps[i].Messages) != 50 {
			t.Fatalf("caller %d: %d messages", i, len(resps[i].Messages))
		}
		for j, m := range resps[i].Messages {
			if m.Name != resps[0].Messages[j].Name {
				t.Fatalf("caller %d message %d is %s, caller 0 has %s", i, j, m.Name, resps[0].Messages[j].Name)
			}
		}
	}
	if got := e.countRequest("concurrent-batch"); got != 50 {
		t.Errorf("%d messages stored, want 50", got)
	}
}

// TestRequestIDIsPerTenant: two tenants may use the same request id.
func TestRequestIDIsPerTenant(t *testing.T) {
	e := newTestEnv(t)
	messageWorld(t, e)
	globex := e.key("globex", "admin")
	e.mustAs(globex, mCreateChannel, &reachv1.CreateChannelRequest{ChannelId: "mini", Channel: miniChannel(t)}, &reachv1.CreateChannelResponse{})
	e.mustAs(globex, mCreateTemplate, &reachv1.CreateTemplateRequest{Parent: "channels/mini", TemplateId: "order", Template: oneTime("tpl-1")}, &reachv1.CreateTemplateResponse{})
	req := miniSend("mini", "order", "shared-id", uid("2088000000000001"))
	a, b := &reachv1.SendMessageResponse{}, &reachv1.SendMessageResponse{}
	e.must(mSendMessage, req, a)
	e.mustAs(globex, mSendMessage, req, b)
	if a.Message.Name == b.Message.Name || a.Replayed || b.Replayed {
		t.Errorf("same request id in two tenants: %v / %v", a, b)
	}
}
