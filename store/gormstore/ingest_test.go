package gormstore

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
)

// TestIngestQueueFull: with every writer busy and the queue full, a send is refused at
// once with ErrOverloaded instead of waiting in an ever-growing queue.
func TestIngestQueueFull(t *testing.T) {
	w := &ingest{queue: make(chan *ingestCall, 1), stop: make(chan struct{})} // no writer runs
	call := func() *ingestCall { return &ingestCall{done: make(chan ingestResult, 1)} }
	waiting := make(chan ingestResult, 1)
	ctx, cancel := context.WithCancel(t.Context())
	go func() { waiting <- w.submit(ctx, call()) }()
	deadline := time.Now().Add(5 * time.Second)
	for len(w.queue) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the first call was never queued")
		}
		time.Sleep(time.Millisecond)
	}
	if r := w.submit(t.Context(), call()); !errors.Is(r.err, store.ErrOverloaded) {
		t.Fatalf("second call with a full queue: %v, want ErrOverloaded", r.err)
	}
	cancel()
	if r := <-waiting; !errors.Is(r.err, context.Canceled) {
		t.Fatalf("a caller that gave up: %v", r.err)
	}
}
