package main

// The demo's webhook receiver: a server on loopback that stands for the tenant's own
// service, verifies each call's Standard Webhooks signature and keeps what arrived.

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/reachhq/reach/internal/stdwebhook"
)

// demoReceiver records the webhook calls it gets.
type demoReceiver struct {
	srv *http.Server
	url string

	mu     sync.Mutex
	secret string
	calls  []demoCall
}

// demoCall is one call as received.
type demoCall struct {
	ID, Type string
	Verified bool
	Data     map[string]any
}

func startDemoReceiver() (*demoReceiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &demoReceiver{url: "http://" + ln.Addr().String() + "/reach-events"}
	r.srv = &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return r, nil
}

func (r *demoReceiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	var ev struct {
		Type string
		Data map[string]any
	}
	_ = json.Unmarshal(body, &ev)
	r.mu.Lock()
	defer r.mu.Unlock()
	err := stdwebhook.Verify(r.secret, req.Header.Get("webhook-id"), req.Header.Get("webhook-timestamp"),
		req.Header.Get("webhook-signature"), body, time.Now(), 5*time.Minute)
	r.calls = append(r.calls, demoCall{ID: req.Header.Get("webhook-id"), Type: ev.Type, Verified: err == nil, Data: ev.Data})
	w.WriteHeader(http.StatusNoContent)
}

func (r *demoReceiver) setSecret(s string) {
	r.mu.Lock()
	r.secret = s
	r.mu.Unlock()
}

func (r *demoReceiver) received() []demoCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]demoCall(nil), r.calls...)
}

func (r *demoReceiver) close() error {
	if r == nil {
		return nil
	}
	return r.srv.Close()
}
