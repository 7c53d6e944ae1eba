package appconn

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/reachhq/reach/clients/alipayerr"
)

// DefaultAlipayHosts are the gateway hosts a channel may call when the operator lists none:
// the Open Platform's production gateway, its current and legacy sandboxes, and Alipay+'s
// regional OpenAPI gateways (Asia, North America, Europe). A super app with its own host
// (GCash, TNG, …) is added by the operator.
var DefaultAlipayHosts = []string{
	"openapi.alipay.com",
	"openapi-sandbox.dl.alipaydev.com",
	"openapi.alipaydev.com",
	"open-sea-global.alipay.com",
	"open-na-global.alipay.com",
	"open-de-global.alipay.com",
}

// Endpoints is the operator's allowlist of Alipay gateways: the one place that says which
// URLs a channel's gateway_url may name (checked when a channel is created or updated) and
// which URLs Reach sends a signed request to (checked on every request, so a channel stored
// before the list changed cannot be used to reach anything else).
//
// A URL is allowed when it is https, carries no user name or password, and its host and
// port are listed ("host" means port 443). Loopback hosts (localhost, 127.0.0.0/8, ::1) are
// allowed only when listed with their port or when AllowLoopback is set (a local simulator);
// only they may use plain http, so credentials never cross a network in clear.
type Endpoints struct {
	hosts    map[string]bool // "host:port", lower case
	loopback bool
	list     []string
}

// NewEndpoints builds an allowlist from host or host:port entries; no entries means
// DefaultAlipayHosts. allowLoopback admits every loopback host and port.
func NewEndpoints(hosts []string, allowLoopback bool) (*Endpoints, error) {
	if len(hosts) == 0 {
		hosts = DefaultAlipayHosts
	}
	e := &Endpoints{hosts: map[string]bool{}, loopback: allowLoopback}
	for _, h := range hosts {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		key, err := hostKey(h)
		if err != nil {
			return nil, err
		}
		e.hosts[key] = true
		e.list = append(e.list, h)
	}
	if len(e.hosts) == 0 && !allowLoopback {
		return nil, fmt.Errorf("alipay hosts: the list is empty")
	}
	return e, nil
}

// ParseEndpoints is NewEndpoints over a comma-separated list (the --alipay-hosts flag); an
// empty list means the defaults, a list of only separators is a mistake.
func ParseEndpoints(list string, allowLoopback bool) (*Endpoints, error) {
	var hosts []string
	for h := range strings.SplitSeq(list, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	if len(hosts) == 0 && strings.TrimSpace(list) != "" {
		return nil, fmt.Errorf("alipay hosts %q: no host listed", list)
	}
	return NewEndpoints(hosts, allowLoopback)
}

// DefaultEndpoints is the allowlist of DefaultAlipayHosts, loopback not allowed.
func DefaultEndpoints() *Endpoints {
	e, err := NewEndpoints(nil, false)
	if err != nil {
		panic(err) // the defaults are constants
	}
	return e
}

// String lists the allowed hosts, for logs and error messages.
func (e *Endpoints) String() string {
	s := strings.Join(e.list, ",")
	if e.loopback {
		s += " (and loopback)"
	}
	return s
}

// hostKey normalizes a list entry ("host" or "host:port") to "host:port".
func hostKey(entry string) (string, error) {
	if strings.ContainsAny(entry, "/@?#") {
		return "", fmt.Errorf("alipay host %q: want host or host:port, not a URL", entry)
	}
	host, port := entry, "443"
	if h, p, err := net.SplitHostPort(entry); err == nil {
		host, port = h, p
	} else if strings.Count(entry, ":") > 1 { // a bare IPv6 address
		host = strings.Trim(entry, "[]")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("alipay host %q: bad port", entry)
	}
	host = normalizeHost(host)
	if host == "" {
		return "", fmt.Errorf("alipay host %q: no host", entry)
	}
	return net.JoinHostPort(host, port), nil
}

func normalizeHost(h string) string {
	h = strings.TrimSuffix(strings.ToLower(h), ".")
	if ip := net.ParseIP(h); ip != nil {
		return ip.String()
	}
	return h
}

// Check reports why a gateway URL may not be used, or nil. The error's text is fit for a
// field violation; it matches alipayerr.ErrEndpointNotAllowed.
func (e *Endpoints) Check(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return notAllowed("must be an absolute https URL")
	}
	return e.CheckURL(u)
}

// CheckURL is Check on a parsed URL.
func (e *Endpoints) CheckURL(u *url.URL) error {
	if u.Scheme != "https" && u.Scheme != "http" {
		return notAllowed("must be an absolute https URL")
	}
	if u.User != nil {
		return notAllowed("must not contain a user name or password")
	}
	host := normalizeHost(u.Hostname())
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "http": "80"}[u.Scheme]
	}
	loopback := isLoopback(host)
	if u.Scheme == "http" && !loopback {
		return notAllowed("must use https (plain http is allowed only for a loopback host)")
	}
	if e.hosts[net.JoinHostPort(host, port)] || (loopback && e.loopback) {
		return nil
	}
	return notAllowed(fmt.Sprintf("host %s is not one of the Alipay gateways this server may call (%s); the operator sets them with --alipay-hosts",
		net.JoinHostPort(host, port), e))
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// notAllowed is a refused gateway URL; its text is the reason.
type notAllowed string

func (n notAllowed) Error() string        { return string(n) }
func (n notAllowed) Is(target error) bool { return target == alipayerr.ErrEndpointNotAllowed }

// guard is the transport under Reach's HTTP client to Alipay: every request, whichever
// adapter makes it, is checked against the allowlist before a connection is made.
type guard struct {
	endpoints *Endpoints
	next      http.RoundTripper
}

func (g guard) RoundTrip(r *http.Request) (*http.Response, error) {
	if err := g.endpoints.CheckURL(r.URL); err != nil {
		if r.Body != nil {
			_ = r.Body.Close() // a RoundTripper closes the body, even on error
		}
		return nil, err
	}
	return g.next.RoundTrip(r)
}

// Hosts returns the listed entries (not loopback), for tests and logs.
func (e *Endpoints) Hosts() []string { return slices.Clone(e.list) }
