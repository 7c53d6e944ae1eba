// Package alipayerr is the one error taxonomy for every Alipay product: what an answer from
// Alipay (or the lack of one) means for the message that caused it.
package alipayerr

import (
	"cmp"
	"errors"
	"fmt"
)

// Class is what a failed call means for the caller.
type Class int

const (
	// Retryable: the outcome is unknown or temporary (20000 isp.unknow-error, SYSTEM_ERROR,
	// MSG_SEND_ERROR, Alipay+ U, HTTP 5xx, timeouts, connection errors). Try again later,
	// idempotently; MaybeDelivered tells whether the failed call may have delivered anyway.
	Retryable Class = iota + 1
	// RateLimited: Alipay throttled the call (40005, isv.app-call-limited, MSG_SINGLE_SD_OVER,
	// PUB.MSG_BATCH_SD_OVER, REQUEST_TRAFFIC_EXCEED_LIMIT, MESSAGE_SEND_EXCEED_LIMIT, HTTP 429).
	// Try again after backing off; the whole channel should slow down (§6.1).
	RateLimited
	// Auth: the credentials or the app's configuration are wrong (bad signature, unknown app,
	// missing permission or encryption key, 40006, app unavailable or punished, no sending
	// authorisation, Alipay+ signature/access errors). Nothing on this channel will work until
	// an operator fixes it.
	Auth
	// TemplateMissing: the template no longer exists at Alipay or is no longer valid there
	// (MSG_TEMPLATE_NOT_EXIST, USER_TEMPLATE_ILLEGAL, MSG_TEMPLATE_INVALID, ...).
	TemplateMissing
	// NotSubscribed: the recipient cannot receive it until the user acts: not subscribed or
	// following, one-time quota used, refused, or the user's Alipay+ token expired or invalid
	// (see TokenExpired).
	NotSubscribed
	// BadRequest: the request data is wrong (missing keyword, value too long, bad argument,
	// invalid recipient id).
	BadRequest
	// Permanent: any other failure; do not retry. Unknown codes land here with the raw code
	// kept, as do content-policy refusals and an exhausted API balance.
	Permanent
)

var classNames = map[Class]string{
	Retryable: "RETRYABLE", RateLimited: "RATE_LIMITED", Auth: "AUTH", TemplateMissing: "TEMPLATE_MISSING",
	NotSubscribed: "NOT_SUBSCRIBED", BadRequest: "BAD_REQUEST", Permanent: "PERMANENT",
}

// ErrEndpointNotAllowed: the call was not made because its URL is not one of the Alipay
// gateways the operator allows (appconn.Endpoints). Nothing can be sent on the channel until
// its gateway_url is corrected, and no byte of the request left Reach.
var ErrEndpointNotAllowed = errors.New("the gateway URL is not one of the Alipay gateways this server may call")

func (c Class) String() string {
	if n, ok := classNames[c]; ok {
		return n
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Retry reports whether a call that failed with this class may succeed if repeated.
func (c Class) Retry() bool { return c == Retryable || c == RateLimited }

// Error is a failed Alipay call with Alipay's own words kept for the user to see.
type Error struct {
	Class Class
	// Open Platform code/msg/sub_code/sub_msg; for Alipay+ Code is the resultStatus (F, U),
	// SubCode the resultCode and SubMsg the resultMessage.
	Code, Msg, SubCode, SubMsg string
	// HTTPStatus is set when the failure was an unexpected HTTP status.
	HTTPStatus int
	// Err is the transport or verification error underneath, if any.
	Err error
	// Verified is set when the answer carried a valid Alipay signature: Alipay itself said
	// this, not a proxy, a wrong URL or a forger.
	Verified bool
}

func (e *Error) Error() string {
	s := "alipay: " + e.Class.String()
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.SubCode != "" {
		s += "/" + e.SubCode
	}
	if msg := cmp.Or(e.SubMsg, e.Msg); msg != "" {
		s += ": " + msg
	}
	if e.HTTPStatus != 0 {
		s += fmt.Sprintf(" (HTTP %d)", e.HTTPStatus)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// Reason is a short stable form for state reasons, e.g. "40004/MSG_TEMPLATE_NOT_EXIST". The
// codes of an answer nobody signed are shown only when they look like codes.
func (e *Error) Reason() string {
	code, sub := e.Code, e.SubCode
	if !e.Verified {
		code, sub = SafeCode(code), SafeCode(sub)
	}
	switch {
	case code != "" && sub != "":
		return code + "/" + sub
	case code != "":
		return code
	case sub != "":
		return sub
	case e.HTTPStatus != 0:
		return fmt.Sprintf("HTTP %d", e.HTTPStatus)
	}
	return e.Class.String()
}

// ClassOf returns the class of err: an *Error's class, Retryable for any other error (a
// transport failure has an unknown outcome), 0 for nil.
func ClassOf(err error) Class {
	if err == nil {
		return 0
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return Retryable
}

// ProvesCredentials tells what the answer to a credential check means: nil when Alipay
// accepted the call's signature — a success, or a business failure in an answer Alipay
// signed — and err otherwise (an authentication failure, no answer, or an answer nobody
// vouches for, such as an HTTP 404 from a wrong URL).
func ProvesCredentials(err error) error {
	var e *Error
	if err == nil || (errors.As(err, &e) && e.Verified && e.Class != Auth && !e.Class.Retry()) {
		return nil
	}
	return err
}
