package alipaysim

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestGatewayFaults(t *testing.T) {
	ts := newSim(t)
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	c := gw(t, ts, miniApp)
	send := func() *gwAnswer { return c.call(miniSend, miniSendBiz(user1, longTmpl, data2)) }

	id, _ := ts.AddFault(Fault{Kind: FaultUnknownError, Count: 1})
	a := send()
	want(t, a, "20000", "isp.unknow-error")
	if a.sign == "" {
		t.Error("20000 should be signed like any authenticated answer")
	}
	want(t, send(), "10000", "") // count 1: gone
	if ts.RemoveFault(id) {
		t.Error("a spent fault should be gone")
	}

	_, _ = ts.AddFault(Fault{Kind: FaultRateLimit, API: miniSend, Count: 1})
	want(t, gw(t, ts, miniApp).call("alipay.open.mini.baseinfo.query", nil), "10000", "") // other API
	want(t, send(), "40005", "aop.call-limited")

	_, _ = ts.AddFault(Fault{Kind: FaultHTTP, Status: 502, AppID: miniApp, Count: 1})
	if a := send(); a.status != 502 {
		t.Errorf("HTTP fault answered %d", a.status)
	}
	before := len(ts.Requests(RequestFilter{API: miniSend}))
	_, _ = ts.AddFault(Fault{Kind: FaultUnknownError, After: true, Count: 1})
	want(t, send(), "20000", "isp.unknow-error")
	if after := len(ts.Requests(RequestFilter{API: miniSend})); after != before+1 {
		t.Errorf("after=true should process (and record) the send: %d -> %d", before, after)
	}

	_, _ = ts.AddFault(Fault{Kind: FaultDelay, Delay: Duration(150 * time.Millisecond), Count: 1})
	start := time.Now()
	want(t, send(), "10000", "")
	if time.Since(start) < 150*time.Millisecond {
		t.Error("delay fault did not delay")
	}
	if st := ts.Stats(); st.Faulted != 4 {
		t.Errorf("stats %+v, want 4 faulted", st)
	}
}

func TestDropFault(t *testing.T) {
	ts := newSim(t)
	_, _ = ts.AddFault(Fault{Kind: FaultDrop})
	c := gw(t, ts, lifeApp)
	p := c.params("alipay.open.public.info.query", nil)
	p["sign"] = testSign(c.key, p)
	form := url.Values{}
	for k, v := range p {
		form.Set(k, v)
	}
	resp, err := http.Post(ts.GatewayURL(), "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err == nil {
		resp.Body.Close()
		t.Fatalf("dropped connection answered HTTP %d", resp.StatusCode)
	}
	ts.ClearFaults()
	want(t, c.call("alipay.open.public.info.query", nil), "10000", "")
}

func TestFaultRate(t *testing.T) {
	ts := newSim(t)
	_, _ = ts.AddFault(Fault{Kind: FaultUnknownError, Rate: 0.5})
	c := gw(t, ts, lifeApp)
	hit := 0
	for range 200 {
		if c.call("alipay.open.public.info.query", nil).code() == "20000" {
			hit++
		}
	}
	if hit < 50 || hit > 150 {
		t.Errorf("rate 0.5 hit %d of 200", hit)
	}
}

func TestPlusFaults(t *testing.T) {
	ts := newSim(t)
	c := plus(t, ts)
	access, _ := authorize(t, ts, c, "cust-1")
	_, _ = ts.AddFault(Fault{Kind: FaultUnknownError, API: pathSend, Count: 1})
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r1", plusParams)), "U", "UNKNOWN_EXCEPTION")
	_, _ = ts.AddFault(Fault{Kind: FaultRateLimit, Count: 1})
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r1", plusParams)), "F", "REQUEST_TRAFFIC_EXCEED_LIMIT")
	// An "after" fault: the send went through, the client saw U, the retry gets the same id.
	_, _ = ts.AddFault(Fault{Kind: FaultUnknownError, After: true, Count: 1})
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r2", plusParams)), "U", "UNKNOWN_EXCEPTION")
	wantPlus(t, c.call(pathSend, plusSendBody(access, "r2", plusParams)), "S", "SUCCESS")
	if n := len(ts.Requests(RequestFilter{RequestID: "r2"})); n != 1 {
		t.Errorf("r2 recorded %d times", n)
	}
}

func TestFaultValidation(t *testing.T) {
	ts := newSim(t)
	for _, f := range []Fault{{Kind: "explode"}, {Kind: FaultHTTP, Status: 200}, {Kind: FaultDrop, Rate: 2}} {
		if _, err := ts.AddFault(f); err == nil {
			t.Errorf("AddFault(%+v) accepted", f)
		}
	}
}
