// Package storetest is the conformance suite every store.Store implementation must pass.
package storetest

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/reachhq/reach/store"
)

// Run runs the whole suite. newStore must return a fresh, migrated, empty store and register
// its own cleanup (closing it, dropping its schema) with t.Cleanup. Subtests run in parallel,
// each on its own store.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s store.Store)
	}{
		{"Health", testHealth},
		{"Tenants", testTenants},
		{"APIKeys", testAPIKeys},
		{"DeleteTenant", testDeleteTenant},
		{"Channels", testChannels},
		{"ChannelList", testChannelList},
		{"DeleteChannel", testDeleteChannel},
		{"Templates", testTemplates},
		{"TemplateList", testTemplateList},
		{"ApplySubscription", testApplySubscription},
		{"ApplySubscriptionConcurrent", testApplySubscriptionConcurrent},
		{"ApplySubscriptionSends", testApplySubscriptionSends},
		{"UpdateSubscription", testUpdateSubscription},
		{"SubscriptionList", testSubscriptionList},
		{"FindSubscriptions", testFindSubscriptions},
		{"ExpiringTokens", testExpiringTokens},
		{"Messages", testMessages},
		{"MessageIdempotency", testMessageIdempotency},
		{"MessageIdempotencyConcurrent", testMessageIdempotencyConcurrent},
		{"GuardedMessages", testGuardedMessages},
		{"MessageEveryField", testMessageEveryField},
		{"MessageList", testMessageList},
		{"FailQueuedMessages", testFailQueuedMessages},
		{"DeleteTemplateSubscriptions", testDeleteTemplateSubscriptions},
		{"LargeBatch", testLargeBatch},
		{"ReencryptSecrets", testReencryptSecrets},
		{"ClaimMessages", testClaimMessages},
		{"LeaseTakeover", testLeaseTakeover},
		{"ClaimConcurrent", testClaimConcurrent},
		{"CompleteDeliveries", testCompleteDeliveries},
		{"CompleteManyAtOnce", testCompleteManyAtOnce},
		{"CompleteKeepsOrder", testCompleteKeepsOrder},
		{"MessageEventsPaging", testMessageEventsPaging},
		{"TraceContext", testTraceContext},
		{"ReserveSend", testReserveSend},
		{"ExpireMessages", testExpireMessages},
		{"SendSlots", testSendSlots},
		{"CapPlaces", testCapPlaces},
		{"ClaimContent", testClaimContent},
		{"ApplyNotification", testApplyNotification},
		{"ApplyNotificationConcurrent", testApplyNotificationConcurrent},
		{"PurgeNotifications", testPurgeNotifications},
		{"Webhooks", testWebhooks},
		{"WebhookList", testWebhookList},
		{"DeleteWebhook", testDeleteWebhook},
		{"OutboxFeeds", testOutboxFeeds},
		{"WebhookRelayLease", testWebhookRelayLease},
		{"WebhookDeliveries", testWebhookDeliveries},
		{"Broadcasts", testBroadcasts},
		{"BroadcastTakeover", testBroadcastTakeover},
		{"BroadcastPause", testBroadcastPause},
		{"BroadcastLedger", testBroadcastLedger},
		{"OldestDueMessage", testOldestDueMessage},
		{"CountChannels", testCountChannels},
		{"WebhookStats", testWebhookStats},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, newStore(t))
		})
	}
}

// Unavailable ends a test whose database server cannot be reached: a skip on a developer's
// machine, a failure in CI (CI=true), where every backend is required.
func Unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s (required when CI=true)", msg)
	}
	t.Skipf("%s (skipping; set CI=true to make this a failure)", msg)
}

func testHealth(t *testing.T, s store.Store) {
	must(t, s.Ping(t.Context()))
	ok, err := s.SchemaCurrent(t.Context())
	must(t, err)
	if !ok {
		t.Fatal("SchemaCurrent = false on a migrated store")
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("error = %v, want %v", err, want)
	}
}

func wantEqual(t testing.TB, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got  %+v\n want %+v", what, deref(got), deref(want))
	}
}

func deref(v any) any {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}

// checkTime asserts the store's time contract: UTC, microsecond resolution, not zero.
func checkTime(t testing.TB, what string, v time.Time) {
	t.Helper()
	if v.IsZero() || v.Location() != time.UTC || v.Nanosecond()%1000 != 0 {
		t.Fatalf("%s = %v (%s): want non-zero UTC truncated to microseconds", what, v, v.Location())
	}
}

// checkUUIDv7 asserts a store-generated id.
func checkUUIDv7(t testing.TB, what, id string) {
	t.Helper()
	u, err := uuid.Parse(id)
	if err != nil || u.Version() != 7 {
		t.Fatalf("%s = %q: want a UUIDv7", what, id)
	}
}

// at is a fixed time the way the store returns it (UTC, microseconds).
func at(minute int) *time.Time {
	v := time.Date(2030, 1, 2, 3, minute, 5, 123456000, time.UTC)
	return &v
}

func tenant(t *testing.T, s store.Store, name string) string {
	t.Helper()
	tn, err := s.EnsureTenant(t.Context(), name)
	must(t, err)
	return tn.ID
}

// collect walks every page of a listing and returns the ids in order.
func collect(t *testing.T, size int, list func(store.Page) ([]string, string, error)) []string {
	t.Helper()
	var all []string
	p := store.Page{Size: size}
	if size <= 0 {
		size = 50 // the documented default
	}
	for range 1000 {
		ids, next, err := list(p)
		must(t, err)
		if len(ids) > size {
			t.Fatalf("page of %d rows, size %d", len(ids), size)
		}
		if next != "" && len(ids) != size {
			t.Fatalf("short page (%d of %d) with a next token", len(ids), size)
		}
		all = append(all, ids...)
		if next == "" {
			return all
		}
		p.Token = next
	}
	t.Fatal("listing never ends")
	return nil
}

func ids[T any](rows []*T, id func(*T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}
