package alipaysim

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// One server for all fuzz inputs: building one per input would spend the run on setup.
var fuzzServer = sync.OnceValues(func() (*TestServer, error) { return newTestServer(testConfig()) })

// FuzzGateway feeds arbitrary form bodies and query strings to gateway.do: whatever comes
// in, the answer is HTTP 200 JSON (or a 4xx for an unreadable form), never a panic.
func FuzzGateway(f *testing.F) {
	ts, err := fuzzServer()
	if err != nil {
		f.Fatal(err)
	}
	c := gw(f, ts, miniApp)
	good := c.params(miniSend, miniSendBiz(user1, longTmpl, data2))
	good["sign"] = testSign(c.key, good)
	form := url.Values{}
	for k, v := range good {
		form.Set(k, v)
	}
	f.Add(form.Encode(), "")
	f.Add("method=alipay.open.public.info.query&app_id="+lifeApp, "charset=utf-8")
	f.Add("encrypt_type=AES&biz_content=%%%", "app_id="+aesApp)
	f.Fuzz(func(t *testing.T, body, query string) {
		req := httptest.NewRequest(http.MethodPost, "/gateway.do", strings.NewReader(body))
		req.URL.RawQuery = query
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		ts.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 && rec.Code != 400 {
			t.Fatalf("HTTP %d: %s", rec.Code, rec.Body)
		}
		if rec.Code == 200 && !strings.HasPrefix(rec.Body.String(), `{"`) {
			t.Fatalf("not a JSON answer: %s", rec.Body)
		}
	})
}

// FuzzPlus feeds arbitrary headers and bodies to the Alipay+ endpoints.
func FuzzPlus(f *testing.F) {
	ts, err := fuzzServer()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plusID, "2019-04-04T12:08:56.253+05:30", "algorithm=RSA256, keyVersion=1, signature=abc%2B", `{"appId":"x"}`)
	f.Add(plusID, "1700000000000", "signature=", "{")
	f.Fuzz(func(t *testing.T, clientID, reqTime, sig, body string) {
		req := httptest.NewRequest(http.MethodPost, pathSend, strings.NewReader(body))
		req.Header.Set("Client-Id", clientID)
		req.Header.Set("Request-Time", reqTime)
		req.Header.Set("Signature", sig)
		rec := httptest.NewRecorder()
		ts.Handler().ServeHTTP(rec, req)
		if rec.Code != 200 || rec.Header().Get("Signature") == "" {
			t.Fatalf("HTTP %d, signature %q: %s", rec.Code, rec.Header().Get("Signature"), rec.Body)
		}
	})
}
