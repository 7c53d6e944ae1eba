package webhookurl

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrRefusedAddress is the error of a connection refused because the address it resolved
// to is not public.
var ErrRefusedAddress = errors.New("webhook endpoint resolves to a loopback, private or otherwise non-public address")

// NewClient returns the HTTP client a deliverer posts webhooks with. Its dialer checks the
// address after DNS resolution, just before connecting, so a name that resolves (or is
// re-pointed) to a private address is refused unless p allows private endpoints. It uses no
// proxy (a proxy would connect on Reach's behalf, past the check) and follows no redirects
// (the receiver answers itself; a redirect could lead anywhere).
func NewClient(p Policy, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.AllowPrivate {
		d.Control = refusePrivate
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.DialContext = d.DialContext
	return &http.Client{
		Transport: tr,
		Timeout:   timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// refusePrivate is a net.Dialer Control function: address is the resolved "ip:port".
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, address)
	}
	if isPrivateAddr(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrRefusedAddress, ap.Addr())
	}
	return nil
}
