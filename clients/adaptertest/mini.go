package adaptertest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/reachhq/reach/clients/adapter"
	"github.com/reachhq/reach/clients/alipayerr"
)

var miniCases = append([]testCase{
	{"Send/to_user_id and default page", testMiniUserID},
	{"Send/to_open_id", testMiniOpenID},
	{"Send/page override", testMiniPageOverride},
	{"Send/data: eleven keywords in order, escaping", testMiniData},
	{"Send/BadRequest/value longer than 50 characters", testMiniValueLength},
	{"Send/BadRequest/template keywords out of date", testMiniStaleKeys},
	{"Send/NotSubscribed/no subscription", testMiniNoSubscription},
	{"Send/NotSubscribed/one-time acceptances used up", testMiniOneTime},
	{"QuerySubscriptions/batches of 3, one-time and long-term", testMiniQuery},
	{"QuerySubscriptions/open id", testMiniQueryOpenID},
}, gatewayCases(miniCertApp, miniAESApp, miniCertAES, miniForeign)...)

// miniSent returns the one send to recipient and its data string.
func miniSent(t testing.TB, f *fixture, recipient string) (biz map[string]any, data string) {
	t.Helper()
	biz = content(t, f.wantRecords(t, f.appID, recipient, 1)[0])
	return biz, str(t, biz, "data") // a JSON string, not an object (§2.1)
}

func testMiniUserID(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	send(t, f.main, m)
	biz, data := miniSent(t, f, m.Recipient.ID)
	if got := str(t, biz, "to_user_id"); got != m.Recipient.ID {
		t.Errorf("to_user_id %q, want %q", got, m.Recipient.ID)
	}
	wantAbsent(t, biz, "to_open_id")
	if got := str(t, biz, "user_template_id"); got != longTmpl {
		t.Errorf("user_template_id %q, want %q", got, longTmpl)
	}
	if got := str(t, biz, "page"); got != miniPage {
		t.Errorf("page %q, want the template's %q", got, miniPage)
	}
	wantData(t, data, m.Template.Keys, m.Data)
}

func testMiniOpenID(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Recipient = adapter.User{Kind: adapter.OpenID, ID: f.openID()}
	if err := f.ts.Subscribe(f.appID, m.Recipient.ID, longTmpl, 0); err != nil {
		t.Fatal(err)
	}
	send(t, f.main, m)
	biz, _ := miniSent(t, f, m.Recipient.ID)
	if got := str(t, biz, "to_open_id"); got != m.Recipient.ID {
		t.Errorf("to_open_id %q, want %q", got, m.Recipient.ID)
	}
	wantAbsent(t, biz, "to_user_id") // never an open id as a user id
}

func testMiniPageOverride(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Page = "pages/refund/index?order%3D9%26from%3Dpush"
	send(t, f.main, m)
	biz, _ := miniSent(t, f, m.Recipient.ID)
	if got := str(t, biz, "page"); got != m.Page {
		t.Errorf("page %q, want the message's %q", got, m.Page)
	}
}

// Eleven keywords: a map-ordered encoding would put keyword10 and keyword11 before keyword2.
// Values hold what JSON must escape, HTML-sensitive characters and Chinese.
func testMiniData(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	if err := f.ts.Subscribe(f.appID, m.Recipient.ID, elevenTmpl, 0); err != nil {
		t.Fatal(err)
	}
	m.Template = adapter.Template{ExternalID: elevenTmpl, Keys: keywords(11), Page: miniPage}
	values := []string{`他说 "你好"`, `<b>bold</b>`, `A&B & C`, `支付宝（中国）`, `back\slash`, "line\nbreak",
		`{"json":"inside"}`, `100%`, `emoji 🎉`, `tab	here`, `末尾`}
	m.Data = map[string]string{}
	for i, k := range m.Template.Keys {
		m.Data[k] = values[i]
	}
	send(t, f.main, m)
	_, data := miniSent(t, f, m.Recipient.ID)
	wantData(t, data, m.Template.Keys, m.Data)
}

// wantData checks that data is {"k":{"value":v},…} with exactly keys, in that order.
func wantData(t testing.TB, data string, keys []string, values map[string]string) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("data %q does not start an object", data)
	}
	var order []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("data %q: %v", data, err)
		}
		k := tok.(string)
		order = append(order, k)
		var v map[string]json.RawMessage
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("data %q, %s: %v", data, k, err)
		}
		var value string
		if err := json.Unmarshal(v["value"], &value); err != nil || len(v) != 1 {
			t.Errorf("data %s = %s, want exactly {\"value\": string}", k, mustMarshal(v))
		}
		if value != values[k] {
			t.Errorf("data %s value %q, want %q", k, value, values[k])
		}
	}
	if fmt.Sprint(order) != fmt.Sprint(keys) {
		t.Errorf("data keys %v, want the template's order %v", order, keys)
	}
}

func mustMarshal(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return bytes.TrimSpace(b.Bytes())
}

// A keyword value may hold 50 characters (not bytes); 51 is refused by Alipay.
func testMiniValueLength(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Data["keyword1"] = strings.Repeat("长", 50)
	send(t, f.main, m)
	m.ID = f.msgID()
	m.Data["keyword1"] = strings.Repeat("长", 51)
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.BadRequest, "40004", "USER_KEYWORD_LENGTH_ERROR")
	f.wantRecords(t, f.appID, m.Recipient.ID, 1)
}

// Reach's copy of the template lists fewer keywords than Alipay's template has.
func testMiniStaleKeys(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Template.Keys = keywords(1)
	delete(m.Data, "keyword2")
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.BadRequest, "40004", "USER_TEMPLATE_LACK_KEYWORD")
	f.wantRecords(t, f.appID, m.Recipient.ID, 0)
}

func testMiniNoSubscription(t *testing.T, f *fixture) {
	m := f.ready(t, f.msgID())
	m.Recipient.ID = f.user() // nobody subscribed this one
	_, err := f.main.Send(ctx(t), m)
	wantErr(t, err, alipayerr.NotSubscribed, "40004", "MSG_UNSUBSCRIBED")
}

// Each one-time acceptance is good for exactly one send; acceptances accumulate.
func testMiniOneTime(t *testing.T, f *fixture) {
	for _, accepted := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d acceptances", accepted), func(t *testing.T) {
			user := f.user()
			if err := f.ts.Subscribe(f.appID, user, onceTmpl, accepted); err != nil {
				t.Fatal(err)
			}
			m := &adapter.Message{Template: adapter.Template{ExternalID: onceTmpl, Keys: keywords(3), Page: miniPage},
				Recipient: adapter.User{Kind: adapter.UserID, ID: user},
				Data:      map[string]string{"keyword1": "12:00", "keyword2": "20240501", "keyword3": "支付宝"}}
			for range accepted {
				m.ID = f.msgID()
				send(t, f.main, m)
			}
			m.ID = f.msgID()
			_, err := f.main.Send(ctx(t), m)
			wantErr(t, err, alipayerr.NotSubscribed, "40004", "MSG_UNSUBSCRIBED")
			f.wantRecords(t, f.appID, user, accepted)
		})
	}
}

const queryAPI = "alipay.open.app.messagetemplate.subscribe.query"

// Seven template ids take three calls (3, 3, 1). Alipay lists only usable relations: the
// long-term one, the one-time one until its acceptance is spent.
func testMiniQuery(t *testing.T, f *fixture) {
	q, ok := f.main.(adapter.SubscriptionQuerier)
	if !ok {
		t.Fatalf("%T does not implement adapter.SubscriptionQuerier", f.main)
	}
	user := f.user()
	for _, id := range []string{longTmpl, onceTmpl} {
		if err := f.ts.Subscribe(f.appID, user, id, 1); err != nil {
			t.Fatal(err)
		}
	}
	ids := []string{"unknown000000000000000000000001", onceTmpl, elevenTmpl, "unknown000000000000000000000002",
		"unknown000000000000000000000003", "unknown000000000000000000000004", longTmpl}
	u := adapter.User{Kind: adapter.UserID, ID: user}
	rels, err := q.QuerySubscriptions(ctx(t), u, ids)
	if err != nil {
		t.Fatalf("QuerySubscriptions: %v", err)
	}
	want := []adapter.Relation{
		{TemplateID: onceTmpl, Subscribed: true, LongTerm: false, SubscribeType: "onetime", SubscribeState: "0", KeepState: "0"},
		{TemplateID: longTmpl, Subscribed: true, LongTerm: true, SubscribeType: "longterm", SubscribeState: "0", KeepState: "0"},
	}
	if fmt.Sprintf("%+v", rels) != fmt.Sprintf("%+v", want) {
		t.Errorf("relations\n got %+v\nwant %+v", rels, want)
	}
	calls := f.records(queryAPI, f.appID, user)
	var batches [][]any
	for _, c := range calls {
		biz := content(t, c)
		if got := str(t, biz, "user_id"); got != user {
			t.Errorf("user_id %q, want %q", got, user)
		}
		batches = append(batches, biz["template_id_list"].([]any))
	}
	if fmt.Sprint(batches) != fmt.Sprint([][]string{ids[0:3], ids[3:6], ids[6:]}) {
		t.Errorf("batches %v, want %v", batches, [][]string{ids[0:3], ids[3:6], ids[6:]})
	}

	// The one-time acceptance is spent by one send: it is no longer listed.
	send(t, f.main, &adapter.Message{ID: f.msgID(), Template: adapter.Template{ExternalID: onceTmpl, Keys: keywords(3), Page: miniPage},
		Recipient: u, Data: map[string]string{"keyword1": "a", "keyword2": "b", "keyword3": "c"}})
	rels, err = q.QuerySubscriptions(ctx(t), u, []string{onceTmpl, longTmpl})
	if err != nil {
		t.Fatalf("QuerySubscriptions: %v", err)
	}
	if len(rels) != 1 || rels[0].TemplateID != longTmpl || !rels[0].LongTerm {
		t.Errorf("after the one-time send: %+v, want only the long-term relation", rels)
	}
	if n := len(f.records(queryAPI, f.appID, user)); n != 4 {
		t.Errorf("%d query calls in all, want 4 (3 batches, then 1)", n)
	}
	// No ids, no call.
	if rels, err := q.QuerySubscriptions(ctx(t), u, nil); err != nil || len(rels) != 0 {
		t.Errorf("QuerySubscriptions(no ids) = %v, %v", rels, err)
	}
	if n := len(f.records(queryAPI, f.appID, user)); n != 4 {
		t.Errorf("a query of no templates called Alipay (%d calls)", n)
	}
}

func testMiniQueryOpenID(t *testing.T, f *fixture) {
	q := f.main.(adapter.SubscriptionQuerier)
	open := f.openID()
	if err := f.ts.Subscribe(f.appID, open, longTmpl, 0); err != nil {
		t.Fatal(err)
	}
	rels, err := q.QuerySubscriptions(ctx(t), adapter.User{Kind: adapter.OpenID, ID: open}, []string{longTmpl})
	if err != nil {
		t.Fatalf("QuerySubscriptions: %v", err)
	}
	if len(rels) != 1 || !rels[0].LongTerm {
		t.Errorf("relations %+v, want the long-term one", rels)
	}
	calls := f.records(queryAPI, f.appID, open)
	if len(calls) != 1 {
		t.Fatalf("%d calls, want 1", len(calls))
	}
	biz := content(t, calls[0])
	if got := str(t, biz, "open_id"); got != open {
		t.Errorf("open_id %q, want %q", got, open)
	}
	wantAbsent(t, biz, "user_id")
}
