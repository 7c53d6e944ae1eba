package delivery

import (
	"strings"
	"testing"
	"time"

	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestFrequencyCap: a cap of 2 per day lets two of a user's four messages through and
// fails the others, saying why; a one-time acceptance a capped message reserved is given
// back. On a MARKETING-only cap that delays, a TRANSACTIONAL message always goes and the
// second MARKETING message waits for the next day, then goes.
func TestFrequencyCap(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		shanghai, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			t.Fatal(err)
		}
		noon := nextAt(shanghai, 12, 0)
		midnight := noon.Add(12 * time.Hour) // Shanghai keeps no daylight saving time
		clock := &fakeClock{t: noon}
		e := newEnv(t, dsn, nil)
		e.Policy("life", &reachv1.DeliveryPolicy{MaxPerUserPerDay: 2, MaxInFlight: 1})
		e.Policy("mini", &reachv1.DeliveryPolicy{MaxInFlight: 1, FrequencyCap: &reachv1.FrequencyCap{MaxMessages: 1, MarketingOnly: true,
			Action: reachv1.OverCapAction_OVER_CAP_ACTION_DELAY}})
		e.Follow(userID(1))
		e.Accept("once", "MT1", userID(2), 3)
		e.Accept("long", "MT2", userID(3), 0)
		expire := noon.Add(72 * time.Hour)
		marketing := reachv1.MessageCategory_MESSAGE_CATEGORY_MARKETING
		var sends []send
		for range 4 {
			sends = append(sends, send{Channel: "life", Template: "lt1", To: userID(1), Expire: &expire})
		}
		life := e.Queue(sends...)
		e.start(Config{Now: clock.now})
		sent, failed := 0, 0
		for _, m := range life {
			got := e.wait(m, func(m *store.Message) bool { return (m.State == "SENT" || m.State == "FAILED") && m.LeaseOwner == "" })
			switch got.State {
			case "SENT":
				sent++
			case "FAILED":
				failed++
				if !strings.Contains(got.StateReason, "frequency cap of 2 per day (Asia/Shanghai)") || got.Attempts != 0 {
					t.Errorf("capped message: %q after %d attempts", got.StateReason, got.Attempts)
				}
			}
		}
		if sent != 2 || failed != 2 || e.accepted(lifeApp) != 2 {
			t.Fatalf("cap of 2: %d sent, %d failed, %d accepted by Alipay", sent, failed, e.accepted(lifeApp))
		}

		// One-time acceptances: a capped message gives back the one it reserved.
		once := e.Queue(send{Channel: "mini", Template: "once", To: userID(2), Expire: &expire, Category: marketing})
		e.waitState(once[0], "SENT")
		next := e.Queue(send{Channel: "mini", Template: "once", To: userID(2), Expire: &expire, Category: marketing})[0]
		want := "over the channel's frequency cap of 1 MARKETING per day (Asia/Shanghai) for this recipient; held until " + midnight.Format(time.RFC3339)
		got := e.wait(next, func(m *store.Message) bool { return m.StateReason == want && m.LeaseOwner == "" })
		if got.State != "QUEUED" || got.Reserved {
			t.Fatalf("over the cap: %s, reserved %v", got.State, got.Reserved)
		}
		if row := e.Row("mini", "once", userID(2)); row.RemainingSends != 2 {
			t.Fatalf("one-time acceptances left: %d, want 2 (3 accepted, 1 used, 1 given back)", row.RemainingSends)
		}
		// TRANSACTIONAL messages are not counted by a MARKETING-only cap.
		tx := e.Queue(send{Channel: "mini", Template: "long", To: userID(3), Expire: &expire},
			send{Channel: "mini", Template: "long", To: userID(3), Expire: &expire})
		for _, m := range tx {
			e.waitState(m, "SENT")
		}
		// The next day the held message goes.
		clock.set(midnight.Add(time.Second))
		e.waitState(next, "SENT")
	})
}
