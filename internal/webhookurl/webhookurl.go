// Package webhookurl decides where Reach may post webhooks. Endpoint URLs come from
// tenants, so the rules keep a tenant from making Reach probe the operator's network: the
// URL is checked when it is stored, and the address is checked again after DNS resolution
// when a connection is made, because a public name can point at a private address.
package webhookurl

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
)

// MaxLength bounds an endpoint URL.
const MaxLength = 2048

// Policy is the operator's rule. The zero value is the safe default: https only, public
// addresses only.
type Policy struct {
	// AllowPrivate admits loopback, private and link-local hosts and plain http, for
	// receivers on the operator's own machine or network (--webhook-allow-private).
	AllowPrivate bool
}

// Check reports why raw may not be an endpoint URL, or nil. The error's text is fit for a
// field violation.
func (p Policy) Check(raw string) error {
	if len(raw) > MaxLength {
		return errors.New("must be at most 2048 characters")
	}
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" || u.Host == "" || u.Hostname() == "" {
		return errors.New("must be an absolute https URL")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && p.AllowPrivate:
	case u.Scheme == "http":
		return errors.New("must use https (plain http only when the operator allows private endpoints)")
	default:
		return errors.New("must be an absolute https URL")
	}
	if u.User != nil {
		return errors.New("must not contain a user name or password")
	}
	if u.Fragment != "" || strings.HasSuffix(raw, "#") {
		return errors.New("must not contain a fragment (#…)")
	}
	if p.AllowPrivate {
		return nil
	}
	if isPrivateHost(u.Hostname()) {
		return errors.New("must not name a loopback, private, link-local, unspecified or multicast address (the operator allows them with --webhook-allow-private)")
	}
	if isOddNumericHost(u.Hostname()) {
		return errors.New("must name a DNS name or an IP address in its standard form")
	}
	return nil
}

// isOddNumericHost reports a host that is no standard IP address yet ends in a numeric
// label ("2130706433", "0x7f.1", "127.1"): no DNS name does, but some resolvers read them as
// IPv4 addresses in shorthand, which would slip past the address check above.
func isOddNumericHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if _, err := netip.ParseAddr(h); err == nil {
		return false
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	if strings.HasPrefix(last, "0x") {
		return true
	}
	return last != "" && strings.Trim(last, "0123456789") == ""
}

// isPrivateHost reports whether a URL's host is an address (or a name reserved for one)
// outside the public internet. Other names are checked when they are resolved.
func isPrivateHost(host string) bool {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	addr, err := netip.ParseAddr(h)
	if err != nil {
		return false
	}
	return isPrivateAddr(addr)
}

// cgnat is the shared address space of carrier-grade NAT (RFC 6598), private in practice.
var (
	cgnat     = netip.MustParsePrefix("100.64.0.0/10")
	thisHost  = netip.MustParsePrefix("0.0.0.0/8")
	broadcast = netip.MustParseAddr("255.255.255.255")
)

// isPrivateAddr reports whether addr is not a public unicast address.
func isPrivateAddr(addr netip.Addr) bool {
	addr = addr.Unmap() // ::ffff:127.0.0.1 is 127.0.0.1
	return !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsUnspecified() ||
		addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() ||
		addr.IsMulticast() || cgnat.Contains(addr) || thisHost.Contains(addr) || addr == broadcast ||
		addr.Zone() != ""
}
