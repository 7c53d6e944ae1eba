package webhookurl

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	strict, open := Policy{}, Policy{AllowPrivate: true}
	cases := []struct {
		url            string
		strict, open   bool // allowed under each policy
		strictContains string
	}{
		{"https://hooks.example.com/reach", true, true, ""},
		{"https://hooks.example.com:8443/a?b=c", true, true, ""},
		{"https://203.0.113.7/hook", true, true, ""},
		{"http://hooks.example.com/reach", false, true, "https"},
		{"ftp://hooks.example.com/", false, false, "https URL"},
		{"hooks.example.com/reach", false, false, "absolute"},
		{"https:///path", false, false, "absolute"},
		{"https://user:pw@hooks.example.com/", false, false, "user name"},
		{"https://user@hooks.example.com/", false, false, "user name"},
		{"https://hooks.example.com/#frag", false, false, "fragment"},
		{"https://127.0.0.1/", false, true, "loopback"},
		{"https://127.8.9.10:9000/", false, true, "loopback"},
		{"https://localhost/", false, true, "loopback"},
		{"https://api.localhost./", false, true, "loopback"},
		{"https://[::1]/", false, true, "loopback"},
		{"https://[::ffff:127.0.0.1]/", false, true, "loopback"},
		{"https://10.1.2.3/", false, true, "private"},
		{"https://172.16.0.1/", false, true, "private"},
		{"https://192.168.1.1/", false, true, "private"},
		{"https://100.64.0.1/", false, true, "private"},
		{"https://[fd00::1]/", false, true, "private"},
		{"https://169.254.169.254/latest/meta-data", false, true, "link-local"},
		{"https://[fe80::1]/", false, true, "link-local"},
		{"https://0.0.0.0/", false, true, "unspecified"},
		{"https://[::]/", false, true, "unspecified"},
		{"https://224.0.0.1/", false, true, "multicast"},
		{"https://" + strings.Repeat("a", MaxLength) + ".com/", false, false, "2048"},
		{"https://2130706433/", false, true, "standard form"},
		{"https://127.1/", false, true, "standard form"},
		{"https://0x7f.0.0.1/", false, true, "standard form"},
		{"https://hooks.0x7f/", false, true, "standard form"},
		{"https://1password.example.com/", true, true, ""},
	}
	for _, c := range cases {
		err := strict.Check(c.url)
		if (err == nil) != c.strict {
			t.Errorf("strict Check(%q) = %v, want allowed=%v", c.url, err, c.strict)
		}
		if err != nil && !strings.Contains(err.Error(), c.strictContains) {
			t.Errorf("strict Check(%q) = %q, want it to mention %q", c.url, err, c.strictContains)
		}
		if err := open.Check(c.url); (err == nil) != c.open {
			t.Errorf("AllowPrivate Check(%q) = %v, want allowed=%v", c.url, err, c.open)
		}
	}
}

// The dialer refuses a loopback address after resolution: "localhost" passes no URL check
// here (NewClient is used for stored URLs), so this is the check a re-pointed name meets.
func TestClientRefusesPrivateAddressesAfterResolution(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	byName := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)

	for _, u := range []string{srv.URL, byName} {
		resp, err := NewClient(Policy{}, 5*time.Second).Post(u, "application/json", strings.NewReader("{}"))
		if err == nil {
			resp.Body.Close()
			t.Fatalf("POST %s with the default policy succeeded", u)
		}
		if !errors.Is(err, ErrRefusedAddress) {
			t.Fatalf("POST %s: %v, want ErrRefusedAddress", u, err)
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the listener was reached %d times", hits.Load())
	}

	resp, err := NewClient(Policy{AllowPrivate: true}, 5*time.Second).Post(byName, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatalf("POST with AllowPrivate: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent || hits.Load() != 1 {
		t.Fatalf("status %d, hits %d; want 204 and 1", resp.StatusCode, hits.Load())
	}
}

func TestClientFollowsNoRedirects(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://169.254.169.254/", http.StatusFound)
	}))
	defer srv.Close()
	resp, err := NewClient(Policy{AllowPrivate: true}, 5*time.Second).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("status %d, want the 302 itself", resp.StatusCode)
	}
}
