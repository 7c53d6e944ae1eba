package server

import (
	"fmt"
	"sync"
	"testing"

	_ "github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store/storetest"
)

// TestIdempotencyAcrossReplicas runs two Reach servers on one PostgreSQL or MariaDB
// database, as replicas behind a load balancer would, and sends the same request to both
// at once: exactly one message (or one batch) exists afterwards and every answer names it.
func TestIdempotencyAcrossReplicas(t *testing.T) {
	for _, kind := range []string{"postgres", "mysql"} {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.SharedDatabase(t, kind)
			a, b := startTestEnv(t, dsn), startTestEnv(t, dsn)
			key := a.admin()
			a.createChannel("mini", miniChannel(t))
			a.oneTimeTemplate("mini", "order", "ext-order")

			send := &reachv1.SendMessageRequest{
				RequestId: "replica-1", Template: "channels/mini/templates/order",
				Recipient: &reachv1.User{Id: &reachv1.User_UserId{UserId: "2088000000000001"}},
				Data:      map[string]string{"keyword1": "1001", "keyword2": "SF"},
			}
			names := concurrently(t, 16, func(i int) (string, error) {
				env := []*testEnv{a, b}[i%2]
				resp := &reachv1.SendMessageResponse{}
				err := env.call(key, mSendMessage, send, resp)
				return resp.GetMessage().GetName(), err
			})
			assertOne(t, a, key, "replica-1", names, 1)

			batch := &reachv1.BatchSendMessagesRequest{RequestId: "replica-batch", Template: "channels/mini/templates/order",
				Data: map[string]string{"keyword1": "1001", "keyword2": "SF"}}
			for i := range 50 {
				batch.Recipients = append(batch.Recipients, &reachv1.Recipient{User: &reachv1.User{Id: &reachv1.User_UserId{UserId: fmt.Sprintf("2088%012d", i)}}})
			}
			firsts := concurrently(t, 8, func(i int) (string, error) {
				env := []*testEnv{a, b}[i%2]
				resp := &reachv1.BatchSendMessagesResponse{}
				if err := env.call(key, mBatchSend, batch, resp); err != nil {
					return "", err
				}
				if len(resp.Messages) != 50 {
					return "", fmt.Errorf("batch answered %d messages", len(resp.Messages))
				}
				return resp.Messages[0].Name, nil
			})
			assertOne(t, a, key, "replica-batch", firsts, 50)
		})
	}
}

// concurrently runs fn n times at once and returns the results, failing on any error.
func concurrently(t *testing.T, n int, fn func(i int) (string, error)) []string {
	t.Helper()
	out := make([]string, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i], errs[i] = fn(i)
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	return out
}

// assertOne checks that every answer named the same message and that the request created
// exactly want messages.
func assertOne(t *testing.T, e *testEnv, key, requestID string, names []string, want int) {
	t.Helper()
	for _, n := range names {
		if n != names[0] {
			t.Fatalf("answers name different messages: %v", names)
		}
	}
	list := &reachv1.ListMessagesResponse{}
	if err := e.call(key, mListMessages, &reachv1.ListMessagesRequest{PageSize: 1000, Filter: fmt.Sprintf("request_id = %q", requestID)}, list); err != nil {
		t.Fatal(err)
	}
	if len(list.Messages) != want {
		t.Fatalf("request %s created %d messages, want %d", requestID, len(list.Messages), want)
	}
}
