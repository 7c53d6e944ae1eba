package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/reachhq/reach/store"
	"github.com/reachhq/reach/store/storetest"
)

// ingestBatch is how many recipients each request of the ingest crash test names.
const ingestBatch = 5

// TestCrashIngest kills `reach serve` with SIGKILL while 32 callers send batches, so some
// are gathered for a shared commit and not yet committed: every batch the server
// acknowledged is stored whole, and every stored batch is whole (nothing half-written).
// On SQLite and PostgreSQL. -short skips it.
func TestCrashIngest(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test takes a while; run it without -short")
	}
	t.Run("sqlite", func(t *testing.T) { ingestCrash(t, "sqlite:"+filepath.Join(t.TempDir(), "reach.db")) })
	t.Run("postgres", func(t *testing.T) { ingestCrash(t, storetest.SharedDatabase(t, "postgres")) })
}

func ingestCrash(t *testing.T, dsn string) {
	ring := newKeyRing(t)
	w, targets := crashWorld(t, dsn, ring)
	sender, _ := createKey(t, nil, "--tenant", "acme", "--role", "sender", "--database", dsn)
	p := serveReady(t, []string{"REACH_DATABASE=" + dsn, "REACH_SECRET_KEYS=" + ring, "REACH_LOG_LEVEL=error"}, "--dispatch=false")

	var life []string
	for _, s := range targets {
		if s.Channel == "life" {
			life = append(life, s.To.ID)
		}
	}
	var (
		mu    sync.Mutex
		acked []string
		next  atomic.Int64
		stop  = make(chan struct{})
		wg    sync.WaitGroup
	)
	client := &http.Client{Timeout: 10 * time.Second}
	for range 32 {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				n := next.Add(1)
				id := fmt.Sprintf("ingest-%d", n)
				var recips []map[string]any
				for i := range ingestBatch {
					recips = append(recips, map[string]any{"user": map[string]any{"userId": life[(int(n)*ingestBatch+i)%len(life)]}})
				}
				body, _ := json.Marshal(map[string]any{"requestId": id, "template": "channels/life/templates/lt1", "recipients": recips,
					"data": map[string]string{"keyword1": "1001", "keyword2": "shipped"}})
				req, _ := http.NewRequest(http.MethodPost, p.baseURL()+"/v1/messages:batchSend", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+sender)
				resp, err := client.Do(req)
				if err != nil {
					continue // the server is gone: this batch was never acknowledged
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					mu.Lock()
					acked = append(acked, id)
					mu.Unlock()
				}
			}
		})
	}
	// Kill it once it is busy.
	deadline := time.Now().Add(time.Minute)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 300 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no batch was acknowledged before the kill: the test proves nothing")
	}

	ctx := context.Background()
	for _, id := range acked {
		msgs, _, err := w.Store.GetSendRequest(ctx, w.Tenant, id)
		if err != nil || len(msgs) != ingestBatch {
			t.Fatalf("acknowledged batch %s: %d messages stored (%v), want %d", id, len(msgs), err, ingestBatch)
		}
	}
	perRequest := map[string]int{}
	page := store.Page{Size: 1000}
	for {
		msgs, next, err := w.Store.ListMessages(ctx, w.Tenant, store.MessageFilter{}, page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range msgs {
			perRequest[m.RequestID]++
		}
		if next == "" {
			break
		}
		page.Token = next
	}
	for id, n := range perRequest {
		if n != ingestBatch {
			t.Errorf("batch %s is half-written: %d of %d messages", id, n, ingestBatch)
		}
	}
	t.Logf("%d batches acknowledged before the kill, %d stored (the rest were committed but not yet answered)", len(acked), len(perRequest))
}
