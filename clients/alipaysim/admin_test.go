package alipaysim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newRequest(method, url, body string) (*http.Request, error) {
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err == nil && body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return req, err
}

func do(t testing.TB, req *http.Request) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// admin calls the admin API and decodes the JSON answer into out (if not nil).
func admin(t testing.TB, ts *TestServer, method, path, body string, wantStatus int, out any) {
	t.Helper()
	req, _ := newRequest(method, ts.URL()+path, body)
	resp := do(t, req)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s %s = %d %s, want %d", method, path, resp.StatusCode, raw, wantStatus)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

func TestAdminStateEndpoints(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, miniApp)
	admin(t, ts, "POST", "/sim/subscribe", `{"app_id":"`+miniApp+`","user":"`+user2+`","template_id":"`+oneTmpl+`","count":2}`, 200, nil)
	var st AppState
	admin(t, ts, "GET", "/sim/apps/"+miniApp, "", 200, &st)
	if len(st.Subscriptions) != 1 || st.Subscriptions[0].Remaining != 2 || st.Subscriptions[0].Type != OneTime {
		t.Errorf("state %+v", st)
	}
	want(t, c.call(miniSend, miniSendBiz(user2, oneTmpl, data3)), "10000", "")
	admin(t, ts, "POST", "/sim/unsubscribe", `{"app_id":"`+miniApp+`","user":"`+user2+`"}`, 200, nil)
	want(t, c.call(miniSend, miniSendBiz(user2, oneTmpl, data3)), "40004", "MSG_UNSUBSCRIBED")

	admin(t, ts, "POST", "/sim/follow", `{"app_id":"`+lifeApp+`","user":"`+user2+`"}`, 200, nil)
	want(t, gw(t, ts, lifeApp).call(lifeSend, lifeSendBiz(user2, lifeTmpl, "keyword1", "keyword2")), "10000", "")
	admin(t, ts, "POST", "/sim/unfollow", `{"app_id":"`+lifeApp+`","user":"`+user2+`"}`, 200, nil)

	admin(t, ts, "POST", "/sim/templates", `{"app_id":"`+miniApp+`","id":"NEW","subscription":"long_term","keywords":["keyword1"]}`, 200, nil)
	admin(t, ts, "POST", "/sim/subscribe", `{"app_id":"`+miniApp+`","user":"`+user2+`","template_id":"NEW"}`, 200, nil)
	want(t, c.call(miniSend, miniSendBiz(user2, "NEW", `{"keyword1":{"value":"x"}}`)), "10000", "")
	admin(t, ts, "DELETE", "/sim/templates/"+miniApp+"/NEW", "", 200, nil)
	want(t, c.call(miniSend, miniSendBiz(user2, "NEW", `{"keyword1":{"value":"x"}}`)), "40004", "USER_TEMPLATE_ILLEGAL")

	// Errors: unknown app/template 404, bad input 400.
	admin(t, ts, "GET", "/sim/apps/nope", "", 404, nil)
	admin(t, ts, "DELETE", "/sim/templates/"+miniApp+"/NEW", "", 404, nil)
	admin(t, ts, "POST", "/sim/follow", `{"app_id":"`+miniApp+`","user":"u"}`, 400, nil)
	admin(t, ts, "POST", "/sim/subscribe", `{"app_id":"`+miniApp+`","user":"u","template":"typo"}`, 400, nil)
	admin(t, ts, "POST", "/sim/templates", `{"app_id":"`+miniApp+`","id":"X","keywords":["keyword1"]}`, 400, nil)
}

func TestAdminRequestsStatsAndReset(t *testing.T) {
	ts := newSim(t)
	c := gw(t, ts, lifeApp)
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "10000", "")
	want(t, c.call(lifeSend, lifeSendBiz(user2, lifeTmpl, "keyword1", "keyword2")), "40004", "MSG_SD_NOFOLLOW")
	want(t, c.call("alipay.open.public.info.query", nil), "10000", "")
	var list struct {
		Count    int      `json:"count"`
		Requests []Record `json:"requests"`
	}
	admin(t, ts, "GET", "/sim/requests?api="+lifeSend+"&recipient="+user1, "", 200, &list)
	if list.Count != 1 || list.Requests[0].TemplateID != lifeTmpl || list.Requests[0].AppID != lifeApp {
		t.Fatalf("requests %+v", list)
	}
	var biz map[string]any
	if err := json.Unmarshal(list.Requests[0].Content, &biz); err != nil || biz["to_user_id"] != user1 {
		t.Errorf("content %s", list.Requests[0].Content)
	}
	admin(t, ts, "GET", "/sim/requests?after_seq="+itoa(list.Requests[0].Seq), "", 200, &list)
	if list.Count != 1 || list.Requests[0].API != "alipay.open.public.info.query" {
		t.Errorf("after_seq %+v", list)
	}
	var stats Stats
	admin(t, ts, "GET", "/sim/stats", "", 200, &stats)
	if stats != (Stats{Accepted: 2, Rejected: 1}) {
		t.Errorf("stats %+v", stats)
	}
	admin(t, ts, "POST", "/sim/faults", `{"kind":"http","status":503}`, 200, nil)
	var faults []Fault
	admin(t, ts, "GET", "/sim/faults", "", 200, &faults)
	if len(faults) != 1 || faults[0].Status != 503 {
		t.Errorf("faults %+v", faults)
	}
	_ = ts.Unfollow(lifeApp, user1)
	admin(t, ts, "POST", "/sim/reset", "", 200, nil)
	admin(t, ts, "GET", "/sim/faults", "", 200, &faults)
	admin(t, ts, "GET", "/sim/requests", "", 200, &list)
	if len(faults) != 0 || list.Count != 0 {
		t.Errorf("reset left faults %v, requests %d", faults, list.Count)
	}
	want(t, c.call(lifeSend, lifeSendBiz(user1, lifeTmpl, "keyword1", "keyword2")), "10000", "") // configured follower is back
	admin(t, ts, "POST", "/sim/faults", `{"kind":"nope"}`, 400, nil)
	admin(t, ts, "DELETE", "/sim/faults/F999", "", 404, nil)
}

func TestAdminAuthCodesClockRotateInfo(t *testing.T) {
	ts := newSim(t)
	var code struct {
		AuthCode  string `json:"auth_code"`
		ExpiresAt string `json:"expires_at"`
	}
	admin(t, ts, "POST", "/sim/authcodes", `{"client_id":"`+plusID+`","customer_id":"cust-9"}`, 200, &code)
	c := plus(t, ts)
	admin(t, ts, "POST", "/sim/clock", `{"advance":"11m"}`, 200, nil)
	wantPlus(t, c.call(pathToken, map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": code.AuthCode}), "F", "AUTH_CODE_EXPIRED")
	admin(t, ts, "POST", "/sim/authcodes", `{"app_id":"`+lifeApp+`","customer_id":"c"}`, 400, nil)

	var info Info
	admin(t, ts, "GET", "/sim/info", "", 200, &info)
	var rotated struct {
		SN   string `json:"alipay_cert_sn"`
		Cert string `json:"alipay_cert"`
	}
	admin(t, ts, "POST", "/sim/alipay-cert/rotate", "", 200, &rotated)
	if rotated.SN == info.AlipayCertSN || rotated.SN != ts.AlipayCertSN() || len(info.Apps) != 6 || info.AlipayRootCertSN == "" {
		t.Errorf("rotate %s (was %s), info %+v", rotated.SN, info.AlipayCertSN, info.Apps)
	}
}

func TestAdminNotifyEndpoint(t *testing.T) {
	ts := newSim(t)
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "success") }))
	defer target.Close()
	var res NotifyResult
	admin(t, ts, "POST", "/sim/notify", `{"url":"`+target.URL+`","kind":"message","app_id":"`+miniApp+`","msg_method":"m","biz_content":{"a":1}}`, 200, &res)
	if !res.Acknowledged || res.Status != 200 || res.Params["sign"] == "" {
		t.Errorf("notify %+v", res)
	}
	target.Close()
	admin(t, ts, "POST", "/sim/notify", `{"url":"`+target.URL+`","kind":"message","app_id":"`+miniApp+`","msg_method":"m","biz_content":{"a":1}}`, 502, nil)
}

func itoa(n int64) string { return strings.TrimSpace(string(mustJSON(n))) }
