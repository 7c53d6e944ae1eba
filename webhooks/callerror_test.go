package webhooks

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestCallErrorShowsNoAddresses: what an attempt record says of a call that got no answer
// names neither the DNS server Reach asked nor the connection's addresses (a new-user trial
// saw the resolver's address in a tenant's webhook attempts).
func TestCallErrorShowsNoAddresses(t *testing.T) {
	dnsErr := &url.Error{Op: "Post", URL: "https://hooks.example.com/x", Err: &net.OpError{Op: "dial", Net: "tcp",
		Err: &net.DNSError{Err: "no such host", Name: "hooks.example.com", Server: "10.255.255.53:53", IsNotFound: true}}}
	if got := callError(dnsErr); got != "no answer: the host name does not resolve (no such host)" {
		t.Errorf("DNS failure: %q", got)
	}

	// A real refused connection: a port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/hook", nil)
	_, err = http.DefaultClient.Do(req)
	if err == nil {
		t.Fatal("a call to a closed port got an answer")
	}
	got := callError(err)
	if got != "no answer: the connection was refused" || strings.Contains(got, "127.0.0.1") {
		t.Errorf("refused connection (%v): %q", err, got)
	}
	if got := callError(&url.Error{Op: "Post", URL: "https://x", Err: context.DeadlineExceeded}); got != "no answer within the call timeout" {
		t.Errorf("timeout: %q", got)
	}
}
