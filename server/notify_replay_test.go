package server

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/reachhq/reach/clients/alipaysim"
	reachv1 "github.com/reachhq/reach/gen/go/reach/v1"
	"github.com/reachhq/reach/store/storetest"
)

// sameRow fails the test when a replay changed the row: its revision (etag) or update time.
func sameRow(t *testing.T, what string, got, want *reachv1.Subscription) {
	t.Helper()
	if got == nil || want == nil || !proto.Equal(got, want) {
		t.Errorf("%s changed the row:\n got  %v\n want %v", what, got, want)
	}
}

// isAck reports whether a Life Account answer is the signed ack envelope.
func isAck(code int, body string) bool {
	return code == http.StatusOK && strings.Contains(body, "<sign>") && strings.Contains(body, "<MsgType><![CDATA[ack]]></MsgType>")
}

// lifeEventBiz is a Life Account event created at created, for the simulator to sign.
func lifeEventBiz(event, user string, created time.Time) string {
	return fmt.Sprintf(`{"AppId":%q,"FromUserId":%q,"CreateTime":"%d","MsgType":"event","EventType":%q}`,
		simLifeApp, user, created.UnixMilli(), event)
}

// TestNotifyReplayAfterUnfollow: a captured, genuinely signed follow posted again after
// the user unfollowed does not make the follower ACTIVE again, and neither does a follow
// that was signed before the unfollow but arrives after it. Both are acknowledged, so
// Alipay stops sending them, and neither touches the row.
func TestNotifyReplayAfterUnfollow(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	life := e.baseURL + e.getChannel("channels/life").NotifyPath

	// Replayed after the unfollow.
	const user = "2088000000000801"
	follow := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user})
	if code, body := postForm(t, life, follow); !isAck(code, body) {
		t.Fatalf("the follow: %d %q", code, body)
	}
	e.followerIs("life", `user_id = "`+user+`"`, stateActive)
	time.Sleep(5 * time.Millisecond) // a later CreateTime than the follow's
	notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyUnfollow, AppID: simLifeApp, User: user})
	cancelled := e.followerIs("life", `user_id = "`+user+`"`, reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED)
	time.Sleep(5 * time.Millisecond) // a replay within the same update_time would prove nothing
	if code, body := postForm(t, life, follow); !isAck(code, body) {
		t.Errorf("the replayed follow: %d %q, want the signed ack", code, body)
	}
	sameRow(t, "a replayed follow", e.followerIs("life", `user_id = "`+user+`"`, reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED), cancelled)

	// Signed before the unfollow, delivered after it (never seen before: not a replay,
	// just older than what the row holds).
	const late = "2088000000000802"
	lateFollow := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: late})
	time.Sleep(5 * time.Millisecond)
	notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyUnfollow, AppID: simLifeApp, User: late})
	before := e.followerIs("life", `user_id = "`+late+`"`, reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED)
	if code, body := postForm(t, life, lateFollow); !isAck(code, body) {
		t.Errorf("the late follow: %d %q, want the signed ack", code, body)
	}
	sameRow(t, "a follow older than the unfollow", e.followerIs("life", `user_id = "`+late+`"`, reachv1.SubscriptionState_SUBSCRIPTION_STATE_CANCELLED), before)

	// A genuine new follow still applies.
	notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user})
	e.followerIs("life", `user_id = "`+user+`"`, stateActive)
}

// TestNotifyReplayKeepsRow: a follow posted again and again is applied once: the row's
// revision and update time stay those of the first delivery. A §3.1 notification posted
// again is acknowledged with "success" again.
func TestNotifyReplayKeepsRow(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	life := e.baseURL + e.getChannel("channels/life").NotifyPath
	const user = "2088000000000811"
	follow := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user})
	postForm(t, life, follow)
	first := e.followerIs("life", `user_id = "`+user+`"`, stateActive)
	for i := range 3 {
		time.Sleep(2 * time.Millisecond)
		if code, body := postForm(t, life, follow); !isAck(code, body) {
			t.Errorf("replay %d: %d %q", i, code, body)
		}
	}
	sameRow(t, "replays", e.followerIs("life", `user_id = "`+user+`"`, stateActive), first)

	msg := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyMessage, AppID: simLifeApp,
		MsgMethod: "alipay.open.public.message.status.notify", BizContent: []byte(`{"msg_id":"m-1"}`)})
	for i := range 2 {
		if code, body := postForm(t, life, msg); code != http.StatusOK || body != "success" {
			t.Errorf("message delivery %d: %d %q", i, code, body)
		}
	}
}

// TestNotifyTooOld: a notification signed 30 days ago, or dated tomorrow, is refused (not
// acknowledged) and creates nothing, whatever its kind.
func TestNotifyTooOld(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	life := e.baseURL + e.getChannel("channels/life").NotifyPath
	const user = "2088000000000821"
	for name, at := range map[string]time.Time{"30 days ago": time.Now().Add(-30 * 24 * time.Hour), "tomorrow": time.Now().Add(24 * time.Hour)} {
		res := notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user,
			Params: map[string]string{"biz_content": lifeEventBiz("follow", user, at)}})
		if res.Status != http.StatusBadRequest || res.Acknowledged {
			t.Errorf("follow signed %s: %d %q, want 400", name, res.Status, res.Body)
		}
		res = notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyMessage, AppID: simLifeApp,
			MsgMethod: "alipay.open.public.message.status.notify", BizContent: []byte(`{"msg_id":"m-1"}`),
			Params: map[string]string{"utc_timestamp": strconv.FormatInt(at.UnixMilli(), 10)}})
		if res.Status != http.StatusBadRequest || res.Body == "success" {
			t.Errorf("message signed %s: %d %q, want 400", name, res.Status, res.Body)
		}
	}
	if rows := e.subs("life", ""); len(rows) != 0 {
		t.Errorf("stale follows made rows: %v", rows)
	}
	// Within the limit (a day old: one of Alipay's late retries) it applies.
	res := notify(t, ts, alipaysim.Notification{URL: life, Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user,
		Params: map[string]string{"biz_content": lifeEventBiz("follow", user, time.Now().Add(-24*time.Hour))}})
	if !res.Acknowledged {
		t.Errorf("a follow a day old: %d %q", res.Status, res.Body)
	}
	e.followerIs("life", `user_id = "`+user+`"`, stateActive)
}

// TestNotifyConcurrentDuplicates: one follow delivered many times at once, to two
// replicas on one database, is applied once (revision 1) and every delivery is
// acknowledged. SQLite always; PostgreSQL and MariaDB when configured.
func TestNotifyConcurrentDuplicates(t *testing.T) {
	for _, kind := range []string{"sqlite", "postgres", "mysql"} {
		t.Run(kind, func(t *testing.T) {
			dsn := "sqlite:" + filepath.Join(t.TempDir(), "reach.db")
			if kind != "sqlite" {
				dsn = storetest.SharedDatabase(t, kind)
			}
			a, b := startTestEnv(t, dsn), startTestEnv(t, dsn)
			ts := newSim(t, nil)
			a.simLife(ts, "life")
			path := a.getChannel("channels/life").NotifyPath
			const user = "2088000000000831"
			follow := signedParams(t, ts, alipaysim.Notification{Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: user})
			form := url.Values{}
			for k, v := range follow {
				form.Set(k, v)
			}
			concurrently(t, 16, func(i int) (string, error) {
				resp, err := http.PostForm([]*testEnv{a, b}[i%2].baseURL+path, form)
				if err != nil {
					return "", err
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if !isAck(resp.StatusCode, string(body)) {
					return "", fmt.Errorf("delivery %d: %d %q", i, resp.StatusCode, body)
				}
				return "", nil
			})
			if row := a.followerIs("life", `user_id = "`+user+`"`, stateActive); row != nil && row.Etag != "1" {
				t.Errorf("16 deliveries of one follow: etag %q, want 1 (applied once)", row.Etag)
			}
		})
	}
}
