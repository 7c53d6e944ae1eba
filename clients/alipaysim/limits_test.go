package alipaysim

import (
	"strings"
	"sync"
	"testing"
	"time"
)

const infoQuery = "alipay.open.public.info.query"

// Over the limit: a signed 40005 isv.app-call-limited, recorded as rate_limited with its
// recipient and template, so a retried message shows both attempts.
func TestGatewayRateLimit(t *testing.T) {
	cfg := testConfig()
	cfg.Apps[1].Limits = Limits{RateLimit: 2} // miniApp: a bucket of 2, one more every 500ms
	ts := NewTestServer(t, cfg)
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	c := gw(t, ts, miniApp)
	send := func() *gwAnswer { return c.call(miniSend, miniSendBiz(user1, longTmpl, data2)) }
	want(t, send(), "10000", "")
	want(t, c.call("alipay.open.mini.baseinfo.query", nil), "10000", "") // one bucket for all APIs
	a := send()
	want(t, a, "40005", "isv.app-call-limited")
	if a.sign == "" || a.key != "alipay_open_app_mini_templatemessage_send_response" || a.str("msg") != "Call Limited" {
		t.Errorf("40005 should be signed under the method key with msg Call Limited: %s", a.body)
	}
	want(t, gw(t, ts, lifeApp).call(infoQuery, nil), "10000", "") // other apps have their own limits

	recs := ts.Requests(RequestFilter{AppID: miniApp, Outcome: OutcomeRateLimited})
	if len(recs) != 1 || recs[0].Recipient != user1 || recs[0].TemplateID != longTmpl || recs[0].API != miniSend ||
		!strings.Contains(string(recs[0].Content), longTmpl) {
		t.Fatalf("rate-limited records %+v", recs)
	}
	if st := ts.Stats(); st.Limited != 1 || st.Accepted != 3 || st.Faulted != 0 {
		t.Errorf("stats %+v", st)
	}
	time.Sleep(600 * time.Millisecond) // one token back
	want(t, send(), "10000", "")
	all := ts.Requests(RequestFilter{API: miniSend, Recipient: user1})
	if len(all) != 3 || all[0].Outcome != OutcomeAccepted || all[1].Outcome != OutcomeRateLimited || all[2].Outcome != OutcomeAccepted {
		t.Errorf("attempts %+v", all)
	}
	if n := len(ts.Requests(RequestFilter{API: miniSend, Outcome: OutcomeAccepted})); n != 2 {
		t.Errorf("%d deliveries, want 2", n)
	}
}

// The limit comes before faults (a Count fault is not spent on a limited call) and an
// encrypted call gets an encrypted 40005, recorded decrypted.
func TestGatewayRateLimitBeforeFaultsAndAES(t *testing.T) {
	ts := newSim(t)
	if err := ts.SetLimits(aesApp, Limits{RateLimit: 1}); err != nil {
		t.Fatal(err)
	}
	c := gw(t, ts, aesApp)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "10000", "")
	_, _ = ts.AddFault(Fault{Kind: FaultUnknownError, AppID: aesApp, Count: 1})
	a := c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2"))
	want(t, a, "40005", "isv.app-call-limited")
	if len(a.content) == 0 || a.content[0] != '"' {
		t.Errorf("the answer to an encrypted call should be encrypted: %s", a.body)
	}
	recs := ts.Requests(RequestFilter{Outcome: OutcomeRateLimited})
	if len(recs) != 1 || recs[0].Recipient != user1 || recs[0].TemplateID != lifeTmpl {
		t.Errorf("records %+v", recs)
	}
	time.Sleep(1100 * time.Millisecond)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "20000", "isp.unknow-error") // fault unspent
}

// Alipay+: F REQUEST_TRAFFIC_EXCEED_LIMIT, signed; the retry with the same requestId
// after the bucket refills is the one delivery.
func TestPlusRateLimit(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	access, _ := authorize(t, ts, c, "cust-1")
	if err := ts.SetLimits(plusApp, Limits{RateLimit: 1}); err != nil {
		t.Fatal(err)
	}
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r1", plusParams)), "S", "SUCCESS")
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r2", plusParams)), "F", "REQUEST_TRAFFIC_EXCEED_LIMIT")
	time.Sleep(1100 * time.Millisecond)
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r2", plusParams)), "S", "SUCCESS")
	recs := ts.Requests(RequestFilter{RequestID: "r2"})
	if len(recs) != 2 || recs[0].Outcome != OutcomeRateLimited || recs[0].Recipient != "cust-1" ||
		recs[0].TemplateID != plusTmpl || recs[1].Outcome != OutcomeAccepted {
		t.Errorf("r2 records %+v", recs)
	}
}

// Latency is waited per call without a shared lock: concurrent calls overlap.
func TestLatency(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	timed := func() time.Duration {
		start := time.Now()
		want(t, c.call(infoQuery, nil), "10000", "")
		return time.Since(start)
	}
	_ = ts.SetLimits(lifeApp, Limits{Latency: Duration(150 * time.Millisecond)})
	if d := timed(); d < 150*time.Millisecond {
		t.Errorf("fixed latency 150ms, call took %v", d)
	}
	_ = ts.SetLimits(lifeApp, Limits{LatencyMin: Duration(50 * time.Millisecond), LatencyMax: Duration(100 * time.Millisecond)})
	for range 5 {
		if d := timed(); d < 50*time.Millisecond || d > time.Second {
			t.Errorf("latency 50-100ms, call took %v", d)
		}
	}
	_ = ts.SetLimits(lifeApp, Limits{Latency: Duration(300 * time.Millisecond)})
	const n = 20
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() { want(t, gw(t, ts, lifeApp).call(infoQuery, nil), "10000", "") })
	}
	wg.Wait()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("%d concurrent calls with 300ms latency took %v: latency is serialised", n, d)
	}
	_ = ts.SetLimits(lifeApp, Limits{})
	if d := timed(); d > 100*time.Millisecond {
		t.Errorf("latency off, call took %v", d)
	}
}

func TestLimitsValidation(t *testing.T) {
	for _, l := range []Limits{
		{RateLimit: -1},
		{RateLimit: 2e6},
		{Latency: Duration(-time.Second)},
		{Latency: Duration(time.Second), LatencyMax: Duration(2 * time.Second)},
		{LatencyMin: Duration(time.Second)},
		{LatencyMin: Duration(2 * time.Second), LatencyMax: Duration(time.Second)},
	} {
		cfg := testConfig()
		cfg.Apps[0].Limits = l
		if _, err := New(cfg); err == nil || !strings.Contains(err.Error(), "apps[0]") {
			t.Errorf("New with limits %+v: %v", l, err)
		}
	}
}

// The admin API sets and reads limits per app; /sim/requests and /sim/stats count the
// limited calls; /sim/reset restores the configured limits.
func TestAdminLimits(t *testing.T) {
	cfg := testConfig()
	cfg.Apps[1].Limits = Limits{RateLimit: 50}
	ts := NewTestServer(t, cfg)
	path := "/sim/apps/" + lifeApp + "/limits"
	var got Limits
	admin(t, ts, "POST", path, `{"rate_limit":1,"latency":"20ms"}`, 200, &got)
	if got != (Limits{RateLimit: 1, Latency: Duration(20 * time.Millisecond)}) {
		t.Errorf("POST answered %+v", got)
	}
	got = Limits{}
	admin(t, ts, "GET", path, "", 200, &got)
	if got.RateLimit != 1 || got.Latency != Duration(20*time.Millisecond) {
		t.Errorf("GET answered %+v", got)
	}
	c := gw(t, ts, lifeApp)
	want(t, c.call(infoQuery, nil), "10000", "")
	want(t, c.call(infoQuery, nil), "40005", "isv.app-call-limited")
	var list struct{ Count int }
	admin(t, ts, "GET", "/sim/requests?outcome=rate_limited&app_id="+lifeApp, "", 200, &list)
	if list.Count != 1 {
		t.Errorf("/sim/requests?outcome=rate_limited counted %d", list.Count)
	}
	admin(t, ts, "GET", "/sim/requests", "", 200, &list)
	if list.Count != 2 {
		t.Errorf("/sim/requests counted %d, want both calls", list.Count)
	}
	var st Stats
	admin(t, ts, "GET", "/sim/stats", "", 200, &st)
	if st.Limited != 1 || st.Accepted != 1 {
		t.Errorf("stats %+v", st)
	}

	admin(t, ts, "POST", path, `{"latency":"1s","latency_max":"2s"}`, 400, nil)
	admin(t, ts, "POST", path, `{"rate_limit":-1}`, 400, nil)
	admin(t, ts, "POST", path, `{"rate":1}`, 400, nil)
	admin(t, ts, "POST", "/sim/apps/nope/limits", `{}`, 404, nil)
	admin(t, ts, "GET", "/sim/apps/nope/limits", "", 404, nil)

	admin(t, ts, "POST", "/sim/reset", "", 200, nil)
	for app, want := range map[string]Limits{lifeApp: {}, miniApp: {RateLimit: 50}} {
		var l Limits
		admin(t, ts, "GET", "/sim/apps/"+app+"/limits", "", 200, &l)
		if l != want {
			t.Errorf("after reset %s has %+v, want %+v", app, l, want)
		}
	}
}
