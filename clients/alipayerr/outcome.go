package alipayerr

import (
	"errors"
	"net"
	"strings"
	"syscall"
)

// MaybeDelivered reports whether a failed call may nevertheless have delivered the message
// (§6.3), so that sending it again may deliver it twice (the Open Platform send APIs take no
// idempotency key; Alipay+ has requestId).
//
// It is true when the outcome is unknown: a Retryable error (20000, SYSTEM_ERROR and the
// other transient codes, Alipay+ U, HTTP 5xx, a timeout, a connection dropped after the
// request was written, an unreadable answer) and any error that is not an *Error, since a
// transport failure is Retryable too (ClassOf). It is false for such an error when the
// request certainly never left: a dial error — a *net.OpError whose Op is "dial", a refused
// connection (ECONNREFUSED), a DNS failure (*net.DNSError) or a URL the allowlist refused
// (ErrEndpointNotAllowed) — anywhere in the chain of the
// call's own error. A dial error inside a nested *Error belongs to another call (such as a
// certificate download made while reading Alipay's answer) and does not count.
//
// It is false for nil and for every other class: Alipay's definite refusal (RateLimited,
// TemplateMissing, NotSubscribed, BadRequest, Permanent, Auth) or a request refused before it
// was sent. Two cases where no refusal was read stay true, erring towards a possible
// duplicate rather than a silent one: an *Error whose Code is a success (10000, S, A; Alipay
// accepted the call and only the answer's decoding failed), and an Auth error that carries no
// code and no HTTP status (the answer could not be verified or decrypted, so it may have
// been a success).
func MaybeDelivered(err error) bool {
	if err == nil {
		return false
	}
	var e *Error
	if !errors.As(err, &e) {
		return !neverSent(err)
	}
	switch code := strings.TrimSpace(e.Code); {
	case code == "10000" || code == "S" || code == "A":
		return true
	case e.Class == Auth && code == "" && e.SubCode == "" && e.HTTPStatus == 0:
		return true
	case e.Class != Retryable:
		return false
	}
	return !neverSent(e.Err)
}

// neverSent reports whether err's chain (Unwrap, including joined errors) holds a dial
// error: the connection to Alipay was never made, so no byte of the request left. It does
// not descend into a nested *Error, which is another call's failure.
func neverSent(err error) bool {
	if x, ok := err.(interface{ Is(error) bool }); err == ErrEndpointNotAllowed || (ok && x.Is(ErrEndpointNotAllowed)) {
		return true // refused by the allowlist before a connection was made
	}
	switch x := err.(type) {
	case nil, *Error:
		return false
	case *net.OpError:
		if x.Op == "dial" {
			return true
		}
	case *net.DNSError:
		return true
	case syscall.Errno:
		if x == syscall.ECONNREFUSED {
			return true
		}
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		return neverSent(u.Unwrap())
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if neverSent(e) {
				return true
			}
		}
	}
	return false
}

// TokenExpired reports whether err is Alipay+'s signed answer (Verified) that the user's
// access token has expired: resultStatus F with resultCode EXPIRED_ACCESS_TOKEN (§4.4). The
// caller should renew the token with applyToken (§4.6) and send again; the class stays
// NotSubscribed for callers that do not. INVALID_ACCESS_TOKEN (a token Alipay does not know,
// or one of another app) is not an expiry: a refresh cannot mend it, and it stays a plain
// NotSubscribed. An unverified answer never counts.
func TokenExpired(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Verified && e.Class == NotSubscribed &&
		strings.EqualFold(strings.TrimSpace(e.Code), "F") && normalize(e.SubCode) == "EXPIRED_ACCESS_TOKEN"
}
