package appconn

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/reachhq/reach/clients/alipayerr"
)

func TestEndpointsCheck(t *testing.T) {
	def := DefaultEndpoints()
	loop, err := NewEndpoints(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	listed, err := ParseEndpoints("wallet.example:8443, 127.0.0.1:9000 ,[::1]:9001,LocalHost:7000", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ep   *Endpoints
		url  string
		ok   bool
	}{
		{"production", def, "https://openapi.alipay.com/gateway.do", true},
		{"production with charset query", def, "https://openapi.alipay.com/gateway.do?charset=utf-8", true},
		{"production, explicit port 443", def, "https://openapi.alipay.com:443/gateway.do", true},
		{"production, upper case and trailing dot", def, "https://OpenAPI.Alipay.com./gateway.do", true},
		{"sandbox", def, "https://openapi-sandbox.dl.alipaydev.com/gateway.do", true},
		{"legacy sandbox", def, "https://openapi.alipaydev.com/gateway.do", true},
		{"alipay+ asia", def, "https://open-sea-global.alipay.com/api/open", true},
		{"alipay+ north america", def, "https://open-na-global.alipay.com/api/open", true},
		{"alipay+ europe", def, "https://open-de-global.alipay.com/api/open", true},
		{"production on another port", def, "https://openapi.alipay.com:8443/gateway.do", false},
		{"production over http", def, "http://openapi.alipay.com/gateway.do", false},
		{"a look-alike host", def, "https://openapi.alipay.com.evil.example/gateway.do", false},
		{"any other host", def, "https://example.com/gateway.do", false},
		{"private address", def, "https://10.0.0.1/gateway.do", false},
		{"metadata address", def, "http://169.254.169.254/latest/meta-data", false},
		{"loopback by default", def, "http://127.0.0.1:8080/gateway.do", false},
		{"localhost by default", def, "https://localhost/gateway.do", false},
		{"user info", def, "https://user:pass@openapi.alipay.com/gateway.do", false},
		{"user name only", def, "https://user@openapi.alipay.com/gateway.do", false},
		{"not a URL", def, "openapi.alipay.com/gateway.do", false},
		{"ftp", def, "ftp://openapi.alipay.com/gateway.do", false},
		{"loopback allowed: http", loop, "http://127.0.0.1:8080/gateway.do", true},
		{"loopback allowed: other loopback address", loop, "http://127.0.0.2:1/gateway.do", true},
		{"loopback allowed: ipv6", loop, "http://[::1]:8080/gateway.do", true},
		{"loopback allowed: localhost", loop, "https://localhost:8443/x", true},
		{"loopback allowed: still no user info", loop, "http://a:b@127.0.0.1:8080/gateway.do", false},
		{"loopback allowed: not a private address", loop, "http://10.0.0.1:8080/gateway.do", false},
		{"loopback allowed: defaults stay", loop, "https://openapi.alipay.com/gateway.do", true},
		{"listed host and port", listed, "https://wallet.example:8443/api/open", true},
		{"listed host, other port", listed, "https://wallet.example/api/open", false},
		{"list replaces the defaults", listed, "https://openapi.alipay.com/gateway.do", false},
		{"listed loopback port over http", listed, "http://127.0.0.1:9000/gateway.do", true},
		{"listed ipv6 loopback port", listed, "http://[::1]:9001/gateway.do", true},
		{"listed localhost port", listed, "http://localhost:7000/gateway.do", true},
		{"unlisted loopback port", listed, "http://127.0.0.1:9002/gateway.do", false},
	} {
		err := c.ep.Check(c.url)
		if (err == nil) != c.ok {
			t.Errorf("%s: Check(%q) = %v, want ok=%v", c.name, c.url, err, c.ok)
		}
		if err != nil && !errors.Is(err, alipayerr.ErrEndpointNotAllowed) {
			t.Errorf("%s: %v is not ErrEndpointNotAllowed", c.name, err)
		}
	}
}

func TestParseEndpointsRejectsURLs(t *testing.T) {
	for _, bad := range []string{"https://openapi.alipay.com", "openapi.alipay.com/gateway.do", "user@openapi.alipay.com", "host:0", "host:99999", "host:http", ":443"} {
		if _, err := ParseEndpoints(bad, false); err == nil {
			t.Errorf("ParseEndpoints(%q) accepted", bad)
		}
	}
	if _, err := ParseEndpoints(" , ", false); err == nil {
		t.Error("an empty list (only separators) was accepted")
	}
	if ep, err := ParseEndpoints("", false); err != nil || len(ep.Hosts()) != len(DefaultAlipayHosts) {
		t.Errorf("no list: %v %v, want the defaults", ep, err)
	}
}

// TestHTTPClientEnforcesEndpoints: the connector's client refuses, before dialling, any URL
// the allowlist does not name — a channel stored before the list changed reaches nothing —
// and follows no redirect, so a signed request never goes on to another host.
func TestHTTPClientEnforcesEndpoints(t *testing.T) {
	var hits, redirected atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { redirected.Add(1) }))
	defer target.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()

	resp, err := HTTPClient(DefaultEndpoints()).Post(srv.URL+"/gateway.do", "text/plain", strings.NewReader("signed"))
	if err == nil {
		resp.Body.Close()
		t.Fatal("the default allowlist let a request reach a loopback server")
	}
	if !errors.Is(err, alipayerr.ErrEndpointNotAllowed) || hits.Load() != 0 {
		t.Errorf("refused with %v after %d hits; want ErrEndpointNotAllowed and none", err, hits.Load())
	}

	loop, _ := NewEndpoints(nil, true)
	resp, err = HTTPClient(loop).Post(srv.URL+"/gateway.do", "text/plain", strings.NewReader("signed"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || hits.Load() != 1 || redirected.Load() != 0 {
		t.Errorf("HTTP %d, %d hits, %d redirected; want the 307 itself, 1 hit, the redirect not followed", resp.StatusCode, hits.Load(), redirected.Load())
	}
}
