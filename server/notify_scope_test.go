package server

import (
	"testing"

	"github.com/reachhq/reach/clients/alipaysim"
)

// TestNotifyScope: a genuine notification reaches only the channel it is for. One Alipay
// key signs for every app, so a signed call for another app (here the Life Account's,
// posted to the mini program's endpoint) must change nothing.
func TestNotifyScope(t *testing.T) {
	ts := newSim(t, nil)
	e := newTestEnv(t)
	e.simLife(ts, "life")
	e.simMiniWorld(ts)
	mini := e.getChannel("channels/mini")

	// A message notification for the Life Account app, posted to the mini program.
	res := notify(t, ts, alipaysim.Notification{URL: e.baseURL + mini.NotifyPath, Kind: alipaysim.NotifyMessage, AppID: simLifeApp,
		MsgMethod: "alipay.merchant.tradecomplain.changed", BizContent: []byte(`{"a":"b"}`)})
	if res.Status != 403 {
		t.Errorf("another app's message: %d %q, want 403", res.Status, res.Body)
	}
	// A Life Account gateway call to the mini program's endpoint.
	res = notify(t, ts, alipaysim.Notification{URL: e.baseURL + mini.NotifyPath, Kind: alipaysim.NotifyFollow, AppID: simLifeApp, User: "2088000000000702"})
	if res.Status != 403 {
		t.Errorf("Life Account call to a mini program: %d %q, want 403", res.Status, res.Body)
	}
	if rows := e.subs("life", ""); len(rows) != 0 {
		t.Errorf("the Life Account ledger changed: %v", rows)
	}
	if rows := e.subs("mini", `kind = FOLLOWER`); len(rows) != 0 {
		t.Errorf("the mini program got followers: %v", rows)
	}
}
