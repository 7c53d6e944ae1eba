package delivery

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/reachhq/reach/appconn"
	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store"
)

// TestRefusedCredentialsHoldTheChannel: Alipay refusing the channel's signature makes the
// channel AUTH_FAILED with Alipay's reason; its messages wait (QUEUED, one HELD event),
// are not sent while it stays so, and go out once the channel is ENABLED again.
func TestRefusedCredentialsHoldTheChannel(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		good := e.ChannelState("life").Secrets
		wrong, err := e.Conn.SealSecrets(e.Tenant, "life", appconn.Secrets{AppPrivateKey: e.sim.App(miniApp).PrivateKeyPEM})
		if err != nil {
			t.Fatal(err)
		}
		e.ChangeChannel("life", func(ch *store.Channel) { ch.Secrets = wrong })
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "life", Template: "lt1", To: userID(1)})
		e.start(Config{})
		deadline := time.Now().Add(10 * time.Second)
		for e.ChannelState("life").State != "AUTH_FAILED" {
			if time.Now().After(deadline) {
				t.Fatalf("channel %+v", e.ChannelState("life"))
			}
			time.Sleep(10 * time.Millisecond)
		}
		if ch := e.ChannelState("life"); !strings.Contains(ch.StateReason, "invalid-signature") {
			t.Errorf("channel reason %q", ch.StateReason)
		}
		for _, m := range msgs {
			got := e.wait(m, func(m *store.Message) bool { return m.State == "QUEUED" && strings.HasPrefix(m.StateReason, "held") })
			if got.Attempts != 0 {
				t.Errorf("a refused attempt was counted: %d", got.Attempts)
			}
		}
		time.Sleep(300 * time.Millisecond) // several hold periods: nothing goes out, no event storm
		for _, m := range msgs {
			if evs := e.events(m); len(evs) > 2 {
				t.Errorf("held message has %d events: %+v", len(evs), evs)
			}
		}
		if e.accepted(lifeApp) != 0 {
			t.Fatal("a message of a refused channel was delivered")
		}
		e.ChangeChannel("life", func(ch *store.Channel) {
			ch.Secrets, ch.State, ch.StateReason = good, "ENABLED", "verified with Alipay"
		})
		for _, m := range msgs {
			e.waitState(m, "SENT")
		}
	})
}

// TestDisabledChannelHoldsThenExpires: a DISABLED channel's messages wait without a call
// and expire at their expire_time like any other.
func TestDisabledChannelHoldsThenExpires(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.ChangeChannel("life", func(ch *store.Channel) { ch.State, ch.StateReason = "DISABLED", "closed by an operator" })
		soon := time.Now().Add(1500 * time.Millisecond)
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "life", Template: "lt1", To: userID(1), Expire: &soon})
		e.start(Config{})
		held := e.wait(msgs[0], func(m *store.Message) bool { return strings.HasPrefix(m.StateReason, "held") })
		if held.State != "QUEUED" || !strings.Contains(held.StateReason, "DISABLED") {
			t.Fatalf("held: %+v", held)
		}
		expired := e.waitState(msgs[1], "EXPIRED")
		if lastEvent(e, expired).Kind != store.EventExpired {
			t.Fatalf("expired message's timeline: %+v", e.events(expired))
		}
		if e.accepted(lifeApp) != 0 {
			t.Fatal("a disabled channel sent")
		}
	})
}

// TestScheduledNotBeforeSendTime: a scheduled message is not attempted before send_time.
func TestScheduledNotBeforeSendTime(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		at := time.Now().Add(700 * time.Millisecond).UTC()
		m := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1), SendTime: &at})[0]
		e.start(Config{})
		got := e.waitState(m, "SENT")
		if got.SentTime.Before(at) {
			t.Fatalf("sent at %v, before its send time %v", got.SentTime, at)
		}
	})
}

// TestExpiredToken: Alipay+ answering EXPIRED_ACCESS_TOKEN renews the user's token and
// sends again at once, without counting an attempt.
func TestExpiredToken(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, func(c *alipaysim.Config) {
			c.AccessTokenTTL = alipaysim.Duration(time.Hour)
			c.RefreshTokenTTL = alipaysim.Duration(48 * time.Hour)
		})
		e.Authorize(customer(1))
		before := e.Row("plus", "", customer(1))
		e.sim.Advance(2 * time.Hour) // Alipay+ thinks the token expired; Reach's row does not know
		m := e.Queue(send{Channel: "plus", Template: "tp", To: customer(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "SENT")
		if got.Attempts != 1 {
			t.Errorf("attempts %d, want 1", got.Attempts)
		}
		after := e.Row("plus", "", customer(1))
		if after.State != "ACTIVE" || string(after.AccessToken) == string(before.AccessToken) {
			t.Fatalf("token not renewed: %s %q", after.State, after.StateReason)
		}
	})
}

// TestRefusedRefreshExpiresTheUser: a refresh Alipay+ refuses expires the authorization
// and fails the message.
func TestRefusedRefreshExpiresTheUser(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, func(c *alipaysim.Config) {
			c.AccessTokenTTL = alipaysim.Duration(time.Hour)
			c.RefreshTokenTTL = alipaysim.Duration(90 * time.Minute)
		})
		e.Authorize(customer(1))
		e.sim.Advance(2 * time.Hour) // both tokens expired at Alipay+
		m := e.Queue(send{Channel: "plus", Template: "tp", To: customer(1)})[0]
		e.start(Config{})
		got := e.waitState(m, "FAILED")
		if !strings.Contains(got.StateReason, "authorization expired") {
			t.Fatalf("%+v", got)
		}
		if r := e.Row("plus", "", customer(1)); r.State != "EXPIRED" {
			t.Fatalf("authorization %s", r.State)
		}
	})
}

// TestLeaseTakeover: messages a crashed replica claimed are taken over when its lease runs
// out: sent on an at-least-once channel, failed as possibly delivered on an at-most-once one.
func TestLeaseTakeover(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.Authorize(customer(2))
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "plus", Template: "tp", To: customer(2)})
		claimed, err := e.st.ClaimMessages(context.Background(), store.ClaimRequest{Owner: "crashed", Now: time.Now(), Lease: 500 * time.Millisecond, Limit: 10})
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %d %v", len(claimed), err)
		}
		e.start(Config{})
		for _, m := range msgs {
			got := e.waitState(m, "SENT")
			if got.Attempts != 2 {
				t.Errorf("attempts %d, want 2 (the crashed replica's counts)", got.Attempts)
			}
		}

	})
}

// TestLeaseTakeoverAtMostOnce: on an at-most-once channel a taken-over message may have
// reached Alipay, so it fails saying so; Alipay+ is idempotent and still retries.
func TestLeaseTakeoverAtMostOnce(t *testing.T) {
	eachDatabase(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, nil)
		e.Follow(userID(1))
		e.Authorize(customer(2))
		e.Policy("life", &reachv1.DeliveryPolicy{AtMostOnce: true})
		e.Policy("plus", &reachv1.DeliveryPolicy{AtMostOnce: true})
		msgs := e.Queue(send{Channel: "life", Template: "lt1", To: userID(1)}, send{Channel: "plus", Template: "tp", To: customer(2)})
		if _, err := e.st.ClaimMessages(context.Background(), store.ClaimRequest{Owner: "crashed", Now: time.Now(), Lease: 300 * time.Millisecond, Limit: 10}); err != nil {
			t.Fatal(err)
		}
		e.start(Config{})
		life := e.waitState(msgs[0], "FAILED")
		if life.Attempts != 1 || !strings.Contains(life.StateReason, "may have been delivered") {
			t.Fatalf("life: %+v", life)
		}
		if e.accepted(lifeApp) != 0 {
			t.Fatal("an at-most-once message was sent again after a take-over")
		}
		e.waitState(msgs[1], "SENT")
	})
}
