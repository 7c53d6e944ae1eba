package delivery

import (
	"testing"

	"github.com/reachhq/reach/store"
)

// TestEveryProductReachesSent: a message of each product, with a usable ledger row, goes
// to Alipay once over real HTTP and becomes SENT with its timeline; on every database.
func TestEveryProductReachesSent(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.Accept("once", "MT1", userID(2), 1)
		e.Accept("long", "MT2", userID(3), 0)
		e.Authorize(customer(4))
		msgs := e.Queue(
			send{Channel: "life", Template: "lt1", To: userID(1)},
			send{Channel: "mini", Template: "once", To: userID(2)},
			send{Channel: "mini", Template: "long", To: userID(3)},
			send{Channel: "plus", Template: "tp", To: customer(4)},
		)
		d := e.start(Config{})
		for _, m := range msgs {
			got := e.waitState(m, "SENT")
			if got.Attempts != 1 || got.SentTime == nil || got.LastError != nil {
				t.Errorf("%s/%s: %+v", m.ChannelID, m.TemplateID, got)
			}
			evs := e.events(m)
			if len(evs) != 1 || evs[0].Kind != store.EventAttempt || evs[0].State != "SENT" || evs[0].Attempt != 1 ||
				evs[0].Replica != d.Replica() || evs[0].Latency <= 0 {
				t.Errorf("%s timeline: %+v", m.ChannelID, evs)
			}
		}
		if got := e.waitState(msgs[3], "SENT"); got.ExternalID == "" {
			t.Error("Alipay+ messageId not kept")
		}
		for _, app := range []string{lifeApp, miniApp, plusApp} {
			want := 1
			if app == miniApp {
				want = 2
			}
			if n := e.accepted(app); n != want {
				t.Errorf("%s: %d sends accepted, want %d", app, n, want)
			}
		}
		// The one-time acceptance was spent; the long-term subscription was not counted.
		if r := e.Row("mini", "once", userID(2)); r.RemainingSends != 0 || r.State != "EXHAUSTED" {
			t.Errorf("one-time row after the send: %s with %d", r.State, r.RemainingSends)
		}
		if r := e.Row("mini", "long", userID(3)); r.State != "ACTIVE" {
			t.Errorf("long-term row after the send: %s", r.State)
		}
	})
}
