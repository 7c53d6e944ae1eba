package adaptertest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
	"github.com/reachhq/reach/clients/alipaysim"
)

// ctx is the context of one adapter call: generous, so a loaded machine never fails a case
// that has no timeout of its own.
func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

// send sends m and fails the test on error.
func send(t testing.TB, a adapter.Adapter, m *adapter.Message) *adapter.SendResult {
	t.Helper()
	res, err := a.Send(ctx(t), m)
	if err != nil {
		t.Fatalf("Send(%s): %v", m.ID, err)
	}
	if res == nil {
		t.Fatalf("Send(%s): nil result without error", m.ID)
	}
	return res
}

// asError returns err's *alipayerr.Error or fails the test.
func asError(t testing.TB, err error) *alipayerr.Error {
	t.Helper()
	var ae *alipayerr.Error
	if !errors.As(err, &ae) {
		t.Fatalf("error %v (%T), want an *alipayerr.Error", err, err)
	}
	return ae
}

// wantErr checks that err is an *alipayerr.Error of class carrying Alipay's code and sub
// code (Alipay+: resultStatus and resultCode) and, for an answer from Alipay, its messages.
func wantErr(t testing.TB, err error, class alipayerr.Class, code, subCode string) *alipayerr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s %s/%s", class, code, subCode)
	}
	ae := asError(t, err)
	if ae.Class != class || ae.Code != code || ae.SubCode != subCode {
		t.Fatalf("got %s %q/%q, want %s %q/%q (%v)", ae.Class, ae.Code, ae.SubCode, class, code, subCode, err)
	}
	if subCode != "" && ae.SubMsg == "" {
		t.Errorf("sub_msg / resultMessage of %s not kept: %v", subCode, err)
	}
	if len(code) == 5 && ae.Msg == "" { // an Open Platform code: msg is kept too
		t.Errorf("msg of %s not kept: %v", code, err)
	}
	return ae
}

// wantTransport checks a failure that is not Alipay's answer: class and HTTP status (0 when
// there was no HTTP answer) and no Alipay codes invented.
func wantTransport(t testing.TB, err error, class alipayerr.Class, status int) *alipayerr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s (HTTP %d)", class, status)
	}
	ae := asError(t, err)
	if ae.Class != class || ae.HTTPStatus != status {
		t.Fatalf("got %s HTTP %d, want %s HTTP %d (%v)", ae.Class, ae.HTTPStatus, class, status, err)
	}
	if ae.SubCode != "" {
		t.Errorf("a transport failure carries sub code %q: %v", ae.SubCode, err)
	}
	return ae
}

// records lists what the simulator accepted for api, appID and recipient ("" matches any).
func (f *fixture) records(api, appID, recipient string) []alipaysim.Record {
	return f.ts.Requests(alipaysim.RequestFilter{API: api, AppID: appID, Recipient: recipient})
}

// wantRecords checks how many sends to recipient of appID the simulator accepted and
// returns them.
func (f *fixture) wantRecords(t testing.TB, appID, recipient string, n int) []alipaysim.Record {
	t.Helper()
	recs := f.records(f.sendAPI, appID, recipient)
	if len(recs) != n {
		t.Fatalf("simulator accepted %d sends to %s of %s, want %d", len(recs), recipient, appID, n)
	}
	return recs
}

// content decodes a record's biz_content (Alipay+: body) into a map.
func content(t testing.TB, r alipaysim.Record) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Content, &m); err != nil {
		t.Fatalf("record content %s: %v", r.Content, err)
	}
	return m
}

// obj returns m[k] as an object or fails.
func obj(t testing.TB, m map[string]any, k string) map[string]any {
	t.Helper()
	v, ok := m[k].(map[string]any)
	if !ok {
		t.Fatalf("%q is %T (%v), want an object; in %v", k, m[k], m[k], m)
	}
	return v
}

// str returns m[k] as a string or fails.
func str(t testing.TB, m map[string]any, k string) string {
	t.Helper()
	v, ok := m[k].(string)
	if !ok {
		t.Fatalf("%q is %T (%v), want a string; in %v", k, m[k], m[k], m)
	}
	return v
}

// wantAbsent fails if m has any of keys.
func wantAbsent(t testing.TB, m map[string]any, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if v, ok := m[k]; ok {
			t.Errorf("%q = %v sent, want it absent", k, v)
		}
	}
}
