package alipaysim

import (
	"strconv"
	"sync/atomic"
	"testing"
)

// BenchmarkGatewaySend is a signed mini-program send round trip: the client signs, the
// simulator verifies, updates state, answers (signature cached) and the client verifies.
func BenchmarkGatewaySend(b *testing.B) {
	ts := NewTestServer(b, testConfig())
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	b.ReportAllocs()
	b.ResetTimer() // key generation and setup are not what is measured
	b.RunParallel(func(pb *testing.PB) {
		c := gw(b, ts, miniApp)
		biz := miniSendBiz(user1, longTmpl, data2)
		for pb.Next() {
			if a := c.call(miniSend, biz); a.code() != "10000" {
				b.Fatalf("send: %s", a.body)
			}
		}
	})
}

// BenchmarkPlusSend is an Alipay+ message/send round trip with a fresh requestId each
// time (each answer needs its own platform signature).
func BenchmarkPlusSend(b *testing.B) {
	ts := NewTestServer(b, testConfig())
	code, _, _ := ts.IssueAuthCode(plusApp, "cust-1")
	c0 := plus(b, ts)
	token := c0.call(pathToken, map[string]any{"appId": plusApp, "grantType": "AUTHORIZATION_CODE", "authCode": code}).str("accessToken")
	var n atomic.Int64
	b.ReportAllocs()
	b.ResetTimer() // key generation and setup are not what is measured
	b.RunParallel(func(pb *testing.PB) {
		c := plus(b, ts)
		for pb.Next() {
			a := c.call(pathSend, plusSendBody(token, "bench-"+strconv.FormatInt(n.Add(1), 10), plusParams))
			if s, _ := a.result(); s != "S" {
				b.Fatalf("send: %s", a.raw)
			}
		}
	})
}

// BenchmarkSimulatorOnly measures the simulator's own work for a gateway send, without a
// client signing or HTTP: what it adds to a benchmark of a real client.
func BenchmarkSimulatorOnly(b *testing.B) {
	ts := NewTestServer(b, testConfig())
	_ = ts.Subscribe(miniApp, user1, longTmpl, 0)
	c := gw(b, ts, miniApp)
	p := c.params(miniSend, miniSendBiz(user1, longTmpl, data2))
	p["sign"] = testSign(c.key, p)
	b.ReportAllocs()
	b.ResetTimer() // key generation and setup are not what is measured
	for b.Loop() {
		call := &gwCall{params: p, key: "error_response"}
		if e := ts.authenticate(call); e != nil {
			b.Fatal(e)
		}
		content, e := ts.process(call)
		if e != nil {
			b.Fatal(e)
		}
		sg, _ := ts.answerSigner(call.app)
		_ = sg.sign(content)
	}
}
