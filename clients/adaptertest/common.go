package adaptertest

import (
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/alipaysim"
)

// shortTimeout is the HTTP client timeout of the timeout cases; the simulator then waits
// far longer (slowFault), so the case cannot pass or fail by a race on a loaded machine.
// The simulator stops waiting when the client hangs up, and then serves the request.
const (
	shortTimeout = 300 * time.Millisecond
	slowFault    = alipaysim.Duration(10 * time.Second)
)

// commonCases are the behaviours every product shares; the fixture supplies each product's
// codes.
func commonCases() []testCase {
	return []testCase{
		{"Verify/good credentials", testVerifyGood},
		{"Verify/keys in the consoles' bare base64", testVerifyConsoleForm},
		{"Verify/wrong private key", testVerifyWrongKey},
		{"Verify/own public key as Alipay's", testVerifyOwnKey},
		{"Verify/unknown app id", testVerifyUnknownApp},
		{"Verify/answer signed with another key", testVerifyWrongResponseKey},
		{"Verify/unreachable", testVerifyUnreachable},
		{"Verify/timeout", testVerifyTimeout},
		{"Verify/service unavailable", testVerifyUnknownError},
		{"Send/ok", testSendOK},
		{"Send/fault/unknown error", faultCase(alipaysim.Fault{Kind: alipaysim.FaultUnknownError}, alipayerr.Retryable, 0)},
		{"Send/fault/rate limited", faultCase(alipaysim.Fault{Kind: alipaysim.FaultRateLimit}, alipayerr.RateLimited, 0)},
		{"Send/fault/HTTP 500", faultCase(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 500}, alipayerr.Retryable, 500)},
		{"Send/fault/HTTP 502", faultCase(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 502}, alipayerr.Retryable, 502)},
		{"Send/fault/HTTP 503", faultCase(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 503}, alipayerr.Retryable, 503)},
		{"Send/fault/HTTP 429", faultCase(alipaysim.Fault{Kind: alipaysim.FaultHTTP, Status: 429}, alipayerr.RateLimited, 429)},
		{"Send/fault/dropped connection", faultCase(alipaysim.Fault{Kind: alipaysim.FaultDrop}, alipayerr.Retryable, 0)},
		{"Send/fault/timeout", testSendTimeout},
		{"Send/Auth/bad signature", testSendBadSignature},
		{"Send/Auth/answer signed with another key", testSendWrongResponseKey},
		{"Send/TemplateMissing/deleted template", testSendTemplateDeleted},
		{"Send/NotSubscribed/withdrawn", testSendWithdrawn},
		{"Send/BadRequest/message lacks a keyword", testSendLacksKeyword},
	}
}

func testVerifyGood(t *testing.T, f *fixture) {
	if err := f.main.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify with good credentials: %v", err)
	}
	// With the caller's own HTTP client too.
	a := f.build(t, f.creds, &http.Client{Timeout: time.Minute})
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify with good credentials and an HTTP client: %v", err)
	}
}

func testVerifyConsoleForm(t *testing.T, f *fixture) {
	a := f.build(t, f.consoleForm(t, f.creds), nil)
	if err := a.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify with bare base64 keys: %v", err)
	}
	m := f.ready(t, f.msgID())
	send(t, a, m)
}

func testVerifyWrongKey(t *testing.T, f *fixture) {
	a := f.build(t, f.signWith(f.creds, f.otherPrivateKey), nil)
	wantErr(t, a.Verify(ctx(t)), alipayerr.Auth, f.codes.badSignature.code, f.codes.badSignature.sub)
}

// The common paste mistake: the app's own public key where Alipay's belongs. Nothing could
// ever verify, so the adapter must refuse to build, or at least fail Verify with Auth.
func testVerifyOwnKey(t *testing.T, f *fixture) {
	a, err := f.newAdapter(f.channelType, f.ownKeyAsAlipays(f.creds), nil)
	if err != nil {
		return // refused at build
	}
	if ae := asError(t, a.Verify(ctx(t))); ae.Class != alipayerr.Auth {
		t.Fatalf("Verify with the app's own public key as Alipay's: %v, want Auth", ae)
	}
}

func testVerifyUnknownApp(t *testing.T, f *fixture) {
	a := f.build(t, f.unknownApp(f.creds), nil)
	wantErr(t, a.Verify(ctx(t)), alipayerr.Auth, f.codes.unknownApp.code, f.codes.unknownApp.sub)
}

func testVerifyWrongResponseKey(t *testing.T, f *fixture) {
	a := f.build(t, f.wrongResponseKey(f.creds), nil)
	ae := wantTransport(t, a.Verify(ctx(t)), alipayerr.Auth, 0)
	if ae.Code != "" {
		t.Errorf("an unverified answer's code %q was trusted: %v", ae.Code, ae)
	}
}

// closedURL is the base URL of a port nothing listens on.
func closedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return "http://" + addr
}

func testVerifyUnreachable(t *testing.T, f *fixture) {
	a := f.build(t, f.withBaseURL(f.creds, closedURL(t)), nil)
	wantTransport(t, a.Verify(ctx(t)), alipayerr.Retryable, 0)
}

func testVerifyTimeout(t *testing.T, f *fixture) {
	addFault(t, f, alipaysim.Fault{Kind: alipaysim.FaultDelay, Delay: slowFault, API: f.verifyAPI, Count: 1})
	a := f.build(t, f.creds, &http.Client{Timeout: shortTimeout})
	wantTransport(t, a.Verify(ctx(t)), alipayerr.Retryable, 0)
}

// Verify cannot tell when Alipay is unavailable: an error, but not Auth.
func testVerifyUnknownError(t *testing.T, f *fixture) {
	addFault(t, f, alipaysim.Fault{Kind: alipaysim.FaultUnknownError, API: f.verifyAPI, Count: 1})
	wantErr(t, f.main.Verify(ctx(t)), alipayerr.Retryable, f.codes.unknownError.code, f.codes.unknownError.sub)
	if err := f.main.Verify(ctx(t)); err != nil {
		t.Fatalf("Verify after the fault: %v", err)
	}
}

func addFault(t testing.TB, f *fixture, fault alipaysim.Fault) {
	t.Helper()
	fault.AppID = f.appID
	if _, err := f.ts.AddFault(fault); err != nil {
		t.Fatal(err)
	}
}

func testSendOK(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	send(t, f.main, m)
	f.wantRecords(t, f.appID, m.Recipient.ID, 1)
}

// faultCase injects one fault before the simulator processes a send: the send fails with
// class (Alipay's codes kept for answered faults), nothing is delivered, and sending the same
// message again succeeds exactly once.
func faultCase(fault alipaysim.Fault, class alipayerr.Class, status int) func(*testing.T, *fixture) {
	return func(t *testing.T, f *fixture) {
		m := f.ready(t, f.msgID())
		fault.API, fault.Count = f.sendAPI, 1
		addFault(t, f, fault)
		_, err := f.main.Send(ctx(t), m)
		switch fault.Kind {
		case alipaysim.FaultUnknownError:
			wantErr(t, err, class, f.codes.unknownError.code, f.codes.unknownError.sub)
		case alipaysim.FaultRateLimit:
			wantErr(t, err, class, f.codes.rateLimited.code, f.codes.rateLimited.sub)
		default:
			wantTransport(t, err, class, status)
		}
		f.wantRecords(t, f.appID, m.Recipient.ID, 0)
		send(t, f.main, m)
		f.wantRecords(t, f.appID, m.Recipient.ID, 1)
	}
}

func testSendBadSignature(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	a := f.build(t, f.signWith(f.creds, f.otherPrivateKey), nil)
	_, err := a.Send(ctx(t), m)
	wantErr(t, err, alipayerr.Auth, f.codes.badSignature.code, f.codes.badSignature.sub)
	f.wantRecords(t, f.appID, m.Recipient.ID, 0)
}

// An answer that does not verify is not trusted, whatever it says: Auth, no code read from
// it. (Alipay did accept the request; the operator must fix the key.)
func testSendWrongResponseKey(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	a := f.build(t, f.wrongResponseKey(f.creds), nil)
	_, err := a.Send(ctx(t), m)
	ae := wantTransport(t, err, alipayerr.Auth, 0)
	if ae.Code != "" {
		t.Errorf("an unverified answer's code %q was trusted: %v", ae.Code, ae)
	}
}

func testSendTemplateDeleted(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	id := "TMPL" + f.msgID()
	f.useTemplate(t, m, id)
	send(t, f.main, m) // the template works…
	if err := f.ts.DeleteTemplate(f.appID, id); err != nil {
		t.Fatal(err)
	}
	m.ID = f.msgID() // …until Alipay deletes it
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.TemplateMissing, f.codes.templateMissing.code, f.codes.templateMissing.sub)
	f.wantRecords(t, f.appID, m.Recipient.ID, 1)
}

func testSendWithdrawn(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	f.withdraw(t, m)
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.NotSubscribed, f.codes.notSubscribed.code, f.codes.notSubscribed.sub)
	f.wantRecords(t, f.appID, m.Recipient.ID, 0)
}

// A message without a value for one of the template's keywords is refused, not delivered
// with the keyword missing or blank.
func testSendLacksKeyword(t *testing.T, f *fixture) {
	if f.channelType == MiniProgram {
	}
	m := f.ready(t, f.msgID())
	delete(m.Data, f.template.Keys[1])
	_, err := f.main.Send(ctx(t), m)
	if err == nil {
		recs := f.records(f.sendAPI, f.appID, m.Recipient.ID)
		if len(recs) == 1 {
			t.Fatalf("a message lacking %s was delivered: %s", f.template.Keys[1], recs[0].Content)
		}
	}
	wantErr(t, err, alipayerr.BadRequest, f.codes.lackKeyword.code, f.codes.lackKeyword.sub)
	f.wantRecords(t, f.appID, m.Recipient.ID, 0)
}

// testSendTimeout: Alipay answers later than the client waits. The outcome is unknown —
// the simulator, like Alipay, goes on to process the request after the client hung up — so
// the error is Retryable. Sending again delivers a second time on the Open Platform, which
// has no idempotency key; Alipay+ recognises the requestId and does not.
func testSendTimeout(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	addFault(t, f, alipaysim.Fault{Kind: alipaysim.FaultDelay, Delay: slowFault, API: f.sendAPI, Count: 1})
	a := f.build(t, f.creds, &http.Client{Timeout: shortTimeout})
	_, err := a.Send(ctx(t), m)
	wantTransport(t, err, alipayerr.Retryable, 0)
	f.awaitRecords(t, m.Recipient.ID, 1) // the late processing of the timed-out request
	res := send(t, f.main, m)
	if f.channelType != PlusMini {
		f.wantRecords(t, f.appID, m.Recipient.ID, 2)
		return
	}
	recs := f.wantRecords(t, f.appID, m.Recipient.ID, 1)
	if res.ExternalID != recs[0].MessageID {
		t.Errorf("retry got messageId %q, want the delivered %q", res.ExternalID, recs[0].MessageID)
	}
}

// awaitRecords waits until the simulator has accepted n sends to recipient of the main app.
func (f *fixture) awaitRecords(t testing.TB, recipient string, n int) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Duration(slowFault))
	for len(f.records(f.sendAPI, f.appID, recipient)) < n {
		if time.Now().After(deadline) {
			t.Fatalf("the simulator never processed the timed-out request")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
