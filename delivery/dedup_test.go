package delivery

import (
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/durationpb"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestContentDedup: with a dedup window, the same template and data to the same user is
// sent once and the copy fails naming the first; other data, another user, or a channel
// without the policy are sent.
func TestContentDedup(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Policy("life", &reachv1.DeliveryPolicy{MaxInFlight: 1, DedupWindow: durationpb.New(time.Hour)})
		e.Follow(userID(1))
		e.Follow(userID(2))
		same := map[string]string{"keyword1": "order 7", "keyword2": "shipped"}
		first := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1), Data: same})[0]
		e.start(Config{})
		e.waitState(first, "SENT")
		msgs := e.Queue(
			send{Channel: "life", Template: "lt1", To: userID(1), Data: same},
			send{Channel: "life", Template: "lt1", To: userID(1), Data: map[string]string{"keyword1": "order 8", "keyword2": "shipped"}},
			send{Channel: "life", Template: "lt1", To: userID(2), Data: same},
		)
		got := e.waitState(msgs[0], "FAILED")
		if !strings.Contains(got.StateReason, "the same content went to this recipient") || !strings.Contains(got.StateReason, first.ID) || got.Attempts != 0 {
			t.Fatalf("the copy: %q after %d attempts", got.StateReason, got.Attempts)
		}
		if evs := e.events(msgs[0]); len(evs) != 1 || evs[0].Kind != store.EventFailed {
			t.Fatalf("the copy's timeline: %+v", evs)
		}
		e.waitState(msgs[1], "SENT")
		e.waitState(msgs[2], "SENT")
		if n := e.accepted(lifeApp); n != 3 {
			t.Fatalf("Alipay accepted %d sends, want 3", n)
		}
	})
}
